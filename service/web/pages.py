"""The approve-and-send pages: inbox, one message with its drafts, follow-ups, history, retrain."""

from __future__ import annotations

from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from typing import Annotated
from urllib.parse import urlencode

import nh3
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from classifier.labels import LABELS, MAIL_KINDS, is_label
from service.followups import plan_followups, snooze
from service.mailview import (
    Refused,
    approve,
    discard_replies,
    find_messages,
    history_events,
    move_checkin_date,
    reasons_for,
    relabel,
    relabel_many,
    set_by_user,
    undo,
)
from service.store import DraftRow, MessageRow
from service.store.drafts import EDITABLE, WAITING, Text
from service.store.history import History
from service.web.auth import safe_next
from service.web.deps import (
    AuthDep,
    DispatcherDep,
    IngestDep,
    SenderDep,
    SettingsDep,
    StoreDep,
    TrainerDep,
)
from service.web.login import CsrfDep
from service.web.render import page
from service.web.scope import account_of

# Mail is shown as data: no images (tracking pixels), no styles, scripts or forms, safe links only.
MAIL_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "area", "map"}

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


def sort_key(msg: MessageRow) -> float:
    """Return a message's date as a timestamp for sorting, its arrival order when undated."""
    try:
        return parsedate_to_datetime(msg.date).timestamp()
    except (TypeError, ValueError, IndexError):
        return float(msg.id)


@router.get("/")
def inbox(request: Request, store: StoreDep, auth: AuthDep, label: str = "") -> HTMLResponse:
    """List messages with drafts waiting, newest first."""
    rows = store.drafts.list_waiting(label if is_label(label) else None)
    rows.sort(key=sort_key, reverse=True)
    return page(
        request,
        auth,
        "inbox.html",
        messages=rows,
        mine=set_by_user(store, rows),
        labels=LABELS,
        label=label,
        back_here="/?" + urlencode({"label": label}) if label else "/",
        live=True,
        title="Inbox",
    )


@router.get("/live")
def live(store: StoreDep) -> JSONResponse:
    """Return what a page polls to notice new mail: the newest message id and the waiting count."""
    return JSONResponse(
        {
            "newest": History(store.db, store.account_id).newest_message(),
            "waiting": store.drafts.count_waiting(),
        },
        headers={"Cache-Control": "no-store"},
    )


@router.get("/all")
def all_mail(
    request: Request, store: StoreDep, auth: AuthDep, label: str = "", kind: str = "", q: str = ""
) -> HTMLResponse:
    """List every stored message, of a label and kind, matching a search."""
    rows = find_messages(store, label, kind if kind in MAIL_KINDS else "", q)
    return page(
        request,
        auth,
        "all.html",
        messages=rows,
        mine=set_by_user(store, rows),
        back_here="/all?" + urlencode({"label": label, "kind": kind, "q": q}),
        live=True,
        labels=LABELS,
        kinds=MAIL_KINDS,
        label=label,
        kind=kind,
        q=q,
        title="All mail",
    )


@router.post("/bulk", dependencies=[CsrfDep])
def bulk(
    store: StoreDep,
    settings: SettingsDep,
    action: Annotated[str, Form()],
    ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies the default)
    label: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/",
) -> Response:
    """Discard the waiting replies of the ticked messages, or relabel them all (never send)."""
    target = safe_next(back)
    joiner = "&" if "?" in target else "?"
    if action == "discard":
        done = len(discard_replies(store, ids))
        return RedirectResponse(f"{target}{joiner}note=bulkdiscard&n={done}", status_code=303)
    if action == "relabel" and is_label(label):
        done = len(relabel_many(store, settings, ids, label))
        return RedirectResponse(f"{target}{joiner}note=bulklabel&n={done}", status_code=303)
    raise HTTPException(422, "choose discard, or relabel with a label")


@router.get("/m/{pk}")
def message(
    request: Request,
    pk: int,
    store: StoreDep,
    auth: AuthDep,
    settings: SettingsDep,
    ingest: IngestDep,
) -> HTMLResponse:
    """Show one message beside its editable drafts."""
    msg = store.messages.get_by_pk(pk)
    if msg is None:
        raise HTTPException(404, "no such message")
    drafts = [d for d in msg.drafts if d.status != "discarded"]
    return page(
        request,
        auth,
        "message.html",
        msg=msg,
        drafts=drafts,
        versions=store.drafts.versions_of(d.id for d in drafts),
        imap=bool(settings.imap_host),
        mail_html=sanitize_html(msg.html) if msg.html.strip() else "",
        labels=LABELS,
        waiting=WAITING,
        taken=store.drafts.reply_taken(pk),
        mine=set_by_user(store, [msg]),
        reasons=reasons_for(ingest.classifier.runtime, msg),
        title=msg.subject or "(no subject)",
    )


@router.get("/followups")
def followups(
    request: Request, store: StoreDep, auth: AuthDep, settings: SettingsDep
) -> HTMLResponse:
    """List not-now contacts due a check-in, each with its draft, and the check-ins coming."""
    today = date.today()
    plan = plan_followups(store, settings.sender_profile(), today)
    versions = store.drafts.versions_of(d.id for _, d in plan.due)
    return page(
        request,
        auth,
        "followups.html",
        due=plan.due,
        coming=plan.coming,
        snooze_to=today + timedelta(days=7),
        versions=versions,
        imap=bool(settings.imap_host),
        title="Follow-ups",
    )


@router.post("/followups/{draft_id}/snooze", dependencies=[CsrfDep])
def snooze_followup(draft_id: int, store: StoreDep, until: Annotated[str, Form()] = "") -> Response:
    """Move a check-in to a later day; it shows under "coming" until then."""
    try:
        day = date.fromisoformat(until)
    except ValueError as exc:
        raise HTTPException(422, "the day must look like 2026-03-02") from exc
    note = "snoozed" if snooze(store, draft_id, day, date.today()) else "nosnooze"
    return RedirectResponse(f"/followups?note={note}", status_code=303)


@router.get("/history")
def history(request: Request, store: StoreDep, auth: AuthDep) -> HTMLResponse:
    """List what was sent, discarded and relabelled, newest first."""
    return page(request, auth, "history.html", events=history_events(store), title="History")


def _form_text(draft: DraftRow, to: str, subject: str, body: str, followup_date: str) -> Text:
    """Return the text a draft's form holds; raises 422 for a malformed follow-up date."""
    when = draft.followup_date
    if draft.kind == "not_now":
        try:
            when = date.fromisoformat(followup_date) if followup_date else None
        except ValueError as exc:
            raise HTTPException(422, "the follow-up date must look like 2026-03-02") from exc
    return Text(to.strip(), subject.strip(), body.replace("\r\n", "\n"), when)


@router.post("/d/{draft_id}", dependencies=[CsrfDep])
def act_on_draft(
    request: Request,
    draft_id: int,
    store: StoreDep,
    sender: SenderDep,
    auth: AuthDep,
    settings: SettingsDep,
    dispatcher: DispatcherDep,
    action: Annotated[str, Form()],
    version: Annotated[int, Form()] = 0,
    to: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    followup_date: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
    restore: Annotated[int, Form()] = 0,
) -> Response:
    """Save, approve (send after the undo window), undo, discard, restore or settle one draft.

    A save or send from a form older than the stored draft is answered 409 with both texts.
    """
    draft = store.drafts.get(draft_id)
    if draft is None:
        raise HTTPException(404, "no such draft")
    target = safe_next(back) if back else f"/m/{draft.message_pk}"
    note = "saved"
    text: Text | None = None
    check_date = ""
    if action in ("save", "send") and draft.status in EDITABLE:
        text, check_date = move_checkin_date(
            draft, _form_text(draft, to, subject, body, followup_date)
        )
    elif action == "restore":
        earlier = store.drafts.version(restore)
        if earlier is None or earlier.draft_pk != draft_id:
            raise HTTPException(404, "no such earlier version")
        text, note = Text.of(earlier), "restored"
    if text is not None:
        saved = store.drafts.save(draft_id, version, text)
        if saved.outcome == "stale" and saved.draft is not None:
            return _conflict(request, auth, saved.draft, text, back)
        if saved.outcome == "locked":
            note = "locked"
        elif saved.outcome == "saved" and check_date:
            History(store.db, store.account_id).add_note(draft_id, check_date)
            note = "checkdate"
    elif action in ("save", "restore"):
        note = "locked"
    if action in ("send", "send_later") and note != "locked":
        later = draft.suggested_send_after if action == "send_later" else None
        try:
            approved = approve(store, settings, sender, draft_id, at=later)
        except Refused as refused:
            codes = {"bad_address": "badto", "choice_made": "choice", "no_profile": "noprofile"}
            note = codes.get(refused.code, "busy")  # not pending: sent or on its way
            return RedirectResponse(f"{target}?note={note}#draft-{draft_id}", status_code=303)
        if approved.status == "scheduled":
            dispatcher.wake()
        note = {"sent": "sent", "failed": "failed", "busy": "busy", "unknown": "unknown"}.get(
            approved.status, "scheduled"
        )
        if approved.status == "refused":
            note = "noto" if "recipient" in approved.detail else "nosmtp"
    elif action == "undo":
        try:
            undo(store, draft_id)
            note = "undone"
        except Refused:
            note = "toolate"
    elif action == "discard":
        note = "discarded" if store.drafts.discard(draft_id) else "locked"
    elif action == "send_again":
        again = sender.send_again(draft_id, confirmed=confirm == "resend")
        notes = {"sent": "sent", "failed": "failed", "unknown": "unknown", "refused": "confirm"}
        note = notes.get(again.status, "busy")
    elif action == "mark_sent":
        note = "sent" if sender.mark_sent(draft_id).status == "sent" else "busy"
    elif action == "check":
        note = {"sent": "found", "unknown": "notfound"}.get(sender.settle(draft_id).status, "busy")
    return RedirectResponse(f"{target}?note={note}#draft-{draft_id}", status_code=303)


def _conflict(request: Request, auth: AuthDep, saved: DraftRow, yours: Text, back: str) -> Response:
    """Answer a stale form with 409 and a page showing the saved text beside the one sent."""
    response = page(
        request,
        auth,
        "conflict.html",
        d=saved,
        yours=yours,
        back=back,
        title="Changed elsewhere",
    )
    response.status_code = 409
    return response


@router.post("/m/{pk}/label", dependencies=[CsrfDep])
def change_label(
    pk: int, store: StoreDep, settings: SettingsDep, label: Annotated[str, Form()]
) -> Response:
    """Store the user's label, and re-draft the message for it unless a reply was sent."""
    try:
        outcome = relabel(store, settings, pk, label)
    except Refused as refused:
        raise HTTPException(refused.status, refused.message) from refused
    return RedirectResponse(f"/m/{pk}?note={outcome}", status_code=303)


@router.post("/train", dependencies=[CsrfDep])
def retrain(request: Request, trainer: TrainerDep) -> Response:
    """Start retraining the model with the stored corrections, in the background.

    Only the single user retrains: the model is shared by every account, and one account's
    corrections must not change another's labels (a per-account retrain is not built yet).
    """
    if account_of(request) is not None:
        raise HTTPException(403, "retraining is not available for one account of many yet")
    trainer.start()  # a second click while one runs just shows the one running
    return RedirectResponse("/train", status_code=303)


@router.get("/train")
def training(request: Request, trainer: TrainerDep, auth: AuthDep) -> HTMLResponse:
    """Show how the retrain goes, and the figures before and after once it is done."""
    return page(request, auth, "trained.html", state=trainer.state, title="Retraining")
