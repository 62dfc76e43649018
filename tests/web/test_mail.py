"""All mail, search, deliberate sending, the phone layout and keys, in Chromium and over REST."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from classifier.model import Classifier
from service.store import DraftRow, MessageRow
from service.web.app import create_app
from tests.servers import Dovecot, free_port, serve_in_thread
from tests.test_sender import corpus_message, make_settings
from tests.web import test_pages
from tests.web.test_pages import DOCS, PASSWORD, Site, draft_section, needs_chromium

# the fixtures of the page tests, under the names pytest looks them up by
site = test_pages.site
browser = test_pages.browser
page = test_pages.page


WIDEST = """[...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > 390 || e.scrollWidth > e.clientWidth + 1)
  .slice(-8).map((e) => e.tagName + '.' + e.className + ' ' + e.scrollWidth + '/' + e.clientWidth)"""


def api(site: Site) -> httpx.Client:
    """Return a REST client holding a fresh bearer token."""
    token = site.app.state.auth.new_api_token()
    return httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {token}"})


def misread_as_other(site: Site, pk: int) -> None:
    """Make a stored message look as the model got it wrong: `other`, with no drafts."""
    with site.store.db.session() as s:
        s.execute(update(MessageRow).where(MessageRow.id == pk).values(label="other"))
        s.execute(update(DraftRow).where(DraftRow.message_pk == pk).values(status="discarded"))


@needs_chromium
def test_a_misread_offer_is_found_by_search_and_relabelled(site: Site, page: Any) -> None:
    offer = site.message("of-0001")
    misread_as_other(site, offer.id)
    page.goto(site.url + "/")
    assert page.title().startswith("(3) Inbox")  # hn-0006, HLP-0016, hn-0002: one draft each
    assert page.locator(f"a[href='/m/{offer.id}']").count() == 0  # the inbox no longer shows it

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.type("claims analyst")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('All mail')")
    card = page.locator(f"li.card[data-pk='{offer.id}']")
    assert card.count() == 1
    assert page.locator("li.card").count() == 1  # the other three mention no claims analyst
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "all-mail.png"), full_page=True)
    card.locator("select[name=label]").select_option("offer")
    card.locator("button[type=submit]").click()
    page.wait_for_selector("#note:has-text('Label changed')")
    assert draft_section(page, "offer_accept").count() == 1
    assert page.locator("#offer-choice").count() == 1
    assert page.title().startswith("(6) ")  # three offer replies more
    assert [label for _, label in site.store.messages.corrections()] == ["offer"]

    page.goto(site.url + "/all?label=other")
    assert page.locator(f"li.card[data-pk='{offer.id}']").count() == 0
    page.goto(site.url + "/all?kind=outcome&q=analy")
    assert page.locator(f"li.card[data-pk='{offer.id}']").count() == 1


@needs_chromium
def test_the_second_offer_choice_is_refused(site: Site, page: Any) -> None:
    offer = site.message("of-0001")
    page.goto(f"{site.url}/m/{offer.id}")
    accept = draft_section(page, "offer_accept")
    decline_id = int(draft_section(page, "offer_decline").get_attribute("id").split("-")[1])
    accept.locator("button.send").click()
    page.wait_for_selector("#note:has-text('Sent')")
    assert draft_section(page, "offer_decline").count() == 0
    assert page.locator("#choice-made").count() == 1

    with api(site) as client:
        refused = client.post(f"/v1/drafts/{decline_id}/send")
        assert refused.status_code == 409
        assert refused.json()["detail"]["code"] in ("choice_made", "not_pending")
        again = client.post(f"/v1/messages/{offer.id}/label", json={"label": "offer"})
        assert again.status_code == 200 and again.json()["outcome"] == "closed"
        kinds = [(d["kind"], d["status"]) for d in again.json()["message"]["drafts"]]
        assert kinds == [("offer_accept", "sent")]  # no re-draft reopens the choice
    page.goto(f"{site.url}/m/{offer.id}")
    page.select_option("form.relabel select", "hard_no")
    page.click("form.relabel button")
    page.wait_for_selector("#note:has-text('no new reply drafted')")
    assert page.locator("section.draft button.send").count() == 0
    assert len(site.smtp.messages) == 1


@needs_chromium
def test_a_bad_address_is_refused_and_nothing_is_sent(site: Site, page: Any) -> None:
    no = site.message("hn-0002")
    page.goto(f"{site.url}/m/{no.id}")
    section = draft_section(page, "hard_no")
    section.locator("input.to").fill("not-an-email")
    section.locator("button.send").click()
    note = page.locator("#note.error")
    note.wait_for()
    assert "not an email address" in note.inner_text()
    assert note.get_attribute("role") == "alert"
    draft = next(d for d in site.store.messages.get_by_pk(no.id).drafts if d.kind == "hard_no")  # type: ignore[union-attr]
    assert draft.status == "pending" and draft.to == "not-an-email"  # the edit is kept
    assert site.smtp.messages == [] and site.store.drafts.list_sent() == []

    with api(site) as client:
        bad = client.post(f"/v1/drafts/{draft.id}/send")
        assert bad.status_code == 422 and bad.json()["detail"]["code"] == "bad_address"
        edited = client.patch(
            f"/v1/drafts/{draft.id}", json={"version": draft.version, "to": no.from_addr}
        )
        assert edited.status_code == 200 and edited.json()["to"] == no.from_addr
        stale = client.patch(f"/v1/drafts/{draft.id}", json={"version": draft.version, "to": "x"})
        assert stale.status_code == 409
        sent = client.post(f"/v1/drafts/{draft.id}/send")
        assert sent.status_code == 202 and sent.json()["status"] == "sent"
        assert client.post(f"/v1/drafts/{draft.id}/send").status_code == 409
        assert client.post(f"/v1/drafts/{draft.id}/cancel").status_code == 409
    assert len(site.smtp.messages) == 1


def test_the_rest_api_lists_reads_and_filters(site: Site) -> None:
    offer = site.message("of-0001")
    with api(site) as client:
        everything = client.get("/v1/messages").json()
        assert len(everything) == 4
        found = client.get("/v1/messages", params={"q": "Claims Analyst"}).json()
        assert [m["id"] for m in found] == [offer.id]
        assert client.get("/v1/messages", params={"label": "offer"}).json()[0]["id"] == offer.id
        assert client.get("/v1/messages", params={"kind": "job_alert"}).json() == []
        one = client.get(f"/v1/messages/{offer.id}").json()
        assert {d["kind"] for d in one["drafts"]} >= {"offer_accept", "offer_decline"}
        assert client.get("/v1/messages/999999").status_code == 404
        due = client.get("/v1/followups").json()  # HLP-0016's check-in date is long past
        assert [(f["message"]["label"], f["draft"]["kind"]) for f in due] == [
            ("not_now", "followup")
        ]
        assert client.post(f"/v1/messages/{offer.id}/label", json={"label": "x"}).status_code == 404
        # with an undo window, a send is a promise: 202, the time it goes out, and undoable
        site.app.state.settings.send_undo_seconds = 30
        hold = next(d for d in one["drafts"] if d["kind"] == "offer_hold")
        accept = next(d for d in one["drafts"] if d["kind"] == "offer_accept")
        promised = client.post(f"/v1/drafts/{hold['id']}/send")
        assert promised.status_code == 202 and promised.json()["status"] == "scheduled"
        assert promised.json()["send_at"]
        other = client.post(f"/v1/drafts/{accept['id']}/send")
        assert other.status_code == 409 and other.json()["detail"]["code"] == "choice_made"
        cancelled = client.post(f"/v1/drafts/{hold['id']}/cancel")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "pending"
        assert client.post(f"/v1/drafts/{hold['id']}/cancel").status_code == 409
    assert site.smtp.messages == []
    with httpx.Client(base_url=site.url) as anonymous:
        assert anonymous.get("/v1/messages").status_code == 401


@pytest.fixture
def bare_site(
    classifier: Classifier, tmp_path: Path, mailbox_user: tuple[Dovecot, str]
) -> Iterator[str]:
    """Serve a gracemail whose profile has no name and no address."""
    settings = make_settings(
        free_port(),
        database_url=f"sqlite:///{tmp_path / 'bare.db'}",
        web_password=PASSWORD,
        profile={},
    )
    app = create_app(settings, classifier)
    app.state.auth.adopt_password(PASSWORD)
    app.state.ingest.handle(corpus_message("hn-0002"), folder="INBOX", source="hn-0002")
    server, thread = serve_in_thread(app, port := free_port())
    app.state.token = app.state.auth.new_api_token()
    yield f"http://127.0.0.1:{port}|{app.state.token}|{app.state.store.messages.latest()[0].id}"
    server.should_exit = True
    thread.join(10)


@needs_chromium
def test_without_a_profile_a_banner_asks_and_nothing_is_sent(bare_site: str, browser: Any) -> None:
    url, token, pk = bare_site.split("|")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(url + "/login")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    for path in ("/", "/all", "/history", "/followups", f"/m/{pk}"):
        tab.goto(url + path)
        assert "Set your name and address" in tab.locator("#profile-banner").inner_text()
    context.close()
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        draft = client.get(f"/v1/messages/{pk}").json()["drafts"][0]
        refused = client.post(f"/v1/drafts/{draft['id']}/send")
        assert refused.status_code == 422 and refused.json()["detail"]["code"] == "no_profile"


@needs_chromium
def test_the_phone_layout_has_no_horizontal_scroll(site: Site, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    tab = context.new_page()
    tab.goto(site.url + "/login")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_selector("h1:has-text('Drafts waiting')")
    offer = site.message("of-0001")
    widths = {}
    for name, path in (
        ("inbox", "/"),
        ("all", "/all"),
        ("message", f"/m/{offer.id}"),
        ("history", "/history"),
        ("followups", "/followups"),
    ):
        tab.goto(site.url + path)
        widths[name] = tab.evaluate("document.scrollingElement.scrollWidth")
        if widths[name] > 390:  # name what sticks out, so a failure says where to look
            widths[name + " too wide"] = tab.evaluate(WIDEST)
        if name in ("inbox", "message"):
            tab.screenshot(path=str(DOCS / f"phone-{name}.png"), full_page=name == "inbox")
    assert all(isinstance(w, int) and w <= 390 for w in widths.values()), widths
    context.close()


@needs_chromium
def test_keyboard_moves_opens_and_focuses(site: Site, page: Any) -> None:
    page.goto(site.url + "/")
    cards = page.locator("li.card")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert "selected" in (cards.nth(1).get_attribute("class") or "")
    page.keyboard.press("k")
    assert "selected" in (cards.nth(0).get_attribute("class") or "")
    first = cards.nth(0).get_attribute("data-pk")
    page.keyboard.press("e")
    page.wait_for_url(f"**/m/{first}")
    no = site.message("hn-0002")  # one draft with an address: its send button is enabled
    page.goto(f"{site.url}/m/{no.id}")
    page.keyboard.press("j")
    assert "selected" in (draft_section(page, "hard_no").get_attribute("class") or "")
    page.keyboard.press("a")
    assert page.evaluate("document.activeElement.className") == "send"
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"


@needs_chromium
def test_unsaved_text_warns_before_leaving(site: Site, page: Any) -> None:
    no = site.message("hn-0002")
    page.goto(f"{site.url}/m/{no.id}")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    draft_section(page, "hard_no").locator("textarea").type(" One more line.")
    page.click("a[href='/history']", no_wait_after=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert f"/m/{no.id}" in page.url
    assert "One more line." in draft_section(page, "hard_no").locator("textarea").input_value()
    page.remove_listener("dialog", answer)
    draft_section(page, "hard_no").locator("button[value=save]").click()  # a save asks nothing
    page.wait_for_selector("#note:has-text('Draft saved')")


@needs_chromium
def test_the_dark_theme_follows_the_system(site: Site, browser: Any) -> None:
    context = browser.new_context(color_scheme="dark")
    tab = context.new_page()
    tab.goto(site.url + "/login")
    background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(20, 23, 29)"
    context.close()


@needs_chromium
def test_undo_stops_a_send_and_a_send_after_the_window_happens_once(site: Site, page: Any) -> None:
    # a window long enough that the undo below always comes within it, however slow the machine
    site.app.state.settings.send_undo_seconds = 60
    no = site.message("hn-0002")
    page.goto(f"{site.url}/m/{no.id}")
    draft_section(page, "hard_no").locator("button.send").click()
    page.wait_for_selector("#note:has-text('Approved')")
    assert draft_section(page, "hard_no").locator(".scheduled").count() == 1
    draft_section(page, "hard_no").locator("button.undo").click()
    page.wait_for_selector("#note:has-text('Undone')")
    assert site.store.drafts.next_scheduled() is None  # nothing left for the dispatcher to send
    assert site.smtp.messages == []
    assert draft_section(page, "hard_no").locator("button.send").count() == 1

    site.app.state.settings.send_undo_seconds = 2
    draft_section(page, "hard_no").locator("button.send").click()
    page.wait_for_selector("#note:has-text('Approved')")
    # SMTP is not touched while the draft waits: read what the server got, then the status
    received = list(site.smtp.messages)
    draft = next(d for d in site.store.messages.get_by_pk(no.id).drafts if d.kind == "hard_no")  # type: ignore[union-attr]
    assert draft.status != "scheduled" or received == []
    # the page reloads itself once the window is over and shows the draft sent
    page.wait_for_selector("section.draft.status-sent", timeout=15000)
    page.wait_for_timeout(2000)  # a dispatcher round or two more
    assert len(site.smtp.messages) == 1
    assert site.smtp.messages[0].message["In-Reply-To"] == no.message_id
    [sent] = site.store.drafts.list_sent()
    assert sent.sent_message_id == site.smtp.messages[0].message["Message-ID"]
    late = page.request.post(
        f"{site.url}/d/{sent.id}",
        form={"action": "undo", "csrf": page.locator("input[name=csrf]").first.input_value()},
    )
    assert "Too late to undo" in late.text()
