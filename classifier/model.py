"""Use the trained model: message in, Prediction out, with the rule that decides the label."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from classifier.labels import ACTIONABLE, Label, MailKind
from classifier.language import detect_language
from classifier.lean import LeanRuntime
from classifier.parse import Message
from classifier.slots import Slots, extract_slots

if TYPE_CHECKING:  # numpy only where batches are scored: a run for one message never imports it
    from classifier.runtime import Runtime

Rows = Sequence[Sequence[float]]
# A process that has scored this many texts is long-lived or has a batch: numpy then pays for its
# import (a tenth of a second here), and scores a text several times faster than the lean scorer.
LEAN_TEXTS = 16

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
    kind: MailKind = "outcome"

    def fields(self) -> dict[str, str | float]:
        """Return the label, kind, confidence, slots and language as one flat mapping."""
        return {
            "label": self.label,
            "kind": self.kind,
            "confidence": self.confidence,
            "contact_name": self.slots.contact_name,
            "company": self.slots.company,
            "role": self.slots.role,
            "language": self.language,
        }


class Classifier:
    """The label and kind models, and the rule that turns their probabilities into a label.

    An actionable label becomes `other` below threshold, or when the kind model gives the
    message less than outcome_gate chance of being an outcome at all. It scores its first few
    texts with the lean scorer when it has one, then with the numpy runtime (built from the
    pipelines, or loaded on first use through `load_runtime`); the scikit-learn pipelines are
    the reference, kept when given and otherwise loaded on first use through `reference`.
    """

    def __init__(
        self,
        pipeline: Any = None,
        threshold: float = 0.5,
        kind_pipeline: Any = None,
        outcome_gate: float = 0.0,
        runtime: Runtime | None = None,
        reference: Callable[[], tuple[Any, Any]] | None = None,
        lean: LeanRuntime | None = None,
        load_runtime: Callable[[], Runtime] | None = None,
    ) -> None:
        self.threshold = threshold
        self.outcome_gate = outcome_gate
        self._reference = reference
        self._pipelines: tuple[Any, Any] | None = None
        self._lean = lean
        self._load_runtime = load_runtime
        self._scored = 0
        if pipeline is not None:
            self._pipelines = (pipeline, kind_pipeline)
        if runtime is None and lean is None:
            if pipeline is None:
                raise ValueError("a Classifier needs its pipelines or their runtime")
            runtime = _runtime_or_none(pipeline, kind_pipeline)
        self._runtime = runtime
        scorer = runtime or lean
        if scorer is not None:
            self.classes = list(scorer.label.classes)
            kinds = scorer.kind.classes if scorer.kind is not None else []
        else:  # another shape of pipeline: scored by scikit-learn itself
            self.classes = [str(c) for c in pipeline.classes_]
            kinds = kind_pipeline.classes_ if kind_pipeline is not None else []
        self.kinds = [cast(MailKind, str(k)) for k in kinds]

    @property
    def runtime(self) -> Runtime | None:
        """Return the numpy runtime, loading it on first use; None for a pipeline it cannot score."""
        if self._runtime is None and self._load_runtime is not None:
            self._runtime = self._load_runtime()
            self._load_runtime = None
        return self._runtime

    @property
    def pipeline(self) -> Any:
        """Return the scikit-learn label pipeline, the reference the runtime is checked against."""
        return self._reference_pipelines()[0]

    @property
    def kind_pipeline(self) -> Any:
        """Return the scikit-learn kind pipeline, or None when there is no kind model."""
        if not self.kinds:
            return None
        return self._reference_pipelines()[1]

    def _reference_pipelines(self) -> tuple[Any, Any]:
        if self._pipelines is None:
            if self._reference is None:
                raise LookupError("this classifier was loaded without its scikit-learn pipelines")
            self._pipelines = self._reference()
        return self._pipelines

    def predict(self, msg: Message) -> Prediction:
        """Return the label, confidence, slots and language of one message."""
        return self.predict_many([msg])[0]

    def predict_many(self, messages: list[Message]) -> list[Prediction]:
        """Return predictions for messages, in order; one model call for all of them."""
        if not messages:
            return []
        texts = [m.features_text for m in messages]
        probabilities, kind_probabilities = self.probabilities(texts)
        if kind_probabilities is None:
            return [
                self._decide(msg, row, "outcome", 1.0)
                for msg, row in zip(messages, probabilities, strict=True)
            ]
        outcome = self.kinds.index("outcome")
        return [
            self._decide(msg, row, self.kinds[_argmax(k)], float(k[outcome]))
            for msg, row, k in zip(messages, probabilities, kind_probabilities, strict=True)
        ]

    def probabilities(self, texts: list[str]) -> tuple[Rows, Rows | None]:
        """Return the label probabilities of texts, and the kind probabilities when there is a kind model."""
        lean_only = self._runtime is None and self._load_runtime is None
        if self._lean is not None and (lean_only or self._scored + len(texts) <= LEAN_TEXTS):
            self._scored += len(texts)
            return self._lean.probabilities(texts)
        if self.runtime is not None:
            return cast(tuple[Rows, Rows | None], self.runtime.probabilities(texts))
        pipeline, kind_pipeline = self._reference_pipelines()
        kinds = kind_pipeline.predict_proba(texts) if kind_pipeline is not None else None
        return pipeline.predict_proba(texts), kinds

    def _decide(
        self, msg: Message, row: Sequence[float], kind: MailKind, p_outcome: float
    ) -> Prediction:
        classes = self.classes
        order = sorted(range(len(row)), key=row.__getitem__, reverse=True)
        label = cast(Label, classes[order[0]])  # classes_ are the four labels
        confidence = float(row[order[0]])
        if label == "offer" and _negated_offer(f"{msg.subject}\n{msg.new_text}"):
            label = "hard_no" if classes[order[1]] == "hard_no" else "other"
            confidence = float(row[classes.index(label)])
        if label in ACTIONABLE and (confidence < self.threshold or p_outcome < self.outcome_gate):
            label, confidence = "other", 1.0 - confidence
        if label in ACTIONABLE:
            kind = "outcome"
        return Prediction(
            label=label,
            confidence=round(confidence, 4),
            slots=extract_slots(msg) if label in ACTIONABLE else Slots(),
            language=detect_language(msg.new_text),
            kind=kind,
        )


def _argmax(values: Sequence[float]) -> int:
    return max(range(len(values)), key=values.__getitem__)


def _runtime_or_none(pipeline: Any, kind_pipeline: Any) -> Runtime | None:
    from classifier.runtime import runtime_of

    try:
        return runtime_of(pipeline, kind_pipeline)
    except (AttributeError, KeyError, ValueError):  # another shape of pipeline: the slow path
        return None
