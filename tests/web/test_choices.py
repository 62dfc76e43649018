"""Edits kept across relabels, a no sent at its suggested time, the undo window, dates in words, #."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from sqlalchemy import update

from service.config import Settings
from service.store import DraftRow, MessageRow, utcnow
from service.web.render import human_date
from tests.smtp_faults import wait_for
from tests.test_sender import corpus_message
from tests.web import test_pages
from tests.web.test_mail import api
from tests.web.test_pages import Site, draft_section, needs_chromium

site = test_pages.site
browser = test_pages.browser
page = test_pages.page

EDIT = "Thank you, Priya. My own words, kept through every relabel."


def fresh_no(site: Site, tag: str) -> MessageRow:
    """Ingest the corpus rejection hn-0002 as if it came in just now, under a new Message-ID."""
    raw = corpus_message("hn-0002").decode()
    raw = re.sub(r"(?im)^Date:.*$", "Date: " + format_datetime(datetime.now(UTC)), raw, count=1)
    raw = re.sub(r"(?im)^Message-ID:.*$", f"Message-ID: <{tag}@fresh.example>", raw, count=1)
    return site.add(raw.encode(), tag)


def relabel_on_page(page: Any, label: str) -> None:
    """Give the open message a label from its page and wait for the answer."""
    page.select_option("form.relabel select", label)
    page.click("form.relabel button")
    page.wait_for_selector("#note:has-text('Label changed')")


@needs_chromium
def test_an_edit_survives_a_relabel_to_another_label_and_to_other_and_back(
    site: Site, page: Any
) -> None:
    no = site.message("hn-0002")
    page.goto(f"{site.url}/m/{no.id}")
    section = draft_section(page, "hard_no")
    section.locator("textarea").fill(EDIT)
    section.locator("button[value=save]").click()
    page.wait_for_selector("#note:has-text('Draft saved')")

    relabel_on_page(page, "not_now")
    assert draft_section(page, "hard_no").count() == 0
    section = draft_section(page, "not_now")
    assert EDIT not in section.locator("textarea").input_value()
    earlier = section.locator("details.versions")
    assert earlier.get_attribute("open") is not None  # shown open: the user should see it
    assert EDIT in earlier.inner_text()
    section.locator("button.restore:has-text('Restore your earlier edit')").click()
    page.wait_for_selector("#note:has-text('Earlier text restored')")
    assert draft_section(page, "not_now").locator("textarea").input_value() == EDIT

    relabel_on_page(page, "other")  # `other` drafts nothing: no draft is left to hold the edit
    assert page.locator("section.draft").count() == 0
    relabel_on_page(page, "hard_no")
    section = draft_section(page, "hard_no")
    assert EDIT not in section.locator("textarea").input_value()
    section.locator("button.restore:has-text('Restore your earlier edit')").first.click()
    page.wait_for_selector("#note:has-text('Earlier text restored')")
    assert draft_section(page, "hard_no").locator("textarea").input_value() == EDIT
    assert [label for _, label in site.store.messages.corrections()] == ["hard_no"]
    assert site.smtp.messages == []


@needs_chromium
def test_a_no_can_go_at_its_suggested_time_or_now(site: Site, page: Any) -> None:
    no = fresh_no(site, "fresh-no-1")
    [draft] = [d for d in no.drafts if d.kind == "hard_no"]
    later = draft.suggested_send_after
    assert later is not None and later > utcnow()  # the next working morning
    zone = site.app.state.settings.profile.timezone
    page.goto(f"{site.url}/m/{no.id}")
    section = draft_section(page, "hard_no")
    assert f"send at {human_date(later, zone)}" in section.locator(".send-at").inner_text()
    button = section.locator("button.send-later")
    assert button.inner_text() == f"Send at {human_date(later, zone)}"
    assert section.locator("button.send").is_enabled()  # sending now stays possible

    button.click()
    page.wait_for_selector("#note:has-text('Approved')")
    held = site.store.drafts.get(draft.id)
    assert held is not None and held.status == "scheduled" and held.send_at == later
    assert f"at {human_date(later, zone)}" in draft_section(page, "hard_no").inner_text()
    assert site.smtp.messages == []

    # the morning comes: the dispatcher sends it, once
    with site.store.db.session() as s:
        s.execute(
            update(DraftRow)
            .where(DraftRow.id == draft.id)
            .values(send_at=utcnow() - timedelta(seconds=1))
        )
    site.app.state.dispatcher.wake()
    wait_for(lambda: (d := site.store.drafts.get(draft.id)) is not None and d.status == "sent")
    assert [m.message["In-Reply-To"] for m in site.smtp.messages] == [no.message_id]

    with api(site) as client:  # the same two choices over REST
        other = fresh_no(site, "fresh-no-2")
        [second] = [d for d in other.drafts if d.kind == "hard_no"]
        promised = client.post(f"/v1/drafts/{second.id}/send", json={"at": "suggested"})
        assert promised.status_code == 202 and promised.json()["status"] == "scheduled"
        assert promised.json()["send_at"] == second.suggested_send_after.isoformat()  # type: ignore[union-attr]
        assert client.post(f"/v1/drafts/{second.id}/cancel").status_code == 200
        bad = client.post(f"/v1/drafts/{second.id}/send", json={"at": "tomorrow"})
        assert bad.status_code == 422
        now = client.post(f"/v1/drafts/{second.id}/send")  # no undo window in these tests
        assert now.status_code == 202 and now.json()["status"] == "sent"
    assert len(site.smtp.messages) == 2


@needs_chromium
def test_dates_labels_and_confidence_read_as_words_in_the_users_zone(site: Site, page: Any) -> None:
    site.app.state.settings.profile.timezone = "Asia/Tokyo"
    no = site.message("hn-0002")
    page.goto(site.url + "/")
    card = page.locator(f"li.card[data-pk='{no.id}']")
    shown = card.locator("time.when").inner_text()
    assert shown == human_date(no.date, "Asia/Tokyo") != human_date(no.date, "UTC")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}( \d{4})?, \d{2}:\d{2}", shown), shown
    assert card.locator("span.label").inner_text() == "Rejection"
    assert "sure" in (card.locator(".conf").get_attribute("title") or "")
    assert "hard_no" not in page.inner_text("main") and "not_now" not in page.inner_text("main")

    page.goto(f"{site.url}/m/{no.id}")
    facts = page.inner_text("main")
    assert "Rejection" in facts and "hard_no" not in facts
    assert re.search(r"\d+ % sure: (the model is rarely wrong|usually right|unsure)", facts)
    assert page.locator("#why q").count() >= 1


@needs_chromium
def test_hash_discards_the_draft_or_the_card_in_hand_after_asking(site: Site, page: Any) -> None:
    no = site.message("hn-0002")
    answers = iter(["dismiss", "accept", "accept"])
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        getattr(dialog, next(answers))()

    page.on("dialog", answer)
    page.goto(f"{site.url}/m/{no.id}")
    page.keyboard.press("j")
    page.keyboard.press("#")  # dismissed: nothing happens
    assert draft_section(page, "hard_no").locator("button.discard").count() == 1
    page.keyboard.press("#")
    page.wait_for_selector("#note:has-text('Draft discarded')")
    gone = next(d for d in no.drafts if d.kind == "hard_no")
    assert (d := site.store.drafts.get(gone.id)) is not None and d.status == "discarded"

    page.goto(site.url + "/")
    first = page.locator("li.card").first
    pk = int(first.get_attribute("data-pk") or 0)
    page.locator("li.card").nth(1).locator("input.pick").check()  # a tick elsewhere is kept out
    ticked = int(page.locator("li.card").nth(1).get_attribute("data-pk") or 0)
    page.keyboard.press("j")
    page.keyboard.press("#")
    page.wait_for_selector("#note:has-text('Discarded')")
    assert page.locator(f"li.card[data-pk='{pk}']").count() == 0
    assert page.locator(f"li.card[data-pk='{ticked}']").count() == 1
    row = site.store.messages.get_by_pk(pk)
    assert row is not None
    assert all(d.status == "discarded" for d in row.drafts if d.kind != "followup")
    assert asked == [
        "Discard this draft?",
        "Discard this draft?",
        "Discard the waiting replies to this message?",
    ]
    assert site.smtp.messages == []


def test_the_undo_window_is_the_setting_and_send_at_is_that_far_off(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRACEMAIL_SEND_UNDO_SECONDS", "45")
    window = Settings().send_undo_seconds
    assert window == 45
    site.app.state.settings.send_undo_seconds = window
    no = site.message("hn-0002")
    [draft] = [d for d in no.drafts if d.kind == "hard_no"]
    with api(site) as client:
        before = utcnow()
        promised = client.post(f"/v1/drafts/{draft.id}/send")
        after = utcnow()
        assert promised.status_code == 202 and promised.json()["status"] == "scheduled"
        send_at = datetime.fromisoformat(promised.json()["send_at"])
        assert before + timedelta(seconds=45) <= send_at <= after + timedelta(seconds=45)
        assert client.post(f"/v1/drafts/{draft.id}/cancel").status_code == 200
    assert site.smtp.messages == []
