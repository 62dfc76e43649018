"""Save and load the trained model: skops files for scikit-learn, a plain .npz for scoring.

The skops files are the reference and what retraining starts from; the .npz beside them holds
the same numbers as plain arrays, so that scoring needs numpy only. Loading reads the .npz and
leaves scikit-learn and skops unimported until the pipelines themselves are asked for.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zipfile
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.features import PIPELINE_VERSION
from classifier.lean import load_lean
from classifier.model import Classifier

if TYPE_CHECKING:
    from classifier.runtime import Runtime

# The only code a model file may name; anything else in a file is refused on load.
_TRUSTED = {
    "classifier.features.normalize_text",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
}


def save_classifier(classifier: Classifier, path: Path, meta: dict[str, object]) -> None:
    """Write the model with skops, its numbers as .npz and its metadata beside it as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        **meta,
        "threshold": classifier.threshold,
        "outcome_gate": classifier.outcome_gate,
    }
    if classifier.kind_pipeline is not None:
        _dump(classifier.kind_pipeline, kind_path(path))
    _dump(classifier.pipeline, path)  # the label model's file says the pair is complete
    if classifier.runtime is not None:
        from classifier.runtime import save_runtime

        runtime = replace(
            classifier.runtime,
            threshold=classifier.threshold,
            outcome_gate=classifier.outcome_gate,
            key=_run_key(meta),
        )
        save_runtime(runtime, runtime_path(path))
    else:  # a pipeline the runtime cannot score: no stale numbers may stay beside it
        runtime_path(path).unlink(missing_ok=True)
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def kind_path(path: Path) -> Path:
    """Return where the kind model beside the label model at path lives."""
    return path.with_suffix(".kind.skops")


def runtime_path(path: Path) -> Path:
    """Return where the plain-array copy of the model at path lives."""
    return path.with_suffix(".npz")


def _run_key(meta: dict[str, object]) -> str:
    # what ties the .npz to one training run: a retrain writes new values to both
    keys = ("corpus_hash", "trained_at", "pipeline_version", "threshold", "outcome_gate")
    return json.dumps([meta.get(k) for k in keys])


def _dump(pipeline: object, path: Path) -> None:
    import skops.io as sio

    tmp = path.with_suffix(".tmp")
    sio.dump(pipeline, tmp)
    tmp.replace(path)  # a reader never sees half a model


def _load(path: Path) -> Any:
    import skops.io as sio

    untrusted = set(sio.get_untrusted_types(file=path))
    if untrusted - _TRUSTED:
        raise ValueError(f"{path}: model file names untrusted types {sorted(untrusted - _TRUSTED)}")
    return sio.load(path, trusted=sorted(untrusted))


def read_meta(path: Path) -> dict[str, object]:
    """Return the metadata saved beside a model, or {} when there is none."""
    try:
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _load_pipelines(path: Path) -> tuple[Any, Any]:
    kind = _load(kind_path(path)) if kind_path(path).exists() else None
    return _load(path), kind


def load_classifier(path: Path) -> Classifier:
    """Load a saved model; raises ValueError when a file names code we do not trust.

    The .npz is used when it belongs to the same training run as the skops files; when it is
    missing or older (a model saved before it existed) it is made again from them, once. It is
    read with the standard library, and by numpy only once there are batches to score.
    """
    meta = read_meta(path)
    threshold = float(str(meta.get("threshold", 0.5)))
    gate = float(str(meta.get("outcome_gate", 0.0)))
    key = _run_key(meta)
    numbers = runtime_path(path)
    try:
        lean = load_lean(numbers)
    except (OSError, ValueError, KeyError, struct.error, zipfile.BadZipFile):
        lean = None  # not there, or not mappable (a compressed file): numpy reads it whole
    if lean is not None and lean.key == key:
        return Classifier(
            threshold=lean.threshold,
            outcome_gate=lean.outcome_gate,
            lean=lean,
            load_runtime=lambda: _numpy_runtime(numbers),
            reference=lambda: _load_pipelines(path),
        )
    try:
        runtime = _numpy_runtime(numbers)
    except (OSError, ValueError, KeyError):
        runtime = None
    if runtime is not None and runtime.key == key:
        return Classifier(
            threshold=runtime.threshold,
            outcome_gate=runtime.outcome_gate,
            runtime=runtime,
            reference=lambda: _load_pipelines(path),
        )
    from classifier.runtime import runtime_of, save_runtime

    pipeline, kind_pipeline = _load_pipelines(path)
    classifier = Classifier(pipeline, threshold, kind_pipeline, gate)
    try:
        save_runtime(runtime_of(pipeline, kind_pipeline, threshold, gate, key), runtime_path(path))
    except (AttributeError, KeyError, ValueError, OSError):  # not scorable, or read-only
        pass
    return classifier


def _numpy_runtime(path: Path) -> Runtime:
    from classifier.runtime import load_runtime

    return load_runtime(path)


def sklearn_version() -> str:
    """Return the installed scikit-learn's version without importing it (a second or so)."""
    try:
        return version("scikit-learn")
    except PackageNotFoundError:
        return ""


def is_fresh_for_corpus(path: Path) -> bool:
    """Return True when the model at path is fresh for the corpus on disk (corrections or not).

    Hashing the corpus reads every message (a few hundred ms), too slow for a program run once
    per delivered mail; the digest is kept beside the model with the files' sizes and times,
    and read again only when one of those changed.
    """
    from classifier.corpus import corpus_digest, corpus_dir

    root = corpus_dir()
    try:
        stamp = _corpus_stamp(root)
    except OSError:
        return False
    cache = path.with_suffix(".corpus.json")
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    if isinstance(cached, dict) and cached.get("stamp") == stamp:
        digest = str(cached.get("digest"))
    else:
        try:
            digest = corpus_digest(root)
        except OSError:  # a corpus being rewritten: not a model to trust now
            return False
        try:
            tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"stamp": stamp, "digest": digest}), encoding="utf-8")
            tmp.replace(cache)
        except OSError:  # a read-only model folder: the next run hashes again
            pass
    return is_fresh(path, digest, base=True)


def _corpus_stamp(root: Path) -> str:
    # os.scandir and plain strings: thousands of pathlib objects cost more than the stats
    labels = os.stat(root / "labels.csv")
    stats = [("labels.csv", labels.st_size, labels.st_mtime_ns)]
    with os.scandir(root / "messages") as entries:
        for entry in entries:
            st = entry.stat()
            stats.append((entry.name, st.st_size, st.st_mtime_ns))
    stats.sort()
    return hashlib.sha256(repr(stats).encode()).hexdigest()


def is_fresh(path: Path, digest: str, base: bool = False) -> bool:
    """Return True when the model at path was trained on this corpus, scikit-learn and pipeline.

    With base, a model trained on this corpus plus the user's corrections is fresh too: a run
    that only labels keeps it rather than training the corrections away.
    """
    meta = read_meta(path)
    hashes = {meta.get("corpus_hash")}
    if base:
        hashes.add(meta.get("base_corpus_hash"))
    return (
        path.exists()
        and digest in hashes
        and meta.get("sklearn_version") == sklearn_version()
        and meta.get("pipeline_version") == PIPELINE_VERSION
    )
