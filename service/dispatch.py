"""Send scheduled drafts when their undo window ends, from a thread that lives while any wait."""

from __future__ import annotations

import logging
import threading
import time

from service.config import Settings
from service.mailview import release_due
from service.sender import Sender
from service.store import Store, utcnow

log = logging.getLogger("gracemail.dispatch")
LONGEST_NAP = 1.0  # seconds: a draft undone or scheduled meanwhile is seen this soon
WATCH_SECONDS = 5.0  # how often a process without the web looks for drafts scheduled elsewhere


class Dispatcher:
    """Wakes when a draft is scheduled (and at start), sends what is due, sleeps when none wait."""

    def __init__(self, store: Store, settings: Settings, sender: Sender) -> None:
        self.store = store
        self.settings = settings
        self.sender = sender
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """Make sure a thread is watching the scheduled drafts; cheap when one already is."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, name="gracemail-dispatch", daemon=True
            )
            self._thread.start()

    def watch(self, stop: threading.Event, every: float = WATCH_SECONDS) -> None:
        """Wake every few seconds until stop is set: drafts scheduled by another process, such
        as a `gracemail serve` elsewhere, are then sent from this one (the claim keeps it once)."""
        while not stop.is_set():
            self.wake()
            stop.wait(every)

    def _run(self) -> None:
        while True:
            try:
                release_due(self.store, self.settings, self.sender)
            except Exception:  # one failing round must not strand the rest: try again soon
                log.exception("sending scheduled drafts failed")
            # deciding to stop under the lock: a wake() after a draft was scheduled either
            # sees this thread still running, or starts a new one once it has gone
            with self._lock:
                nearest = self.store.drafts.next_scheduled()
                if nearest is None:
                    self._thread = None
                    return
            wait = (nearest - utcnow()).total_seconds()
            time.sleep(min(max(wait, 0.05), LONGEST_NAP))
