"""Watch IMAP folders and hand each new message to ingest once: the loop and nothing else."""

from __future__ import annotations

import logging
import random
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from classifier.labels import Label
from drafts.compose import compose_message
from service.config import Settings
from service.ingest import Fetched, Ingest, Outcome
from service.mail.imap import FOLDERS, TRANSIENT, CredentialsError, Imap
from service.store import Checkpoint, Store

log = logging.getLogger("gracemail.poller")

__all__ = ["CredentialsError", "Poller", "backoff_delays", "print_progress"]


def backoff_delays(base: float = 0.5, cap: float = 60.0) -> Iterable[float]:
    """Yield exponentially growing delays with full jitter, capped."""
    attempt = 0
    while True:
        yield random.uniform(base, min(cap, base * 2**attempt))
        attempt = min(attempt + 1, 16)


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
        self.imap: Imap | None = None

    def sync_folder(self, imap: Imap, folder: str) -> int:
        """Handle every message new in folder since its checkpoint; return how many were handled."""
        uidvalidity = imap.select(folder)
        checkpoint = self.store.messages.checkpoint(folder)
        if checkpoint is not None and checkpoint.uidvalidity == uidvalidity:
            self._label_pending(imap, folder)
            uids = imap.uids_after(checkpoint.last_uid)
        else:
            if checkpoint is not None:
                log.warning(
                    "%s: UIDVALIDITY changed; rescanning (stored messages are not redrafted)",
                    folder,
                )
            since = date.today() - timedelta(days=self.settings.imap_backfill_days)
            uids = imap.uids_since(since if checkpoint is None else None)
            if not uids:
                # skip only what is older than the backfill window: mail that arrived since the
                # search above has a higher UID but is not old, so the next sync handles it
                last = imap.last_uid_before(since) if checkpoint is None else 0
                self.store.messages.set_checkpoint(Checkpoint(folder, uidvalidity, last))
        done = 0
        for i in range(0, len(uids), self.settings.imap_batch_size):
            if self.stop.is_set():
                break
            batch = uids[i : i + self.settings.imap_batch_size]
            self._handle_batch(imap, Checkpoint(folder, uidvalidity, max(batch)), batch)
            done += len(batch)
            if self.progress:
                self.progress(folder, done, len(uids))
        return done

    def _handle_batch(self, imap: Imap, checkpoint: Checkpoint, uids: list[int]) -> None:
        raws = imap.fetch(uids)
        items = [Fetched(raws[u], u) for u in uids if u in raws]
        # labels, drafts and the checkpoint commit together: a crash replays the whole batch,
        # and the replay finds every Message-ID stored, so nothing is drafted twice
        outcomes = self.ingest.handle_many(items, folder=checkpoint.folder, checkpoint=checkpoint)
        by_label: dict[Label, list[int]] = {}
        for item, outcome in zip(items, outcomes, strict=True):
            if outcome.label in FOLDERS and item.uid is not None:
                by_label.setdefault(outcome.label, []).append(item.uid)
        self._label(imap, checkpoint.folder, by_label)
        if self.settings.imap_save_drafts:
            self._save_drafts(imap, outcomes)

    def _label_pending(self, imap: Imap, folder: str) -> None:
        by_label: dict[Label, list[int]] = {}
        for uid, label in self.store.messages.unlabelled(folder):
            by_label.setdefault(label, []).append(uid)
        self._label(imap, folder, by_label)

    def _label(self, imap: Imap, folder: str, by_label: dict[Label, list[int]]) -> None:
        if by_label:
            imap.apply_labels(by_label)
            self.store.messages.mark_labelled(folder, [u for us in by_label.values() for u in us])

    def _save_drafts(self, imap: Imap, outcomes: list[Outcome]) -> None:
        profile = self.settings.sender_profile()  # the same From as mail that is sent
        raws = [compose_message(d, profile).as_bytes() for o in outcomes for d in o.drafts]
        if raws:
            imap.append_drafts(raws)

    def sync_all(self, imap: Imap) -> int:
        """Sync every configured folder once; return how many messages were handled."""
        return sum(self.sync_folder(imap, folder) for folder in self.settings.folders)

    def run(self, once: bool = False) -> None:
        """Sync and wait until stopped, reconnecting with backoff; raises CredentialsError."""
        delays = iter(backoff_delays())
        while not self.stop.is_set():
            try:
                if self.imap is None:
                    self.imap = Imap(self.settings)
                    log.info("connected to %s", self.settings.imap_host)
                self.sync_all(self.imap)
                delays = iter(backoff_delays())  # a good round resets the backoff
                if once:
                    break
                self.imap.wait_for_mail(self.stop)
            except CredentialsError:
                self._drop(polite=True)
                raise
            except (*TRANSIENT, ConnectionError) as exc:
                log.warning("IMAP connection problem (%s); reconnecting", exc)
                self._drop(polite=False)
                self.stop.wait(next(delays))
        self._drop(polite=True)

    def _drop(self, polite: bool) -> None:
        if self.imap is not None:
            self.imap.close() if polite else self.imap.abort()
            self.imap = None


def print_progress(folder: str, done: int, total: int) -> None:
    """Draw a one-line progress bar on stderr."""
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r{folder}: [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
