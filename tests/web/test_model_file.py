"""One model file: a model retrained with the user's corrections survives a restart and a CLI run."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.corpus import corpus_digest
from classifier.model import Classifier
from classifier.persist import read_meta
from classifier.train import train_classifier
from service.cli import _classifier, app
from service.config import Settings
from service.ingest import Ingest
from service.mailview import relabel
from service.store import Store
from tests.test_sender import PROFILE, corpus_message


def test_a_correction_survives_a_restart_and_a_cli_run(
    classifier: Classifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "model.skops"  # never the shared test model
    url = f"sqlite:///{tmp_path / 'gm.db'}"
    settings = Settings(database_url=url, model_path=model, profile=PROFILE)
    store = Store(url)
    ingest = Ingest(classifier, settings.profile.to_profile(), store)
    ingest.handle(corpus_message("hn-0002"), folder="INBOX", source="hn-0002")
    pk = store.messages.latest()[0].id
    assert relabel(store, settings, pk, "not_now") == "relabelled"
    corrections = store.messages.corrections()
    assert len(corrections) == 1
    # what "Retrain with my corrections" does (without the cross-validation, to be quick)
    train_classifier(model, extra=corrections, evaluate=False)
    with_corrections = corpus_digest(extra=corrections)
    trained = (model.stat().st_mtime_ns, read_meta(model)["corpus_hash"])
    assert trained[1] == with_corrections != corpus_digest()

    _classifier(settings)  # a restart of `gracemail serve` loads its model this way
    eml = tmp_path / "one.eml"
    eml.write_bytes(corpus_message("of-0001"))
    monkeypatch.setenv("GRACEMAIL_DATABASE_URL", url)
    monkeypatch.setenv("GRACEMAIL_MODEL_PATH", str(model))
    result = CliRunner().invoke(app, ["classify", str(eml)])
    assert result.exit_code == 0, result.output
    assert "training the model" not in result.output
    assert (model.stat().st_mtime_ns, read_meta(model)["corpus_hash"]) == trained
