"""The store: one database, three sets of tables; the only package that runs SQL."""

from __future__ import annotations

import copy

from service.store.applications import ApplicationSource
from service.store.db import Database, utcnow
from service.store.drafts import Drafts, DraftStatus
from service.store.messages import Checkpoint, Messages
from service.store.secrets import Secrets
from service.store.tables import DraftRow, MessageRow

__all__ = [
    "Checkpoint",
    "DraftRow",
    "DraftStatus",
    "Drafts",
    "MessageRow",
    "Messages",
    "Secrets",
    "Store",
    "utcnow",
]


class Store:
    """A database and its parts: messages (with checkpoints), drafts, secrets.

    A store sees the single user's mail; for_account gives one that sees one account's only.
    """

    def __init__(self, url: str, upgrade: bool = True) -> None:
        self.db = Database(url, upgrade=upgrade)
        self.account_id: int | None = None
        self.messages = Messages(self.db)
        self.drafts = Drafts(self.db)
        self.secrets = Secrets(self.db)
        self.applications = ApplicationSource(self.db)
        self._scoped: dict[int | None, Store] = {}

    def for_account(self, account_id: int | None) -> Store:
        """Return the store on the same engine that reads and writes account_id's rows only.

        One per account, kept: what is cached per store (application records) stays per account.
        """
        if account_id == self.account_id:
            return self
        scoped = self._scoped.get(account_id)
        if scoped is None:
            scoped = copy.copy(self)
            scoped.account_id = account_id
            scoped.messages = Messages(self.db, account_id)
            scoped.drafts = Drafts(self.db, account_id)
            scoped.applications = ApplicationSource(self.db, account_id)
            scoped._scoped = {}
            self._scoped[account_id] = scoped
        return scoped
