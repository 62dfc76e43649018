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
    "failed": "Not sent: see the error on the draft; nothing is lost, you can retry.",
    "relabelled": "Label changed and the drafts rewritten; the correction is stored.",
    "locked": "This draft is already on its way and can no longer be edited.",
}

templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
)


def page(request: Request, auth: Auth, name: str, **context: object) -> HTMLResponse:
    """Render a page template with the session's CSRF token and the current note."""
    context["csrf"] = auth.csrf_token(request.cookies.get(COOKIE, ""))
    context["note"] = NOTES.get(request.query_params.get("note", ""), "")
    return templates.TemplateResponse(request, name, context)
