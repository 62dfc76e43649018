"""The numpy runtime: scikit-learn's probabilities from a plain .npz, and the files behind it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from classifier.corpus import data_dir
from classifier.model import Classifier
from classifier.parse import message_from_fields, parse_message
from classifier.persist import kind_path, load_classifier, read_meta, runtime_path
from classifier.runtime import Runtime, feature_numbers, load_runtime, runtime_of

HELD_OUT = sorted(p for p in data_dir().glob("holdout*") if (p / "labels.csv").exists())
EDGE_TEXTS = ["", "!!! ???", "Ünïcödé ðaten — 日本語のテキスト", "word " * 5000, "can't won't 42"]


def _texts() -> list[str]:
    paths = [p for folder in HELD_OUT for p in sorted(folder.glob("*.eml"))]
    return [parse_message(p.read_bytes()).features_text for p in paths] + EDGE_TEXTS


@pytest.fixture
def runtime(classifier: Classifier) -> Runtime:
    """Return the runtime as the CLI loads it: from the .npz beside the model."""
    path = Path(os.environ["GRACEMAIL_MODEL_PATH"])
    load_classifier(path)  # makes the .npz when the model predates it
    return load_runtime(runtime_path(path))


def test_runtime_gives_the_pipelines_probabilities_on_all_held_out_mail(
    classifier: Classifier, runtime: Runtime
) -> None:
    assert [p.name for p in HELD_OUT][:2] == ["holdout", "holdout2"]
    texts = _texts()
    assert len(texts) >= 340 + len(EDGE_TEXTS)
    labels, kinds = runtime.probabilities(texts)
    assert runtime.kind is not None and kinds is not None
    expected_labels = classifier.pipeline.predict_proba(texts)
    expected_kinds = classifier.kind_pipeline.predict_proba(texts)
    assert labels.shape == expected_labels.shape and kinds.shape == expected_kinds.shape
    assert np.abs(labels - expected_labels).max() < 1e-9
    assert np.abs(kinds - expected_kinds).max() < 1e-9
    assert runtime.label.classes == [str(c) for c in classifier.pipeline.classes_]
    assert runtime.kind.classes == [str(c) for c in classifier.kind_pipeline.classes_]


def test_runtime_one_text_at_a_time_matches_the_batch(runtime: Runtime) -> None:
    texts = _texts()[::7] + EDGE_TEXTS
    batch_labels, batch_kinds = runtime.probabilities(texts)
    for i, text in enumerate(texts):
        labels, kinds = runtime.probabilities([text])
        assert kinds is not None and batch_kinds is not None
        assert np.abs(labels[0] - batch_labels[i]).max() < 1e-12
        assert np.abs(kinds[0] - batch_kinds[i]).max() < 1e-12


def test_hashing_gives_scikit_learns_counts(classifier: Classifier, runtime: Runtime) -> None:
    texts = _texts()
    words = classifier.pipeline.named_steps["words"]
    expected = words.transform(texts).tocoo()
    counts = runtime.count(texts)
    got = sorted(
        zip(counts.rows.tolist(), counts.features.tolist(), counts.counts.tolist(), strict=True)
    )
    want = sorted(
        zip(expected.row.tolist(), expected.col.tolist(), expected.data.tolist(), strict=True)
    )
    assert got == want


def test_the_one_hash_without_an_int32_absolute_value() -> None:
    """scikit-learn maps a hash of -2**31 to (2**31 - 1 - (n - 1)) % n; so must we."""
    for n in (2**19, 2**18 + 3, 1000, 7):
        got = feature_numbers(np.array([-(2**31), -5, 5, 2**31 - 1], dtype=np.int64), n)
        assert got.tolist() == [(2147483647 - (n - 1)) % n, 5 % n, 5 % n, (2**31 - 1) % n]


def test_the_npz_is_plain_arrays(classifier: Classifier) -> None:
    path = runtime_path(Path(os.environ["GRACEMAIL_MODEL_PATH"]))
    load_classifier(path.with_suffix(".skops"))
    with np.load(path, allow_pickle=False) as data:  # would raise on a pickled object
        dtypes = {name: data[name].dtype.kind for name in data.files}
    assert set(dtypes.values()) <= {"i", "f", "b", "U"}
    assert {"label.weights", "kind.weights", "threshold", "outcome_gate"} <= set(dtypes)
    runtime = load_runtime(path)
    assert runtime.threshold == classifier.threshold
    assert runtime.outcome_gate == classifier.outcome_gate
    assert len(runtime.label.columns) < runtime.n_features / 2  # stored sparse


def test_a_model_without_its_npz_gets_one_and_a_stale_one_is_replaced(
    classifier: Classifier, tmp_path: Path
) -> None:
    source = Path(os.environ["GRACEMAIL_MODEL_PATH"])
    path = tmp_path / "model.skops"
    for src, dst in [
        (source, path),
        (kind_path(source), kind_path(path)),
        (source.with_suffix(".json"), path.with_suffix(".json")),
    ]:
        shutil.copyfile(src, dst)
    msg = message_from_fields(
        "a@b.example", "Your application", "Unfortunately we will not move forward with you."
    )
    assert not runtime_path(path).exists()
    first = load_classifier(path)  # from skops; writes the .npz
    assert first.runtime is not None and runtime_path(path).exists()
    second = load_classifier(path)  # from the .npz alone
    assert second.predict(msg) == first.predict(msg) == classifier.predict(msg)
    meta = read_meta(path)  # a retrain elsewhere: the .npz no longer belongs to this model
    path.with_suffix(".json").write_text(json.dumps({**meta, "threshold": 0.99}))
    third = load_classifier(path)
    assert third.threshold == 0.99 and load_runtime(runtime_path(path)).threshold == 0.99


def test_pipelines_of_another_shape_are_scored_by_scikit_learn(classifier: Classifier) -> None:
    from sklearn.pipeline import Pipeline

    words = classifier.pipeline.named_steps["words"]
    model = classifier.pipeline.named_steps["model"]
    other = Pipeline([("words", words), ("model", model)])  # no tfidf step
    with pytest.raises(KeyError):
        runtime_of(other)
    slow = Classifier(other, 0.5)
    assert slow.runtime is None
    text = "We are delighted to offer you the position."
    labels, kinds = slow.probabilities([text])
    assert kinds is None
    assert np.abs(labels - other.predict_proba([text])).max() < 1e-12


def test_the_npz_is_mapped_read_only_and_a_compressed_one_loads_too(
    runtime: Runtime, tmp_path: Path
) -> None:
    assert not runtime.label.weights.flags.writeable  # a view of the mapped file, not a copy
    path = runtime_path(Path(os.environ["GRACEMAIL_MODEL_PATH"]))
    compressed = tmp_path / "compressed.npz"
    with np.load(path, allow_pickle=False) as data:
        np.savez_compressed(compressed, **{name: data[name] for name in data.files})
    again = load_runtime(compressed)
    text = ["Unfortunately we will not be moving forward with your application."]
    assert np.array_equal(again.probabilities(text)[0], runtime.probabilities(text)[0])
