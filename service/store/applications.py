"""What the application records are rebuilt from: light message rows, sent replies and moves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, func, select, update

from service.store.db import Database
from service.store.messages import in_account
from service.store.tables import ApplicationMoveRow, CorrectionRow, DraftRow, MessageRow


class MailRow(NamedTuple):
    """The columns of a stored message that grouping reads; no bodies, no raw bytes."""

    pk: int
    message_id: str
    date: str
    created_at: datetime
    subject: str
    from_name: str
    from_addr: str
    reply_to: str
    references: str
    label: str
    kind: str
    company: str | None  # None: stored before revision 0008 and not read yet
    role: str | None
    language: str
    dates: str | None  # JSON of an offer's deadline and an interview's times; None: not read yet


class SentRow(NamedTuple):
    """A reply the user sent through gracemail, and the stored message it answers."""

    message_pk: int
    draft_id: int
    sent_message_id: str
    sent_at: datetime | None
    subject: str
    to: str
    body: str


_MAIL_COLUMNS = (
    MessageRow.id,
    MessageRow.message_id,
    MessageRow.date,
    MessageRow.created_at,
    MessageRow.subject,
    MessageRow.from_name,
    MessageRow.from_addr,
    MessageRow.reply_to,
    MessageRow.references,
    MessageRow.label,
    MessageRow.kind,
    MessageRow.app_company,
    MessageRow.app_role,
    MessageRow.language,
    MessageRow.app_dates,
)


class ApplicationSource:
    """Reads the rows application records are built from, and stores the user's moves.

    Of one account's mail when given one, else of the single user's (service.store.Store).
    """

    def __init__(self, db: Database, account_id: int | None = None) -> None:
        self.db = db
        self.account_id = account_id
        self._mine = in_account(account_id)
        self._owned = (
            select(MessageRow.id)
            .where(MessageRow.id == DraftRow.message_pk, self._mine)
            .correlate(DraftRow)
            .exists()
        )

    def mails(self, limit: int = 100_000) -> list[MailRow]:
        """Return the newest limit stored messages that could be read, oldest first."""
        with self.db.session() as s:
            query = (
                select(*_MAIL_COLUMNS)
                .where(MessageRow.error == "", self._mine)
                .order_by(MessageRow.id.desc())
                .limit(limit)
            )
            return [MailRow._make(r) for r in reversed(s.execute(query).all())]

    def unread(self, limit: int = 2_000) -> list[tuple[int, bytes]]:
        """Return (pk, raw) of up to limit messages whose company was never read (before 0008)."""
        with self.db.session() as s:
            query = (
                select(MessageRow.id, MessageRow.raw)
                .where(MessageRow.app_company.is_(None), MessageRow.error == "", self._mine)
                .order_by(MessageRow.id)
                .limit(limit)
            )
            return [(pk, raw or b"") for pk, raw in s.execute(query)]

    def save_slots(self, slots: Iterable[tuple[int, str, str]]) -> None:
        """Store the (pk, company, role) grouping read, so no rebuild reads them again."""
        with self.db.session() as s:
            for pk, company, role in slots:
                s.execute(
                    update(MessageRow)
                    .where(MessageRow.id == pk, self._mine)
                    .values(app_company=company, app_role=role)
                )

    def save_dates(self, dates: Iterable[tuple[int, str]]) -> None:
        """Store the (pk, dates JSON) read from offers and interviews, so none is read again."""
        with self.db.session() as s:
            for pk, value in dates:
                s.execute(
                    update(MessageRow)
                    .where(MessageRow.id == pk, self._mine)
                    .values(app_dates=value)
                )

    def sent(self) -> list[SentRow]:
        """Return every reply the user sent, oldest first."""
        with self.db.session() as s:
            query = (
                select(
                    DraftRow.message_pk,
                    DraftRow.id,
                    DraftRow.sent_message_id,
                    DraftRow.sent_at,
                    DraftRow.subject,
                    DraftRow.to,
                    DraftRow.body,
                )
                .where(DraftRow.status == "sent", self._owned)
                .order_by(DraftRow.id)
            )
            return [SentRow._make(r) for r in s.execute(query)]

    def texts(self, pks: Iterable[int]) -> dict[int, str]:
        """Return {pk: new text} of the given messages (offers and interviews: for their dates)."""
        wanted = list(pks)
        found: dict[int, str] = {}
        with self.db.session() as s:
            for i in range(0, len(wanted), 500):
                query = select(MessageRow.id, MessageRow.new_text).where(
                    MessageRow.id.in_(wanted[i : i + 500]), self._mine
                )
                found.update({pk: text for pk, text in s.execute(query)})
        return found

    def add_move(self, message_id: str, anchor_id: str) -> None:
        """Record that message_id belongs with anchor_id's application (itself: one of its own)."""
        with self.db.session() as s:
            s.add(
                ApplicationMoveRow(
                    message_id=message_id, anchor_id=anchor_id, account_id=self.account_id
                )
            )

    def moves(self) -> dict[str, str]:
        """Return {message_id: anchor_id} of the user's moves; the latest move of a message wins."""
        with self.db.session() as s:
            query = (
                select(ApplicationMoveRow.message_id, ApplicationMoveRow.anchor_id)
                .where(self._moves_mine())
                .order_by(ApplicationMoveRow.id)
            )
            return {mid: anchor for mid, anchor in s.execute(query)}

    def _moves_mine(self) -> ColumnElement[bool]:
        if self.account_id is None:
            return ApplicationMoveRow.account_id.is_(None)
        return ApplicationMoveRow.account_id == self.account_id

    def stamp(self) -> tuple[object, ...]:
        """Return what changes whenever the records would: new mail, labels, sends and moves."""
        with self.db.session() as s:
            return (
                s.scalar(select(func.max(MessageRow.id)).where(self._mine)),
                s.scalar(select(func.count(MessageRow.id)).where(self._mine)),
                s.scalar(select(func.max(CorrectionRow.id))),
                s.scalar(
                    select(func.count(DraftRow.id)).where(DraftRow.status == "sent", self._owned)
                ),
                s.scalar(select(func.max(ApplicationMoveRow.id)).where(self._moves_mine())),
            )

    def has_draft(self, message_pks: list[int], kind: str) -> bool:
        """Return whether any of these messages has a draft of this kind, whatever its status."""
        with self.db.session() as s:
            query = select(DraftRow.id).where(
                DraftRow.message_pk.in_(message_pks), DraftRow.kind == kind, self._owned
            )
            return s.scalar(query.limit(1)) is not None
