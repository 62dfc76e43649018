"""The applications' dates as an iCalendar (.ics) file: check-ins, offer deadlines, interviews.

Written by the `icalendar` package. An interview time keeps the zone it was written in (a
VTIMEZONE is added for it); a day without a time is an all-day event.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from service.applications import Application

if TYPE_CHECKING:  # imported when a calendar is asked for: serve does not hold it idle
    from icalendar import Event

PRODID = "-//gracemail//applications//EN"


def _event(uid: str, summary: str, when: date | datetime, description: str) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(UTC))
    event.add("summary", summary)
    event.add("description", description)
    if isinstance(when, datetime) and not isinstance(when.tzinfo, ZoneInfo):
        # a bare UTC offset has no TZID to name it: the same instant, written in UTC
        when = when.astimezone(UTC)
    event.add("dtstart", when)
    if isinstance(when, datetime):
        event.add("dtend", when + timedelta(hours=1))
    else:
        event.add("dtend", when + timedelta(days=1))  # all-day: DTEND is the day after
    return event


def calendar_of(apps: list[Application], shown: dict[str, str] | None = None) -> bytes:
    """Return an .ics of every check-in date, offer deadline and interview date of apps.

    shown maps an application id to the name to put in the summaries (else its company).
    """
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "gracemail applications")
    names = shown or {}
    for app in apps:
        name = names.get(app.id, app.company)
        about = f"{name}: {app.role or 'role not named'} ({app.stage})"
        if app.deadline:
            cal.add_component(
                _event(
                    f"{app.id}-deadline@gracemail", f"Offer deadline: {name}", app.deadline, about
                )
            )
        if app.checkin:
            cal.add_component(
                _event(f"{app.id}-checkin@gracemail", f"Check in: {name}", app.checkin, about)
            )
        for when in app.interviews:
            stamp = when.strftime("%Y%m%dT%H%M") if isinstance(when, datetime) else when.isoformat()
            cal.add_component(
                _event(f"{app.id}-interview-{stamp}@gracemail", f"Interview: {name}", when, about)
            )
    cal.add_missing_timezones()
    ics: bytes = cal.to_ical()
    return ics
