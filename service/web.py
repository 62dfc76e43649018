"""The approve-and-send pages: inbox, one message with its drafts, follow-ups, history, login."""

from __future__ import annotations

import secrets
import time
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Annotated

import nh3
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from drafts.render import KINDS, render_drafts
from service.auth import COOKIE, Auth, safe_next
from service.followups import due_followups, incoming_of
from service.ingest import draft_row
from service.sender import Sender, is_stale, sender_profile
from service.store import WAITING, MessageRow, SendStore

HERE = Path(__file__).resolve().parent
LABELS = tuple(KINDS)
LOGIN_COOKIE = "gracemail_login"
FAILED_LOGIN_DELAY = 0.5
# Mail is shown as data: no images (tracking pixels), no styles, scripts or forms, safe links only.
MAIL_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "area", "map"}
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
router = APIRouter(include_in_schema=False)


def sanitize_html(html: str) -> str:
    """Return mail HTML reduced to inert markup: no scripts, styles, images or unsafe links."""
    return nh3.clean(
        html,
        tags=MAIL_TAGS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def get_sends(request: Request) -> SendStore:
    """Return the app's store of drafts and sessions."""
    sends: SendStore = request.app.state.sends
    return sends


def get_auth(request: Request) -> Auth:
    """Return the app's login keeper."""
    auth: Auth = request.app.state.auth
    return auth


SendsDep = Annotated[SendStore, Depends(get_sends)]
AuthDep = Annotated[Auth, Depends(get_auth)]


def check_csrf(request: Request, auth: AuthDep, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a form whose CSRF token does not belong to the session; raises 403."""
    if not auth.check_csrf(request.cookies.get(COOKIE, ""), csrf):
        raise HTTPException(403, "the form is stale or not from this page; reload and try again")


CsrfDep = Depends(check_csrf)


def page(request: Request, name: str, **context: object) -> HTMLResponse:
    """Render a page template with the session's CSRF token and the current note."""
    auth: Auth = request.app.state.auth
    context["csrf"] = auth.csrf_token(request.cookies.get(COOKIE, ""))
    context["note"] = NOTES.get(request.query_params.get("note", ""), "")
    return templates.TemplateResponse(request, name, context)


def sort_key(msg: MessageRow) -> float:
    """Return a message's date as a timestamp for sorting, its arrival order when undated."""
    try:
        return parsedate_to_datetime(msg.date).timestamp()
    except (TypeError, ValueError, IndexError):
        return float(msg.id)


# --- login ------------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """Show the login form."""
    # reuse the token a parallel request (a favicon, another tab) may have just set
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(16)
    response = templates.TemplateResponse(
        request, "login.html", {"csrf": token, "next": safe_next(next), "error": ""}
    )
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.post("/login")
def login(
    request: Request,
    auth: AuthDep,
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Open a session when the password is right."""
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if (
        not expected
        or not secrets.compare_digest(expected, csrf)
        or not auth.check_password(password)
    ):
        time.sleep(FAILED_LOGIN_DELAY)  # slows password guessing without locking the user out
        token = secrets.token_urlsafe(16)
        failed = templates.TemplateResponse(
            request,
            "login.html",
            {
                "csrf": token,
                "next": safe_next(next),
                "error": "Wrong password, or the form expired.",
            },
            status_code=401,
        )
        failed.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login")
        return failed
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(COOKIE, auth.start_session(), **auth.cookie_options())
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout", dependencies=[CsrfDep])
def logout(request: Request, auth: AuthDep) -> Response:
    """Close the session."""
    auth.end_session(request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# --- pages ------------------------------------------------------------------------------------


@router.get("/")
def inbox(request: Request, sends: SendsDep, label: str = "") -> HTMLResponse:
    """List messages with drafts waiting, newest first."""
    rows = sends.list_waiting(label if label in LABELS else None)
    rows.sort(key=sort_key, reverse=True)
    return page(request, "inbox.html", messages=rows, labels=LABELS, label=label, title="Inbox")


@router.get("/m/{pk}")
def message(request: Request, pk: int, sends: SendsDep) -> HTMLResponse:
    """Show one message beside its editable drafts."""
    msg = sends.get_message_by_pk(pk)
    if msg is None:
        raise HTTPException(404, "no such message")
    drafts = [d for d in msg.drafts if d.status != "discarded"]
    return page(
        request,
        "message.html",
        msg=msg,
        drafts=drafts,
        mail_html=sanitize_html(msg.html) if msg.html.strip() else "",
        labels=LABELS,
        stale={d.id for d in drafts if is_stale(d)},
        waiting=WAITING,
        title=msg.subject or "(no subject)",
    )


@router.get("/followups")
def followups(request: Request, sends: SendsDep) -> HTMLResponse:
    """List not-now contacts due a check-in, each with its draft."""
    profile = sender_profile(request.app.state.settings)
    due = due_followups(sends, profile, date.today())
    return page(request, "followups.html", due=due, title="Follow-ups")


@router.get("/history")
def history(request: Request, sends: SendsDep) -> HTMLResponse:
    """List what was sent, when and to whom."""
    return page(request, "history.html", sent=sends.list_sent(), title="History")


# --- actions ----------------------------------------------------------------------------------


@router.post("/d/{draft_id}", dependencies=[CsrfDep])
def act_on_draft(
    request: Request,
    draft_id: int,
    sends: SendsDep,
    action: Annotated[str, Form()],
    to: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    followup_date: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Save, send, discard or resolve one draft, then show its message again."""
    draft = sends.get_draft(draft_id)
    if draft is None:
        raise HTTPException(404, "no such draft")
    target = safe_next(back) if back else f"/m/{draft.message_pk}"
    sender: Sender = request.app.state.sender
    note = "saved"
    if action in ("save", "send") and draft.status in ("pending", "failed"):
        when = draft.followup_date
        if draft.kind == "not_now":
            try:
                when = date.fromisoformat(followup_date) if followup_date else None
            except ValueError as exc:
                raise HTTPException(422, "the follow-up date must look like 2026-03-02") from exc
        body = body.replace("\r\n", "\n")
        if not sends.save_draft(draft_id, to.strip(), subject.strip(), body, when):
            note = "locked"
    elif action == "save":
        note = "locked"
    if action == "send":
        result = sender.send(draft_id)
        note = {"sent": "sent", "failed": "failed", "busy": "busy"}.get(result.status, "")
        if result.status == "refused":
            note = "noto" if "recipient" in result.detail else "nosmtp"
    elif action == "discard":
        note = "discarded" if sends.discard_draft(draft_id) else "locked"
    elif action == "send_again":
        note = {"sent": "sent", "failed": "failed"}.get(sender.send_again(draft_id).status, "busy")
    elif action == "mark_sent":
        note = "sent" if sender.mark_sent(draft_id).status == "sent" else "busy"
    return RedirectResponse(f"{target}?note={note}#draft-{draft_id}", status_code=303)


@router.post("/m/{pk}/label", dependencies=[CsrfDep])
def change_label(
    request: Request, pk: int, sends: SendsDep, label: Annotated[str, Form()]
) -> Response:
    """Store the user's label, and re-draft the message for it."""
    msg = sends.get_message_by_pk(pk)
    if msg is None or label not in LABELS:
        raise HTTPException(404, "no such message or label")
    profile = sender_profile(request.app.state.settings)
    drafts = render_drafts(incoming_of(msg, label), profile, date.today())
    sends.relabel(pk, label, [draft_row(d) for d in drafts])
    return RedirectResponse(f"/m/{pk}?note=relabelled", status_code=303)


@router.post("/train", dependencies=[CsrfDep])
def retrain(request: Request, sends: SendsDep) -> HTMLResponse:
    """Retrain the model with the stored corrections and show the figures before and after."""
    from classifier.model import read_meta, train_classifier

    settings = request.app.state.settings
    path = settings.resolved_model_path
    before = read_meta(path)
    corrections = sends.store.list_corrections()
    model, _ = train_classifier(path, extra=corrections)  # type: ignore[arg-type]
    request.app.state.ingest.classifier = model
    return page(
        request,
        "trained.html",
        before=before,
        after=read_meta(path),
        corrections=len(corrections),
        title="Retrained",
    )


# --- headers ----------------------------------------------------------------------------------

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """ASGI middleware: a strict Content-Security-Policy and friends on every page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to each HTTP response (the API docs keep their own scripts)."""
        if scope["type"] != "http" or scope["path"].startswith(("/docs", "/redoc")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
