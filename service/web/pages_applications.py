"""The applications page: a board by stage, one application with its mails, moves, exports."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.applications import Application
from service.appnotes import draft_digest, shown_company, shown_role, warm_pipeline
from service.calendar import calendar_of
from service.store import utcnow
from service.tracker import Records
from service.web.api_applications import (
    NEW,
    STAGES,
    Move,
    matches,
    move_message,
    records_of,
    view_of,
)
from service.web.deps import AuthDep, SettingsDep, StoreDep
from service.web.login import CsrfDep
from service.web.render import page

router = APIRouter(include_in_schema=False)
STAGE_NAMES = {
    "applied": "Applied",
    "in_process": "In process",
    "on_hold": "On hold",
    "offer": "Offer",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
}
# the columns job trackers' exports share (Huntr, Teal and the spreadsheets people keep)
CSV_COLUMNS = [
    "Company",
    "Job Title",
    "Status",
    "Date Applied",
    "Interview Dates",
    "Offer Date",
    "Rejection Date",
    "Last Contact",
    "Days Since Contact",
    "Next Action",
    "Deadline",
    "Follow Up Date",
    "Notes",
    "Application ID",
]


def _day(value: object) -> str:
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else ""


def csv_of(apps: list[Application]) -> str:
    """Return records as CSV with the columns job trackers export, one application a row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    today = utcnow().date()
    for app in apps:
        view = view_of(app, today)
        writer.writerow(
            {
                "Company": view.company,
                "Job Title": view.role,
                "Status": STAGE_NAMES[app.stage],
                "Date Applied": _day(app.applied_at),
                "Interview Dates": "; ".join(view.interviews),
                "Offer Date": _day(app.stage_dates.get("offer")),
                "Rejection Date": _day(app.stage_dates.get("rejected")),
                "Last Contact": _day(app.last_contact_at),
                "Days Since Contact": view.days_since_contact
                if view.days_since_contact is not None
                else "",
                "Next Action": app.next_action,
                "Deadline": _day(app.deadline),
                "Follow Up Date": _day(app.checkin),
                "Notes": app.conflict,
                "Application ID": app.id,
            }
        )
    return out.getvalue()


def _filtered(records: Records, stage: str, q: str) -> list[Application]:
    return [a for a in records.apps if matches(a, stage if stage in STAGES else "", q)]


@router.get("/applications")
def applications_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    auth: AuthDep,
    stage: str = "",
    q: str = "",
) -> HTMLResponse:
    """Show the applications by stage, with filters, search, exports and the warm pipeline."""
    records = records_of(request, store, settings)
    today = utcnow().date()
    apps = _filtered(records, stage, q)
    board = {s: [view_of(a, today) for a in apps if a.stage == s] for s in STAGES}
    warm = warm_pipeline(store, records, settings.profile.to_profile())
    query = request.url.query
    return page(
        request,
        auth,
        "applications.html",
        title="Applications",
        board=board,
        stages=STAGES,
        stage_names=STAGE_NAMES,
        stage=stage,
        q=q,
        total=len(apps),
        warm=warm,
        today=today,
        export=f"?{query}" if query else "",
        has_email=bool(settings.profile.to_profile().email),
    )


@router.get("/applications/export.csv")
def export_csv(
    request: Request, store: StoreDep, settings: SettingsDep, stage: str = "", q: str = ""
) -> Response:
    """Return the shown applications as CSV, shaped like job trackers' exports."""
    apps = _filtered(records_of(request, store, settings), stage, q)
    return Response(
        csv_of(apps),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="applications.csv"'},
    )


@router.get("/applications/calendar.ics")
def export_ics(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Return check-ins, offer deadlines and interviews as an .ics file to import."""
    records = records_of(request, store, settings)
    shown = {a.id: shown_company(a) for a in records.apps}
    return Response(
        calendar_of(records.apps, shown),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="applications.ics"'},
    )


@router.get("/applications/{app_id}")
def application_page(
    request: Request, app_id: str, store: StoreDep, settings: SettingsDep, auth: AuthDep
) -> HTMLResponse:
    """Show one application: its stages, dates and mails, each with "move to …"."""
    records = records_of(request, store, settings)
    app = records.get(app_id)
    if app is None:
        raise HTTPException(404, "no such application")
    others = [
        (a.id, f"{shown_company(a)} — {shown_role(a) or 'role not named'} ({STAGE_NAMES[a.stage]})")
        for a in records.apps
        if a.id != app.id
    ]
    return page(
        request,
        auth,
        "application.html",
        title="Applications",
        app=view_of(app, utcnow().date()),
        mails=records.mails_of(app),
        others=others,
        stage_names=STAGE_NAMES,
        new=NEW,
    )


@router.post("/applications/move", dependencies=[CsrfDep])
def move_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    message_id: Annotated[str, Form(max_length=998)],
    to: Annotated[str, Form(max_length=64)],
) -> RedirectResponse:
    """Move a message to another application and show the application it is in now."""
    try:
        move_message(
            store, records_of(request, store, settings), Move(message_id=message_id, to=to)
        )
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    app = records_of(request, store, settings).of_message(message_id)
    target = f"/applications/{app.id}" if app else "/applications"
    return RedirectResponse(f"{target}?note=moved", status_code=303)


@router.post("/applications/digest", dependencies=[CsrfDep])
def digest_page(request: Request, store: StoreDep, settings: SettingsDep) -> RedirectResponse:
    """Draft the warm-pipeline digest to the user's own address and open it for approval."""
    profile = settings.profile.to_profile()
    records = records_of(request, store, settings)
    row = draft_digest(store, warm_pipeline(store, records, profile), profile, utcnow().date())
    if row is None:
        return RedirectResponse("/applications?note=nodigest", status_code=303)
    return RedirectResponse(f"/m/{row.message_pk}?note=digest#d{row.id}", status_code=303)
