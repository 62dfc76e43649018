"""Score texts with the fitted pipeline's own numbers, without scikit-learn's per-call checks.

A REST request or an IMAP batch scores a few messages at a time; `Pipeline.predict_proba` then
spends about 1 ms a call validating inputs. This walks the same steps (hashed n-grams, sublinear
TF-IDF with l2 norm, linear SVM, sigmoid calibration, normalisation) over one sparse row at a time,
and the tests check it gives the pipeline's probabilities.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.pipeline import Pipeline
from sklearn.utils import murmurhash3_32

_INT_MIN = -(2**31)


class LinearScorer:
    """The probabilities of `Pipeline.predict_proba` for the words→tfidf→model pipeline."""

    def __init__(self, pipeline: Pipeline) -> None:
        words = pipeline.named_steps["words"]
        tfidf = pipeline.named_steps["tfidf"]
        model = pipeline.named_steps["model"]
        if words.alternate_sign or words.norm or words.binary or tfidf.norm != "l2":
            raise ValueError("LinearScorer needs unsigned, unnormalised counts and l2 TF-IDF")
        (calibrated,) = model.calibrated_classifiers_  # ensemble=False: one estimator
        svm = calibrated.estimator
        if list(svm.classes_) != list(model.classes_) or len(model.classes_) < 3:
            raise ValueError("LinearScorer needs a multiclass model with classes in order")
        self.classes = [str(c) for c in model.classes_]
        self.analyze = words.build_analyzer()
        self.n_features = int(words.n_features)
        self.sublinear = bool(tfidf.sublinear_tf)
        self.idf: np.ndarray = tfidf.idf_
        self.weights: np.ndarray = svm.coef_.T  # a view: one row of class weights per feature
        self.intercept: np.ndarray = svm.intercept_
        self.a = np.array([c.a_ for c in calibrated.calibrators], dtype=float)
        self.b = np.array([c.b_ for c in calibrated.calibrators], dtype=float)

    def _index(self, token: str) -> int:
        h = int(murmurhash3_32(token, 0))
        if h == _INT_MIN:  # as scikit-learn's hasher treats the one value abs() cannot
            return (2**31 - 1 - (self.n_features - 1)) % self.n_features
        return abs(h) % self.n_features

    def decision(self, text: str) -> np.ndarray:
        """Return the SVM's decision values for one text, one per class."""
        counts: dict[int, int] = {}
        for token in self.analyze(text):
            i = self._index(token)
            counts[i] = counts.get(i, 0) + 1
        if not counts:
            return self.intercept.copy()
        index = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        x = np.fromiter(counts.values(), dtype=float, count=len(counts))
        if self.sublinear:
            x = np.log(x) + 1.0
        x *= self.idf[index]
        norm = float(np.sqrt(x @ x))
        if norm:
            x /= norm
        scores: np.ndarray = x @ self.weights[index] + self.intercept
        return scores

    def proba(self, texts: list[str]) -> np.ndarray:
        """Return calibrated class probabilities, a row per text, columns in `classes` order."""
        out = np.empty((len(texts), len(self.classes)))
        for row, text in enumerate(texts):
            p = expit(-(self.a * self.decision(text) + self.b))
            total = p.sum()
            out[row] = p / total if total else 1.0 / len(self.classes)
        return out
