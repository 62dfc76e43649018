"""REST for what the page does: list and read mail, edit, relabel, send and settle drafts.

Every route calls the same service functions as the page (service.mailview and the store), so
the rules hold alike: 409 when another offer reply was sent or the draft is not pending, 422
for a malformed address or a profile without a name and address.
"""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import inspect

from service.followups import due_followups
from service.mailview import Refused, approve, find_messages, relabel, undo
from service.store import DraftRow, MessageRow
from service.store.drafts import WAITING, Text
from service.web.deps import DispatcherDep, SenderDep, SettingsDep, StoreDep

router = APIRouter(prefix="/v1", tags=["mail"])


class DraftView(BaseModel):
    """One stored draft: its text, status and version (send the version back when editing)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    message_pk: int
    kind: str
    status: str
    version: int
    to: str
    subject: str
    body: str
    language: str
    note: str
    error: str
    followup_date: date | None
    suggested_send_after: datetime | None  # naive UTC
    sent_at: datetime | None  # naive UTC
    sent_message_id: str
    send_at: datetime | None  # naive UTC: when a scheduled draft goes out


class MessageSummary(BaseModel):
    """A stored message as a list shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    message_id: str
    date: str
    from_name: str
    from_addr: str
    subject: str
    company: str
    role: str
    label: str
    kind: str
    confidence: float
    waiting: int = 0  # drafts still waiting for the user


class MessageView(MessageSummary):
    """One message with its text and every draft that is not discarded."""

    reply_to: str
    text: str
    drafts: list[DraftView]


class DraftEdit(BaseModel):
    """An edit: the version it was made on and the fields to change."""

    version: int
    to: str | None = Field(default=None, max_length=998)
    subject: str | None = Field(default=None, max_length=998)
    body: str | None = None
    followup_date: date | None = None


class LabelChange(BaseModel):
    """The label the user gives a message."""

    label: str


class Relabelled(BaseModel):
    """What a relabel did: `relabelled` (re-drafted) or `closed` (a reply was already sent)."""

    outcome: str
    message: MessageView


class SendAccepted(BaseModel):
    """What came of a send: the draft's status and a sentence; send_at is when it goes out."""

    draft_id: int
    status: str
    detail: str
    send_at: datetime | None  # naive UTC; None: handled at once


class FollowupView(BaseModel):
    """A not-now contact due a check-in, with the check-in draft."""

    message: MessageSummary
    draft: DraftView


def _summary(row: MessageRow) -> MessageSummary:
    # a follow-up's message comes without its drafts: counting them would need a session
    drafts = [] if "drafts" in inspect(row).unloaded else row.drafts
    waiting = sum(1 for d in drafts if d.status in WAITING and d.kind != "followup")
    return MessageSummary.model_validate(row).model_copy(update={"waiting": waiting})


def _view(row: MessageRow) -> MessageView:
    drafts = [DraftView.model_validate(d) for d in row.drafts if d.status != "discarded"]
    return MessageView(
        **_summary(row).model_dump(), reply_to=row.reply_to, text=row.text, drafts=drafts
    )


def _refusal(refused: Refused) -> HTTPException:
    return HTTPException(refused.status, {"code": refused.code, "message": refused.message})


def _draft(store: StoreDep, draft_id: int) -> DraftRow:
    draft = store.drafts.get(draft_id)
    if draft is None:
        raise HTTPException(404, "no such draft")
    return draft


@router.get("/messages")
def list_messages(
    store: StoreDep, label: str = "", kind: str = "", q: str = "", limit: int = 200
) -> list[MessageSummary]:
    """List stored messages, newest first, by label, kind and search words."""
    return [_summary(m) for m in find_messages(store, label, kind, q, min(max(limit, 1), 1000))]


@router.get("/messages/{pk}")
def get_message(store: StoreDep, pk: int) -> MessageView:
    """Retrieve one message with its drafts."""
    row = store.messages.get_by_pk(pk)
    if row is None:
        raise HTTPException(404, "no such message")
    return _view(row)


@router.post("/messages/{pk}/label")
def change_label(
    store: StoreDep, settings: SettingsDep, pk: int, change: LabelChange
) -> Relabelled:
    """Relabel a message, which stores the correction and re-drafts it."""
    try:
        outcome = relabel(store, settings, pk, change.label)
    except Refused as refused:
        raise _refusal(refused) from refused
    return Relabelled(outcome=outcome, message=get_message(store, pk))


@router.patch("/drafts/{draft_id}")
def edit_draft(store: StoreDep, draft_id: int, edit: DraftEdit) -> DraftView:
    """Edit a draft; 409 when the version is stale or the draft is on its way."""
    draft = _draft(store, draft_id)
    text = Text(
        edit.to if edit.to is not None else draft.to,
        edit.subject if edit.subject is not None else draft.subject,
        edit.body if edit.body is not None else draft.body,
        edit.followup_date if edit.followup_date is not None else draft.followup_date,
    )
    saved = store.drafts.save(draft_id, edit.version, text)
    if saved.outcome in ("stale", "locked"):
        raise HTTPException(409, {"code": saved.outcome, "message": f"not saved: {saved.outcome}"})
    assert saved.draft is not None
    return DraftView.model_validate(saved.draft)


@router.post("/drafts/{draft_id}/send", status_code=202)
def send_draft(
    store: StoreDep,
    settings: SettingsDep,
    sender: SenderDep,
    dispatcher: DispatcherDep,
    draft_id: int,
) -> SendAccepted:
    """Approve a draft: it goes out once the undo window (send_at) has passed.

    409 if it is not pending or another reply to its offer was sent, 422 if unsendable.
    """
    try:
        approved = approve(store, settings, sender, draft_id)
    except Refused as refused:
        raise _refusal(refused) from refused
    if approved.status == "scheduled":
        dispatcher.wake()
    if approved.status == "busy":
        raise HTTPException(409, {"code": "not_pending", "message": approved.detail})
    if approved.status == "refused":
        raise HTTPException(422, {"code": "refused", "message": approved.detail})
    return SendAccepted(
        draft_id=draft_id,
        status=approved.status,
        detail=approved.detail,
        send_at=approved.send_at,
    )


@router.post("/drafts/{draft_id}/cancel")
def cancel_draft(store: StoreDep, draft_id: int) -> DraftView:
    """Undo a send within its window: the draft is pending again; 409 once it is on its way."""
    try:
        undo(store, draft_id)
    except Refused as refused:
        raise _refusal(refused) from refused
    return DraftView.model_validate(_draft(store, draft_id))


@router.get("/followups")
def list_followups(store: StoreDep, settings: SettingsDep) -> list[FollowupView]:
    """List the not-now contacts due a check-in today, each with its draft."""
    due = due_followups(store, settings.sender_profile(), date.today())
    return [FollowupView(message=_summary(m), draft=DraftView.model_validate(d)) for m, d in due]
