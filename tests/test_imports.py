"""Run-once paths stay lean: what `python -X importtime` shows they import, in a real subprocess.

A mail filter or a script runs gracemail once per message; a stray import of scikit-learn or
the web stack would bring back seconds of start-up on every one of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from classifier.corpus import data_dir
from classifier.model import Classifier
from classifier.persist import load_classifier

HEAVY = {"sklearn", "scipy", "skops", "fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn"}
MESSAGE = data_dir() / "demo" / "07-hard-no-unable.eml"


def imported_by(args: list[str], stdin: bytes = b"") -> set[str]:
    """Return the top-level packages a Python run of args imports, from -X importtime."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        input=stdin,
        capture_output=True,
        env=os.environ.copy(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    lines = [line for line in done.stderr.decode().splitlines() if line.startswith("import time:")]
    assert lines, "no -X importtime output"
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in lines}


@pytest.fixture(autouse=True)
def npz_beside_the_model(classifier: Classifier) -> None:
    """Make sure the model is fresh and has its .npz, so no run below trains or converts."""
    load_classifier(Path(os.environ["GRACEMAIL_MODEL_PATH"]))


@pytest.mark.parametrize(
    "args",
    [
        ["-m", "service", "classify", str(MESSAGE)],
        ["-m", "service", "classify", "--format", "jsonl", str(MESSAGE)],
        ["-m", "service", "draft", str(MESSAGE)],
    ],
    ids=["classify", "classify-jsonl", "draft"],
)
def test_cli_paths_import_nothing_heavy(args: list[str]) -> None:
    assert imported_by(args) & HEAVY == set()


# What a run per message must not pay for: numpy (the lean scorer reads the model), and typer
# and pydantic (the settings it needs are read without them)
RUN_ONCE_HEAVY = HEAVY | {"numpy", "typer", "click", "pydantic", "pydantic_settings"}


@pytest.mark.parametrize(
    "args",
    [
        ["-m", "service", "classify", str(MESSAGE)],
        ["-m", "service", "classify", "--format", "jsonl", str(MESSAGE)],
    ],
    ids=["classify", "classify-jsonl"],
)
def test_classifying_one_message_imports_only_the_standard_library_and_mmh3(
    args: list[str],
) -> None:
    assert imported_by(args) & RUN_ONCE_HEAVY == set()


def test_the_filter_imports_nothing_heavy() -> None:
    assert imported_by(["-m", "service", "filter"], MESSAGE.read_bytes()) & RUN_ONCE_HEAVY == set()


def test_the_poller_needs_the_store_but_not_scikit_learn_or_the_web() -> None:
    imported = imported_by(["-c", "import service.mail.poller"])
    assert "sqlalchemy" in imported  # it stores what it labels
    assert imported & (HEAVY - {"sqlalchemy", "alembic"}) == set()
