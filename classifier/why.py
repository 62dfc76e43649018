"""Why the model chose a label: the words of a text that weighed most, by the model's own weights.

The label model is linear: a class's decision value is the sum, over the text's hashed n-grams,
of each one's TF-IDF value times its weight for that class. Each n-gram's share of that sum is
its weight in the decision, so the largest shares are the words that weighed most.
"""

from __future__ import annotations

from dataclasses import dataclass

import mmh3
import numpy as np

from classifier.features import normalize_text
from classifier.runtime import Runtime, feature_numbers

# the placeholders normalize_text puts for links and addresses say nothing to a reader
_PLACEHOLDERS = frozenset({"urladdr", "emailaddr"})


@dataclass(frozen=True)
class Reason:
    """One word or pair of words of the text and how much it pushed toward the label."""

    words: str
    weight: float


def _grams(text: str, lo: int, hi: int) -> list[str]:
    # the same grams Runtime.count hashes: normalize_text's tokens, joined by single spaces
    words = normalize_text(text).split()
    grams = list(words) if lo == 1 else []
    for n in range(max(lo, 2), hi + 1):
        grams += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    return grams


def _shown(gram: str) -> str:
    # normalize_text marks the words after a negator neg_: a gram that starts inside that
    # scope reads "not ...", one that holds the negator itself already says it
    words = gram.split()
    shown = [w.removeprefix("neg_") for w in words]
    if words[0].startswith("neg_"):
        shown[0] = "not " + shown[0]
    return " ".join(shown)


def shares(runtime: Runtime, text: str, label: str) -> dict[str, float]:
    """Return each distinct n-gram of text with its share of the label's decision value.

    The shares add up to the decision value less the intercept (grams whose hashes collide
    each show their feature's whole share). Returns {} when the model has no such class.
    """
    model = runtime.label
    if label not in model.classes:
        return {}
    column = model.classes.index(label)
    counts = runtime.count([text])
    if not len(counts.features):
        return {}
    at = np.searchsorted(model.columns, counts.features)
    at[at == len(model.columns)] = 0
    known = model.columns[at] == counts.features if len(model.columns) else at < 0
    tf = counts.counts.astype(np.float64)
    if model.sublinear:
        tf = np.log(tf) + 1.0
    x = tf * np.where(known, model.idf[at], model.idf_unseen)
    norm = float(np.sqrt((x * x).sum())) or 1.0
    share = np.where(known, (x / norm) * model.weights[at, column], 0.0)
    by_feature = dict(zip(counts.features.tolist(), share.tolist(), strict=True))
    lo, hi = runtime.ngram_range
    grams = list(dict.fromkeys(_grams(text, lo, hi)))
    hashes = np.fromiter((mmh3.hash(g) for g in grams), np.int64, len(grams))
    features = feature_numbers(hashes, runtime.n_features).tolist()
    return {g: by_feature.get(f, 0.0) for g, f in zip(grams, features, strict=True)}


def why(runtime: Runtime, text: str, label: str, top: int = 5) -> list[Reason]:
    """Return up to top words of text that pushed the model most toward label, strongest first.

    Returns [] when the model has no such class or nothing in the text pushed toward it.
    """
    pushed = [
        Reason(_shown(g), w)
        for g, w in shares(runtime, text, label).items()
        if w > 0 and not _PLACEHOLDERS & set(g.split())
    ]
    pushed.sort(key=lambda r: -r.weight)
    # a pair that holds a word already listed repeats it: keep the stronger of the two only
    kept: list[Reason] = []
    for reason in pushed:
        words = set(reason.words.split())
        if any(words & set(k.words.split()) for k in kept):
            continue
        kept.append(reason)
        if len(kept) == top:
            break
    return kept
