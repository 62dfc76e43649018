"""Storage of messages, drafts, checkpoints and corrections; the only module that runs SQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import (
    ForeignKey,
    LargeBinary,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)


def _values(row: Base) -> dict[str, object]:
    """Return the column values set on an unsaved row; unset ones get their defaults on INSERT."""
    state = row.__dict__
    return {c.key: state[c.key] for c in row.__table__.columns if c.key in state}


def utcnow() -> datetime:
    """Return the current time in UTC, without tzinfo, as SQLite stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Base of every table."""


class MessageRow(Base):
    """A message gracemail has seen, its label and slots, or the error that stopped it."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998), unique=True, index=True)
    folder: Mapped[str] = mapped_column(String(255), default="")
    uid: Mapped[int | None] = mapped_column(default=None)
    source: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    from_name: Mapped[str] = mapped_column(Text, default="")
    from_addr: Mapped[str] = mapped_column(Text, default="")
    reply_to: Mapped[str] = mapped_column(Text, default="")
    references: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    label: Mapped[str] = mapped_column(String(16), default="other", index=True)
    confidence: Mapped[float] = mapped_column(default=0.0)
    contact_name: Mapped[str] = mapped_column(Text, default="")
    company: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    error: Mapped[str] = mapped_column(Text, default="")
    mailbox_labelled: Mapped[bool] = mapped_column(
        default=False
    )  # keyword/folder set on the server
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    drafts: Mapped[list[DraftRow]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="DraftRow.id"
    )


class DraftRow(Base):
    """A reply waiting for approval, approved, sent, failed or discarded."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    to: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    in_reply_to: Mapped[str] = mapped_column(Text, default="")
    references: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    followup_date: Mapped[date | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    sent_message_id: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    message: Mapped[MessageRow] = relationship(back_populates="drafts")


class CheckpointRow(Base):
    """How far the poller got in one folder: its UIDVALIDITY and the last UID fully handled."""

    __tablename__ = "checkpoints"

    folder: Mapped[str] = mapped_column(String(255), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(default=0)
    last_uid: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CorrectionRow(Base):
    """A label the user changed: what the model said and what the user says."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    old_label: Mapped[str] = mapped_column(String(16))
    new_label: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL lets the web page read while the poller writes; the timeout waits out the other writer
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Store:
    """A database of messages and drafts; every read and write goes through here."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session that commits on success and rolls back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def has_message(self, message_id: str) -> bool:
        """Return True when a message with this Message-ID is stored."""
        with self.session() as s:
            return (
                s.scalar(select(MessageRow.id).where(MessageRow.message_id == message_id))
                is not None
            )

    def get_message(self, message_id: str) -> MessageRow | None:
        """Return the stored message with this Message-ID, drafts loaded, or None."""
        with self.session() as s:
            row = s.scalar(select(MessageRow).where(MessageRow.message_id == message_id))
            if row is not None:
                _ = row.drafts  # load them while the session is open
            return row

    def known_labels(self, message_ids: list[str]) -> dict[str, str]:
        """Return {Message-ID: label} for those of message_ids already stored."""
        found: dict[str, str] = {}
        with self.session() as s:
            for i in range(0, len(message_ids), 500):
                query = select(MessageRow.message_id, MessageRow.label).where(
                    MessageRow.message_id.in_(message_ids[i : i + 500])
                )
                found.update({mid: label for mid, label in s.execute(query)})
        return found

    def add_messages(
        self,
        rows: list[tuple[MessageRow, list[DraftRow]]],
        checkpoint: tuple[str, int, int] | None = None,
    ) -> None:
        """Store messages with their drafts, and advance a folder's checkpoint, in one transaction."""
        with self.session() as s:
            if rows:
                # bulk INSERT ... RETURNING: rows in the order given, far faster than one by one
                ids = s.scalars(
                    insert(MessageRow).returning(MessageRow.id, sort_by_parameter_order=True),
                    [_values(row) for row, _ in rows],
                ).all()
                draft_values = [
                    {**_values(draft), "message_pk": pk}
                    for pk, (_, drafts) in zip(ids, rows, strict=True)
                    for draft in drafts
                ]
                if draft_values:
                    s.execute(insert(DraftRow), draft_values)
            if checkpoint is not None:
                folder, uidvalidity, last_uid = checkpoint
                current = s.get(CheckpointRow, folder)
                if current is None:
                    s.add(CheckpointRow(folder=folder, uidvalidity=uidvalidity, last_uid=last_uid))
                else:
                    current.uidvalidity, current.last_uid = uidvalidity, last_uid

    def get_checkpoint(self, folder: str) -> tuple[int, int] | None:
        """Return (uidvalidity, last_uid) of a folder, or None before its first sync."""
        with self.session() as s:
            row = s.get(CheckpointRow, folder)
            return (row.uidvalidity, row.last_uid) if row else None

    def set_checkpoint(self, folder: str, uidvalidity: int, last_uid: int) -> None:
        """Record how far a folder has been handled."""
        self.add_messages([], (folder, uidvalidity, last_uid))

    def unlabelled(self, folder: str) -> list[tuple[int, str]]:
        """Return (uid, label) of actionable messages in folder whose IMAP label is not yet set."""
        with self.session() as s:
            query = select(MessageRow.uid, MessageRow.label).where(
                MessageRow.folder == folder,
                MessageRow.mailbox_labelled.is_(False),
                MessageRow.uid.is_not(None),
                MessageRow.label != "other",
            )
            return [(uid, label) for uid, label in s.execute(query) if uid is not None]

    def mark_labelled(self, folder: str, uids: list[int]) -> None:
        """Record that the IMAP label of these messages is set."""
        with self.session() as s:
            for i in range(0, len(uids), 500):
                s.execute(
                    update(MessageRow)
                    .where(MessageRow.folder == folder, MessageRow.uid.in_(uids[i : i + 500]))
                    .values(mailbox_labelled=True)
                )

    def list_messages(self, label: str | None = None, limit: int = 200) -> list[MessageRow]:
        """Return stored messages, newest first, optionally of one label."""
        with self.session() as s:
            query = select(MessageRow).order_by(MessageRow.id.desc()).limit(limit)
            if label:
                query = query.where(MessageRow.label == label)
            rows = list(s.scalars(query))
            for row in rows:
                _ = row.drafts
            return rows

    def list_corrections(self) -> list[tuple[bytes, str]]:
        """Return (raw message, corrected label) pairs for retraining."""
        with self.session() as s:
            query = (
                select(MessageRow.raw, CorrectionRow.new_label)
                .join(CorrectionRow, CorrectionRow.message_pk == MessageRow.id)
                .order_by(CorrectionRow.id)
            )
            latest: dict[bytes, str] = {}
            for raw, label in s.execute(query):
                if raw:
                    latest[raw] = label  # the last correction of a message wins
            return list(latest.items())


# --- approve and send: drafts, login, follow-ups ---------------------------------------------

WAITING = ("pending", "failed", "sending")  # a draft the user still has to act on
REPLY_KINDS = ("offer_accept", "offer_decline", "hard_no", "not_now")  # one reply to a message


class SecretRow(Base):
    """A named secret of the web page: the password hash, the API token hash."""

    __tablename__ = "secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WebSessionRow(Base):
    """A logged-in browser, known by the hash of its cookie."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column()


class SendStore:
    """The queries of the approve-and-send page, over a Store's engine."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- secrets and sessions ---------------------------------------------------------------

    def get_secret(self, name: str) -> str | None:
        """Return a stored secret, or None."""
        with self.store.session() as s:
            row = s.get(SecretRow, name)
            return row.value if row else None

    def set_secret(self, name: str, value: str) -> None:
        """Store or replace a secret."""
        with self.store.session() as s:
            row = s.get(SecretRow, name)
            if row is None:
                s.add(SecretRow(name=name, value=value))
            else:
                row.value = value

    def add_session(self, token_hash: str, expires_at: datetime) -> None:
        """Record a logged-in browser."""
        with self.store.session() as s:
            s.add(WebSessionRow(token_hash=token_hash, expires_at=expires_at))

    def has_session(self, token_hash: str) -> bool:
        """Return True when this session exists and has not expired."""
        with self.store.session() as s:
            row = s.get(WebSessionRow, token_hash)
            return row is not None and row.expires_at > utcnow()

    def drop_session(self, token_hash: str) -> None:
        """Forget a session (log out)."""
        with self.store.session() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))

    # --- reading ----------------------------------------------------------------------------

    def get_message_by_pk(self, pk: int) -> MessageRow | None:
        """Return a stored message with its drafts, or None."""
        with self.store.session() as s:
            row = s.get(MessageRow, pk)
            if row is not None:
                _ = row.drafts
            return row

    def get_draft(self, draft_id: int) -> DraftRow | None:
        """Return a draft with its message, or None."""
        with self.store.session() as s:
            row = s.get(DraftRow, draft_id)
            if row is not None:
                _ = row.message
            return row

    def list_waiting(self, label: str | None = None, limit: int = 500) -> list[MessageRow]:
        """Return messages with drafts still to act on, newest first, optionally of one label."""
        with self.store.session() as s:
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
        with self.store.session() as s:
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

    # --- editing ----------------------------------------------------------------------------

    def save_draft(
        self, draft_id: int, to: str, subject: str, body: str, followup_date: date | None
    ) -> bool:
        """Save edits to a draft not yet on its way; return False when it is sent or sending."""
        with self.store.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status.in_(("pending", "failed")))
                .values(to=to, subject=subject, body=body, followup_date=followup_date)
            )
            return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]

    def discard_draft(self, draft_id: int) -> bool:
        """Discard a draft not yet on its way; return False when it is sent or sending."""
        return self.move_draft(draft_id, ("pending", "failed"), "discarded")

    def move_draft(self, draft_id: int, from_statuses: tuple[str, ...], to_status: str) -> bool:
        """Move a draft to to_status only if it is in one of from_statuses; return whether it moved.

        This conditional UPDATE is the claim that makes two tabs or a double click send once.
        """
        with self.store.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status.in_(from_statuses))
                .values(status=to_status)
            )
            return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]

    def start_sending(self, draft_id: int, message_id: str) -> bool:
        """Record the Message-ID about to go out and mark the approved draft as sending."""
        with self.store.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status == "approved")
                .values(status="sending", sent_message_id=message_id, error="")
            )
            return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]

    def finish_sent(self, draft_id: int, note: str = "") -> None:
        """Mark a sending draft sent; the other reply to the same message is then discarded."""
        with self.store.session() as s:
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
        with self.store.session() as s:
            s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status.in_(("approved", "sending")))
                .values(status="failed", error=error[:2000])
            )

    def set_note(self, draft_id: int, note: str) -> None:
        """Record a remark on a draft, e.g. that its Sent copy could not be saved."""
        with self.store.session() as s:
            s.execute(update(DraftRow).where(DraftRow.id == draft_id).values(error=note[:2000]))

    def relabel(self, message_pk: int, new_label: str, drafts: list[DraftRow]) -> None:
        """Change a message's label, record the correction, and replace its unsent drafts."""
        with self.store.session() as s:
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
                    DraftRow.status.in_(("pending", "failed")),
                )
                .values(status="discarded")
            )
            for d in drafts:
                d.message_pk = msg.id
                s.add(d)

    # --- follow-ups -------------------------------------------------------------------------

    def not_now_contacts(self) -> list[tuple[MessageRow, DraftRow]]:
        """Return (message, not-now draft) of the latest not-now message of each contact."""
        with self.store.session() as s:
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
        with self.store.session() as s:
            later = select(MessageRow.id).where(
                MessageRow.id > msg.id,
                (func.lower(MessageRow.from_addr) == contact)
                | (func.lower(MessageRow.reply_to) == contact),
            )
            return s.scalar(later.limit(1)) is not None

    def followups_of(self, message_pk: int) -> list[DraftRow]:
        """Return the follow-up drafts of a message, oldest first."""
        with self.store.session() as s:
            query = (
                select(DraftRow)
                .where(DraftRow.message_pk == message_pk, DraftRow.kind == "followup")
                .order_by(DraftRow.id)
            )
            return list(s.scalars(query))

    def add_draft(self, message_pk: int, draft: DraftRow) -> DraftRow:
        """Store one more draft for a message and return it."""
        with self.store.session() as s:
            draft.message_pk = message_pk
            s.add(draft)
            s.flush()
            return draft
