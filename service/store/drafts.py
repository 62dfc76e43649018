"""Stored drafts, the statuses a draft moves through, and the follow-up queries."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, cast, get_args

from sqlalchemy import CursorResult, Result, func, select, update

from drafts.kinds import REPLY_KINDS
from service.store.db import Database, utcnow
from service.store.tables import CorrectionRow, DraftRow, MessageRow

DraftStatus = Literal["pending", "approved", "sending", "sent", "failed", "discarded"]
DRAFT_STATUSES: tuple[DraftStatus, ...] = get_args(DraftStatus)
# The only moves a draft may make. approved→sending→sent is one send; sending→approved is a
# retry of a send that a crash interrupted.
MOVES: dict[DraftStatus, frozenset[DraftStatus]] = {
    "pending": frozenset({"approved", "discarded"}),
    "failed": frozenset({"approved", "discarded"}),
    "approved": frozenset({"sending", "failed"}),
    "sending": frozenset({"sent", "failed", "approved"}),
    "sent": frozenset(),
    "discarded": frozenset(),
}
EDITABLE: tuple[DraftStatus, ...] = ("pending", "failed")  # not yet on its way
WAITING: tuple[DraftStatus, ...] = ("pending", "failed", "sending")  # the user still has to act


def _changed_one(result: Result[Any]) -> bool:
    # an UPDATE's result is a CursorResult, which alone knows how many rows matched
    return cast(CursorResult[Any], result).rowcount == 1


def _check_moves(from_statuses: tuple[DraftStatus, ...], to_status: DraftStatus) -> None:
    wrong = [s for s in from_statuses if to_status not in MOVES[s]]
    if wrong:
        raise ValueError(f"a draft cannot move from {', '.join(wrong)} to {to_status}")


class Drafts:
    """Reads drafts and moves them through their statuses, each move a conditional UPDATE."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- reading ----------------------------------------------------------------------------

    def get(self, draft_id: int) -> DraftRow | None:
        """Return a draft with its message, or None."""
        with self.db.session() as s:
            row = s.get(DraftRow, draft_id)
            if row is not None:
                _ = row.message
            return row

    def list_waiting(self, label: str | None = None, limit: int = 500) -> list[MessageRow]:
        """Return messages with drafts still to act on, newest first, optionally of one label."""
        with self.db.session() as s:
            waiting = select(DraftRow.message_pk).where(
                DraftRow.status.in_(WAITING), DraftRow.kind != "followup"
            )
            query = (
                select(MessageRow)
                .where(MessageRow.id.in_(waiting))
                .order_by(MessageRow.id.desc())
                .limit(limit)
            )
            if label:
                query = query.where(MessageRow.label == label)
            rows = list(s.scalars(query))
            for row in rows:
                _ = row.drafts
            return rows

    def list_sent(self, limit: int = 500) -> list[DraftRow]:
        """Return sent drafts, the latest first, each with its message."""
        with self.db.session() as s:
            query = (
                select(DraftRow)
                .where(DraftRow.status == "sent")
                .order_by(DraftRow.sent_at.desc(), DraftRow.id.desc())
                .limit(limit)
            )
            rows = list(s.scalars(query))
            for row in rows:
                _ = row.message
            return rows

    # --- editing and moving -----------------------------------------------------------------

    def save(
        self, draft_id: int, to: str, subject: str, body: str, followup_date: date | None
    ) -> bool:
        """Save edits to a draft not yet on its way; return False when it is sent or sending."""
        with self.db.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status.in_(EDITABLE))
                .values(to=to, subject=subject, body=body, followup_date=followup_date)
            )
            return _changed_one(result)

    def discard(self, draft_id: int) -> bool:
        """Discard a draft not yet on its way; return False when it is sent or sending."""
        return self.move(draft_id, EDITABLE, "discarded")

    def move(
        self, draft_id: int, from_statuses: tuple[DraftStatus, ...], to_status: DraftStatus
    ) -> bool:
        """Move a draft to to_status only if it is in one of from_statuses; return whether it moved.

        This conditional UPDATE is the claim that makes two tabs or a double click send once.
        Raises ValueError for a move MOVES does not allow.
        """
        _check_moves(from_statuses, to_status)
        with self.db.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status.in_(from_statuses))
                .values(status=to_status)
            )
            return _changed_one(result)

    def start_sending(self, draft_id: int, message_id: str) -> bool:
        """Record the Message-ID about to go out and mark the approved draft as sending."""
        with self.db.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status == "approved")
                .values(status="sending", sent_message_id=message_id, error="")
            )
            return _changed_one(result)

    def finish_sent(self, draft_id: int, note: str = "") -> None:
        """Mark a sending draft sent; the other replies to the same message are then discarded."""
        with self.db.session() as s:
            draft = s.get(DraftRow, draft_id)
            if draft is None or draft.status != "sending":
                return
            draft.status, draft.sent_at, draft.error = "sent", utcnow(), note
            if draft.kind in REPLY_KINDS:
                s.execute(
                    update(DraftRow)
                    .where(
                        DraftRow.message_pk == draft.message_pk,
                        DraftRow.id != draft.id,
                        DraftRow.kind.in_(REPLY_KINDS),
                        DraftRow.status == "pending",
                    )
                    .values(status="discarded")
                )

    def finish_failed(self, draft_id: int, error: str) -> None:
        """Mark a sending or approved draft failed with the reason, ready for a retry."""
        with self.db.session() as s:
            s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status.in_(("approved", "sending")))
                .values(status="failed", error=error[:2000])
            )

    def set_note(self, draft_id: int, note: str) -> None:
        """Record a remark on a draft, e.g. that its Sent copy could not be saved."""
        with self.db.session() as s:
            s.execute(update(DraftRow).where(DraftRow.id == draft_id).values(error=note[:2000]))

    def add(self, message_pk: int, draft: DraftRow) -> DraftRow:
        """Store one more draft for a message and return it."""
        with self.db.session() as s:
            draft.message_pk = message_pk
            s.add(draft)
            s.flush()
            return draft

    def relabel(self, message_pk: int, new_label: str, drafts: list[DraftRow]) -> None:
        """Change a message's label, record the correction, and replace its unsent drafts."""
        with self.db.session() as s:
            msg = s.get(MessageRow, message_pk)
            if msg is None:
                return
            if msg.label != new_label:
                s.add(CorrectionRow(message_pk=msg.id, old_label=msg.label, new_label=new_label))
            msg.label = new_label
            s.execute(
                update(DraftRow)
                .where(
                    DraftRow.message_pk == msg.id,
                    DraftRow.kind != "followup",
                    DraftRow.status.in_(EDITABLE),
                )
                .values(status="discarded")
            )
            for d in drafts:
                d.message_pk = msg.id
                s.add(d)

    # --- follow-ups -------------------------------------------------------------------------

    def not_now_contacts(self) -> list[tuple[MessageRow, DraftRow]]:
        """Return (message, not-now draft) of the latest not-now message of each contact."""
        with self.db.session() as s:
            query = (
                select(MessageRow, DraftRow)
                .join(DraftRow, DraftRow.message_pk == MessageRow.id)
                .where(MessageRow.label == "not_now", DraftRow.kind == "not_now")
                .order_by(MessageRow.id.desc())
            )
            seen: set[str] = set()
            found: list[tuple[MessageRow, DraftRow]] = []
            for msg, draft in s.execute(query):
                contact = (msg.reply_to or msg.from_addr).lower()
                if contact in seen:
                    continue
                seen.add(contact)
                found.append((msg, draft))
            return found

    def wrote_back(self, msg: MessageRow) -> bool:
        """Return True when the contact of msg sent any later message."""
        contact = (msg.reply_to or msg.from_addr).lower()
        with self.db.session() as s:
            later = select(MessageRow.id).where(
                MessageRow.id > msg.id,
                (func.lower(MessageRow.from_addr) == contact)
                | (func.lower(MessageRow.reply_to) == contact),
            )
            return s.scalar(later.limit(1)) is not None

    def followups_of(self, message_pk: int) -> list[DraftRow]:
        """Return the follow-up drafts of a message, oldest first."""
        with self.db.session() as s:
            query = (
                select(DraftRow)
                .where(DraftRow.message_pk == message_pk, DraftRow.kind == "followup")
                .order_by(DraftRow.id)
            )
            return list(s.scalars(query))
