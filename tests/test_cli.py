"""The CLI as scripts use it: a real subprocess, its output parsed as a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from classifier.corpus import data_dir
from classifier.model import Classifier

HOLDOUT = data_dir() / "holdout"
DEMO = data_dir() / "demo"


def gracemail(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


def test_classify_jsonl_on_unseen_mail_with_a_broken_file(
    tmp_path: Path, classifier: Classifier
) -> None:
    broken = tmp_path / "broken.eml"
    broken.write_bytes(b"")
    files = [str(HOLDOUT / "001.eml"), str(broken), str(HOLDOUT / "002.eml")]
    done = gracemail("classify", "--format", "jsonl", *files)
    assert done.returncode == 1
    assert "broken.eml" in done.stderr and "empty message" in done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["path"] for r in rows] == [files[0], files[2]]
    for row in rows:
        assert set(row) == {
            "path",
            "message_id",
            "label",
            "kind",
            "confidence",
            "contact_name",
            "company",
            "role",
        }
        assert (
            row["label"] in {"offer", "hard_no", "not_now", "other"} and 0 <= row["confidence"] <= 1
        )


def test_classify_a_folder(classifier: Classifier) -> None:
    done = gracemail("classify", "--format", "jsonl", str(DEMO))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(list(DEMO.glob("*.eml")))


def test_draft_json(classifier: Classifier) -> None:
    done = gracemail("draft", "--format", "json", str(DEMO / "07-hard-no-unable.eml"))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["label"] == "hard_no"
    assert [d["kind"] for d in out["drafts"]] == ["hard_no"]
    draft = out["drafts"][0]
    assert {"kind", "to", "subject", "body", "language"} <= set(draft)
    assert draft["to"] == "priyanka.das@meridian-health.example" and draft["subject"].startswith(
        "Re: "
    )
