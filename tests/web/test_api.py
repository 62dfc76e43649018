"""The REST API over HTTP, against a real uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from classifier.corpus import data_dir
from classifier.model import Classifier
from service.config import Settings
from service.web.app import create_app
from tests.servers import free_port, serve_in_thread

DEMO = data_dir() / "demo"


@dataclass
class Api:
    """A real uvicorn serving the app, a client for it, and the bearer token's header."""

    client: httpx.Client
    auth: dict[str, str]


@pytest.fixture
def api(classifier: Classifier, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(data_dir=tmp_path, max_message_bytes=50_000)
    app = create_app(settings, classifier)
    token = app.state.auth.new_api_token()
    server, thread = serve_in_thread(app, port := free_port())
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield Api(client, {"Authorization": f"Bearer {token}"})
    finally:
        server.should_exit = True
        thread.join(10)


def test_rest_needs_a_token(api: Api) -> None:
    r = api.client.post("/v1/classify", json={"body": "hello"})
    assert r.status_code == 401


def test_rest_raw_and_json(api: Api) -> None:
    raw = (DEMO / "03-not-now.eml").read_bytes()
    r = api.client.post(
        "/v1/drafts", content=raw, headers={"Content-Type": "message/rfc822", **api.auth}
    )
    assert r.status_code == 200, r.text
    assert r.json()["label"] == "not_now" and r.json()["drafts"][0]["followup_date"]
    r = api.client.post(
        "/v1/classify",
        json={
            "from": "Dana <dana@acme.example>",
            "subject": "Offer",
            "body": "We are delighted to offer you the position of Data Engineer at Acme. The offer letter is attached.",
        },
        headers=api.auth,
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
def test_rest_bad_input_gets_a_clear_4xx(api: Api, kwargs: dict[str, object], status: int) -> None:
    headers = {**kwargs.pop("headers", {}), **api.auth}  # type: ignore[dict-item]
    r = api.client.post("/v1/drafts", headers=headers, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status, r.text
    assert r.json()["detail"]


def test_health_and_openapi(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    spec = api.client.get("/openapi.json", headers=api.auth).json()
    assert "/v1/drafts" in spec["paths"] and "/v1/classify" in spec["paths"]
