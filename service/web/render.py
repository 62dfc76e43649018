"""Jinja2 page rendering: the templates, the session's CSRF token and the note of the last action."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from service.mailview import profile_problem
from service.store import utcnow
from service.store.history import History
from service.web.auth import COOKIE, Auth

HERE = Path(__file__).resolve().parent
NOTES = {
    "saved": "Draft saved.",
    "discarded": "Draft discarded.",
    "sent": "Sent.",
    "busy": "Not sent again: this draft was already sent or is being sent.",
    "noto": "Add a recipient address before sending.",
    "nosmtp": "Sending is not set up: set GRACEMAIL_SMTP_HOST.",
    "failed": "Not sent: see the error on the draft; nothing went out, you can retry.",
    "unknown": "It may have gone out: the SMTP server did not confirm it. Check before sending again.",
    "confirm": "Not sent again: tick that it did not go out first.",
    "found": "Found in your mailbox: marked as sent.",
    "notfound": "Not in your mailbox yet; it may still have gone out.",
    "restored": "Earlier text restored; the text it replaced is kept as an earlier version.",
    "relabelled": "Label changed and the drafts rewritten; the correction is stored.",
    "locked": "This draft is already on its way and can no longer be edited.",
    "badto": "Not sent: the To address is not an email address. Write it as name@example.com.",
    "choice": "Not sent: you already sent another reply to this offer; the other choices are closed.",
    "noprofile": "Not sent: set your name and address in the profile first (see the banner).",
    "scheduled": "Approved: it goes out when the countdown ends. Undo it on the draft until then.",
    "undone": "Undone: nothing went out; the draft is waiting again.",
    "toolate": "Too late to undo: it is on its way or sent.",
    "closed": "Label changed and stored; no new reply drafted, because a reply was already sent.",
    "moved": "Moved; the move is stored and kept through every rebuild of the records.",
    "digest": "Digest drafted to your own address: it is sent only when you approve it.",
    "nodigest": "No digest drafted: set your own address in the profile first.",
    "bulkdiscard": "Discarded {n} waiting replies; nothing was sent.",
    "bulklabel": "Relabelled {n} messages; each correction is stored and their replies redrafted.",
    "snoozed": "Check-in snoozed: it is listed under Coming until its new day.",
    "nosnooze": "Not snoozed: pick a day after today, for a check-in not yet sent.",
    "checkdate": "Saved. The check-in date changed but the text no longer names the old date: check it.",
}
# notes that say something went wrong: shown as an alert, not as a quiet status line
ERROR_NOTES = frozenset(
    {"busy", "noto", "nosmtp", "failed", "unknown", "confirm", "locked", "badto", "choice"}
    | {"noprofile", "toolate", "nosnooze", "checkdate"}
)
LABEL_NAMES = {"offer": "Offer", "hard_no": "Rejection", "not_now": "Not now", "other": "Other"}
KIND_NAMES = {
    "acknowledgement": "Application received",
    "interview": "Interview",
    "assessment": "Assessment",
    "job_alert": "Job alert",
    "outreach": "Recruiter outreach",
    "unrelated": "Not job mail",
    "outcome": "Outcome",
}

# Explicit bidi controls (embeddings, overrides, isolates) can make "gpj.exe" read as "exe.jpg"
# or reorder the page around them: mail text loses them when shown. What is left of right-to-left
# text is kept in its place by dir="auto" on the elements that show it.
BIDI_CONTROLS = dict.fromkeys(
    [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
)


def strip_bidi(value: object) -> object:
    """Return a string without explicit bidi controls; other values unchanged (Jinja finalize)."""
    return value.translate(BIDI_CONTROLS) if isinstance(value, str) else value


def human_label(label: str) -> str:
    """Return a label as people say it: `hard_no` is "Rejection"."""
    return LABEL_NAMES.get(label, label.replace("_", " ").capitalize())


def human_kind(kind: str) -> str:
    """Return a kind of mail as people say it, '' when not known."""
    return KIND_NAMES.get(kind, kind.replace("_", " ").capitalize())


def confidence_words(confidence: float) -> str:
    """Return what a probability means for the user: how sure the model is, in words."""
    percent = round(confidence * 100)
    if confidence >= 0.9:
        return f"{percent} % sure: the model is rarely wrong this sure"
    if confidence >= 0.7:
        return f"{percent} % sure: usually right, worth a glance"
    return f"{percent} % sure: unsure, check the label"


def human_date(value: object, zone: str = "UTC") -> str:
    """Return a date as "19 Nov, 09:19" in the user's zone (with the year when not this year)."""
    when: datetime | None = None
    if isinstance(value, datetime):
        when = value if value.tzinfo else value.replace(tzinfo=UTC)  # stored naive UTC
    elif isinstance(value, str) and value:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return value
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    if when is None:
        return str(value or "")
    try:
        local = when.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        local = when.astimezone(UTC)
    shown = f"{local.day} {local:%b, %H:%M}"
    if local.year != datetime.now(UTC).year:
        shown = f"{local.day} {local:%b %Y, %H:%M}"
    return shown


templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=True, finalize=strip_bidi
    )
)
templates.env.filters.update(
    human_label=human_label, human_kind=human_kind, confidence=confidence_words
)


def page(request: Request, auth: Auth, name: str, **context: object) -> HTMLResponse:
    """Render a page template with the CSRF token, the note, the waiting count and the profile check."""
    state = request.app.state.views.of_request(request)  # the session account's store, settings
    code = request.query_params.get("note", "")
    context["csrf"] = auth.csrf_token(request.cookies.get(COOKIE, ""))
    count = request.query_params.get("n", "")
    context["note"] = NOTES.get(code, "").replace("{n}", count if count.isdigit() else "some")
    context["note_is_error"] = code in ERROR_NOTES
    context["waiting_count"] = state.store.drafts.count_waiting()
    # the live pages poll for more
    context["newest"] = History(state.store.db, state.store.account_id).newest_message()
    context["profile_problem"] = profile_problem(state.settings)
    context["one_of_many"] = state.store.account_id is not None  # an account's login: no retrain
    zone = state.settings.profile.timezone
    context["when"] = lambda value: human_date(value, zone)
    context["now"] = utcnow()
    return templates.TemplateResponse(request, name, context)
