"""Save and load the trained model with skops, and the metadata that says what it was trained on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sklearn
import skops.io as sio

from classifier.features import PIPELINE_VERSION
from classifier.model import Classifier

# The only code a model file may name; anything else in a file is refused on load.
_TRUSTED = {
    "classifier.features.normalize_text",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
}


def save_classifier(classifier: Classifier, path: Path, meta: dict[str, object]) -> None:
    """Write the model with skops and its metadata beside it as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if classifier.kind_pipeline is not None:
        _dump(classifier.kind_pipeline, kind_path(path))
    _dump(classifier.pipeline, path)  # last: the label model's file says the pair is complete
    meta = {
        **meta,
        "threshold": classifier.threshold,
        "outcome_gate": classifier.outcome_gate,
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def kind_path(path: Path) -> Path:
    """Return where the kind model beside the label model at path lives."""
    return path.with_suffix(".kind.skops")


def _dump(pipeline: object, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    sio.dump(pipeline, tmp)
    tmp.replace(path)  # a reader never sees half a model


def _load(path: Path) -> Any:
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


def load_classifier(path: Path) -> Classifier:
    """Load a saved model; raises ValueError when the file names code we do not trust."""
    meta = read_meta(path)
    return Classifier(
        pipeline=_load(path),
        threshold=float(str(meta.get("threshold", 0.5))),
        kind_pipeline=_load(kind_path(path)) if kind_path(path).exists() else None,
        outcome_gate=float(str(meta.get("outcome_gate", 0.0))),
    )


def is_fresh(path: Path, digest: str) -> bool:
    """Return True when the model at path was trained on this corpus, scikit-learn and pipeline."""
    meta = read_meta(path)
    return (
        path.exists()
        and meta.get("corpus_hash") == digest
        and meta.get("sklearn_version") == sklearn.__version__
        and meta.get("pipeline_version") == PIPELINE_VERSION
    )
