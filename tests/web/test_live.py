"""New mail without a reload, bulk actions, follow-ups with snooze, history, the "why" words, in Chromium."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from drafts.render import format_date
from service.store import DraftRow
from tests.smtp_faults import wait_for
from tests.test_sender import corpus_message
from tests.web import test_pages
from tests.web.test_mail import api
from tests.web.test_pages import CHROMIUM, Site, draft_section, log_in, needs_chromium

site = test_pages.site
browser = test_pages.browser
page = test_pages.page


@needs_chromium
def test_new_mail_shows_in_the_inbox_and_the_count_without_a_reload(
    site: Site, browser: Any
) -> None:
    assert CHROMIUM.exists()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script("window.GRACEMAIL_POLL_MS = 300")  # the page's own is 15 s
    tab = context.new_page()
    log_in(tab, site.url)
    tab.evaluate("window.sameDocument = true")
    before = site.store.drafts.count_waiting()
    assert tab.title().startswith(f"({before}) Inbox")
    other = context.new_page()
    other.goto(f"{site.url}/history")

    offer = site.add(corpus_message("of-0002"), "of-0002")
    tab.wait_for_selector(f"li.card[data-pk='{offer.id}']", timeout=10_000)
    assert tab.evaluate("window.sameDocument") is True  # no reload happened
    now = site.store.drafts.count_waiting()
    assert now > before
    # the title is read over the protocol: a string predicate of wait_for_function needs eval,
    # which the page's CSP refuses
    wait_for(lambda: tab.title().startswith(f"({now}) Inbox"))
    assert tab.inner_text("#waiting-count") == str(now)
    # a page that is not a list only follows the count
    wait_for(lambda: other.title().startswith(f"({now}) History"))

    # a user who ticked a card is not interrupted: a link says there is more
    tab.locator(f"li.card[data-pk='{offer.id}'] input.pick").check()
    later = site.add(corpus_message("of-0003"), "of-0003")
    tab.wait_for_selector("#live-new:not([hidden])", timeout=10_000)
    assert tab.locator(f"li.card[data-pk='{later.id}']").count() == 0
    context.close()


@needs_chromium
def test_bulk_discard_and_relabel_from_the_page_never_send(site: Site, page: Any) -> None:
    nos = [site.message("hn-0006"), site.message("hn-0002")]
    before = site.store.drafts.count_waiting()
    page.goto(site.url + "/")
    for no in nos:
        page.locator(f"li.card[data-pk='{no.id}'] input.pick").check()
    page.click("button.bulk-discard")
    page.wait_for_selector("#note:has-text('Discarded 2 waiting replies')")
    assert all(page.locator(f"li.card[data-pk='{no.id}']").count() == 0 for no in nos)
    assert page.title().startswith(f"({before - 2}) Inbox")
    assert not site.smtp.messages

    page.goto(site.url + "/all")
    first = page.locator("li.card").first.locator("input.pick")
    page.keyboard.press("j")
    page.keyboard.press("x")  # x ticks the card in hand, and x again unticks it
    assert first.is_checked()
    page.keyboard.press("x")
    assert not first.is_checked()
    for no in nos:
        page.locator(f"li.card[data-pk='{no.id}'] input.pick").check()
    page.select_option("form#bulk select[name=label]", "not_now")
    page.click("button.bulk-relabel")
    page.wait_for_selector("#note:has-text('Relabelled 2 messages')")
    assert "/all" in page.url
    for no in nos:
        row = site.store.messages.get_by_pk(no.id)
        assert row is not None and row.label == "not_now"
        assert [d.kind for d in row.drafts if d.status == "pending"] == ["not_now"]
        card = page.locator(f"li.card[data-pk='{no.id}']")
        assert card.locator(".conf").inner_text() == "you set this"  # not the model's old %
    assert not site.smtp.messages


def test_bulk_discard_and_relabel_over_rest(site: Site) -> None:
    offer, no = site.message("of-0001"), site.message("hn-0002")
    with api(site) as client:
        ids = [d.id for d in offer.drafts if d.status == "pending"]
        sent = client.post(f"/v1/drafts/{ids[0]}/send")
        assert sent.status_code == 202 and sent.json()["status"] == "sent"
        got = client.post("/v1/drafts/discard", json={"ids": [*ids, 999_999]}).json()
        assert ids[0] in got["kept"] and 999_999 in got["kept"]  # sent; unknown
        for draft_id in got["discarded"]:
            gone = site.store.drafts.get(draft_id)
            assert gone is not None and gone.status == "discarded"

        relabelled = client.post(
            "/v1/messages/label", json={"ids": [no.id, offer.id], "label": "other"}
        )
        assert relabelled.json() == {
            "outcomes": {str(no.id): "relabelled", str(offer.id): "closed"}
        }
        view = client.get(f"/v1/messages/{no.id}").json()
        assert view["label"] == "other" and view["labelled_by"] == "you"
        assert view["confidence"] == 1.0
        assert (
            client.post("/v1/messages/label", json={"ids": [no.id], "label": "x"}).status_code
            == 422
        )
        assert len(site.smtp.messages) == 1


@needs_chromium
def test_followups_due_and_coming_and_a_snooze(site: Site, page: Any) -> None:
    later = site.message("HLP-0016")
    nn = next(d for d in later.drafts if d.kind == "not_now")
    with site.store.db.session() as s:  # the check-in agreed for yesterday
        row = s.get(DraftRow, nn.id)
        assert row is not None
        row.followup_date = date.today() - timedelta(days=1)
    page.goto(f"{site.url}/followups")
    assert draft_section(page, "followup").count() == 1
    assert "No check-in planned later" in page.inner_text("main")

    until = date.today() + timedelta(days=10)
    page.fill("form.snooze input[name=until]", until.isoformat())
    page.click("button.snooze-button")
    page.wait_for_selector("#note:has-text('Check-in snoozed')")
    assert draft_section(page, "followup").count() == 0
    coming = page.locator(f"li.coming-one[data-pk='{later.id}']")
    assert coming.locator("time").get_attribute("datetime") == until.isoformat()

    with api(site) as client:
        [one] = client.get("/v1/followups/coming").json()
        assert one["on"] == until.isoformat() and one["message"]["id"] == later.id
        assert client.get("/v1/followups").json() == []
        checkin = next(d for d in site.store.drafts.followups_of(later.id))
        back = client.post(
            f"/v1/followups/{checkin.id}/snooze", json={"until": date.today().isoformat()}
        )
        assert back.status_code == 409  # only to a day after today


@needs_chromium
def test_history_shows_sent_discarded_and_relabelled_newest_first(site: Site, page: Any) -> None:
    no, other_no = site.message("hn-0002"), site.message("hn-0006")
    page.goto(f"{site.url}/m/{no.id}")
    draft_section(page, "hard_no").locator("button.send").click()
    page.wait_for_selector("#note:has-text('Sent')")
    page.goto(f"{site.url}/m/{other_no.id}")
    draft_section(page, "hard_no").locator("button.discard").click()
    page.wait_for_selector("#note:has-text('Draft discarded')")
    page.select_option("form.relabel select", "not_now")
    page.click("form.relabel button")
    page.wait_for_selector("#note:has-text('Label changed')")

    page.goto(f"{site.url}/history")
    events = page.locator("ol.history li")
    kinds = [c.split()[-1] for c in events.evaluate_all("(els) => els.map((e) => e.className)")]
    assert kinds[0] == "event-relabelled" and "event-sent" in kinds and "event-discarded" in kinds
    assert kinds.index("event-discarded") < kinds.index("event-sent")  # newest first
    assert "Rejection → Not now" in events.first.inner_text()
    with api(site) as client:
        whats = [e["what"] for e in client.get("/v1/history").json()]
    assert whats[0] == "relabelled" and {"sent", "discarded"} <= set(whats)


@needs_chromium
def test_the_message_page_and_api_say_which_words_weighed_most(site: Site, page: Any) -> None:
    offer = site.message("of-0001")
    page.goto(f"{site.url}/m/{offer.id}")
    words = page.locator("#why q").all_inner_texts()
    assert 1 <= len(words) <= 5
    text = f"{offer.subject}\n{offer.new_text}".lower()
    assert all(w.split()[-1] in text for w in words)  # words of this mail, not of the model
    with api(site) as client:
        assert client.get(f"/v1/messages/{offer.id}").json()["why"] == words


@needs_chromium
def test_a_changed_checkin_date_moves_the_sentence_or_asks_to_check_it(
    site: Site, page: Any
) -> None:
    later = site.message("HLP-0016")
    nn = next(d for d in later.drafts if d.kind == "not_now")
    assert nn.followup_date is not None
    old = format_date(nn.followup_date, nn.language)
    assert old in nn.body
    new_day = nn.followup_date + timedelta(days=21)
    page.goto(f"{site.url}/m/{later.id}")
    section = draft_section(page, "not_now")
    section.locator("input[name=followup_date]").fill(new_day.isoformat())
    section.locator("button[value=save]").click()
    page.wait_for_selector("#note:has-text('Draft saved')")
    body = draft_section(page, "not_now").locator("textarea").input_value()
    assert format_date(new_day, nn.language) in body and old not in body

    # the user rewrote the sentence: the date changes, the text is theirs, a note asks to check
    section = draft_section(page, "not_now")
    section.locator("textarea").fill("Thanks, I will write again in spring.")
    section.locator("input[name=followup_date]").fill((new_day + timedelta(days=7)).isoformat())
    section.locator("button[value=save]").click()
    page.wait_for_selector("#note:has-text('check it')")
    saved = site.store.drafts.get(nn.id)
    assert saved is not None and saved.body == "Thanks, I will write again in spring."
    assert "check that the text says the same" in draft_section(page, "not_now").inner_text()

    day = new_day + timedelta(days=7)
    with api(site) as client:
        body = {"version": saved.version, "body": f"Around {format_date(day, 'en')}."}
        moved = client.patch(f"/v1/drafts/{nn.id}", json=body).json()
        day += timedelta(days=1)
        edit = {"version": moved["version"], "followup_date": day.isoformat()}
        again = client.patch(f"/v1/drafts/{nn.id}", json=edit)
        assert again.json()["body"] == f"Around {format_date(day, 'en')}."
