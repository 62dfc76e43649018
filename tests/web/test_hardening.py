"""Login throttling, cookies over HTTPS and trusted proxies, Host checks, headers, the token.

Everything runs on a real uvicorn; the guessers are real HTTP clients in threads. Forwarded
client addresses are documentation addresses (RFC 5737) in headers only: all traffic stays on
127.0.0.1.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from classifier.model import Classifier
from service.store import Store
from service.web.app import create_app
from service.web.throttle import BURST, LoginThrottle, client_key
from tests.servers import free_port, wait_for_port
from tests.test_sender import corpus_message, make_settings
from tests.web.test_pages import CHROMIUM, CHROMIUM_ARGS, PASSWORD, login_client, needs_chromium

ROOT = Path(__file__).resolve().parent.parent.parent


@contextmanager
def serving(app: FastAPI, tls: tuple[Path, Path] | None = None) -> Iterator[str]:
    """Serve app on a free port as `gracemail serve` does (no uvicorn proxy headers); yield its URL."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="off",
        proxy_headers=False,
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def make_app(classifier: Classifier, tmp_path: Path, **settings: Any) -> FastAPI:
    """Return an app with the test password set and one message stored."""
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'web.db'}",
        "web_password": PASSWORD,
        **settings,
    }
    app = create_app(make_settings(free_port(), **values), classifier)
    app.state.auth.adopt_password(PASSWORD)
    app.state.ingest.handle(corpus_message("hn-0002"), folder="INBOX", source="hn-0002")
    return app


def login_form(client: httpx.Client) -> None:
    """Fetch the login form, which sets the form's CSRF cookie."""
    assert client.get("/login").status_code == 200


def try_password(client: httpx.Client, password: str, **headers: str) -> httpx.Response:
    """Post the login form with its CSRF token and return the answer."""
    csrf = client.cookies.get("gracemail_login", path="/login") or ""
    return client.post("/login", data={"password": password, "csrf": csrf}, headers=headers)


def try_password_via_proxy(client: httpx.Client, password: str) -> httpx.Response:
    """Post the login form as a browser would through a TLS proxy, which sends Secure cookies."""
    csrf = client.cookies.get("gracemail_login", path="/login") or ""
    return client.post(
        "/login",
        data={"password": password, "csrf": csrf},
        headers={"Cookie": f"gracemail_login={csrf}"},
    )


# --- throttling ---------------------------------------------------------------------------


def _page_latencies(client: httpx.Client, until: Any) -> list[float]:
    """Load the inbox every 50 ms while until() is false; return each load's seconds."""
    latencies: list[float] = []
    while not until():
        began = time.perf_counter()
        assert client.get("/").status_code == 200  # the logged-in user is never turned away
        latencies.append(time.perf_counter() - began)
        time.sleep(0.05)
    return latencies


def _ms(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms ({len(ordered)} loads)"


def test_forty_parallel_guessers_get_at_most_one_guess_a_second_and_pages_stay_fast(
    classifier: Classifier, tmp_path: Path
) -> None:
    app = make_app(classifier, tmp_path, web_trusted_proxies="127.0.0.1")
    seconds, guessers = 8.0, 40
    with serving(app) as url, httpx.Client(base_url=url) as user:
        login_client(user)
        calm_until = time.monotonic() + 2
        calm = _page_latencies(user, lambda: time.monotonic() > calm_until)
        attack = subprocess.Popen(
            [sys.executable, "-m", "tests.web.guessers", url, str(guessers), str(seconds)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        during = _page_latencies(user, lambda: attack.poll() is not None)
        out, _ = attack.communicate(timeout=60)
    counts = json.loads(out)
    print(
        f"\n{guessers} guessers for {counts['seconds']:.1f} s: {counts['checked']} passwords "
        f"checked ({counts['checked'] / counts['seconds']:.2f}/s), {counts['refused']} refused "
        "unchecked; "
        f"inbox before: {_ms(calm)}; during: {_ms(during)}"
    )
    assert counts["other"] == {}
    # one check a second in all, after a first burst; one more for timing at the edges
    assert counts["checked"] <= BURST + 1.0 * counts["seconds"] + 1
    assert counts["refused"] > counts["checked"]  # the attack did run into the limit


def test_one_address_is_locked_out_even_with_the_right_password(
    classifier: Classifier, tmp_path: Path
) -> None:
    # a quick shared bucket: this test is about one address's own limits
    app = make_app(
        classifier,
        tmp_path,
        web_trusted_proxies="127.0.0.1",
        web_login_lockout_after=5,
        web_login_rate=20.0,
    )
    attacker = {"X-Forwarded-For": "198.51.100.7"}
    owner = {"X-Forwarded-For": "192.0.2.10"}
    with serving(app) as url, httpx.Client(base_url=url) as client:
        login_form(client)
        assert try_password(client, PASSWORD, **owner).status_code == 303  # logged in before
        login_form(client)
        # three free failures, and a fourth that starts the wait
        assert [try_password(client, "nope", **attacker).status_code for _ in range(4)] == [401] * 4
        backoff = try_password(client, "nope", **attacker)
        assert backoff.status_code == 429 and backoff.headers["retry-after"] == "1"
        time.sleep(1.1)
        assert try_password(client, "nope", **attacker).status_code == 401  # the 5th: locked
        locked = try_password(client, PASSWORD, **attacker)
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 800
        assert "Too many failed logins" in locked.text
        assert try_password(client, PASSWORD, **owner).status_code == 303  # not locked out


def test_the_throttle_backs_off_exponentially_and_forgets_after_a_quiet_spell() -> None:
    now = [1000.0]
    throttle = LoginThrottle(rate=1.0, lockout_after=8, lockout_seconds=600, clock=lambda: now[0])
    host = "192.0.2.1"
    waits = []
    for _ in range(8):
        now[0] += throttle.wait_of(host) + 3  # wait as told; the shared bucket refills meanwhile
        assert throttle.check(host) == 0
        throttle.failed(host)
        waits.append(throttle.wait_of(host))
    assert waits == [0, 0, 0, 1, 2, 4, 8, 600]  # three free, then doubling, then locked out
    now[0] += 600
    assert throttle.check(host) == 0
    now[0] += 601
    throttle.failed(host)
    assert throttle.wait_of(host) == 0  # quiet for longer than the lockout: a first failure again
    # IPv6 addresses count by their /64, which one attacker usually holds whole
    assert (
        client_key("2001:db8:1:2::5") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    )


def test_the_shared_bucket_holds_a_burst_then_one_check_a_second() -> None:
    now = [0.0]
    throttle = LoginThrottle(rate=1.0, lockout_after=10, lockout_seconds=900, clock=lambda: now[0])
    allowed = [throttle.check(f"192.0.2.{i}") == 0 for i in range(10)]
    assert allowed == [True] * BURST + [False] * (10 - BURST)
    now[0] += 1.0
    assert [throttle.check(f"198.51.100.{i}") == 0 for i in range(3)] == [True, False, False]
    throttle.succeeded("192.0.2.0")  # its right password was checked with the first burst
    assert throttle.check("192.0.2.0") == 0  # an owner who logged in lately skips the bucket
    assert throttle.check("192.0.2.200") > 0


# --- HTTPS, proxies and hosts ---------------------------------------------------------------


def _cookie_of(answer: httpx.Response) -> str:
    return "; ".join(v for k, v in answer.headers.multi_items() if k == "set-cookie").lower()


def test_a_trusted_proxy_makes_cookies_secure_and_an_untrusted_one_changes_nothing(
    classifier: Classifier, tmp_path: Path
) -> None:
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.44"}
    for trusted, expect_secure in (("127.0.0.1", True), ("", False)):
        app = make_app(classifier, tmp_path / (trusted or "none"), web_trusted_proxies=trusted)
        with serving(app) as url, httpx.Client(base_url=url, headers=https) as client:
            form = client.get("/login")
            answer = try_password_via_proxy(client, PASSWORD)
        assert answer.status_code == 303
        assert ("secure" in _cookie_of(form).split("; ")) is expect_secure
        assert ("secure" in _cookie_of(answer).split("; ")) is expect_secure
        assert ("strict-transport-security" in answer.headers) is expect_secure


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return a self-signed certificate and key for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return cert, key


def test_the_session_cookie_is_secure_over_tls(
    classifier: Classifier, tmp_path: Path, tls_files: tuple[Path, Path]
) -> None:
    app = make_app(classifier, tmp_path)
    with serving(app, tls_files) as url, httpx.Client(base_url=url, verify=False) as client:
        login_form(client)
        answer = try_password(client, PASSWORD)
    assert answer.status_code == 303
    assert "secure" in _cookie_of(answer).split("; ")


def test_the_host_header_must_name_a_served_host(classifier: Classifier, tmp_path: Path) -> None:
    app = make_app(classifier, tmp_path, web_allowed_hosts="mail.example.org")
    with serving(app) as url, httpx.Client(base_url=url) as client:
        assert client.get("/healthz").status_code == 200
        evil = client.get("/healthz", headers={"Host": "evil.example"})
        assert evil.status_code == 400
        assert "content-security-policy" in evil.headers  # a refusal carries the headers too
        assert client.get("/healthz", headers={"Host": "mail.example.org"}).status_code == 200
        assert client.get("/healthz", headers={"Host": "localhost:8000"}).status_code == 200


# --- headers ----------------------------------------------------------------------------------


def test_every_response_has_the_security_headers_docs_included(
    classifier: Classifier, tmp_path: Path
) -> None:
    app = make_app(classifier, tmp_path)
    with serving(app) as url, httpx.Client(base_url=url) as client:
        login_client(client)
        answers = {
            path: client.get(path)
            for path in ("/docs", "/openapi.json", "/healthz", "/login", "/no-such-page", "/")
        }
        answers["logged out /docs"] = httpx.get(url + "/docs")
    for path, answer in answers.items():
        for header in ("content-security-policy", "x-content-type-options", "x-frame-options"):
            assert header in answer.headers, (path, header)
    assert answers["/docs"].status_code == 200 and "swagger-ui" in answers["/docs"].text
    docs_csp = answers["/docs"].headers["content-security-policy"]
    script_src = next(p for p in docs_csp.split("; ") if p.startswith("script-src"))
    assert script_src == "script-src 'self'"  # Swagger UI served from here; no inline script
    assert "<script>" not in answers["/docs"].text
    assert "'unsafe-inline'" not in answers["/"].headers["content-security-policy"]


@needs_chromium
def test_docs_run_under_their_policy_in_chromium(classifier: Classifier, tmp_path: Path) -> None:
    """Swagger UI's files from another origin start under the docs policy, with no violation.

    The test serves stand-ins for Swagger UI's two files from a second local origin, as the CDN
    would: the script renders into the page, sets styles and fetches /openapi.json, as Swagger UI
    does. The real Swagger UI was checked the same way by hand (see the README).
    """
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "swagger-ui.css").write_text("#swagger-ui { color: #123; }\n")
    (assets / "swagger-ui-bundle.js").write_text(
        "window.SwaggerUIBundle = function (o) {\n"
        "  const root = document.querySelector(o.dom_id);\n"
        "  root.style.padding = '4px';\n"
        "  fetch(o.url).then(r => r.json()).then(spec => {\n"
        "    root.textContent = 'paths: ' + Object.keys(spec.paths).join(' '); });\n"
        "};\nwindow.SwaggerUIBundle.presets = {apis: {}};\n"
    )
    port = free_port()
    static = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=assets,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        app = make_app(
            classifier, tmp_path, web_docs_assets=f"http://127.0.0.1:{port}", web_host="127.0.0.1"
        )
        with serving(app) as url:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page()
                violations: list[str] = []
                page.on(
                    "console",
                    lambda m: violations.append(m.text) if "Content Security" in m.text else None,
                )
                page.goto(url + "/login?next=/docs")
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_selector("#swagger-ui:has-text('/v1/classify')")
                browser.close()
    finally:
        static.terminate()
        static.wait(10)
    assert violations == []


# --- the token ------------------------------------------------------------------------------


def test_serve_without_a_terminal_writes_the_token_to_a_private_file_and_settles_sends(
    classifier: Classifier, tmp_path: Path
) -> None:
    db = tmp_path / "serve.db"
    store = Store(f"sqlite:///{db}")
    from service.ingest import Ingest
    from tests.test_sender import PROFILE, ingest_one, pending

    ingest = Ingest(classifier, make_settings(1, profile=PROFILE).sender_profile(), store)
    draft = pending(ingest_one(ingest, store, "hn-0002", "hard_no"), "hard_no")
    assert store.drafts.move(draft.id, ("pending",), "approved")
    # a crash before DATA, by a process that is gone
    assert store.drafts.start_sending(draft.id, "<crash.9@example.org>", "no-such-host:1:1")
    with sqlite3.connect(db) as conn:  # claimed on another host an hour ago
        conn.execute("UPDATE drafts SET updated_at = datetime('now', '-1 hour')")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRACEMAIL_")}
    env.update(
        GRACEMAIL_MODEL_PATH=os.environ["GRACEMAIL_MODEL_PATH"],
        GRACEMAIL_DATABASE_URL=f"sqlite:///{db}",
        GRACEMAIL_DATA_DIR=str(tmp_path / "data"),
        GRACEMAIL_WEB_PASSWORD=PASSWORD,
        GRACEMAIL_SMTP_HOST="127.0.0.1",
        GRACEMAIL_SMTP_PORT=str(free_port()),
        GRACEMAIL_SMTP_TLS="none",
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--port", str(port), "--demo"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, timeout=120)
        token_file = tmp_path / "data" / "api-token"
        token = token_file.read_text().strip()
        body = {"from": "dana@acme.example", "subject": "Offer", "body": "We are pleased to offer"}
        answer = httpx.post(
            f"http://127.0.0.1:{port}/v1/classify",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )
    finally:
        serve.terminate()
        serve.wait(30)
    text = log.read_text()
    assert answer.status_code == 200
    assert token.startswith("gm_") and token not in text
    assert f"written to {token_file}" in text
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
    assert f"draft {draft.id}: failed" in text
    settled = store.drafts.get(draft.id)
    assert settled is not None and settled.status == "failed"
