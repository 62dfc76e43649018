"""Retrain the model with the user's corrections in the background, one run at a time."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from service.ingest import Ingest
from service.store import Store

log = logging.getLogger("gracemail.training")

TrainStatus = Literal["idle", "running", "done", "failed"]


@dataclass(frozen=True)
class TrainState:
    """Where a retrain stands: its status, the step it is on, and the figures before and after."""

    status: TrainStatus = "idle"
    step: str = ""
    corrections: int = 0
    before: dict[str, object] = field(default_factory=dict)
    after: dict[str, object] = field(default_factory=dict)
    error: str = ""


class Trainer:
    """Trains in a thread of its own and hands the new model to ingest when it is ready."""

    def __init__(self, model_path: Path, store: Store, ingest: Ingest) -> None:
        self.model_path = model_path
        self.store = store
        self.ingest = ingest
        self._lock = threading.Lock()
        self.state = TrainState()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start a retrain; return False when one is already running."""
        with self._lock:
            if self.state.status == "running":
                return False
            self.state = TrainState(status="running", step="starting")
            self._thread = threading.Thread(target=self._run, name="gracemail-train", daemon=True)
            self._thread.start()
            return True

    def join(self, timeout: float | None = None) -> None:
        """Wait for the running retrain, if any, to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _step(self, step: str) -> None:
        with self._lock:
            self.state = replace(self.state, step=step)

    def _run(self) -> None:
        from classifier.persist import read_meta  # scikit-learn's trainer only when retraining
        from classifier.train import train_classifier

        try:
            corrections = self.store.messages.corrections()
            before = read_meta(self.model_path)
            with self._lock:
                self.state = replace(self.state, corrections=len(corrections), before=before)
            model, _ = train_classifier(self.model_path, extra=corrections, progress=self._step)
            self.ingest.use_classifier(model)
            with self._lock:
                self.state = replace(
                    self.state, status="done", step="", after=read_meta(self.model_path)
                )
        except Exception as exc:  # the old model stays in use; the page says what went wrong
            log.exception("retraining failed")
            with self._lock:
                self.state = replace(self.state, status="failed", step="", error=str(exc))
