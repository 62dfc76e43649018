"""Application records from a real store: slots stored at ingest, read once for old mail, moves kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from drafts.profile import Profile
from service.appnotes import OFFER_NOTE, draft_offer_notes
from service.ingest import Ingest
from service.store import MessageRow, Store
from service.tracker import build, read_old_slots


def mail(
    n: int,
    subject: str,
    text: str,
    sender: str = "Acme Robotics Careers <careers@acme-robotics.example>",
    day: int = 2,
    refs: str = "",
) -> bytes:
    """Return a plain job mail to sam, the n-th of a test inbox."""
    head = f"References: {refs}\r\nIn-Reply-To: {refs}\r\n" if refs else ""
    return (
        f"From: {sender}\r\nTo: Sam Rivera <sam@example.org>\r\nSubject: {subject}\r\n"
        f"Message-ID: <t{n}@acme-robotics.example>\r\n{head}"
        f"Date: Mon, {day} Nov 2026 09:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{text}\r\n"
    ).encode()


ACK = (
    "Dear Sam,\r\n\r\nThank you for applying for the Data Engineer position at Acme Robotics. "
    "We have received your application and will review it shortly.\r\n\r\n"
    "Kind regards,\r\nAcme Robotics Talent Team\r\n"
)
INTERVIEW = (
    "Dear Sam,\r\n\r\nWe would like to invite you to an interview for the Data Engineer position "
    "on Thursday, 12 November 2026 at 14:30. Please confirm that the time suits you.\r\n\r\n"
    "Best,\r\nJo Berg\r\nAcme Robotics\r\n"
)


def test_ingest_stores_the_company_of_every_mail(ingest: Ingest, store: Store) -> None:
    ingest.handle(mail(1, "Your application: Data Engineer", ACK), folder="INBOX")
    row = store.messages.get("<t1@acme-robotics.example>")
    assert row is not None and row.label == "other"  # no outcome: the model finds no slots
    assert row.app_company == "Acme Robotics"


def test_old_messages_get_their_company_on_the_first_rebuild_once(
    ingest: Ingest, store: Store
) -> None:
    ingest.handle(mail(1, "Your application: Data Engineer", ACK), folder="INBOX")
    with store.db.session() as s:  # as if stored before revision 0008
        s.execute(update(MessageRow).values(app_company=None, app_role=None))
    records = build(store)
    assert [a.company for a in records.apps] == ["acme robotics"]
    with store.db.session() as s:
        assert s.scalar(select(MessageRow.app_company)) == "Acme Robotics"
    assert read_old_slots(store) == 0  # nothing left to read: later rebuilds parse nothing


def test_a_move_survives_rebuilds(ingest: Ingest, store: Store) -> None:
    ingest.handle(mail(1, "Your application: Data Engineer", ACK), folder="INBOX")
    ingest.handle(
        mail(2, "Interview: Data Engineer", INTERVIEW, day=5, refs="<t1@acme-robotics.example>"),
        folder="INBOX",
    )
    before = build(store)
    assert len(before.apps) == 1 and before.apps[0].stage == "in_process"
    store.applications.add_move("<t2@acme-robotics.example>", "<t2@acme-robotics.example>")
    after = build(store)
    assert len(after.apps) == 2
    first = after.of_message("<t1@acme-robotics.example>")
    moved = after.of_message("<t2@acme-robotics.example>")
    assert first is not None and moved is not None and first is not moved
    assert first.id == before.apps[0].id  # ids are the same from rebuild to rebuild
    assert first.stage == "applied" and moved.stage == "in_process"
    store.applications.add_move("<t2@acme-robotics.example>", "<t1@acme-robotics.example>")
    back = build(store)
    assert [a.message_ids for a in back.apps] == [
        ["<t1@acme-robotics.example>", "<t2@acme-robotics.example>"]
    ]


def test_interview_times_keep_their_zone(ingest: Ingest, store: Store) -> None:
    ingest.handle(mail(2, "Interview: Data Engineer", INTERVIEW), folder="INBOX")
    (app,) = build(store, home_zone="Europe/Berlin").apps
    (when,) = app.interviews
    assert isinstance(when, datetime)
    assert (when.hour, when.minute, str(when.tzinfo)) == (14, 30, "Europe/Berlin")
    assert when.astimezone(UTC).hour == 13


OFFER = (
    "Dear Sam,\r\n\r\nWe are delighted to offer you the position of Platform Engineer at Borealis "
    "Systems. The offer is valid until 20 November 2026.\r\n\r\nBest regards,\r\nKim Lund\r\n"
    "Borealis Systems\r\n"
)


def test_an_offer_drafts_one_timeline_note_per_open_application(
    ingest: Ingest, store: Store
) -> None:
    ingest.handle(mail(2, "Interview: Data Engineer", INTERVIEW), folder="INBOX")
    ingest.handle(
        mail(3, "Your offer", OFFER, sender="Kim Lund <kim@borealis.example>", day=9),
        folder="INBOX",
    )
    records = build(store, now=datetime(2026, 11, 10))
    offer = next(a for a in records.apps if a.stage == "offer")
    assert offer.deadline == date(2026, 11, 20)
    assert offer.next_action == "answer the offer by 2026-11-20 (10 days left)"
    profile = Profile(name="Sam Rivera", email="sam@example.org")
    (note,) = draft_offer_notes(store, records, profile)
    assert note.kind == OFFER_NOTE and note.status == "pending"
    assert note.to == "careers@acme-robotics.example" or "acme-robotics" in note.to
    assert "need to answer by 20 November 2026" in note.body
    assert "Data Engineer" in note.body and "Acme Robotics" in note.body
    assert note.in_reply_to == "<t2@acme-robotics.example>"
    assert draft_offer_notes(store, build(store), profile) == []  # once, not on every rebuild
