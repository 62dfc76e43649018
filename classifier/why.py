"""Why the model chose a label: the words of a text that weighed most, by the model's own weights.

The label model is linear: a class's decision value is the sum, over the text's hashed n-grams,
of each one's TF-IDF value times its weight for that class. Each n-gram's share of that sum is
its weight in the decision, so the largest shares are the words that weighed most.
"""

from __future__ import annotations

from dataclasses import dataclass

import mmh3
import numpy as np

from classifier.features import DECISION_MARK, word_grams
from classifier.runtime import Runtime, feature_numbers

# the placeholders normalize_text puts for links and addresses say nothing to a reader
_PLACEHOLDERS = frozenset({"urladdr", "emailaddr"})


@dataclass(frozen=True)
class Reason:
    """One word or pair of words of the text and how much it pushed toward the label."""

    words: str
    weight: float


def _shown(gram: str) -> str:
    # normalize_text marks the words after a negator neg_: a gram that starts inside that
    # scope reads "not ...", one that holds the negator itself already says it; the mark of a
    # decision sentence's words is dropped ("dec_ filled" reads "filled")
    words = [w for w in gram.split() if w != DECISION_MARK]
    if not words:
        return ""
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
    at, known, x = model.tfidf(counts)  # the decision's own numbers, one text
    share = np.where(known, x * model.weights[at, column], 0.0)
    by_feature = dict(zip(counts.features.tolist(), share.tolist(), strict=True))
    grams = list(dict.fromkeys(word_grams(text, runtime.ngram_range)))
    hashes = np.fromiter((mmh3.hash(g) for g in grams), np.int64, len(grams))
    features = feature_numbers(hashes, runtime.n_features).tolist()
    return {g: by_feature.get(f, 0.0) for g, f in zip(grams, features, strict=True)}


def why(runtime: Runtime, text: str, label: str, top: int = 5) -> list[Reason]:
    """Return up to top words of text that pushed the model most toward label, strongest first.

    Returns [] when the model has no such class or nothing in the text pushed toward it.
    """
    by_words: dict[str, float] = {}  # a decision sentence's word also counts as "dec_ word"
    for gram, weight in shares(runtime, text, label).items():
        words = _shown(gram)
        if words and not _PLACEHOLDERS & set(gram.split()):
            by_words[words] = by_words.get(words, 0.0) + weight
    pushed = [Reason(words, w) for words, w in by_words.items() if w > 0]
    pushed.sort(key=lambda r: -r.weight)
    # a pair that holds a word already listed repeats it: keep the stronger of the two only
    kept: list[Reason] = []
    for reason in pushed:
        seen = set(reason.words.split())
        if any(seen & set(k.words.split()) for k in kept):
            continue
        kept.append(reason)
        if len(kept) == top:
            break
    return kept
