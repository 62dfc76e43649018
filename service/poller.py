"""Watch IMAP folders and hand each new message to ingest once; the only module that talks IMAP."""

from __future__ import annotations

import logging
import random
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta

import imapclient
import imapclient.imapclient
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from service.config import Settings
from service.ingest import Ingest, Outcome
from service.mailbox import connect_imap
from service.store import Store

log = logging.getLogger("gracemail.poller")

FOLDERS = {"offer": "Jobs/Offer", "not_now": "Jobs/Not now", "hard_no": "Jobs/Rejected"}
# Errors after which reconnecting can help: the connection, not the account, is at fault.
TRANSIENT = (OSError, socket.timeout, ssl.SSLError, IMAPClientError, EOFError, TimeoutError)


class CredentialsError(RuntimeError):
    """Raised when the server refuses the account: retrying cannot help."""


def backoff_delays(base: float = 0.5, cap: float = 60.0) -> Iterable[float]:
    """Yield exponentially growing delays with full jitter, capped."""
    attempt = 0
    while True:
        yield random.uniform(base, min(cap, base * 2**attempt))
        attempt = min(attempt + 1, 16)


def _is_temporary_login_failure(exc: Exception) -> bool:
    text = str(exc).upper()
    return "UNAVAILABLE" in text or "TEMPORARY" in text or "TRY AGAIN" in text


class Poller:
    """Keeps a mailbox's folders in sync: backfill, then IDLE (or polling), labelling as it goes."""

    def __init__(
        self,
        settings: Settings,
        ingest: Ingest,
        store: Store,
        stop: threading.Event | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self.settings = settings
        self.ingest = ingest
        self.store = store
        self.stop = stop or threading.Event()
        self.progress = progress
        self.client: IMAPClient | None = None
        self.keywords = {
            "offer": settings.imap_keyword_offer,
            "hard_no": settings.imap_keyword_hard_no,
            "not_now": settings.imap_keyword_not_now,
        }

    # --- connection -------------------------------------------------------------------------

    def connect(self) -> IMAPClient:
        """Open, secure and log in a connection; raises CredentialsError on a refused account."""
        s = self.settings
        if s.imap_tls == "none" and not s.imap_allow_plain:
            raise CredentialsError(
                "GRACEMAIL_IMAP_TLS=none sends the password in clear; "
                "set GRACEMAIL_IMAP_ALLOW_PLAIN=true to allow it (e.g. on loopback)"
            )
        try:
            return connect_imap(s)
        except LoginError as exc:
            if _is_temporary_login_failure(exc):
                raise ConnectionError(f"temporary login failure: {exc}") from exc
            raise CredentialsError(
                f"IMAP login refused for user {s.imap_user!r} at {s.imap_host}: check the credentials"
            ) from exc

    def disconnect(self) -> None:
        """Log out, ignoring a connection that is already gone."""
        if self.client is not None:
            try:
                self.client.logout()
            except Exception:  # the socket may be dead already; nothing is lost
                pass
            self.client = None

    # --- one folder -------------------------------------------------------------------------

    def sync_folder(self, folder: str) -> int:
        """Handle every message new in folder since its checkpoint; return how many were handled."""
        assert self.client is not None
        status = self.client.select_folder(folder)
        uidvalidity = int(status[b"UIDVALIDITY"])
        checkpoint = self.store.get_checkpoint(folder)
        if checkpoint is not None and checkpoint[0] == uidvalidity:
            self._relabel_pending(folder)
            last = checkpoint[1]
            uids = [u for u in self.client.search(["UID", f"{last + 1}:*"]) if u > last]
        else:
            if checkpoint is not None:
                log.warning(
                    "%s: UIDVALIDITY changed; rescanning (stored messages are not redrafted)",
                    folder,
                )
            since = date.today() - timedelta(days=self.settings.imap_backfill_days)
            uids = (
                self.client.search(["SINCE", since])
                if checkpoint is None
                else self.client.search(["ALL"])
            )
            if not uids:
                self.store.set_checkpoint(
                    folder, uidvalidity, max(self.client.search(["ALL"]) or [0])
                )
        uids = sorted(uids)
        done = 0
        for i in range(0, len(uids), self.settings.imap_batch_size):
            if self.stop.is_set():
                break
            batch = uids[i : i + self.settings.imap_batch_size]
            self._handle_batch(folder, uidvalidity, batch)
            done += len(batch)
            if self.progress:
                self.progress(folder, done, len(uids))
        return done

    def _fetch(self, uids: list[int]) -> dict[int, bytes]:
        assert self.client is not None
        limit = self.settings.max_message_bytes
        sizes = self.client.fetch(uids, ["RFC822.SIZE"])
        small = [u for u in uids if int(sizes.get(u, {}).get(b"RFC822.SIZE", 0)) <= limit]
        large = [u for u in uids if u in sizes and u not in small]
        raws: dict[int, bytes] = {}
        if small:
            for uid, data in self.client.fetch(small, ["BODY.PEEK[]"]).items():
                raws[uid] = data.get(b"BODY[]") or b""
        if large:  # read only up to the limit; the rest of a huge message is attachments
            for uid, data in self.client.fetch(large, [f"BODY.PEEK[]<0.{limit}>"]).items():
                raws[uid] = data.get(b"BODY[]<0>") or b""
        return raws

    def _handle_batch(self, folder: str, uidvalidity: int, uids: list[int]) -> list[Outcome]:
        raws = self._fetch(uids)
        items = [(raws[u], u) for u in uids if u in raws]
        # labels, drafts and the checkpoint commit together: a crash replays the whole batch,
        # and the replay finds every Message-ID stored, so nothing is drafted twice
        outcomes = self.ingest.handle_many(
            items, folder=folder, checkpoint=(folder, uidvalidity, max(uids))
        )
        by_label: dict[str, list[int]] = {}
        for (_, uid), outcome in zip(items, outcomes, strict=True):
            if outcome.label in FOLDERS and uid is not None:
                by_label.setdefault(outcome.label, []).append(uid)
        self._apply_labels(folder, by_label)
        if self.settings.imap_save_drafts:
            self._save_drafts(outcomes)
        return outcomes

    # --- labelling --------------------------------------------------------------------------

    def _relabel_pending(self, folder: str) -> None:
        by_label: dict[str, list[int]] = {}
        for uid, label in self.store.unlabelled(folder):
            by_label.setdefault(label, []).append(uid)
        if by_label:
            self._apply_labels(folder, by_label)

    def _apply_labels(self, folder: str, by_label: dict[str, list[int]]) -> None:
        assert self.client is not None
        if not by_label:
            return
        mode = self.settings.imap_label_mode
        caps = self.client.capabilities()
        for label, uids in by_label.items():
            if b"X-GM-EXT-1" in caps:
                self.client.add_gmail_labels(uids, [FOLDERS[label]])
            elif mode == "keywords":
                self.client.add_flags(uids, [self.keywords[label]])
            else:
                target = FOLDERS[label]
                if not self.client.folder_exists(target):
                    self.client.create_folder(target)
                if mode == "move" and b"MOVE" in caps:
                    self.client.move(uids, target)
                else:
                    self.client.copy(uids, target)
        self.store.mark_labelled(folder, [u for uids in by_label.values() for u in uids])

    def _save_drafts(self, outcomes: list[Outcome]) -> None:
        from drafts.compose import compose_message

        assert self.client is not None
        drafts_folder = self.client.find_special_folder(imapclient.imapclient.DRAFTS) or "Drafts"
        profile = self.ingest.profile
        for outcome in outcomes:
            for d in outcome.drafts:
                message = compose_message(d, profile)
                self.client.append(drafts_folder, message.as_bytes(), flags=[imapclient.DRAFT])

    # --- the loop ---------------------------------------------------------------------------

    def sync_all(self) -> int:
        """Sync every configured folder once; return how many messages were handled."""
        return sum(self.sync_folder(folder) for folder in self.settings.folders)

    def wait_for_mail(self) -> None:
        """Return when the selected folder may have new mail: IDLE if offered, else a poll delay."""
        assert self.client is not None
        if b"IDLE" not in self.client.capabilities() or len(self.settings.folders) > 1:
            self.stop.wait(self.settings.imap_poll_seconds)
            return
        self.client.idle()
        deadline = time.monotonic() + self.settings.imap_idle_seconds  # re-issued before 29 min
        try:
            while not self.stop.is_set() and time.monotonic() < deadline:
                responses = self.client.idle_check(timeout=1)
                if any(r[1] in (b"EXISTS", b"RECENT") for r in responses if len(r) > 1):
                    break
                if any(r[0] == b"BYE" for r in responses):
                    raise ConnectionError("server closed the connection")
        finally:
            self.client.idle_done()

    def run(self, once: bool = False) -> None:
        """Sync and wait until stopped, reconnecting with backoff; raises CredentialsError."""
        delays = iter(backoff_delays())
        while not self.stop.is_set():
            try:
                if self.client is None:
                    self.client = self.connect()
                    log.info("connected to %s", self.settings.imap_host)
                self.sync_all()
                delays = iter(backoff_delays())  # a good round resets the backoff
                if once:
                    break
                self.wait_for_mail()
            except CredentialsError:
                self.disconnect()
                raise
            except (*TRANSIENT, ConnectionError) as exc:
                log.warning("IMAP connection problem (%s); reconnecting", exc)
                if self.client is not None:
                    try:
                        self.client.shutdown()
                    except Exception:  # already closed
                        pass
                    self.client = None
                self.stop.wait(next(delays))
        self.disconnect()


def print_progress(folder: str, done: int, total: int) -> None:
    """Draw a one-line progress bar on stderr."""
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r{folder}: [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
