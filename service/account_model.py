"""Per-account models: the base corpus plus one account's corrections, for that account only.

A stored correction changes its own message's label at once (the label is the stored row's,
and the same Message-ID arriving again in that account is answered with it). What a model
learns from corrections comes from a retrain, on demand or overnight (`gracemail accounts
retrain`), into a folder of the account's own beside the shared model; a worker labels that
account's mail with it, and every other account's with the shared one.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from classifier.labels import Label
from service.config import Settings

if TYPE_CHECKING:
    from classifier.model import Classifier
    from service.store import Store

log = logging.getLogger("gracemail.models")
Retrained = Literal["trained", "unchanged", "removed", "none"]


def account_model_path(settings: Settings, account_id: int) -> Path:
    """Return where account_id's own model lives: accounts/<id>/ beside the shared model."""
    return settings.resolved_model_path.parent / "accounts" / str(account_id) / "model.skops"


@dataclass(frozen=True)
class RetrainResult:
    """What a per-account retrain did, with how many corrections and how long it took."""

    account_id: int
    status: Retrained
    corrections: int = 0
    seconds: float = 0.0
    path: Path | None = None


def retrain_account(
    settings: Settings, store: Store, account_id: int, evaluate: bool = False, force: bool = False
) -> RetrainResult:
    """Train account_id's model on the corpus plus its corrections, unless it is fresh already.

    Without evaluate the decision rule (threshold, outcome gate) is the shared model's, chosen
    by its cross-validation: a few corrections do not move it, and a fit alone is 6x faster
    than one with 5 folds. An account with no corrections has its model removed.
    """
    from classifier.corpus import corpus_digest
    from classifier.persist import is_fresh

    corrections = store.for_account(account_id).messages.corrections()
    path = account_model_path(settings, account_id)
    if not corrections:
        if not path.parent.exists():
            return RetrainResult(account_id, "none")
        shutil.rmtree(path.parent)
        return RetrainResult(account_id, "removed")
    if not force and is_fresh(path, corpus_digest(extra=corrections)):
        return RetrainResult(account_id, "unchanged", len(corrections), 0.0, path)
    started = time.perf_counter()
    # trained into a folder of its own, then swapped in whole: a worker never reads half a model
    staging = path.parent.with_name(f"{account_id}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    _train(settings, staging / path.name, corrections, evaluate)
    old = path.parent.with_name(f"{account_id}.old-{os.getpid()}")
    if path.parent.exists():
        path.parent.rename(old)
    staging.rename(path.parent)
    shutil.rmtree(old, ignore_errors=True)
    seconds = time.perf_counter() - started
    return RetrainResult(account_id, "trained", len(corrections), round(seconds, 1), path)


def _train(
    settings: Settings, path: Path, corrections: list[tuple[bytes, Label]], evaluate: bool
) -> None:
    from classifier.persist import read_meta
    from classifier.train import train_classifier

    if evaluate:
        train_classifier(path, extra=corrections)
        return
    base = read_meta(settings.resolved_model_path)
    train_classifier(
        path,
        extra=corrections,
        evaluate=False,
        rule=(
            float(str(base.get("threshold", 0.5))),
            float(str(base.get("outcome_gate", 0.0))),
        ),
        more_meta={
            "corrections": len(corrections),
            "rule": "the shared model's (no cross-validation)",
        },
    )


class AccountModels:
    """The models a worker labels with: each account's own where it has a usable one, else base.

    A model is read once and kept while its files are unchanged; a retrain swaps the folder,
    so the next sync of that account picks the new one up. A model trained on another corpus
    or pipeline than the shared one is stale: the account is labelled with the shared model
    until it is retrained.
    """

    def __init__(self, settings: Settings, base: Classifier) -> None:
        self.settings = settings
        self.base = base
        self._loaded: dict[int, tuple[tuple[int, int], Classifier]] = {}
        self._stale: set[tuple[int, tuple[int, int]]] = set()  # said once, not at every sync

    def for_account(self, account_id: int) -> Classifier:
        """Return the model to label account_id's mail with."""
        path = account_model_path(self.settings, account_id)
        try:
            st = path.with_suffix(".json").stat()  # written last: the model is complete
        except OSError:
            self._loaded.pop(account_id, None)
            return self.base
        stamp = (st.st_ino, st.st_mtime_ns)
        kept = self._loaded.get(account_id)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        if (account_id, stamp) in self._stale or not self._usable(path):
            if (account_id, stamp) not in self._stale:
                log.warning("account %s: its model is stale; the shared one labels", account_id)
            self._stale.add((account_id, stamp))
            self._loaded.pop(account_id, None)
            return self.base
        from classifier.persist import load_classifier

        model = load_classifier(path)
        self._loaded[account_id] = (stamp, model)
        return model

    def forget(self, account_id: int) -> None:
        """Drop an account's model, e.g. when its lease is lost."""
        self._loaded.pop(account_id, None)

    def _usable(self, path: Path) -> bool:
        from classifier.persist import read_meta

        mine, base = read_meta(path), read_meta(self.settings.resolved_model_path)
        keys = ("base_corpus_hash", "pipeline_version", "sklearn_version")
        return all(mine.get(k) == base.get(k) for k in keys)
