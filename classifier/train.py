"""Fit the pipeline on a corpus, cross-validate it, and pick the threshold that keeps `other` safe."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import sklearn
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from classifier.corpus import Corpus, corpus_digest, load_corpus
from classifier.features import PIPELINE_VERSION, build_pipeline
from classifier.labels import ACTIONABLE, LABELS, Label
from classifier.model import Classifier
from classifier.persist import is_fresh, load_classifier, save_classifier

TARGET_ACTIONABLE_PRECISION = 0.98  # a draft shown for a newsletter costs more than a missed one


@dataclass(frozen=True)
class EvalReport:
    """Cross-validated figures: macro-F1, per-label precision/recall, confusion matrix."""

    macro_f1: float
    actionable_precision: float
    per_label: dict[str, tuple[float, float]]
    confusion: list[list[int]]
    threshold: float
    n_messages: int
    by_language: dict[str, tuple[int, float]] = field(default_factory=dict)  # lang: (n, accuracy)

    def format(self) -> str:
        """Return the report as the text `gracemail eval` prints."""
        lines = [
            f"messages: {self.n_messages}   threshold: {self.threshold:.2f}",
            f"macro-F1: {self.macro_f1:.3f}   actionable precision: {self.actionable_precision:.3f}",
            "label      precision  recall",
        ]
        for label, (p, r) in self.per_label.items():
            lines.append(f"{label:<10} {p:9.3f}  {r:6.3f}")
        lines.append("confusion (rows true, columns predicted): " + " ".join(LABELS))
        for label, row in zip(LABELS, self.confusion, strict=True):
            lines.append(f"{label:<10} " + " ".join(f"{n:7d}" for n in row))
        if self.by_language:
            lines.append(
                "accuracy by language: "
                + ", ".join(
                    f"{lang} {acc:.2f} ({n})" for lang, (n, acc) in self.by_language.items()
                )
            )
        return "\n".join(lines)


def apply_threshold(
    probabilities: np.ndarray, classes: Sequence[str], threshold: float
) -> list[Label]:
    """Return labels from probabilities, demoting unsure actionable ones to `other`."""
    out: list[Label] = []
    for row in probabilities:
        i = int(np.argmax(row))
        label = cast(Label, classes[i])  # the classes are the labels
        out.append(label if label not in ACTIONABLE or row[i] >= threshold else "other")
    return out


def actionable_precision(truth: list[Label], predicted: list[Label]) -> float:
    """Return the share of messages predicted actionable whose true label is actionable."""
    marked = [t for t, p in zip(truth, predicted, strict=True) if p in ACTIONABLE]
    return sum(t in ACTIONABLE for t in marked) / len(marked) if marked else 1.0


def choose_threshold(
    probabilities: np.ndarray, classes: Sequence[str], truth: list[Label]
) -> float:
    """Return the threshold with the best macro-F1 among those meeting the precision target."""
    best, best_f1 = 0.95, -1.0
    for threshold in np.arange(0.30, 0.96, 0.01):
        predicted = apply_threshold(probabilities, classes, float(threshold))
        if actionable_precision(truth, predicted) < TARGET_ACTIONABLE_PRECISION:
            continue
        f1 = float(f1_score(truth, predicted, labels=list(LABELS), average="macro"))
        if f1 > best_f1 + 1e-9:
            best, best_f1 = round(float(threshold), 2), f1
    return best


def report(
    truth: list[Label], predicted: list[Label], threshold: float, langs: Sequence[str] = ()
) -> EvalReport:
    """Return the figures for predictions against the truth (and per language, when given)."""
    hits: dict[str, list[bool]] = {}
    for lang, t, p in zip(langs or [""] * len(truth), truth, predicted, strict=True):
        if lang:
            hits.setdefault(lang, []).append(t == p)
    by_language = {
        lang: (len(h), sum(h) / len(h))
        for lang, h in sorted(hits.items(), key=lambda x: -len(x[1]))
    }
    p, r, _, _ = precision_recall_fscore_support(
        truth, predicted, labels=list(LABELS), zero_division=0
    )
    return EvalReport(
        macro_f1=float(f1_score(truth, predicted, labels=list(LABELS), average="macro")),
        actionable_precision=actionable_precision(truth, predicted),
        per_label={lab: (float(p[i]), float(r[i])) for i, lab in enumerate(LABELS)},
        confusion=confusion_matrix(truth, predicted, labels=list(LABELS)).tolist(),
        threshold=threshold,
        n_messages=len(truth),
        by_language=by_language,
    )


def cross_validate(corpus: Corpus, folds: int = 5, seed: int = 0) -> EvalReport:
    """Return stratified k-fold figures; the threshold is chosen on the out-of-fold scores."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    probabilities = cross_val_predict(
        build_pipeline(), corpus.texts, corpus.labels, cv=cv, method="predict_proba"
    )
    classes = sorted(set(corpus.labels))
    threshold = choose_threshold(probabilities, classes, corpus.labels)
    predicted = apply_threshold(probabilities, classes, threshold)
    return report(corpus.labels, predicted, threshold, corpus.langs)


def fit(corpus: Corpus) -> Pipeline:
    """Return the pipeline fitted on the whole corpus."""
    return build_pipeline().fit(corpus.texts, corpus.labels)


def train_classifier(
    path: Path,
    extra: list[tuple[bytes, Label]] | None = None,
    evaluate: bool = True,
    progress: Callable[[str], None] = lambda step: None,
) -> tuple[Classifier, EvalReport | None]:
    """Train on the corpus (plus extra examples), save to path; return it and its CV report."""
    progress("reading the corpus")
    corpus = load_corpus(extra=extra or [])
    started = time.perf_counter()
    if evaluate:
        progress("cross-validating (5 folds)")
    evaluation = cross_validate(corpus) if evaluate else None
    progress("fitting the final model")
    classifier = Classifier(
        pipeline=fit(corpus), threshold=evaluation.threshold if evaluation else 0.5
    )
    meta: dict[str, object] = {
        "corpus_hash": corpus.digest,
        "sklearn_version": sklearn.__version__,
        "pipeline_version": PIPELINE_VERSION,
        "n_messages": len(corpus.texts),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    if evaluation:
        meta["cv_macro_f1"] = round(evaluation.macro_f1, 4)
        meta["cv_actionable_precision"] = round(evaluation.actionable_precision, 4)
    save_classifier(classifier, path, meta)
    return classifier, evaluation


def ensure_classifier(path: Path, extra: list[tuple[bytes, Label]] | None = None) -> Classifier:
    """Return the model at path, training it first when it is missing or stale."""
    if is_fresh(path, corpus_digest(extra=extra or [])):
        return load_classifier(path)
    return train_classifier(path, extra=extra)[0]
