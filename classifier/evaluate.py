"""The figures gracemail is judged by, and the decision rule chosen on them.

A real inbox is mostly job-process mail (acknowledgements, assessments, interviews, alerts):
the two figures that matter most are how many of those get a draft they should not get, and how
many rejections are recognised. The corpus has far more outcomes than a real inbox, so the rule
is chosen on figures that count each label as often as a real inbox has it. (Shifting the
probabilities themselves to that mix was tried and lost macro-F1 at every threshold.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from classifier.labels import ACTIONABLE, LABELS, Label

# The mix of labels in a job seeker's inbox (measured on a real one: about 70 % job-process
# mail, 25-28 % rejections, offers and not-nows rare).
REAL_MIX: dict[str, float] = {"other": 0.68, "hard_no": 0.25, "not_now": 0.05, "offer": 0.02}
TARGET_ACTIONABLE_PRECISION = 0.95  # of actionable labels exactly right, at a real inbox's mix
MAX_DRAFTS_PER_100 = 1.0  # false drafts per 100 job-process messages the rule may allow


def label_weights(labels: Sequence[str]) -> dict[str, float]:
    """Return per-label factors that make the corpus's mix of labels count as REAL_MIX."""
    n = len(labels)
    return {c: REAL_MIX[c] / (sum(x == c for x in labels) / n) for c in sorted(set(labels))}


def apply_rule(
    probabilities: np.ndarray,
    classes: Sequence[str],
    threshold: float,
    p_outcome: np.ndarray | None = None,
    gate: float = 0.0,
) -> list[Label]:
    """Return labels from probabilities, demoting to `other` an actionable label that is unsure,
    or whose message the kind model does not take for an outcome (p_outcome below gate)."""
    out: list[Label] = []
    for n, row in enumerate(probabilities):
        i = int(np.argmax(row))
        label = cast(Label, classes[i])  # the classes are the labels
        sure = row[i] >= threshold and (p_outcome is None or p_outcome[n] >= gate)
        out.append(label if label not in ACTIONABLE or sure else "other")
    return out


def is_process(label: str, kind: str) -> bool:
    """Return True for job-process mail: `other` about an application, not unrelated mail."""
    return label == "other" and kind not in ("", "unrelated")


def drafts_per_100(truth: Sequence[str], kinds: Sequence[str], predicted: Sequence[str]) -> float:
    """Return how many of every 100 job-process messages were given an actionable label."""
    process = [p for t, k, p in zip(truth, kinds, predicted, strict=True) if is_process(t, k)]
    return 100 * sum(p in ACTIONABLE for p in process) / len(process) if process else 0.0


def actionable_precision(
    truth: Sequence[str], predicted: Sequence[str], weights: dict[str, float] | None = None
) -> float:
    """Return the share of actionable predictions whose label is exactly right.

    With weights, each message counts by its true label's weight (a real inbox's mix).
    """
    right = total = 0.0
    for t, p in zip(truth, predicted, strict=True):
        if p in ACTIONABLE:
            weight = (weights or {}).get(t, 1.0)
            total += weight
            right += weight * (t == p)
    return right / total if total else 1.0


def choose_rule(
    probabilities: np.ndarray,
    classes: Sequence[str],
    truth: list[Label],
    kinds: Sequence[str],
    p_outcome: np.ndarray | None,
) -> tuple[float, float]:
    """Return (threshold, gate) with the best macro-F1 at a real inbox's mix of labels.

    Candidates must keep actionable precision at that mix at TARGET_ACTIONABLE_PRECISION and
    false drafts on job-process mail at MAX_DRAFTS_PER_100; where none can, both are relaxed
    step by step, so the rule is always the safest one the model allows.
    """
    weights = label_weights(truth)
    sample = np.array([weights[t] for t in truth])
    gates = np.arange(0.0, 0.81, 0.1) if p_outcome is not None else np.array([0.0])
    scored: list[tuple[float, float, float, float, float]] = []  # drafts, precision, f1, rule
    for gate in gates:
        for threshold in np.arange(0.30, 0.96, 0.02):
            predicted = apply_rule(probabilities, classes, float(threshold), p_outcome, float(gate))
            precision = actionable_precision(truth, predicted, weights)
            f1 = f1_score(
                truth, predicted, labels=list(LABELS), average="macro", sample_weight=sample
            )
            drafts = drafts_per_100(truth, kinds, predicted)
            scored.append(
                (drafts, precision, float(f1), round(float(threshold), 2), round(float(gate), 2))
            )
    targets = (TARGET_ACTIONABLE_PRECISION, MAX_DRAFTS_PER_100)
    for min_precision, max_drafts in (targets, (0.93, 2.0), (0.9, 3.0), (0.85, 5.0), (0.0, 100.0)):
        allowed = [s for s in scored if s[0] <= max_drafts and s[1] >= min_precision]
        if allowed:
            *_, threshold, gate = max(allowed, key=lambda s: s[2])
            return threshold, gate
    return 0.95, 0.0


@dataclass(frozen=True)
class EvalReport:
    """Figures of predictions against the truth: the two that lead, then per label and kind."""

    drafts_per_100: float
    rejection_recall: float
    offers_on_rejections: int
    macro_f1: float
    actionable_precision: float
    per_label: dict[str, tuple[float, float]]
    confusion: list[list[int]]
    threshold: float
    gate: float
    n_messages: int
    n_process: int
    by_language: dict[str, tuple[int, float]] = field(default_factory=dict)  # lang: (n, accuracy)
    kind_accuracy: float | None = None  # on `other` mail whose kind is known
    per_kind: dict[str, tuple[int, float]] = field(default_factory=dict)  # kind: (n, recall)

    def format(self) -> str:
        """Return the report as the text `gracemail eval` prints."""
        drafts = f"{self.drafts_per_100:.1f} (of {self.n_process})" if self.n_process else "n/a"
        lines = [
            f"drafts per 100 job-process messages: {drafts}   "
            f"rejection recall: {self.rejection_recall:.3f}   "
            f"offers on rejections: {self.offers_on_rejections}",
            f"messages: {self.n_messages}   threshold: {self.threshold:.2f}   "
            f"outcome gate: {self.gate:.2f}",
            f"macro-F1: {self.macro_f1:.3f}   actionable precision: {self.actionable_precision:.3f}",
            "label      precision  recall",
        ]
        for label, (p, r) in self.per_label.items():
            lines.append(f"{label:<10} {p:9.3f}  {r:6.3f}")
        lines.append("confusion (rows true, columns predicted): " + " ".join(LABELS))
        for label, row in zip(LABELS, self.confusion, strict=True):
            lines.append(f"{label:<10} " + " ".join(f"{n:7d}" for n in row))
        if self.kind_accuracy is not None:
            lines.append(
                f"kind of `other` mail: accuracy {self.kind_accuracy:.3f}; recall "
                + ", ".join(f"{k} {r:.2f} ({n})" for k, (n, r) in self.per_kind.items())
            )
        if self.by_language:
            lines.append(
                "accuracy by language: "
                + ", ".join(
                    f"{lang} {acc:.2f} ({n})" for lang, (n, acc) in self.by_language.items()
                )
            )
        return "\n".join(lines)


def _by_group(groups: Sequence[str], hits: Sequence[bool]) -> dict[str, tuple[int, float]]:
    found: dict[str, list[bool]] = {}
    for g, h in zip(groups, hits, strict=True):
        if g:
            found.setdefault(g, []).append(h)
    return {
        g: (len(h), sum(h) / len(h)) for g, h in sorted(found.items(), key=lambda x: -len(x[1]))
    }


def report(
    truth: Sequence[Label],
    predicted: Sequence[Label],
    threshold: float,
    gate: float = 0.0,
    langs: Sequence[str] = (),
    kinds: Sequence[str] = (),
    predicted_kinds: Sequence[str] = (),
) -> EvalReport:
    """Return the figures for predictions against the truth (by language and kind, when given)."""
    kinds = kinds or [""] * len(truth)
    rejections = [p for t, p in zip(truth, predicted, strict=True) if t == "hard_no"]
    known = [
        (k, pk)
        for t, k, pk in zip(truth, kinds, predicted_kinds or [""] * len(truth), strict=True)
        if t == "other" and k and predicted_kinds
    ]
    p, r, _, _ = precision_recall_fscore_support(
        truth, predicted, labels=list(LABELS), zero_division=0
    )
    return EvalReport(
        drafts_per_100=drafts_per_100(truth, kinds, predicted),
        rejection_recall=sum(x == "hard_no" for x in rejections) / len(rejections)
        if rejections
        else 1.0,
        offers_on_rejections=sum(x == "offer" for x in rejections),
        macro_f1=float(f1_score(truth, predicted, labels=list(LABELS), average="macro")),
        actionable_precision=actionable_precision(truth, predicted),
        per_label={lab: (float(p[i]), float(r[i])) for i, lab in enumerate(LABELS)},
        confusion=confusion_matrix(truth, predicted, labels=list(LABELS)).tolist(),
        threshold=threshold,
        gate=gate,
        n_messages=len(truth),
        n_process=sum(is_process(t, k) for t, k in zip(truth, kinds, strict=True)),
        by_language=_by_group(
            langs or [""] * len(truth), [t == x for t, x in zip(truth, predicted, strict=True)]
        ),
        kind_accuracy=sum(k == pk for k, pk in known) / len(known) if known else None,
        per_kind=_by_group([k for k, _ in known], [k == pk for k, pk in known]),
    )
