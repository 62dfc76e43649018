"""What happened to the mail: discards, corrections, who set a label; and remarks on drafts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select, update

from service.store.db import Database
from service.store.messages import in_account
from service.store.tables import CorrectionRow, DraftRow, MessageRow


class Correction(NamedTuple):
    """A label the user changed, on which message and when."""

    message_pk: int
    subject: str
    old_label: str
    new_label: str
    at: datetime  # naive UTC


class History:
    """Reads the past of the mail: discarded drafts, corrections, and who set each label.

    Of one account's mail when given one, else of the single user's.
    """

    def __init__(self, db: Database, account_id: int | None = None) -> None:
        self.db = db
        self._mine = in_account(account_id)

    def newest_message(self) -> int:
        """Return the id of the newest stored message, 0 when there is none."""
        with self.db.session() as s:
            return s.scalar(select(func.max(MessageRow.id)).where(self._mine)) or 0

    def discarded(self, limit: int = 200) -> list[DraftRow]:
        """Return discarded drafts, the latest first, each with its message."""
        with self.db.session() as s:
            query = (
                select(DraftRow)
                .join(MessageRow, MessageRow.id == DraftRow.message_pk)
                .where(DraftRow.status == "discarded", self._mine)
                .order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())
                .limit(limit)
            )
            rows = list(s.scalars(query))
            for row in rows:
                _ = row.message
            return rows

    def corrections(self, limit: int = 200) -> list[Correction]:
        """Return the user's label changes, the latest first."""
        with self.db.session() as s:
            query = (
                select(CorrectionRow, MessageRow.subject)
                .join(MessageRow, MessageRow.id == CorrectionRow.message_pk)
                .where(self._mine)
                .order_by(CorrectionRow.created_at.desc(), CorrectionRow.id.desc())
                .limit(limit)
            )
            return [
                Correction(c.message_pk, subject, c.old_label, c.new_label, c.created_at)
                for c, subject in s.execute(query)
            ]

    def set_by_user(self, message_pks: Iterable[int]) -> set[int]:
        """Return which of these messages carry a label the user gave, not the model's."""
        pks = list(message_pks)
        if not pks:
            return set()
        with self.db.session() as s:
            query = (
                select(CorrectionRow.message_pk, CorrectionRow.new_label, MessageRow.label)
                .join(MessageRow, MessageRow.id == CorrectionRow.message_pk)
                .where(CorrectionRow.message_pk.in_(pks), self._mine)
                .order_by(CorrectionRow.id)
            )
            latest = {pk: (new, now) for pk, new, now in s.execute(query)}
        return {pk for pk, (new, now) in latest.items() if new == now}

    def label_set_by_user(self, message_pk: int) -> None:
        """Drop the model's confidence of a message the user labelled: it was about another label."""
        with self.db.session() as s:
            s.execute(
                update(MessageRow)
                .where(MessageRow.id == message_pk, self._mine)
                .values(confidence=1.0)
            )

    def add_note(self, draft_id: int, note: str) -> None:
        """Add a remark for the user to a draft's notes, once."""
        with self.db.session() as s:
            row = s.get(DraftRow, draft_id)
            mine = row is not None and s.scalar(
                select(MessageRow.id).where(MessageRow.id == row.message_pk, self._mine)
            )
            if row is not None and mine and note not in row.note:
                row.note = f"{row.note} {note}".strip()
