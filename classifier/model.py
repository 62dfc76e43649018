"""Use the trained model: message in, Prediction out, with the rule that decides the label."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from sklearn.pipeline import Pipeline

from classifier.labels import ACTIONABLE, Label
from classifier.language import detect_language
from classifier.parse import Message
from classifier.scorer import LinearScorer
from classifier.slots import Slots, extract_slots

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
        label = cast(Label, classes[int(order[0])])  # classes_ are the four labels
        confidence = float(row[order[0]])
        if label == "offer" and _negated_offer(f"{msg.subject}\n{msg.new_text}"):
            label = "hard_no" if classes[int(order[1])] == "hard_no" else "other"
            confidence = float(row[classes.index(label)])
        if label in ACTIONABLE and confidence < self.threshold:
            label, confidence = "other", 1.0 - confidence
        return Prediction(
            label=label,
            confidence=round(confidence, 4),
            slots=extract_slots(msg) if label in ACTIONABLE else Slots(),
            language=detect_language(msg.new_text),
        )
