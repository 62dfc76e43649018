"""The applications page and REST in a real Chromium against a real uvicorn: board, filters,
search, CSV and .ics exports, moves that survive rebuilds, the offer countdown and its notes,
the warm pipeline and its digest, and the phone layout."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from icalendar import Calendar

from classifier.model import Classifier
from service.appnotes import OFFER_NOTE
from service.store import Store
from service.web.app import create_app
from tests.servers import free_port, serve_in_thread
from tests.test_sender import corpus_message, make_settings
from tests.web import test_pages
from tests.web.test_mail import WIDEST
from tests.web.test_pages import DOCS, PASSWORD, needs_chromium

browser = test_pages.browser
TODAY = date.today()


def job_mail(n: int, sender: str, subject: str, text: str, days_ago: int, refs: str = "") -> bytes:
    """Return a plain job mail to Sam, sent days_ago days before today at 09:00 Berlin time."""
    sent = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time()).replace(hour=9)
    head = f"References: {refs}\r\nIn-Reply-To: {refs}\r\n" if refs else ""
    return (
        f"From: {sender}\r\nTo: Sam Rivera <sam@example.org>\r\nSubject: {subject}\r\n"
        f"Message-ID: <w{n}@apps.example>\r\n{head}"
        f"Date: {format_datetime(sent)[:-5]}+0100\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{text}\r\n"
    ).encode()


DEADLINE = TODAY + timedelta(days=6)
INTERVIEW = TODAY + timedelta(days=3)
INBOX = [
    job_mail(
        1,
        "Acme Robotics Careers <careers@acme-robotics.example>",
        "Your application: Data Engineer",
        "Dear Sam,\r\n\r\nThank you for applying for the Data Engineer position at Acme Robotics. "
        "We have received your application and will review it shortly.\r\n\r\nKind regards,\r\n"
        "Acme Robotics Talent Team",
        30,
    ),
    job_mail(
        2,
        "Jo Berg <jo.berg@acme-robotics.example>",
        "Interview: Data Engineer",
        "Dear Sam,\r\n\r\nWe would like to invite you to an interview for the Data Engineer "
        f"position on {INTERVIEW:%A}, {INTERVIEW.day} {INTERVIEW:%B %Y} "
        "at 14:30. Please confirm that the time suits you.\r\n\r\nBest,\r\nJo Berg\r\nAcme Robotics",
        4,
        refs="<w1@apps.example>",
    ),
    job_mail(
        3,
        "Kim Lund <kim.lund@borealis.example>",
        "Your offer: Platform Engineer",
        "Dear Sam,\r\n\r\nWe are delighted to offer you the position of Platform Engineer at "
        f"Borealis Systems. The offer is valid until {DEADLINE.day} {DEADLINE:%B %Y}.\r\n\r\n"
        "Best regards,\r\nKim Lund\r\nBorealis Systems",
        1,
    ),
    job_mail(
        4,
        "Cobalt Freight Recruiting <jobs@cobalt-freight.example>",
        "Your application for Logistics Analyst",
        "Dear Sam,\r\n\r\nThank you for your application for the Logistics Analyst role at Cobalt "
        "Freight. We have received it and will be in touch.\r\n\r\nCobalt Freight Recruiting",
        20,
    ),
]


@dataclass
class Board:
    """A served gracemail holding a small job search."""

    url: str
    app: FastAPI
    store: Store

    def api(self) -> httpx.Client:
        """Return a REST client with a fresh bearer token."""
        token = self.app.state.auth.new_api_token()
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def board(classifier: Classifier, tmp_path: Path) -> Iterator[Board]:
    """Serve a gracemail holding two open applications, an offer and a not-now."""
    settings = make_settings(
        free_port(),
        database_url=f"sqlite:///{tmp_path / 'apps.db'}",
        web_password=PASSWORD,
    )
    settings.profile.timezone = "Europe/Berlin"
    app = create_app(settings, classifier)
    app.state.auth.adopt_password(PASSWORD)
    for raw in INBOX:
        app.state.ingest.handle(raw, folder="INBOX")
    app.state.ingest.handle(corpus_message("HLP-0016"), folder="INBOX", source="HLP-0016")
    port = free_port()
    server, thread = serve_in_thread(app, port)
    yield Board(f"http://127.0.0.1:{port}", app, app.state.store)
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page(browser: Any, board: Board) -> Iterator[Any]:
    """Return a logged-in page of a fresh browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    test_pages.log_in(page, board.url)
    yield page
    context.close()


def test_rest_lists_reads_and_moves(board: Board) -> None:
    with board.api() as client:
        apps = client.get("/v1/applications").json()
        by_company = {a["company"]: a for a in apps}
        acme = by_company["Acme Robotics"]
        assert acme["stage"] == "in_process" and acme["role"] == "Data Engineer"
        assert acme["interviews"] and acme["interviews"][0].endswith("14:30:00+01:00")
        offer = next(a for a in apps if a["stage"] == "offer")
        assert offer["deadline"] == DEADLINE.isoformat()
        assert offer["deadline_left"] == "6 days left"
        assert "6 days left" in offer["next_action"]
        assert [a["company"] for a in client.get("/v1/applications?stage=offer").json()] == [
            offer["company"]
        ]
        assert client.get("/v1/applications?q=logistics").json()[0]["company"].startswith("Cobalt")
        detail = client.get(f"/v1/applications/{acme['id']}").json()
        assert [m["message_id"] for m in detail["mails"]] == [
            "<w1@apps.example>",
            "<w2@apps.example>",
        ]
        assert client.get("/v1/applications/app-nosuch").status_code == 404

        cobalt = by_company["Cobalt Freight"]
        moved = client.post(
            "/v1/applications/moves", json={"message_id": "<w2@apps.example>", "to": cobalt["id"]}
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["id"] == cobalt["id"] and moved.json()["stage"] == "in_process"
        again = {a["id"]: a for a in client.get("/v1/applications").json()}
        assert again[acme["id"]]["stage"] == "applied"  # the interview left with the move
        unknown = client.post(
            "/v1/applications/moves", json={"message_id": "<nosuch@x>", "to": cobalt["id"]}
        )
        assert unknown.status_code == 404
    # stored like a label correction: a fresh tracker (a restart) rebuilds with it
    board.app.state.trackers.clear()
    with board.api() as client:
        assert {a["id"]: a for a in client.get("/v1/applications").json()}[cobalt["id"]][
            "message_ids"
        ] == ["<w4@apps.example>", "<w2@apps.example>"]


def test_an_offer_drafts_a_timeline_note_for_the_open_application(board: Board) -> None:
    with board.api() as client:
        client.get("/v1/applications")
    acme_interview = board.store.messages.get("<w2@apps.example>")
    assert acme_interview is not None
    (note,) = [d for d in acme_interview.drafts if d.kind == OFFER_NOTE]
    assert note.status == "pending"  # waits for approval: nothing is sent by itself
    assert f"need to answer by {DEADLINE.day} {DEADLINE:%B %Y}" in note.body
    assert "Data Engineer role at Acme Robotics" in note.body
    assert note.to == "jo.berg@acme-robotics.example"
    cobalt = board.store.messages.get("<w4@apps.example>")
    assert cobalt is not None and not [d for d in cobalt.drafts if d.kind == OFFER_NOTE]


def test_calendar_feed_parses_back_with_its_zone(board: Board) -> None:
    with board.api() as client:
        got = client.get("/v1/applications/calendar.ics")
    assert got.headers["content-type"].startswith("text/calendar")
    events = {str(e["summary"]): e for e in Calendar.from_ical(got.content).walk("VEVENT")}
    interview = events["Interview: Acme Robotics"].decoded("dtstart")
    assert (interview.hour, interview.minute, str(interview.tzinfo)) == (14, 30, "Europe/Berlin")
    assert events["Offer deadline: Borealis Systems"].decoded("dtstart") == DEADLINE
    assert any(name.startswith("Check in: ") for name in events)  # the not-now's check-in date


@needs_chromium
def test_the_board_filters_exports_and_moves(board: Board, page: Any) -> None:
    page.goto(board.url + "/applications")
    assert page.locator("nav a[aria-current=page]").inner_text() == "Applications"
    assert page.locator("section.stage[data-stage=in_process] tr.app").count() == 1
    offer_row = page.locator("section.stage[data-stage=offer] tr.app")
    assert "6 days left" in offer_row.inner_text()
    assert page.locator("#warm li").count() == 1
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "applications.png"), full_page=True)

    page.select_option("#stage", "applied")
    page.click("#app-filter button[type=submit]")
    page.wait_for_url("**stage=applied**")
    assert page.locator("section.stage").count() == 1
    page.fill("#app-q", "logistics")
    page.click("#app-filter button[type=submit]")
    assert page.locator("tr.app").count() == 1
    with page.expect_download() as download:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [(r["Company"], r["Job Title"], r["Status"]) for r in rows] == [
        ("Cobalt Freight", "Logistics Analyst", "Applied")
    ]

    page.goto(board.url + "/applications?stage=in_process")
    page.locator("tr.app a").first.click()
    page.wait_for_selector("#app-meta")
    mail = page.locator("li.app-mail[data-message-id='<w2@apps.example>']")
    mail.locator("select[name=to]").select_option(label="a new application of its own")
    mail.locator("button[type=submit]").click()
    page.wait_for_selector("#note:has-text('Moved')")
    assert page.locator("li.app-mail").count() == 1
    assert page.inner_text("#app-stage") == "In process"


@needs_chromium
def test_on_a_phone_the_board_is_a_list_without_sideways_scroll(browser: Any, board: Board) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    test_pages.log_in(page, board.url)
    page.goto(board.url + "/applications")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.evaluate(WIDEST)
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.apps thead')).display") == "none"
    )
    page.screenshot(path=str(DOCS / "applications-phone.png"), full_page=True)
    context.close()


@needs_chromium
def test_the_digest_is_a_draft_to_myself(board: Board, page: Any) -> None:
    page.goto(board.url + "/applications")
    page.click("#digest")
    page.wait_for_selector("#note:has-text('Digest drafted')")
    later = board.store.messages.get_by_pk(
        next(m.id for m in board.store.messages.latest() if m.source == "HLP-0016")
    )
    assert later is not None
    (digest,) = [d for d in later.drafts if d.kind == "pipeline_digest"]
    assert digest.status == "pending" and digest.to == "sam@example.org"
    assert "Sable & Finch" in digest.body and "check in" in digest.body
