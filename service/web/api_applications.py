"""REST for the application records: list, read, move a message, the warm pipeline, the calendar.

The records are kept by a Tracker per store and rebuilt only when the store has changed; every
rebuild also drafts the timeline notes an offer calls for (service.appnotes), stored pending.
"""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from service.applications import Application, countdown
from service.appnotes import (
    WarmContact,
    draft_digest,
    draft_offer_notes,
    shown_company,
    shown_role,
    warm_pipeline,
)
from service.calendar import calendar_of
from service.config import Settings
from service.store import Store, utcnow
from service.tracker import Records, Tracker
from service.web.deps import SettingsDep, StoreDep

router = APIRouter(prefix="/v1", tags=["applications"])
STAGES = ("applied", "in_process", "on_hold", "offer", "rejected", "withdrawn")
NEW = "new"  # the move target that gives a message an application of its own


def records_of(request: Request, store: Store, settings: Settings) -> Records:
    """Return the records of the request's store, from its tracker; drafts offer notes on a rebuild."""
    trackers: dict[int, Tracker] = request.app.state.__dict__.setdefault("trackers", {})
    key = id(store.applications)
    tracker = trackers.get(key)
    if tracker is None:
        tracker = trackers[key] = Tracker(store, home_zone=settings.profile.timezone)
    before = tracker.built
    records = tracker.records()
    if tracker.built != before:
        draft_offer_notes(store, records, settings.profile.to_profile())
    return records


def matches(app: Application, stage: str, q: str) -> bool:
    """Return whether a record is of stage (any when '') and holds every word of q."""
    if stage and app.stage != stage:
        return False
    seen = f"{shown_company(app)} {app.company} {shown_role(app)} {app.next_action}".lower()
    return all(word in seen for word in q.lower().split())


class ApplicationView(BaseModel):
    """One application: its company and role, stage, the date of each stage and what to do next."""

    id: str
    company: str
    role: str
    stage: str
    applied_at: datetime | None  # naive UTC
    last_contact_at: datetime | None
    days_since_contact: int | None
    stage_dates: dict[str, datetime]
    message_ids: list[str]
    next_action: str
    deadline: date | None  # the offer's decision deadline
    deadline_left: str  # "3 days left", "due today", "2 days late"; '' without a deadline
    interviews: list[str]  # ISO days, or times with their offset, the interview mails name
    checkin: date | None
    conflict: str


class MailView(BaseModel):
    """One mail of an application."""

    message_id: str
    pk: int  # the stored message it is, or answers when from_user (/v1/messages/{pk})
    date: datetime
    subject: str
    sender: str
    label: str
    kind: str
    from_user: bool


class ApplicationDetail(ApplicationView):
    """One application with its mails, oldest first."""

    mails: list[MailView]


class Move(BaseModel):
    """Put a message into another application, or into one of its own with to="new"."""

    message_id: str = Field(max_length=998)
    to: str = Field(max_length=64)


class WarmView(BaseModel):
    """A not-now contact and when to check in with them."""

    company: str
    role: str
    contact: str
    address: str
    checkin: date | None
    application_id: str
    message_pk: int


def view_of(app: Application, today: date) -> ApplicationView:
    """Return the API shape of a record."""
    last = app.last_contact_at
    return ApplicationView(
        id=app.id,
        company=shown_company(app),
        role=shown_role(app),
        stage=app.stage,
        applied_at=app.applied_at,
        last_contact_at=last,
        days_since_contact=(today - last.date()).days if last else None,
        stage_dates=app.stage_dates,
        message_ids=app.message_ids,
        next_action=app.next_action,
        deadline=app.deadline,
        deadline_left=countdown((app.deadline - today).days) if app.deadline else "",
        interviews=[t.isoformat() for t in app.interviews],
        checkin=app.checkin,
        conflict=app.conflict,
    )


def detail_of(records: Records, app: Application, today: date) -> ApplicationDetail:
    """Return a record with its mails."""
    mails = [
        MailView(
            message_id=m.message_id,
            pk=m.pk,
            date=m.date,
            subject=m.subject,
            sender=m.to_addr if m.from_user else (m.from_name or m.from_addr),
            label=m.label,
            kind=m.kind,
            from_user=m.from_user,
        )
        for m in records.mails_of(app)
    ]
    return ApplicationDetail(**view_of(app, today).model_dump(), mails=mails)


def move_message(store: Store, records: Records, move: Move) -> None:
    """Store a move of a message to an application; raises LookupError for an unknown one."""
    if move.message_id not in records.mails:
        raise LookupError("no such message")
    if move.to == NEW:
        store.applications.add_move(move.message_id, move.message_id)
        return
    target = records.get(move.to)
    if target is None:
        raise LookupError("no such application")
    anchor = next(m for m in target.message_ids if m != move.message_id)
    store.applications.add_move(move.message_id, anchor)


def warm_view(contacts: list[WarmContact]) -> list[WarmView]:
    """Return the API shape of the warm pipeline."""
    return [
        WarmView(
            company=c.company,
            role=c.role,
            contact=c.contact,
            address=c.address,
            checkin=c.checkin,
            application_id=c.app_id,
            message_pk=c.message_pk,
        )
        for c in contacts
    ]


@router.get("/applications")
def list_applications(
    request: Request, store: StoreDep, settings: SettingsDep, stage: str = "", q: str = ""
) -> list[ApplicationView]:
    """List application records, oldest first, of a stage and matching a search."""
    today = utcnow().date()
    records = records_of(request, store, settings)
    return [view_of(a, today) for a in records.apps if matches(a, stage, q)]


@router.get("/applications/calendar.ics", response_class=Response)
def calendar(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Return check-in dates, offer deadlines and interview dates as an iCalendar file."""
    records = records_of(request, store, settings)
    shown = {a.id: shown_company(a) for a in records.apps}
    return Response(calendar_of(records.apps, shown), media_type="text/calendar; charset=utf-8")


@router.get("/applications/warm")
def warm(request: Request, store: StoreDep, settings: SettingsDep) -> list[WarmView]:
    """List the not-now contacts and their check-in dates, soonest first."""
    records = records_of(request, store, settings)
    return warm_view(warm_pipeline(store, records, settings.profile.to_profile()))


@router.post("/applications/digest", status_code=201)
def digest(request: Request, store: StoreDep, settings: SettingsDep) -> dict[str, object]:
    """Store the warm-pipeline digest as a pending draft to the user's own address (never sent here)."""
    profile = settings.profile.to_profile()
    records = records_of(request, store, settings)
    row = draft_digest(store, warm_pipeline(store, records, profile), profile, utcnow().date())
    if row is None:
        raise HTTPException(422, "no own address in the profile, or nobody said not now")
    return {"draft_id": row.id, "message_pk": row.message_pk, "to": row.to, "status": row.status}


@router.get("/applications/{app_id}")
def get_application(
    request: Request, app_id: str, store: StoreDep, settings: SettingsDep
) -> ApplicationDetail:
    """Return one application with its mails."""
    records = records_of(request, store, settings)
    app = records.get(app_id)
    if app is None:
        raise HTTPException(404, "no such application")
    return detail_of(records, app, utcnow().date())


@router.post("/applications/moves")
def move(request: Request, body: Move, store: StoreDep, settings: SettingsDep) -> ApplicationView:
    """Move a message to another application (stored, like a label correction); return its new one."""
    try:
        move_message(store, records_of(request, store, settings), body)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    app = records_of(request, store, settings).of_message(body.message_id)
    if app is None:  # e.g. moved into its own while it starts no application
        raise HTTPException(409, "the message is in no application after the move")
    return view_of(app, utcnow().date())
