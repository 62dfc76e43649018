"""What one request sees: the single user's store and settings, or its account's only.

The login middleware (service.web.auth) puts the session's account id on the request; the
dependencies in service.web.deps ask Views for that account's view. An account's view has its
messages and drafts only, its own profile, no mailbox settings, and a sender that queues.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from fastapi import Request

from service.account_settings import web_settings
from service.config import Settings
from service.ingest import Ingest
from service.sender import Sender
from service.store import Store
from service.store.accounts import Accounts

REREAD_SECONDS = 2.0  # an account's profile edited elsewhere shows this soon


@dataclass(frozen=True)
class View:
    """The store, settings, ingest and sender of one account, or of the single user."""

    store: Store
    settings: Settings
    ingest: Ingest
    sender: Sender


def account_of(request: Request) -> int | None:
    """Return the account the request's session is for; None for the single user (or a token)."""
    return getattr(request.state, "account_id", None)


class Views:
    """Hands out the view of each account, kept for a few seconds."""

    def __init__(self, single: View) -> None:
        self.single = single
        self.accounts = Accounts(single.store.db, "")  # profiles only, never the passwords
        self._lock = threading.Lock()
        self._views: dict[int, tuple[float, View]] = {}

    def of(self, account_id: int | None) -> View:
        """Return the view of account_id; raises LookupError when it no longer exists."""
        if account_id is None:
            return self.single
        now = time.monotonic()
        with self._lock:
            kept = self._views.get(account_id)
        if kept is not None and now - kept[0] < REREAD_SECONDS:
            return kept[1]
        account = self.accounts.get(account_id)
        if account is None:
            raise LookupError(f"no account {account_id}")
        settings = web_settings(self.single.settings, account)
        store = self.single.store.for_account(account_id)
        view = View(
            store,
            settings,
            # the model in use now, a retrained one too
            Ingest(self.single.ingest.classifier, settings.sender_profile(), store),
            Sender(settings, store.drafts, queue=True),
        )
        with self._lock:
            self._views[account_id] = (now, view)
        return view

    def of_request(self, request: Request) -> View:
        """Return the view of the request's account."""
        return self.of(account_of(request))
