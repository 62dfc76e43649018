"""Score texts with the fitted pipeline's own numbers, without scikit-learn's per-call checks.

A REST request or an IMAP batch scores a few messages at a time; `Pipeline.predict_proba` then
spends about 1 ms a call validating inputs. This walks the same steps (hashed n-grams, sublinear
TF-IDF with l2 norm, linear SVM, sigmoid calibration, normalisation) with plain numpy and scipy,
and the tests check it gives the pipeline's probabilities.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.pipeline import Pipeline

try:  # scikit-learn's own C hasher, minus ~50 µs of checks a call; the tests compare the two
    from sklearn.feature_extraction._hashing_fast import transform as _hash_rows
except ImportError:  # a private function: without it, the public transform gives the same counts
    _hash_rows = None


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
        self.words = words
        self.analyze = words.build_analyzer()
        self.sublinear = bool(tfidf.sublinear_tf)
        self.idf: np.ndarray = tfidf.idf_
        self.weights: np.ndarray = svm.coef_.T  # a view: one row of class weights per feature
        self.intercept: np.ndarray = svm.intercept_
        self.a = np.array([c.a_ for c in calibrated.calibrators], dtype=float)
        self.b = np.array([c.b_ for c in calibrated.calibrators], dtype=float)

    def hashes_like(self, other: LinearScorer) -> bool:
        """Return True when other hashes texts exactly as this scorer does, so counts can be shared."""
        return bool(self.words.get_params() == other.words.get_params())

    def counts(self, texts: list[str]) -> sp.csr_matrix:
        """Return the hashed n-gram counts of texts, as `HashingVectorizer.transform` does."""
        if _hash_rows is None:
            return sp.csr_matrix(self.words.transform(texts))
        n_features = self.words.n_features
        rows = (((gram, 1) for gram in self.analyze(text)) for text in texts)
        indices, indptr, values = _hash_rows(rows, n_features, self.words.dtype, False, 0)
        counts = sp.csr_matrix((values, indices, indptr), shape=(len(texts), n_features))
        counts.sum_duplicates()
        return counts

    def decisions(self, texts: list[str]) -> np.ndarray:
        """Return the SVM's decision values, a row per text, one column per class."""
        return self.decisions_of(self.counts(texts))

    def decisions_of(self, counts: sp.csr_matrix) -> np.ndarray:
        """Return the decision values of hashed counts from `counts` (which it leaves unchanged)."""
        n = counts.shape[0]
        counts = counts.copy()
        rows = np.repeat(np.arange(n), np.diff(counts.indptr))
        x = counts.data
        if self.sublinear:
            x = np.log(x) + 1.0
        x = x * self.idf[counts.indices]
        norms = np.sqrt(np.bincount(rows, weights=x * x, minlength=n))
        norms[norms == 0] = 1.0
        counts.data = x / norms[rows]
        scores: np.ndarray = counts @ self.weights + self.intercept
        return scores

    def proba(self, texts: list[str]) -> np.ndarray:
        """Return calibrated class probabilities, a row per text, columns in `classes` order."""
        if not texts:
            return np.empty((0, len(self.classes)))
        return self.proba_of(self.counts(texts))

    def proba_of(self, counts: sp.csr_matrix) -> np.ndarray:
        """Return calibrated class probabilities of hashed counts from `counts`."""
        p = expit(-(self.a * self.decisions_of(counts) + self.b))
        total = p.sum(axis=1, keepdims=True)
        out: np.ndarray = np.divide(
            p, total, out=np.full_like(p, 1.0 / len(self.classes)), where=total != 0
        )
        return out
