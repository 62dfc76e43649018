"""REST for what the page does: list and read mail, edit, relabel, send and settle drafts.

Every route calls the same service functions as the page (service.mailview and the store), so
the rules hold alike: 409 when another offer reply was sent or the draft is not pending, 422
for a malformed address or a profile without a name and address.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import inspect

from classifier.labels import is_label
from service.followups import plan_followups, snooze
from service.mailview import (
    Refused,
    approve,
    discard_drafts,
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
from service.store.drafts import WAITING, Text
from service.store.history import History
from service.web.deps import DispatcherDep, IngestDep, SenderDep, SettingsDep, StoreDep
from service.web.docs import BEARER

router = APIRouter(prefix="/v1", tags=["mail"], dependencies=[Depends(BEARER)])


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
    confidence: float  # the model's; 1.0 once the user set the label
    labelled_by: Literal["model", "you"] = "model"
    waiting: int = 0  # drafts still waiting for the user


class MessageView(MessageSummary):
    """One message with its text and every draft that is not discarded."""

    reply_to: str
    text: str
    why: list[str]  # the words that weighed most toward the label, strongest first
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


class BulkLabel(BaseModel):
    """The label the user gives several messages at once."""

    ids: list[int] = Field(max_length=1000)
    label: str


class BulkRelabelled(BaseModel):
    """What each relabel did, by message id; ids not found are left out."""

    outcomes: dict[int, str]


class DraftIds(BaseModel):
    """Drafts to act on at once."""

    ids: list[int] = Field(max_length=1000)


class Discarded(BaseModel):
    """Which drafts were discarded, and which were not (sent, on their way, or unknown)."""

    discarded: list[int]
    kept: list[int]


class Snooze(BaseModel):
    """The day a check-in moves to."""

    until: date


class ComingView(BaseModel):
    """A not-now contact whose check-in comes later, on `on`."""

    message: MessageSummary
    on: date


class EventView(BaseModel):
    """One thing that happened: a reply sent or discarded, or a label corrected."""

    at: datetime  # naive UTC
    what: str
    message_pk: int
    subject: str
    draft_id: int | None = None
    kind: str = ""
    to: str = ""
    old_label: str = ""
    new_label: str = ""


class Relabelled(BaseModel):
    """What a relabel did: `relabelled` (re-drafted) or `closed` (a reply was already sent)."""

    outcome: str
    message: MessageView


class SendWhen(BaseModel):
    """When an approved draft goes out: after the undo window, or at its suggested time."""

    at: Literal["now", "suggested"] = "now"  # suggested: suggested_send_after, when later


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


def _summary(row: MessageRow, mine: set[int]) -> MessageSummary:
    # a follow-up's message comes without its drafts: counting them would need a session
    drafts = [] if "drafts" in inspect(row).unloaded else row.drafts
    waiting = sum(1 for d in drafts if d.status in WAITING and d.kind != "followup")
    by = "you" if row.id in mine else "model"
    return MessageSummary.model_validate(row).model_copy(
        update={"waiting": waiting, "labelled_by": by}
    )


def _summaries(store: StoreDep, rows: list[MessageRow]) -> list[MessageSummary]:
    mine = set_by_user(store, rows)
    return [_summary(m, mine) for m in rows]


def _view(store: StoreDep, ingest: IngestDep, row: MessageRow) -> MessageView:
    drafts = [DraftView.model_validate(d) for d in row.drafts if d.status != "discarded"]
    why = [r.words for r in reasons_for(ingest.classifier.runtime, row)]
    return MessageView(
        **_summary(row, set_by_user(store, [row])).model_dump(),
        reply_to=row.reply_to,
        text=row.text,
        why=why,
        drafts=drafts,
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
    return _summaries(store, find_messages(store, label, kind, q, min(max(limit, 1), 1000)))


@router.post("/messages/label")
def change_labels(store: StoreDep, settings: SettingsDep, change: BulkLabel) -> BulkRelabelled:
    """Relabel several messages at once; each is stored as a correction and re-drafted."""
    if not is_label(change.label):
        raise HTTPException(422, {"code": "bad_label", "message": "no such label"})
    return BulkRelabelled(outcomes=dict(relabel_many(store, settings, change.ids, change.label)))


@router.get("/messages/{pk}")
def get_message(store: StoreDep, ingest: IngestDep, pk: int) -> MessageView:
    """Retrieve one message with its drafts and the words that weighed most for its label."""
    row = store.messages.get_by_pk(pk)
    if row is None:
        raise HTTPException(404, "no such message")
    return _view(store, ingest, row)


@router.post("/messages/{pk}/label")
def change_label(
    store: StoreDep, settings: SettingsDep, ingest: IngestDep, pk: int, change: LabelChange
) -> Relabelled:
    """Relabel a message, which stores the correction and re-drafts it."""
    try:
        outcome = relabel(store, settings, pk, change.label)
    except Refused as refused:
        raise _refusal(refused) from refused
    return Relabelled(outcome=outcome, message=get_message(store, ingest, pk))


@router.post("/drafts/discard")
def discard_many(store: StoreDep, body: DraftIds) -> Discarded:
    """Discard several drafts at once; those sent or on their way are kept (sending is one by one)."""
    done = discard_drafts(store, body.ids)
    return Discarded(discarded=done, kept=[i for i in dict.fromkeys(body.ids) if i not in done])


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
    text, check_date = move_checkin_date(draft, text)
    saved = store.drafts.save(draft_id, edit.version, text)
    if saved.outcome in ("stale", "locked"):
        raise HTTPException(409, {"code": saved.outcome, "message": f"not saved: {saved.outcome}"})
    if saved.outcome == "saved" and check_date:
        History(store.db, store.account_id).add_note(draft_id, check_date)
    return DraftView.model_validate(_draft(store, draft_id))


@router.post("/drafts/{draft_id}/send", status_code=202)
def send_draft(
    store: StoreDep,
    settings: SettingsDep,
    sender: SenderDep,
    dispatcher: DispatcherDep,
    draft_id: int,
    when: SendWhen | None = None,
) -> SendAccepted:
    """Approve a draft: it goes out at send_at, after the undo window or at its suggested time.

    409 if it is not pending or another reply to its offer was sent, 422 if unsendable.
    """
    later = None
    if when is not None and when.at == "suggested":
        later = _draft(store, draft_id).suggested_send_after
    try:
        approved = approve(store, settings, sender, draft_id, at=later)
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
    due = plan_followups(store, settings.sender_profile(), date.today()).due
    return [
        FollowupView(message=_summary(m, set()), draft=DraftView.model_validate(d)) for m, d in due
    ]


@router.get("/followups/coming")
def list_coming(store: StoreDep, settings: SettingsDep) -> list[ComingView]:
    """List the not-now contacts whose check-in comes later, soonest first."""
    coming = plan_followups(store, settings.sender_profile(), date.today()).coming
    return [ComingView(message=_summary(c.message, set()), on=c.on) for c in coming]


@router.post("/followups/{draft_id}/snooze")
def snooze_followup(store: StoreDep, draft_id: int, body: Snooze) -> DraftView:
    """Move a waiting check-in to a later day; 409 when it cannot move (sent, or not later)."""
    moved = snooze(store, draft_id, body.until, date.today())
    if moved is None:
        message = "only a waiting check-in moves, and only to a day after today"
        raise HTTPException(409, {"code": "not_snoozed", "message": message})
    return DraftView.model_validate(moved)


@router.get("/history")
def list_history(store: StoreDep) -> list[EventView]:
    """List what was sent, discarded and relabelled, newest first."""
    out: list[EventView] = []
    for e in history_events(store):
        if e.draft is not None:
            d = e.draft
            out.append(
                EventView(
                    at=e.at,
                    what=e.what,
                    message_pk=d.message_pk,
                    subject=d.subject,
                    draft_id=d.id,
                    kind=d.kind,
                    to=d.to,
                )
            )
        elif e.correction is not None:
            c = e.correction
            out.append(
                EventView(
                    at=e.at,
                    what=e.what,
                    message_pk=c.message_pk,
                    subject=c.subject,
                    old_label=c.old_label,
                    new_label=c.new_label,
                )
            )
    return out
