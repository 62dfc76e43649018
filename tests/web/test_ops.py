"""/readyz and /metrics on a real uvicorn, over SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from classifier.model import Classifier
from service.config import Settings
from service.store import Store
from service.store.accounts import Accounts, NewAccount, new_key
from service.store.db import HEAD, Database
from service.store.leases import Leases
from service.web.app import create_app
from tests.servers import free_port, serve_in_thread


def _serve(
    store: Store, classifier: Classifier, tmp_path: Path
) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    app = create_app(Settings(data_dir=tmp_path), classifier, store)
    token = app.state.auth.new_api_token()
    server, thread = serve_in_thread(app, port := free_port())
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client, {"Authorization": f"Bearer {token}"}
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def web(
    store: Store, classifier: Classifier, tmp_path: Path
) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    yield from _serve(store, classifier, tmp_path)


def test_readyz_says_ready_at_head_without_a_login(
    web: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, _ = web
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_readyz_refuses_a_schema_behind(
    database_url: str, classifier: Classifier, tmp_path: Path
) -> None:
    old = Database(database_url, upgrade=False)
    old.upgrade("0005")
    old.engine.dispose()
    behind = Store(database_url, upgrade=False)
    for client, _ in _serve(behind, classifier, tmp_path):
        r = client.get("/readyz")
        assert r.status_code == 503 and r.json() == {
            "status": "migrations pending",
            "revision": "0005",
            "head": HEAD,
        }
    behind.db.engine.dispose()


def test_readyz_refuses_an_unreachable_database(
    store: Store, classifier: Classifier, tmp_path: Path
) -> None:
    app = create_app(Settings(data_dir=tmp_path), classifier, store)
    # nothing listens on a fresh free port: the database is gone
    app.state.store = Store(
        f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x", upgrade=False
    )
    server, thread = serve_in_thread(app, port := free_port())
    try:
        r = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=30)
        assert r.status_code == 503 and r.json()["status"] == "database unreachable"
    finally:
        server.should_exit = True
        thread.join(10)


def test_metrics_count_what_the_database_holds_and_need_the_token(
    store: Store, web: tuple[httpx.Client, dict[str, str]]
) -> None:
    client, auth = web
    accounts = Accounts(store.db, new_key())
    for name in ("alice", "bob"):
        accounts.add(NewAccount(name, "imap.example", name, "pw"))
    Leases(store.db).claim("w1", 2, ttl=60.0)
    assert client.get("/metrics", follow_redirects=False).status_code in (303, 401)
    r = client.get("/metrics", headers=auth)
    assert r.status_code == 200
    lines = set(r.text.splitlines())
    assert "gracemail_accounts_enabled 2.0" in lines
    assert "gracemail_leases_held 2.0" in lines
    assert "gracemail_lease_takeovers 0.0" in lines
    assert "gracemail_drafts_waiting 0.0" in lines
    assert "pw" not in r.text.replace("gracemail_", "")
