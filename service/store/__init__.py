"""The store: one database, three sets of tables; the only package that runs SQL."""

from __future__ import annotations

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
    """A database and its parts: messages (with checkpoints), drafts, secrets."""

    def __init__(self, url: str, upgrade: bool = True) -> None:
        self.db = Database(url, upgrade=upgrade)
        self.messages = Messages(self.db)
        self.drafts = Drafts(self.db)
        self.secrets = Secrets(self.db)
        self.applications = ApplicationSource(self.db)
