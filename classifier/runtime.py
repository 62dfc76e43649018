"""Score texts with numpy from the fitted pipelines' numbers, without scikit-learn.

scikit-learn trains the models and stays the reference. `export_runtime` writes what its
pipelines learnt to a plain .npz file (no pickles), and `Runtime` scores from it with the same
steps: hashed word 1-2-grams (signed 32-bit MurmurHash3 of the UTF-8 gram, seed 0, feature
|h| mod n_features, as `HashingVectorizer`), sublinear TF-IDF with l2 norm, the linear SVM's
decision values, sigmoid calibration one class against the rest, normalised to sum to one.
The tests check its probabilities against `Pipeline.predict_proba`.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mmh3
import numpy as np

from classifier.features import word_grams
from classifier.lean import FORMAT, PREPROCESSOR
from classifier.npz import read_npz

_ALIGN = 64
_PADDING_ID = 0xD935  # the zip extra field id zipalign pads with; readers skip unknown ids


@dataclass(frozen=True)
class Counts:
    """Hashed n-gram counts of a batch of texts: one entry per (row, feature), sorted."""

    n_rows: int
    rows: np.ndarray
    features: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True)
class LinearModel:
    """One calibrated linear model over hashed TF-IDF features, kept only where it learnt something.

    Features never seen in training have the same IDF (`idf_unseen`) and no weight, so only the
    others are stored: `columns` (sorted feature numbers), their IDF and their weights.
    """

    classes: list[str]
    columns: np.ndarray
    idf: np.ndarray
    idf_unseen: float
    weights: np.ndarray  # one row per column, one column per class
    intercept: np.ndarray
    a: np.ndarray  # sigmoid calibration, one per class: p = 1 / (1 + exp(a * decision + b))
    b: np.ndarray
    sublinear: bool = True

    def tfidf(self, counts: Counts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return for each count its stored column, whether it has one, and its l2-normed TF-IDF."""
        at = np.searchsorted(self.columns, counts.features)
        at[at == len(self.columns)] = 0  # past the end: not a stored column (checked below)
        known = self.columns[at] == counts.features if len(self.columns) else at < 0
        tf = counts.counts.astype(np.float64)
        if self.sublinear:
            tf = np.log(tf) + 1.0
        x = tf * np.where(known, self.idf[at], self.idf_unseen)
        norms = np.sqrt(np.bincount(counts.rows, weights=x * x, minlength=counts.n_rows))
        norms[norms == 0] = 1.0
        return at, known, x / norms[counts.rows]

    def decisions(self, counts: Counts) -> np.ndarray:
        """Return the SVM's decision values, a row per text, one column per class."""
        at, known, x = self.tfidf(counts)
        out = np.zeros((counts.n_rows, len(self.classes)))
        # one call for all classes, adding in feature order within a row as the sparse product
        # does; a few calls whatever the batch size, since one message is the common case
        np.add.at(out, counts.rows[known], x[known, None] * self.weights[at[known]])
        out += self.intercept
        return out

    def proba(self, counts: Counts) -> np.ndarray:
        """Return calibrated class probabilities, a row per text, columns in `classes` order."""
        with np.errstate(over="ignore"):  # exp overflows to inf for a sure "no": p is then 0
            p = 1.0 / (1.0 + np.exp(self.a * self.decisions(counts) + self.b))
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1.0 / len(self.classes))
        out: np.ndarray = np.divide(p, total, out=uniform, where=total != 0)
        return out


@dataclass(frozen=True)
class Runtime:
    """The label model, the kind model when there is one, their shared hashing and the rule."""

    label: LinearModel
    kind: LinearModel | None
    n_features: int = 2**19
    ngram_range: tuple[int, int] = (1, 2)
    threshold: float = 0.5
    outcome_gate: float = 0.0
    key: str = ""  # names the training run these numbers come from

    def count(self, texts: Sequence[str]) -> Counts:
        """Return the hashed n-gram counts of texts, as `HashingVectorizer.transform` gives them."""
        hashes: list[int] = []
        lengths: list[int] = []
        for text in texts:
            grams = word_grams(text, self.ngram_range)
            hashes.extend(map(mmh3.hash, grams))  # seed 0, signed: scikit-learn's murmurhash3_32
            lengths.append(len(grams))
        features = feature_numbers(np.fromiter(hashes, np.int64, len(hashes)), self.n_features)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        keys, counts = np.unique(rows * self.n_features + features, return_counts=True)
        return Counts(len(texts), keys // self.n_features, keys % self.n_features, counts)

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """Return the label probabilities of texts, and the kind probabilities when there is a kind model."""
        counts = self.count(texts)  # hashing is most of the cost: once for both models
        kinds = self.kind.proba(counts) if self.kind is not None else None
        return self.label.proba(counts), kinds


def feature_numbers(hashes: np.ndarray, n_features: int) -> np.ndarray:
    """Return the feature number of each signed 32-bit hash: |h| mod n_features.

    scikit-learn special-cases h = -2**31, whose int32 absolute value overflows, as
    (2**31 - 1 - (n_features - 1)) % n_features; in int64 |-2**31| is 2**31, the same modulo
    n_features, so no special case is needed here.
    """
    out: np.ndarray = np.abs(hashes.astype(np.int64)) % n_features
    return out


def linear_model(pipeline: Any) -> LinearModel:
    """Return the numbers of a fitted words→tfidf→calibrated LinearSVC pipeline.

    Reads attributes only, so scikit-learn is needed by whoever fitted or loaded the pipeline,
    not here. Raises ValueError for any other shape of pipeline.
    """
    words = pipeline.named_steps["words"]
    tfidf = pipeline.named_steps["tfidf"]
    model = pipeline.named_steps["model"]
    preprocessor = getattr(words, "preprocessor", None)
    name = f"{getattr(preprocessor, '__module__', '')}.{getattr(preprocessor, '__name__', '')}"
    if (
        name != PREPROCESSOR
        or words.analyzer != "word"
        or words.token_pattern != r"\S+"
        or words.tokenizer is not None
        or words.stop_words is not None
        or words.alternate_sign
        or words.norm
        or words.binary
        or tfidf.norm != "l2"
        or getattr(model, "method", "") != "sigmoid"
    ):
        raise ValueError("the runtime scores only the words→tfidf→calibrated SVM pipeline")
    (calibrated,) = model.calibrated_classifiers_  # ensemble=False: one estimator
    svm = calibrated.estimator
    if list(svm.classes_) != list(model.classes_) or len(model.classes_) < 3:
        raise ValueError("the runtime needs a multiclass model with its classes in order")
    idf = np.asarray(tfidf.idf_, dtype=np.float64)
    coef = np.asarray(svm.coef_, dtype=np.float64)
    values, seen = np.unique(idf, return_counts=True)
    unseen = float(values[seen.argmax()])  # every feature no training text had
    columns = np.flatnonzero((idf != unseen) | (coef != 0).any(axis=0))
    return LinearModel(
        classes=[str(c) for c in model.classes_],
        columns=columns.astype(np.int64),
        idf=idf[columns],
        idf_unseen=unseen,
        weights=np.ascontiguousarray(coef[:, columns].T),
        intercept=np.asarray(svm.intercept_, dtype=np.float64),
        a=np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64),
        b=np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64),
        sublinear=bool(tfidf.sublinear_tf),
    )


def hashing_of(pipeline: Any) -> tuple[int, tuple[int, int]]:
    """Return the number of hashed features and the n-gram range of a pipeline's vectoriser."""
    words = pipeline.named_steps["words"]
    lo, hi = words.ngram_range
    return int(words.n_features), (int(lo), int(hi))


def runtime_of(
    pipeline: Any,
    kind_pipeline: Any = None,
    threshold: float = 0.5,
    outcome_gate: float = 0.0,
    key: str = "",
) -> Runtime:
    """Return the runtime of fitted pipelines; raises ValueError when they cannot share one."""
    hashing = hashing_of(pipeline)
    if kind_pipeline is not None and hashing_of(kind_pipeline) != hashing:
        raise ValueError("the label and kind pipelines hash texts differently")
    return Runtime(
        label=linear_model(pipeline),
        kind=linear_model(kind_pipeline) if kind_pipeline is not None else None,
        n_features=hashing[0],
        ngram_range=hashing[1],
        threshold=threshold,
        outcome_gate=outcome_gate,
        key=key,
    )


def save_runtime(runtime: Runtime, path: Path) -> None:
    """Write the runtime's numbers to path as a plain .npz (no pickled objects), atomically."""
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT),
        "preprocessor": np.array(PREPROCESSOR),
        "n_features": np.array(runtime.n_features),
        "ngram_range": np.array(runtime.ngram_range),
        "threshold": np.array(runtime.threshold),
        "outcome_gate": np.array(runtime.outcome_gate),
        "key": np.array(runtime.key),
    }
    for prefix, model in (("label", runtime.label), ("kind", runtime.kind)):
        if model is None:
            continue
        arrays |= {
            f"{prefix}.classes": np.array(model.classes),
            f"{prefix}.columns": model.columns,
            f"{prefix}.idf": model.idf,
            f"{prefix}.idf_unseen": np.array(model.idf_unseen),
            f"{prefix}.weights": model.weights,
            f"{prefix}.intercept": model.intercept,
            f"{prefix}.a": model.a,
            f"{prefix}.b": model.b,
            f"{prefix}.sublinear": np.array(model.sublinear),
        }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    _write_aligned_npz(tmp, arrays)
    tmp.replace(path)  # a reader never sees half a file


def _write_aligned_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays as an uncompressed .npz whose every array starts at a multiple of 64 bytes.

    What np.savez writes, plus padding in each member's zip extra field (as zipalign does):
    mapped from the file, an array at an odd address makes numpy copy it on every search.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
            data = buffer.getvalue()
            preamble = len(data) - np.asanyarray(array).nbytes  # magic and header: 64-byte padded
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            start = archive.fp.tell() if archive.fp else 0  # this member's local header
            unpadded = start + 30 + len(info.filename.encode()) + 4 + preamble
            pad = -unpadded % _ALIGN
            info.extra = struct.pack("<HH", _PADDING_ID, pad) + bytes(pad)
            archive.writestr(info, data)


def _mapped_arrays(path: Path) -> dict[str, np.ndarray]:
    """Return the arrays of an uncompressed .npz as read-only views of the file, mapped in memory."""
    return {
        name: np.frombuffer(m.data, dtype=m.descr).reshape(m.shape)
        for name, m in read_npz(path).items()
    }


def load_runtime(path: Path) -> Runtime:
    """Read a runtime saved by save_runtime; raises ValueError for a file of another format."""
    try:
        arrays = _mapped_arrays(path)
    except (ValueError, struct.error, zipfile.BadZipFile):  # not mappable: read it whole
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    if int(arrays.get("format", -1)) != FORMAT or str(arrays["preprocessor"]) != PREPROCESSOR:
        raise ValueError(f"{path}: not a gracemail runtime of format {FORMAT}")

    def model(prefix: str) -> LinearModel | None:
        if f"{prefix}.classes" not in arrays:
            return None
        get: Callable[[str], np.ndarray] = lambda name: arrays[f"{prefix}.{name}"]  # noqa: E731
        return LinearModel(
            classes=[str(c) for c in get("classes")],
            columns=get("columns"),
            idf=get("idf"),
            idf_unseen=float(get("idf_unseen")),
            weights=get("weights"),
            intercept=get("intercept"),
            a=get("a"),
            b=get("b"),
            sublinear=bool(get("sublinear")),
        )

    label = model("label")
    if label is None:
        raise ValueError(f"{path}: no label model")
    lo, hi = (int(n) for n in arrays["ngram_range"])
    return Runtime(
        label=label,
        kind=model("kind"),
        n_features=int(arrays["n_features"]),
        ngram_range=(lo, hi),
        threshold=float(arrays["threshold"]),
        outcome_gate=float(arrays["outcome_gate"]),
        key=str(arrays["key"]),
    )
