"""Score a few texts with the standard library alone, from the same .npz as the numpy runtime.

A mail filter runs gracemail once per delivered message, and importing numpy costs more than
scoring one message. This scorer does the numpy runtime's steps (hashed word 1-2-grams, sublinear
TF-IDF with l2 norm, the linear SVM's decision values, sigmoid calibration normalised to one) on
memoryviews of the mapped file: a binary search finds each of a message's few hundred features
among the stored columns. For batches the numpy runtime is faster; the tests check both against
the scikit-learn pipelines.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import mmh3

from classifier.features import word_grams
from classifier.npz import Member, read_npz

# the .npz layout written by classifier.runtime.save_runtime; 2: arrays aligned to 64 bytes
FORMAT = 2
PREPROCESSOR = "classifier.features.normalize_text"  # the only text preprocessing it knows

Rows = list[list[float]]


@dataclass(frozen=True)
class LeanModel:
    """One calibrated linear model: stored columns, their IDF and weights, row-major by column."""

    classes: list[str]
    columns: Sequence[int]
    idf: Sequence[float]
    idf_unseen: float
    weights: Sequence[float]  # len(columns) * len(classes)
    intercept: Sequence[float]
    a: Sequence[float]
    b: Sequence[float]
    sublinear: bool

    def proba(self, counts: dict[int, int]) -> list[float]:
        """Return the calibrated class probabilities of one text's feature counts."""
        k = len(self.classes)
        columns, n = self.columns, len(self.columns)
        found: list[tuple[int, float]] = []
        total = 0.0
        for feature in sorted(counts):  # feature order, as the sparse product adds
            tf = math.log(counts[feature]) + 1.0 if self.sublinear else float(counts[feature])
            at = bisect_left(columns, feature)
            if at < n and columns[at] == feature:
                x = tf * self.idf[at]
                found.append((at, x))
            else:
                x = tf * self.idf_unseen
            total += x * x
        norm = math.sqrt(total) or 1.0
        weights = self.weights
        decisions = [0.0] * k
        for at, x in found:
            base, x = at * k, x / norm
            for c in range(k):
                decisions[c] += x * weights[base + c]
        p = [_sigmoid(self.a[c] * (decisions[c] + self.intercept[c]) + self.b[c]) for c in range(k)]
        s = sum(p)
        return [v / s for v in p] if s else [1.0 / k] * k


def _sigmoid(z: float) -> float:
    # p = 1 / (1 + exp(z)); exp overflows for a sure "no", whose p is then 0
    try:
        return 1.0 / (1.0 + math.exp(z))
    except OverflowError:
        return 0.0


@dataclass(frozen=True)
class LeanRuntime:
    """The label model, the kind model when there is one, their shared hashing and the rule."""

    label: LeanModel
    kind: LeanModel | None
    n_features: int
    ngram_range: tuple[int, int]
    threshold: float
    outcome_gate: float
    key: str

    def count(self, text: str) -> dict[int, int]:
        """Return the hashed n-gram counts of one text, as `HashingVectorizer` gives them."""
        grams = word_grams(text, self.ngram_range)
        n_features = self.n_features
        # signed MurmurHash3, seed 0, |h| mod n_features: scikit-learn's murmurhash3_32
        return Counter(abs(h) % n_features for h in map(mmh3.hash, grams))

    def probabilities(self, texts: Sequence[str]) -> tuple[Rows, Rows | None]:
        """Return the label probabilities of texts, and the kind probabilities when there is a kind model."""
        counts = [self.count(text) for text in texts]  # hashed once for both models
        kinds = [self.kind.proba(c) for c in counts] if self.kind is not None else None
        return [self.label.proba(c) for c in counts], kinds


def load_lean(path: Path) -> LeanRuntime:
    """Read the runtime .npz at path; ValueError for another format or an unmappable file."""
    members = read_npz(path)
    try:
        if members["format"].scalar() != FORMAT or members["preprocessor"].scalar() != PREPROCESSOR:
            raise ValueError(f"{path}: not a gracemail runtime of format {FORMAT}")
        label = _model(members, "label")
        if label is None:
            raise ValueError(f"{path}: no label model")
        lo, hi = members["ngram_range"].ints()
        return LeanRuntime(
            label=label,
            kind=_model(members, "kind"),
            n_features=int(members["n_features"].scalar()),
            ngram_range=(lo, hi),
            threshold=float(members["threshold"].scalar()),
            outcome_gate=float(members["outcome_gate"].scalar()),
            key=str(members["key"].scalar()),
        )
    except KeyError as exc:
        raise ValueError(f"{path}: no member {exc}") from exc


def _model(members: dict[str, Member], prefix: str) -> LeanModel | None:
    if f"{prefix}.classes" not in members:
        return None

    def get(name: str) -> Member:
        return members[f"{prefix}.{name}"]

    return LeanModel(
        classes=get("classes").strings(),
        columns=get("columns").ints(),
        idf=get("idf").floats(),
        idf_unseen=float(get("idf_unseen").scalar()),
        weights=get("weights").floats(),
        intercept=get("intercept").floats(),
        a=get("a").floats(),
        b=get("b").floats(),
        sublinear=bool(get("sublinear").scalar()),
    )
