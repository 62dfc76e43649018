"""Accounts' web logins on PostgreSQL: each sees its own mail, and another's ids are 404.

The routes are enumerated from the app, so a route added later is tried too; a path parameter
this test does not know how to fill fails it, until someone says which id it takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from classifier.model import Classifier
from drafts.profile import Profile
from service.config import Settings
from service.ingest import Fetched, Ingest
from service.store import Store
from service.store.accounts import Accounts, NewAccount, new_key
from service.tracker import rebuild
from service.web.app import create_app
from service.web.auth import COOKIE
from tests.conftest import corpus_messages
from tests.postgres import Postgres
from tests.servers import free_port, serve_in_thread

PASSWORD = "correct horse battery"
# every action the draft form knows: each must find B's draft missing before it does anything
DRAFT_ACTIONS = ("save", "send", "send_later", "undo", "discard", "send_again", "mark_sent")
DRAFT_ACTIONS += ("check", "restore")
# routes that take no id of any account: the list routes are checked for B's mail instead
NO_IDS = {"/login", "/logout", "/train", "/healthz", "/readyz", "/metrics", "/v1/classify"}
NO_IDS |= {"/v1/drafts"}
# the API docs' assets; the admin API, which no account's login reaches (tested below)
SKIPPED = ("/docs", "/admin/")
# routes that answer a missing id otherwise than 404: the page's snooze with a redirect and a
# note, the REST snooze with 409 for any draft that is not a waiting check-in, missing or not
REDIRECT_MISSING = {"/followups/{draft_id}/snooze", "/v1/followups/{draft_id}/snooze"}


@dataclass
class Mailbox:
    """One account's ids and the word every subject of its mail carries."""

    account_id: int
    marker: str
    message_pks: list[int]
    draft_ids: list[int]
    version_id: int
    message_id: str  # the Message-ID of its newest message
    app_id: str  # the id of one of its application records


def _fill(store: Store, classifier: Classifier, account_id: int, marker: str) -> Mailbox:
    scoped = store.for_account(account_id)
    ingest = Ingest(classifier, Profile(name=marker.title(), email=f"{marker}@example.org"), scoped)
    raws = [
        re.sub(rb"(?im)^Subject: ", f"Subject: {marker} ".encode(), raw, count=1).replace(
            b"Message-ID: <", f"Message-ID: <{marker}-".encode(), 1
        )
        for raw in corpus_messages(12)
    ]
    ingest.handle_many([Fetched(raw, uid) for uid, raw in enumerate(raws, 1)], folder="INBOX")
    rows = scoped.messages.latest()
    drafts = [d for row in rows for d in row.drafts]
    assert drafts, "the corpus spread gives some drafts"
    edited = drafts[0]
    saved = scoped.drafts.save(edited.id, edited.version, edited_text(edited))
    assert saved.outcome == "saved"
    versions = scoped.drafts.versions_of([edited.id])[edited.id]
    # a discard and a correction, which History lists
    assert scoped.drafts.discard(drafts[-1].id)
    bare = next(r for r in rows if not r.drafts)
    scoped.drafts.relabel(bare.id, "hard_no" if bare.label != "hard_no" else "other", [])
    pending = [d.id for d in drafts[:-1]]
    apps = rebuild(scoped)
    assert apps, "the corpus spread gives application records"
    pks = [r.id for r in rows]
    return Mailbox(account_id, marker, pks, pending, versions[0].id, rows[0].message_id, apps[0].id)


def edited_text(draft: object) -> object:
    """Return the draft's text with one more line."""
    from service.store.drafts import Text

    text = Text.of(draft)  # type: ignore[arg-type]
    return text._replace(body=text.body + "\nEdited.")


@dataclass
class Firm:
    """A served app of two accounts, a client logged in as A, and both accounts' ids."""

    app: FastAPI
    client: httpx.Client
    csrf: str
    a: Mailbox
    b: Mailbox


@pytest.fixture
def firm(classifier: Classifier, postgres: Postgres, tmp_path: Path) -> Iterator[Firm]:
    key = new_key()
    settings = Settings(
        data_dir=tmp_path,
        database_url=postgres.new_database(),
        secret_key=key,
        web_login_rate=100.0,
        send_undo_seconds=0,
    )
    store = Store(settings.resolved_database_url)
    try:
        yield from _serve(store, settings, classifier, key)
    finally:
        store.db.engine.dispose()  # close pooled connections before their server goes away


def _serve(store: Store, settings: Settings, classifier: Classifier, key: str) -> Iterator[Firm]:
    accounts = Accounts(store.db, key)
    ids = [
        accounts.add(
            NewAccount(
                n, "imap.invalid", n, "pw", profile=f'{{"name": "{n}", "email": "{n}@x.org"}}'
            )
        ).id
        for n in ("alpha", "bravo")
    ]
    a, b = (_fill(store, classifier, i, m) for i, m in zip(ids, ("alpha", "bravo"), strict=True))
    app = create_app(settings, classifier, store)
    for account_id in ids:
        app.state.auth.set_account_password(account_id, PASSWORD)
    server, thread = serve_in_thread(app, port := free_port())
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            form = client.get("/login")
            assert 'name="account"' in form.text  # many accounts: the form asks whose login
            token = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert token is not None
            answer = client.post(
                "/login",
                data={"account": "alpha", "password": PASSWORD, "csrf": token[1], "next": "/"},
            )
            assert answer.status_code == 303, answer.text
            cookie = client.cookies[COOKIE]
            yield Firm(app, client, app.state.auth.csrf_token(cookie), a, b)
    finally:
        server.should_exit = True
        thread.join(10)


def _api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI 0.12x keeps included routers whole
            inner = prefix + getattr(route.include_context, "prefix", "")
            yield from _api_routes(route.original_router.routes, inner)


def _id_routes(app: FastAPI) -> Iterator[tuple[str, str, list[str]]]:
    found = list(_api_routes(app.routes))
    assert len(found) > 20, "every route of the app is enumerated"
    for path, route in found:
        for method in sorted(route.methods - {"HEAD"}):
            yield method, path, re.findall(r"{(\w+)", path)


def _path(path: str, params: list[str], mailbox: Mailbox | None) -> str:
    # None: ids no account has, to see how a route answers a missing one
    ids: dict[str, object] = {"pk": 987_654, "draft_id": 987_654, "app_id": "a0000000"}
    if mailbox is not None:
        ids = {"pk": mailbox.message_pks[0], "draft_id": mailbox.draft_ids[0]}
        ids["app_id"] = mailbox.app_id
    for name in params:
        if name not in ids:
            pytest.fail(f"{path}: say which account's id {{{name}}} takes in this test")
        path = path.replace(f"{{{name}}}", str(ids[name]))
    return path


def _try(
    firm: Firm, method: str, path: str, mailbox: Mailbox | None, **form: str
) -> httpx.Response:
    # a superset of every route's fields; ids in a body are the mailbox's too
    ids, message_id, app_id = [987_654], "<nobody@nowhere.invalid>", "a0000000"
    if mailbox is not None:
        ids = mailbox.message_pks if "messages" in path or "bulk" in path else mailbox.draft_ids
        message_id, app_id = mailbox.message_id, mailbox.app_id
    fields = {"label": "hard_no", "version": 1, "until": "2030-01-02", "ids": ids}
    fields |= {"message_id": message_id, "to": app_id}
    if path.startswith("/v1/"):
        return firm.client.request(method, path, json={**fields, "body": "x"})
    data = {**fields, "csrf": firm.csrf, "confirm": "resend", **form}
    return firm.client.request(method, path, data=data)


def _shows(text: str, mailbox: Mailbox) -> bool:
    # its subjects begin with the marker, its profile's address is marker@: a search box that
    # echoes the word searched for shows nothing of the mailbox
    low = text.lower()
    return f"{mailbox.marker} " in low or f"{mailbox.marker}@" in low


def _snapshot(firm: Firm, mailbox: Mailbox) -> list[object]:
    store = firm.app.state.store.for_account(mailbox.account_id)
    rows = store.messages.latest()
    drafts = [(d.id, d.status, d.version, d.body, d.followup_date) for r in rows for d in r.drafts]
    return [[(r.id, r.label) for r in rows], drafts, store.messages.corrections()]


def test_a_login_gets_404_for_every_route_with_another_accounts_ids(firm: Firm) -> None:
    before = _snapshot(firm, firm.b)
    tried = 0
    for method, path, params in _id_routes(firm.app):
        if (not params and (method == "GET" or path in NO_IDS)) or path.startswith(SKIPPED):
            continue  # lists are checked below; these take no id of anyone's
        actions = DRAFT_ACTIONS if path == "/d/{draft_id}" else ("discard", "relabel")
        for action in actions if method == "POST" else ("",):
            form = {"action": action, "restore": str(firm.b.version_id)}
            answer = _try(firm, method, _path(path, params, firm.b), firm.b, **form)
            missing = _try(firm, method, _path(path, params, None), None, **form)
            where = (method, path, action)
            assert not _shows(answer.text, firm.b), where
            # another account's id is answered exactly as an id nobody has
            assert answer.status_code == missing.status_code, (*where, answer.text)
            if params:
                assert answer.status_code == 404 or path in REDIRECT_MISSING, (*where, answer.text)
            tried += 1
    assert tried >= 10 + len(DRAFT_ACTIONS)
    assert _snapshot(firm, firm.b) == before  # nothing of B's moved, changed or was relabelled
    # the same requests with A's own ids are served: the 404s above are B's ids, not the test's
    for method, path, params in _id_routes(firm.app):
        if params and method == "GET" and not path.startswith(SKIPPED):
            answer = firm.client.get(_path(path, params, firm.a))
            assert answer.status_code == 200 and _shows(answer.text, firm.a), path
    # an earlier version of B's draft cannot be restored into A's
    own = firm.a.draft_ids[0]
    restored = _try(
        firm, "POST", f"/d/{own}", firm.a, action="restore", restore=str(firm.b.version_id)
    )
    assert restored.status_code == 404


def test_a_login_lists_only_its_own_mail(firm: Firm) -> None:
    lists = [p for m, p, params in _id_routes(firm.app) if m == "GET" and not params]
    lists = [p for p in lists if p not in NO_IDS and not p.startswith(SKIPPED)]
    assert {"/", "/all", "/history", "/v1/messages"} <= set(lists)
    searches = ["/all?q=bravo", "/v1/messages?q=bravo", "/all?label=hard_no"]
    for path in lists + searches:
        answer = firm.client.get(path)
        assert answer.status_code == 200, path
        assert not _shows(answer.text, firm.b), path
        if path in ("/all", "/v1/messages", "/history"):
            assert _shows(answer.text, firm.a), path


def test_an_accounts_approval_is_queued_for_its_worker_never_sent_by_the_web(firm: Firm) -> None:
    store = firm.app.state.store.for_account(firm.a.account_id)
    rows = [store.messages.get_by_pk(pk) for pk in firm.a.message_pks]
    draft = next(d for r in rows if r for d in r.drafts if d.status == "pending" and d.to)
    answer = firm.client.post(f"/v1/drafts/{draft.id}/send")
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "queued"
    assert store.drafts.get(draft.id).status == "approved"  # type: ignore[union-attr]
    # the web server's own dispatcher sees the single user's drafts only
    assert firm.app.state.store.drafts.get(draft.id) is None


def test_admin_routes_refuse_an_accounts_login(firm: Firm) -> None:
    for method, path, _ in _id_routes(firm.app):
        if path.startswith("/admin/"):
            answer = firm.client.request(method, path.replace("{account_id}", "1"))
            assert answer.status_code in (401, 404), (method, path)


def test_an_accounts_login_cannot_retrain_the_shared_model(firm: Firm) -> None:
    assert "Retrain with my corrections" not in firm.client.get("/").text
    answer = firm.client.post("/train", data={"csrf": firm.csrf})
    assert answer.status_code == 403, answer.text
    assert firm.app.state.trainer.state.status != "running"
