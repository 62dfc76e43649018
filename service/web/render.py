"""Jinja2 page rendering: the templates, the session's CSRF token and the note of the last action."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

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


templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=True, finalize=strip_bidi
    )
)


def page(request: Request, auth: Auth, name: str, **context: object) -> HTMLResponse:
    """Render a page template with the session's CSRF token and the current note."""
    context["csrf"] = auth.csrf_token(request.cookies.get(COOKIE, ""))
    context["note"] = NOTES.get(request.query_params.get("note", ""), "")
    return templates.TemplateResponse(request, name, context)
