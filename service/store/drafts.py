"""Stored drafts, the statuses a draft moves through, and the follow-up queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal, NamedTuple, cast, get_args

from sqlalchemy import ColumnElement, CursorResult, Result, func, select, update
from sqlalchemy.orm import Session

from drafts.kinds import REPLY_KINDS
from drafts.reasons import SentReason
from service.store.db import Database, utcnow
from service.store.messages import in_account
from service.store.tables import CorrectionRow, DraftRow, DraftVersionRow, MessageRow

DraftStatus = Literal[
    "pending", "scheduled", "approved", "sending", "sent", "failed", "unknown", "discarded"
]
DRAFT_STATUSES: tuple[DraftStatus, ...] = get_args(DraftStatus)
# The only moves a draft may make. approved→sending→sent is one send. `failed` means the mail
# surely did not go out (the SMTP conversation broke before the message was handed over);
# `unknown` means it may have (the connection broke after DATA). Only the user, or a copy found
# over IMAP, settles `unknown`: unknown→approved is a resend the user confirmed. `scheduled` is
# the undo window: the user approved it, SMTP is not touched before send_at, and an undo takes
# it back to pending; the dispatcher moves it to pending just before it sends it.
MOVES: dict[DraftStatus, frozenset[DraftStatus]] = {
    "pending": frozenset({"approved", "scheduled", "discarded"}),
    "scheduled": frozenset({"pending", "approved"}),  # approved: a worker's claim (queue_due)
    "failed": frozenset({"approved", "scheduled", "discarded"}),
    "approved": frozenset({"sending", "failed"}),
    "sending": frozenset({"sent", "failed", "unknown"}),
    "unknown": frozenset({"sent", "approved"}),
    "sent": frozenset(),
    "discarded": frozenset(),
}
EDITABLE: tuple[DraftStatus, ...] = ("pending", "failed")  # surely not out: may be edited, sent
IN_DOUBT: tuple[DraftStatus, ...] = ("sending", "unknown")  # may be out: never sent blindly
WAITING: tuple[DraftStatus, ...] = (*EDITABLE, "scheduled", *IN_DOUBT)  # the user may still act
TAKEN: tuple[DraftStatus, ...] = ("scheduled", "approved", "sending", "sent", "unknown")
# "parked": a user's edit whose draft a relabel replaced with none (say to `other`); the next
# re-draft carries it to a new draft as "redraft", so a relabel there and back loses no edit
VersionReason = Literal["edit", "conflict", "redraft", "parked"]
SaveOutcome = Literal["saved", "unchanged", "stale", "locked", "missing"]


class Text(NamedTuple):
    """What the user can edit in a draft."""

    to: str
    subject: str
    body: str
    followup_date: date | None

    @classmethod
    def of(cls, row: DraftRow | DraftVersionRow) -> Text:
        """Return the editable text of a draft or of one of its earlier versions."""
        return cls(row.to, row.subject, row.body, row.followup_date)


class Saved(NamedTuple):
    """What came of a save: the outcome and the draft as stored afterwards (None if missing)."""

    outcome: SaveOutcome
    draft: DraftRow | None


def _changed_one(result: Result[Any]) -> bool:
    # an UPDATE's result is a CursorResult, which alone knows how many rows matched
    return cast(CursorResult[Any], result).rowcount == 1


def _version_row(draft_pk: int, version: int, reason: VersionReason, text: Text) -> DraftVersionRow:
    return DraftVersionRow(draft_pk=draft_pk, version=version, reason=reason, **text._asdict())


def _check_moves(from_statuses: tuple[DraftStatus, ...], to_status: DraftStatus) -> None:
    wrong = [s for s in from_statuses if to_status not in MOVES[s]]
    if wrong:
        raise ValueError(f"a draft cannot move from {', '.join(wrong)} to {to_status}")


class Drafts:
    """Reads drafts and moves them through their statuses, each move a conditional UPDATE.

    Every read and move stays within one account's messages (None: the single user's), so a
    draft id of another account is answered like a missing one.
    """

    def __init__(self, db: Database, account_id: int | None = None) -> None:
        self.db = db
        self.account_id = account_id

    def _mine(self) -> ColumnElement[bool]:
        # for queries that join MessageRow
        return in_account(self.account_id)

    def _owned(self) -> ColumnElement[bool]:
        # for queries on drafts alone: their message is this account's
        owner = select(MessageRow.id).where(MessageRow.id == DraftRow.message_pk, self._mine())
        return owner.correlate(DraftRow).exists()

    def _row(self, s: Session, draft_id: int) -> DraftRow | None:
        row = s.get(DraftRow, draft_id)
        if row is None or row.message.account_id != self.account_id:
            return None
        return row

    def _message(self, s: Session, message_pk: int) -> MessageRow | None:
        msg = s.get(MessageRow, message_pk)
        return msg if msg is not None and msg.account_id == self.account_id else None

    # --- reading ----------------------------------------------------------------------------

    def get(self, draft_id: int) -> DraftRow | None:
        """Return a draft with its message, or None."""
        with self.db.session() as s:
            return self._row(s, draft_id)

    def list_waiting(self, label: str | None = None, limit: int = 500) -> list[MessageRow]:
        """Return messages with drafts still to act on, newest first, optionally of one label."""
        with self.db.session() as s:
            waiting = select(DraftRow.message_pk).where(
                DraftRow.status.in_(WAITING), DraftRow.kind != "followup"
            )
            query = (
                select(MessageRow)
                .where(MessageRow.id.in_(waiting), self._mine())
                .order_by(MessageRow.id.desc())
                .limit(limit)
            )
            if label:
                query = query.where(MessageRow.label == label)
            rows = list(s.scalars(query))
            for row in rows:
                _ = row.drafts
            return rows

    def count_waiting(self) -> int:
        """Return how many drafts (follow-ups aside) still wait for the user."""
        with self.db.session() as s:
            query = (
                select(func.count(DraftRow.id))
                .join(MessageRow, MessageRow.id == DraftRow.message_pk)
                .where(DraftRow.status.in_(WAITING), DraftRow.kind != "followup", self._mine())
            )
            return s.scalar(query) or 0

    def reply_taken(self, message_pk: int) -> DraftRow | None:
        """Return the reply to a message that is sent or on its way, if one is: it closes the rest."""
        with self.db.session() as s:
            query = select(DraftRow).where(
                DraftRow.message_pk == message_pk,
                DraftRow.kind.in_(REPLY_KINDS),
                DraftRow.status.in_(TAKEN),
                self._owned(),
            )
            return s.scalars(query.order_by(DraftRow.id).limit(1)).first()

    def next_scheduled(self) -> datetime | None:
        """Return when the next scheduled draft goes out, or None when none is scheduled."""
        with self.db.session() as s:
            query = select(func.min(DraftRow.send_at)).where(
                DraftRow.status == "scheduled", self._owned()
            )
            return s.scalar(query)

    def due_scheduled(self, now: datetime) -> list[int]:
        """Return the ids of scheduled drafts whose undo window has passed, oldest first."""
        with self.db.session() as s:
            query = select(DraftRow.id).where(
                DraftRow.status == "scheduled", DraftRow.send_at <= now, self._owned()
            )
            return list(s.scalars(query.order_by(DraftRow.send_at, DraftRow.id)))

    def list_sent(self, limit: int = 500) -> list[DraftRow]:
        """Return sent drafts, the latest first, each with its message."""
        with self.db.session() as s:
            query = (
                select(DraftRow)
                .where(DraftRow.status == "sent", self._owned())
                .order_by(DraftRow.sent_at.desc(), DraftRow.id.desc())
                .limit(limit)
            )
            rows = list(s.scalars(query))
            for row in rows:
                _ = row.message
            return rows

    def sent_decline_reasons(self) -> list[SentReason]:
        """Return every reason a sent decline gave, with its language, first sent first, once each."""
        with self.db.session() as s:
            query = (
                select(DraftRow.language, DraftRow.decline_reason)
                .where(DraftRow.status == "sent", DraftRow.decline_reason != "", self._owned())
                .group_by(DraftRow.language, DraftRow.decline_reason)
                .order_by(func.min(DraftRow.sent_at), func.min(DraftRow.id))
            )
            return [SentReason(language, reason) for language, reason in s.execute(query)]

    def versions_of(self, draft_ids: Iterable[int]) -> dict[int, list[DraftVersionRow]]:
        """Return the earlier versions of each draft, newest first."""
        ids = list(draft_ids)
        found: dict[int, list[DraftVersionRow]] = {i: [] for i in ids}
        if not ids:
            return found
        with self.db.session() as s:
            query = (
                select(DraftVersionRow)
                .join(DraftRow, DraftRow.id == DraftVersionRow.draft_pk)
                .where(DraftVersionRow.draft_pk.in_(ids), self._owned())
                .order_by(DraftVersionRow.id.desc())
            )
            for row in s.scalars(query):
                found[row.draft_pk].append(row)
        return found

    def version(self, version_pk: int) -> DraftVersionRow | None:
        """Return one earlier version, or None."""
        with self.db.session() as s:
            row = s.get(DraftVersionRow, version_pk)
            if row is None or self._row(s, row.draft_pk) is None:
                return None
            return row

    def in_doubt(self) -> list[DraftRow]:
        """Return the drafts that may have gone out: `sending` or `unknown`, oldest first."""
        with self.db.session() as s:
            query = (
                select(DraftRow)
                .where(DraftRow.status.in_(IN_DOUBT), self._owned())
                .order_by(DraftRow.id)
            )
            return list(s.scalars(query))

    # --- editing and moving -----------------------------------------------------------------

    def save(self, draft_id: int, base_version: int, text: Text) -> Saved:
        """Save edits made on top of base_version, keeping the text they replace as a version.

        Text equal to the stored one is `unchanged`, whatever the version. A form from before
        another save is `stale`: nothing is overwritten, and its text is kept as a `conflict`
        version so it is never lost. A draft already on its way is `locked`.
        """
        with self.db.session() as s:
            # write first: SQLite cannot turn a read into a write once another save committed,
            # and on PostgreSQL this locks the row until the save is done
            s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, self._owned())
                .values(version=DraftRow.version)
            )
            row = self._row(s, draft_id)
            if row is None:
                return Saved("missing", None)
            before = Text.of(row)
            if before == text:
                return Saved("unchanged", row)
            if row.status not in EDITABLE:
                return Saved("locked", row)
            if row.version != base_version:
                s.add(_version_row(draft_id, base_version, "conflict", text))
                return Saved("stale", row)
            # the version in the WHERE makes the loser of two concurrent saves `stale`
            result = s.execute(
                update(DraftRow)
                .where(
                    DraftRow.id == draft_id,
                    DraftRow.version == base_version,
                    DraftRow.status.in_(EDITABLE),
                    self._owned(),
                )
                .values(**text._asdict(), version=base_version + 1)
            )
            if _changed_one(result):
                s.add(_version_row(draft_id, base_version, "edit", before))
                outcome: SaveOutcome = "saved"
            else:
                s.add(_version_row(draft_id, base_version, "conflict", text))
                outcome = "stale"
        row = self.get(draft_id)
        if outcome == "stale" and row is not None and row.status not in EDITABLE:
            outcome = "locked"
        return Saved(outcome, row)

    def schedule(self, draft_id: int, send_at: datetime) -> bool:
        """Approve a pending or failed draft to go out at send_at (naive UTC); return whether it moved."""
        with self.db.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status.in_(EDITABLE), self._owned())
                .values(status="scheduled", send_at=send_at, error="")
            )
            return _changed_one(result)

    def unschedule(self, draft_id: int) -> bool:
        """Take a scheduled draft back to pending (the undo); return False once it is on its way."""
        with self.db.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status == "scheduled", self._owned())
                .values(status="pending", send_at=None)
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
                .where(DraftRow.id == draft_id, DraftRow.status.in_(from_statuses), self._owned())
                .values(status=to_status)
            )
            return _changed_one(result)

    def start_sending(self, draft_id: int, message_id: str, claimed_by: str = "") -> bool:
        """Record the Message-ID about to go out, and who sends it; mark the draft sending."""
        with self.db.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status == "approved", self._owned())
                .values(
                    status="sending",
                    sent_message_id=message_id,
                    error="",
                    claimed_by=claimed_by,
                    data_at=None,
                )
            )
            return _changed_one(result)

    def mark_data(self, draft_id: int) -> None:
        """Record that the message is about to be handed over (DATA): from now on it may be out."""
        with self.db.session() as s:
            s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status == "sending", self._owned())
                .values(data_at=utcnow())
            )

    def finish_unknown(self, draft_id: int, error: str) -> bool:
        """Mark a sending draft `unknown`: it may have gone out; return whether it moved."""
        with self.db.session() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.status == "sending", self._owned())
                .values(status="unknown", error=error[:2000])
            )
            return _changed_one(result)

    def finish_sent(self, draft_id: int, note: str = "") -> bool:
        """Mark a sending or unknown draft sent, discarding the other replies to its message.

        Returns whether it moved.
        """
        with self.db.session() as s:
            draft = self._row(s, draft_id)
            if draft is None or draft.status not in IN_DOUBT:
                return False
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
            return True

    def finish_failed(self, draft_id: int, error: str) -> None:
        """Mark a sending or approved draft failed with the reason, ready for a retry."""
        with self.db.session() as s:
            s.execute(
                update(DraftRow)
                .where(
                    DraftRow.id == draft_id,
                    DraftRow.status.in_(("approved", "sending")),
                    self._owned(),
                )
                .values(status="failed", error=error[:2000])
            )

    def set_note(self, draft_id: int, note: str) -> None:
        """Record a remark on a draft, e.g. that its Sent copy could not be saved."""
        with self.db.session() as s:
            s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, self._owned())
                .values(error=note[:2000])
            )

    def add(self, message_pk: int, draft: DraftRow) -> DraftRow:
        """Store one more draft for a message of this account and return it.

        Raises LookupError when the message is not this account's.
        """
        with self.db.session() as s:
            if self._message(s, message_pk) is None:
                raise LookupError(f"no message {message_pk}")
            draft.message_pk = message_pk
            s.add(draft)
            s.flush()
            return draft

    def relabel(self, message_pk: int, new_label: str, drafts: list[DraftRow]) -> None:
        """Change a message's label, record the correction, and replace its unsent drafts.

        A replaced draft the user had edited lives on as an earlier version of the new draft
        of its kind (else of the first new draft), so the page can restore it.
        """
        with self.db.session() as s:
            msg = self._message(s, message_pk)
            if msg is None:
                return
            if msg.label != new_label:
                s.add(CorrectionRow(message_pk=msg.id, old_label=msg.label, new_label=new_label))
            msg.label = new_label
            replaced = list(
                s.scalars(
                    select(DraftRow).where(
                        DraftRow.message_pk == msg.id,
                        DraftRow.kind != "followup",
                        DraftRow.status.in_(EDITABLE),
                    )
                )
            )
            for old in replaced:
                old.status = "discarded"
            for d in drafts:
                d.message_pk = msg.id
                s.add(d)
            s.flush()  # the new drafts get their ids
            self._carry_edits(s, replaced, drafts)

    def _carry_edits(self, s: Session, replaced: list[DraftRow], drafts: list[DraftRow]) -> None:
        # a saved edit (version > 1) is the user's; so are edits carried by earlier re-drafts,
        # and those parked on a draft that an earlier relabel replaced with none
        by_kind = {d.kind: d for d in reversed(drafts)}
        if drafts:  # a draft to hold them now: parked edits come first, being the oldest
            parked = s.execute(
                select(DraftVersionRow, DraftRow.kind)
                .join(DraftRow, DraftRow.id == DraftVersionRow.draft_pk)
                .where(
                    DraftRow.message_pk == drafts[0].message_pk,
                    DraftVersionRow.reason == "parked",
                )
                .order_by(DraftVersionRow.id)
            )
            for v, kind in parked:
                holder = by_kind.get(kind) or drafts[0]
                s.add(_version_row(holder.id, v.version, "redraft", Text.of(v)))
                s.delete(v)
        carried = s.scalars(
            select(DraftVersionRow)
            .where(
                DraftVersionRow.draft_pk.in_([o.id for o in replaced]),
                DraftVersionRow.reason == "redraft",
            )
            .order_by(DraftVersionRow.id)
        )
        earlier: dict[int, list[tuple[int, Text]]] = {}
        for v in carried:
            earlier.setdefault(v.draft_pk, []).append((v.version, Text.of(v)))
        for old in replaced:
            target = by_kind.get(old.kind) or (drafts[0] if drafts else None)
            kept = earlier.get(old.id, [])  # oldest first, so the newest stays on top
            if old.version > 1:
                kept.append((old.version, Text.of(old)))
            for version, text in kept:
                if target is None:  # no draft to hold it (relabelled `other`): park it
                    s.add(_version_row(old.id, version, "parked", text))
                else:
                    s.add(_version_row(target.id, version, "redraft", text))

    # --- follow-ups -------------------------------------------------------------------------

    def not_now_contacts(self) -> list[tuple[MessageRow, DraftRow]]:
        """Return (message, not-now draft) of the latest not-now message of each contact."""
        with self.db.session() as s:
            query = (
                select(MessageRow, DraftRow)
                .join(DraftRow, DraftRow.message_pk == MessageRow.id)
                .where(MessageRow.label == "not_now", DraftRow.kind == "not_now", self._mine())
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
                self._mine(),
                (func.lower(MessageRow.from_addr) == contact)
                | (func.lower(MessageRow.reply_to) == contact),
            )
            return s.scalar(later.limit(1)) is not None

    def followups_of(self, message_pk: int) -> list[DraftRow]:
        """Return the follow-up drafts of a message, oldest first."""
        with self.db.session() as s:
            query = (
                select(DraftRow)
                .where(
                    DraftRow.message_pk == message_pk, DraftRow.kind == "followup", self._owned()
                )
                .order_by(DraftRow.id)
            )
            return list(s.scalars(query))
