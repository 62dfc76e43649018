"""The lean scorer: the pipelines' probabilities with the standard library, and when it is used."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from classifier.corpus import data_dir
from classifier.lean import LeanRuntime, load_lean
from classifier.model import LEAN_TEXTS, Classifier
from classifier.parse import parse_message
from classifier.persist import load_classifier, runtime_path

HELD_OUT = sorted(p for p in data_dir().glob("holdout*") if (p / "labels.csv").exists())
EDGE_TEXTS = ["", "!!! ???", "Ünïcödé ðaten — 日本語のテキスト", "word " * 5000, "can't won't 42"]


@pytest.fixture
def lean(classifier: Classifier) -> LeanRuntime:
    """Return the lean scorer as the CLI loads it, from the .npz beside the model."""
    path = Path(os.environ["GRACEMAIL_MODEL_PATH"])
    load_classifier(path)  # makes the .npz when the model predates it
    return load_lean(runtime_path(path))


def test_lean_gives_the_pipelines_probabilities_on_all_held_out_mail(
    classifier: Classifier, lean: LeanRuntime
) -> None:
    paths = [p for folder in HELD_OUT for p in sorted(folder.glob("*.eml"))]
    texts = [parse_message(p.read_bytes()).features_text for p in paths] + EDGE_TEXTS
    assert len(texts) >= 760
    labels, kinds = lean.probabilities(texts)
    assert kinds is not None and lean.kind is not None
    assert np.abs(np.array(labels) - classifier.pipeline.predict_proba(texts)).max() < 1e-9
    assert np.abs(np.array(kinds) - classifier.kind_pipeline.predict_proba(texts)).max() < 1e-9
    assert lean.label.classes == [str(c) for c in classifier.pipeline.classes_]
    assert lean.kind.classes == [str(c) for c in classifier.kind_pipeline.classes_]
    assert lean.threshold == classifier.threshold and lean.outcome_gate == classifier.outcome_gate


def test_a_loaded_model_scores_a_few_texts_lean_then_loads_numpy(classifier: Classifier) -> None:
    loaded = load_classifier(Path(os.environ["GRACEMAIL_MODEL_PATH"]))
    folder = HELD_OUT[-1]
    messages = [parse_message(p.read_bytes()) for p in sorted(folder.glob("*.eml"))[:40]]
    first = [loaded.predict(m) for m in messages[:LEAN_TEXTS]]
    assert loaded._runtime is None  # one message, or a few: numpy never loaded
    rest = loaded.predict_many(messages[LEAN_TEXTS:])
    assert loaded._runtime is not None
    assert first + rest == classifier.predict_many(messages)


def test_a_compressed_npz_is_not_mapped_and_numpy_reads_it(tmp_path: Path) -> None:
    path = runtime_path(Path(os.environ["GRACEMAIL_MODEL_PATH"]))
    compressed = tmp_path / "compressed.npz"
    with np.load(path, allow_pickle=False) as data:
        np.savez_compressed(compressed, **{name: data[name] for name in data.files})
    with pytest.raises(ValueError, match="not a stored"):
        load_lean(compressed)


def test_every_array_of_the_npz_starts_on_a_64_byte_boundary(classifier: Classifier) -> None:
    from classifier.npz import read_npz

    path = runtime_path(Path(os.environ["GRACEMAIL_MODEL_PATH"]))
    load_classifier(path.with_suffix(".skops"))
    for name, member in read_npz(path).items():
        address = (
            np.frombuffer(member.data, dtype=np.uint8).ctypes.data if member.data.nbytes else 0
        )
        assert address % 64 == 0, name
