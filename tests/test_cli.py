"""The CLI as scripts use it, and the REST API over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from classifier.corpus import data_dir
from classifier.model import Classifier
from service.app import create_app
from service.config import Settings

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


@pytest.fixture
def api(classifier: Classifier, tmp_path: Path) -> TestClient:
    settings = Settings(data_dir=tmp_path, max_message_bytes=50_000)
    return TestClient(create_app(settings, classifier))


def _auth(client: TestClient) -> dict[str, str]:
    token = client.app.state.auth.new_api_token()  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {token}"}


def test_rest_needs_a_token(api: TestClient) -> None:
    r = api.post("/v1/classify", json={"body": "hello"})
    assert r.status_code == 401


def test_rest_raw_and_json(api: TestClient) -> None:
    raw = (DEMO / "03-not-now.eml").read_bytes()
    r = api.post(
        "/v1/drafts", content=raw, headers={"Content-Type": "message/rfc822", **_auth(api)}
    )
    assert r.status_code == 200, r.text
    assert r.json()["label"] == "not_now" and r.json()["drafts"][0]["followup_date"]
    r = api.post(
        "/v1/classify",
        json={
            "from": "Dana <dana@acme.example>",
            "subject": "Offer",
            "body": "We are delighted to offer you the position of Data Engineer at Acme. The offer letter is attached.",
        },
        headers=_auth(api),
    )
    assert r.status_code == 200, r.text
    assert r.json()["label"] == "offer"


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b"x" * 60_000, "headers": {"Content-Type": "message/rfc822"}}, 413),
        ({"content": b"", "headers": {"Content-Type": "message/rfc822"}}, 400),
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 422),
        ({"json": {"subject": "no body"}}, 422),
        ({"content": b"<p>hi</p>", "headers": {"Content-Type": "image/png"}}, 415),
    ],
)
def test_rest_bad_input_gets_a_clear_4xx(
    api: TestClient, kwargs: dict[str, object], status: int
) -> None:
    headers = {**kwargs.pop("headers", {}), **_auth(api)}  # type: ignore[dict-item]
    r = api.post("/v1/drafts", headers=headers, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status, r.text
    assert r.json()["detail"]


def test_health_and_openapi(api: TestClient) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    spec = api.get("/openapi.json", headers=_auth(api)).json()
    assert "/v1/drafts" in spec["paths"] and "/v1/classify" in spec["paths"]
