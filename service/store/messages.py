"""Stored messages, per-folder IMAP checkpoints and the user's label corrections."""

from __future__ import annotations

import re
from typing import NamedTuple, cast

from sqlalchemy import ColumnElement, column, func, insert, literal_column, select, table, update
from sqlalchemy.orm import Session

from classifier.labels import Label
from service.store.db import Base, Database
from service.store.tables import (
    AccountCheckpointRow,
    CheckpointRow,
    CorrectionRow,
    DraftRow,
    MessageRow,
)


class Checkpoint(NamedTuple):
    """How far the poller got in one folder: its UIDVALIDITY and the last UID fully handled."""

    folder: str
    uidvalidity: int
    last_uid: int


def _values(row: Base) -> dict[str, object]:
    """Return the column values set on an unsaved row; unset ones get their defaults on INSERT."""
    state = row.__dict__
    return {c.key: state[c.key] for c in row.__table__.columns if c.key in state}


# the columns a search looks in; on SQLite the FTS5 table of revision 0007 indexes the same ones
SEARCHED = ("subject", "from_name", "from_addr", "company", "role", "text")
_FTS = table("messages_fts", column("rowid"))


def in_account(account_id: int | None) -> ColumnElement[bool]:
    """Return the condition that a message belongs to account_id (None: the single user's own).

    Every query stays in its own account: folders, UIDs and even Message-IDs repeat from mailbox
    to mailbox, and one account's login must never read another's mail.
    """
    if account_id is None:
        return MessageRow.account_id.is_(None)
    return MessageRow.account_id == account_id


def _words(query: str) -> list[str]:
    # words only: the user's quotes, stars and operators must not reach FTS5 or to_tsquery
    return re.findall(r"\w+", query)


class Messages:
    """Reads and writes messages, checkpoints and corrections; of one account when given one."""

    def __init__(self, db: Database, account_id: int | None = None) -> None:
        self.db = db
        self.account_id = account_id  # None: the single user's mailbox

    def _in_account(self) -> ColumnElement[bool]:
        return in_account(self.account_id)

    def _checkpoint_row(
        self, s: Session, folder: str
    ) -> CheckpointRow | AccountCheckpointRow | None:
        if self.account_id is None:
            return s.get(CheckpointRow, folder)
        return s.get(AccountCheckpointRow, (self.account_id, folder))

    def get(self, message_id: str) -> MessageRow | None:
        """Return the stored message with this Message-ID, drafts loaded, or None."""
        with self.db.session() as s:
            query = select(MessageRow).where(
                MessageRow.message_id == message_id, self._in_account()
            )
            row = s.scalar(query)
            if row is not None:
                _ = row.drafts  # load them while the session is open
            return row

    def get_by_pk(self, pk: int) -> MessageRow | None:
        """Return a stored message of this account with its drafts, or None."""
        with self.db.session() as s:
            row = s.get(MessageRow, pk)
            if row is None or row.account_id != self.account_id:
                return None  # another account's message is as absent as a missing one
            _ = row.drafts
            return row

    def known_labels(self, message_ids: list[str]) -> dict[str, Label]:
        """Return {Message-ID: label} for those of message_ids this account has stored already."""
        found: dict[str, Label] = {}
        with self.db.session() as s:
            for i in range(0, len(message_ids), 500):
                query = select(MessageRow.message_id, MessageRow.label).where(
                    MessageRow.message_id.in_(message_ids[i : i + 500]), self._in_account()
                )
                found.update({mid: cast(Label, label) for mid, label in s.execute(query)})
        return found

    def add_many(
        self, rows: list[tuple[MessageRow, list[DraftRow]]], checkpoint: Checkpoint | None = None
    ) -> None:
        """Store messages with their drafts, and advance a folder's checkpoint, in one transaction."""
        with self.db.session() as s:
            if rows:
                # bulk INSERT ... RETURNING: rows in the order given, far faster than one by one
                ids = s.scalars(
                    insert(MessageRow).returning(MessageRow.id, sort_by_parameter_order=True),
                    [{**_values(row), "account_id": self.account_id} for row, _ in rows],
                ).all()
                draft_values = [
                    {**_values(draft), "message_pk": pk}
                    for pk, (_, drafts) in zip(ids, rows, strict=True)
                    for draft in drafts
                ]
                if draft_values:
                    s.execute(insert(DraftRow), draft_values)
            if checkpoint is not None:
                current = self._checkpoint_row(s, checkpoint.folder)
                if current is None and self.account_id is not None:
                    s.add(AccountCheckpointRow(account_id=self.account_id, **checkpoint._asdict()))
                elif current is None:
                    s.add(CheckpointRow(**checkpoint._asdict()))
                else:
                    current.uidvalidity, current.last_uid = checkpoint[1:]

    def checkpoint(self, folder: str) -> Checkpoint | None:
        """Return a folder's checkpoint, or None before its first sync."""
        with self.db.session() as s:
            row = self._checkpoint_row(s, folder)
            return Checkpoint(folder, row.uidvalidity, row.last_uid) if row else None

    def set_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Record how far a folder has been handled."""
        self.add_many([], checkpoint)

    def unlabelled(self, folder: str) -> list[tuple[int, Label]]:
        """Return (uid, label) of actionable messages in folder whose IMAP label is not yet set."""
        with self.db.session() as s:
            query = select(MessageRow.uid, MessageRow.label).where(
                MessageRow.folder == folder,
                self._in_account(),
                MessageRow.mailbox_labelled.is_(False),
                MessageRow.uid.is_not(None),
                MessageRow.label != "other",
            )
            return [(uid, cast(Label, label)) for uid, label in s.execute(query) if uid is not None]

    def mark_labelled(self, folder: str, uids: list[int]) -> None:
        """Record that the IMAP label of these messages is set."""
        with self.db.session() as s:
            for i in range(0, len(uids), 500):
                s.execute(
                    update(MessageRow)
                    .where(
                        MessageRow.folder == folder,
                        self._in_account(),
                        MessageRow.uid.in_(uids[i : i + 500]),
                    )
                    .values(mailbox_labelled=True)
                )

    def latest(self, label: str | None = None, limit: int = 200) -> list[MessageRow]:
        """Return stored messages, newest first, optionally of one label."""
        with self.db.session() as s:
            query = (
                select(MessageRow)
                .where(self._in_account())
                .order_by(MessageRow.id.desc())
                .limit(limit)
            )
            if label:
                query = query.where(MessageRow.label == label)
            rows = list(s.scalars(query))
            for row in rows:
                _ = row.drafts
            return rows

    def find(
        self, label: str = "", kind: str = "", query: str = "", limit: int = 200
    ) -> list[MessageRow]:
        """Return messages, newest first, of a label and kind and holding every word of query.

        Each word matches as a prefix ("analy" finds "Analyst") in sender, company, role, subject
        and text: with FTS5 on SQLite, with to_tsvector on PostgreSQL.
        """
        with self.db.session() as s:
            stmt = (
                select(MessageRow)
                .where(self._in_account())
                .order_by(MessageRow.id.desc())
                .limit(limit)
            )
            if label:
                stmt = stmt.where(MessageRow.label == label)
            if kind:
                stmt = stmt.where(MessageRow.kind == kind)
            words = _words(query)
            if words:
                stmt = stmt.where(self._matches(words))
            rows = list(s.scalars(stmt))
            for row in rows:
                _ = row.drafts
            return rows

    def _matches(self, words: list[str]) -> ColumnElement[bool]:
        if self.db.engine.dialect.name == "sqlite":
            fts = " ".join(f'"{w}"*' for w in words)
            hits = select(_FTS.c.rowid).where(literal_column("messages_fts").op("MATCH")(fts))
            return MessageRow.id.in_(hits)
        document = func.to_tsvector(
            "simple", func.concat_ws(" ", *(getattr(MessageRow, c) for c in SEARCHED))
        )
        wanted = func.to_tsquery("simple", " & ".join(f"{w}:*" for w in words))
        return document.op("@@")(wanted)

    def corrections(self) -> list[tuple[bytes, Label]]:
        """Return (raw message, corrected label) pairs for retraining; the latest one wins."""
        with self.db.session() as s:
            query = (
                select(MessageRow.raw, CorrectionRow.new_label)
                .join(CorrectionRow, CorrectionRow.message_pk == MessageRow.id)
                .where(self._in_account())
                .order_by(CorrectionRow.id)
            )
            latest: dict[bytes, Label] = {}
            for raw, label in s.execute(query):
                if raw:
                    latest[raw] = cast(Label, label)
            return list(latest.items())
