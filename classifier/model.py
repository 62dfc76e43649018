"""Load, save and use the trained model: message in, Prediction out."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
import skops.io as sio
from sklearn.pipeline import Pipeline

from classifier.corpus import corpus_digest, load_corpus
from classifier.features import PIPELINE_VERSION
from classifier.labels import ACTIONABLE, Label
from classifier.language import detect_language
from classifier.parse import Message
from classifier.scorer import LinearScorer
from classifier.slots import Slots, extract_slots
from classifier.train import EvalReport, cross_validate, fit

# The only code a model file may name; anything else in a file is refused on load.
_TRUSTED = {
    "classifier.features.normalize_text",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
}

# "unable to offer you the role" is a no; keyword trackers get this wrong, the model must not.
_NEGATED_OFFER = re.compile(
    r"\b(?:unable|not able|not in a position|cannot|can't|can ?not|won't|will not|would not|wouldn't"
    r"|not be|decided not|no longer|not going to|rescind\w*|withdraw\w*|retract\w*)\b[^.!?\n]{0,40}"
    r"\b(?:offer|extend)"
    # and after it: "the conditional offer made to you is therefore withdrawn"
    r"|\boffer\b[^.!?\n]{0,60}\b(?:is|has been|have been|was|were|will be|had to be)\s+"
    r"(?:therefore\s+|now\s+|hereby\s+|unfortunately\s+|being\s+)?"
    r"(?:withdrawn|rescinded|retracted|revoked|cancell?ed|void)",
    re.IGNORECASE,
)
_POSITIVE_OFFER = re.compile(
    r"\b(?:pleased|delighted|happy|thrilled|excited|glad) to (?:offer|extend)|offer letter"
    r"|formal offer|(?:attached|enclosed) (?:is )?(?:your|the) offer|we(?:'d| would) (?:love|like) "
    r"(?:to have )?you (?:to )?join",
    re.IGNORECASE,
)


def _negated_offer(text: str) -> bool:
    return bool(_NEGATED_OFFER.search(text)) and not _POSITIVE_OFFER.search(text)


@dataclass(frozen=True)
class Prediction:
    """A label with the model's confidence in it, and the slots and language of the message."""

    label: Label
    confidence: float
    slots: Slots
    language: str


@dataclass
class Classifier:
    """A fitted pipeline and the threshold below which an actionable label becomes `other`."""

    pipeline: Pipeline
    threshold: float
    scorer: LinearScorer | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            self.scorer = LinearScorer(self.pipeline)
        except (AttributeError, KeyError, ValueError):  # another shape of pipeline: the slow path
            self.scorer = None

    def predict(self, msg: Message) -> Prediction:
        """Return the label, confidence, slots and language of one message."""
        return self.predict_many([msg])[0]

    def predict_many(self, messages: list[Message]) -> list[Prediction]:
        """Return predictions for messages, in order; one model call for all of them."""
        if not messages:
            return []
        texts = [m.features_text for m in messages]
        if self.scorer is not None:
            probabilities, classes = self.scorer.proba(texts), self.scorer.classes
        else:
            probabilities = self.pipeline.predict_proba(texts)
            classes = [str(c) for c in self.pipeline.classes_]
        return [
            self._decide(msg, row, classes)
            for msg, row in zip(messages, probabilities, strict=True)
        ]

    def _decide(self, msg: Message, row: np.ndarray, classes: list[str]) -> Prediction:
        order = np.argsort(row)[::-1]
        label: str = classes[int(order[0])]
        confidence = float(row[order[0]])
        if label == "offer" and _negated_offer(f"{msg.subject}\n{msg.new_text}"):
            label = "hard_no" if classes[int(order[1])] == "hard_no" else "other"
            confidence = float(row[classes.index(label)])
        if label in ACTIONABLE and confidence < self.threshold:
            label, confidence = "other", 1.0 - confidence
        return Prediction(
            label=label,  # type: ignore[arg-type]  # classes_ are the four labels
            confidence=round(confidence, 4),
            slots=extract_slots(msg) if label in ACTIONABLE else Slots(),
            language=detect_language(msg.new_text),
        )


def save_classifier(classifier: Classifier, path: Path, meta: dict[str, object]) -> None:
    """Write the model with skops and its metadata beside it as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    sio.dump(classifier.pipeline, tmp)
    tmp.replace(path)  # a reader never sees half a model
    meta = {**meta, "threshold": classifier.threshold}
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def read_meta(path: Path) -> dict[str, object]:
    """Return the metadata saved beside a model, or {} when there is none."""
    try:
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_classifier(path: Path) -> Classifier:
    """Load a saved model; raises ValueError when the file names code we do not trust."""
    untrusted = set(sio.get_untrusted_types(file=path))
    if untrusted - _TRUSTED:
        raise ValueError(f"{path}: model file names untrusted types {sorted(untrusted - _TRUSTED)}")
    pipeline = sio.load(path, trusted=sorted(untrusted))
    return Classifier(
        pipeline=pipeline, threshold=float(str(read_meta(path).get("threshold", 0.5)))
    )


def is_fresh(path: Path, digest: str) -> bool:
    """Return True when the model at path was trained on this corpus, scikit-learn and pipeline."""
    meta = read_meta(path)
    return (
        path.exists()
        and meta.get("corpus_hash") == digest
        and meta.get("sklearn_version") == sklearn.__version__
        and meta.get("pipeline_version") == PIPELINE_VERSION
    )


def train_classifier(
    path: Path, extra: list[tuple[bytes, Label]] | None = None, evaluate: bool = True
) -> tuple[Classifier, EvalReport | None]:
    """Train on the corpus (plus extra examples), save to path; return it and its CV report."""
    corpus = load_corpus(extra=extra or [])
    started = time.perf_counter()
    evaluation = cross_validate(corpus) if evaluate else None
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
