"""One message in, one direction: parse, label, draft, store; nothing here talks to a server."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from classifier.model import Classifier, Prediction
from classifier.parse import Message, ParseError, parse_message
from classifier.slots import Slots
from drafts.profile import Profile
from drafts.render import Draft, Incoming, render_drafts
from service.store import DraftRow, MessageRow, Store


@dataclass(frozen=True)
class Outcome:
    """What became of one message: its label and drafts, or why it was skipped."""

    message_id: str
    label: str = "other"
    confidence: float = 0.0
    slots: Slots = field(default_factory=Slots)
    language: str = "en"
    drafts: list[Draft] = field(default_factory=list)
    duplicate: bool = False
    error: str = ""


def incoming(msg: Message, prediction: Prediction) -> Incoming:
    """Return what the drafts package needs from a message and its prediction."""
    return Incoming(
        message_id=msg.message_id,
        subject=msg.subject,
        from_name=msg.from_name,
        from_addr=msg.from_addr,
        reply_to=msg.reply_to,
        references=msg.references,
        text=msg.new_text,
        label=prediction.label,
        language=prediction.language,
        contact_name=prediction.slots.contact_name,
        company=prediction.slots.company,
        role=prediction.slots.role,
    )


def draft_row(d: Draft) -> DraftRow:
    """Return a pending database row for a draft."""
    return DraftRow(
        kind=d.kind,
        to=d.to,
        subject=d.subject,
        body=d.body,
        language=d.language,
        in_reply_to=d.in_reply_to,
        references=d.references,
        note=d.note,
        followup_date=d.followup_date,
        status="pending",
    )


class Ingest:
    """Labels and drafts messages, and stores them when given a store."""

    def __init__(
        self,
        classifier: Classifier,
        profile: Profile,
        store: Store | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.classifier = classifier
        self.profile = profile
        self.store = store
        self.today = today

    def outcome(self, msg: Message, prediction: Prediction) -> Outcome:
        """Return the outcome of a parsed, predicted message, drafts rendered."""
        drafts = render_drafts(incoming(msg, prediction), self.profile, self.today())
        return Outcome(
            message_id=msg.message_id,
            label=prediction.label,
            confidence=prediction.confidence,
            slots=prediction.slots,
            language=prediction.language,
            drafts=drafts,
        )

    def handle_many(
        self,
        items: Sequence[tuple[bytes, int | None]],
        folder: str = "",
        source: str = "",
        checkpoint: tuple[str, int, int] | None = None,
    ) -> list[Outcome]:
        """Parse, label, draft and store (raw, uid) items in one transaction, in order.

        A message whose Message-ID is stored already comes back as a duplicate with its stored
        label and is not drafted again; one that cannot be parsed is recorded with its error.
        The checkpoint (folder, uidvalidity, last_uid), when given, commits with the messages.
        """
        parsed: list[tuple[bytes, int | None, Message | None, str]] = []
        for raw, uid in items:
            try:
                parsed.append((raw, uid, parse_message(raw), ""))
            except ParseError as exc:
                parsed.append((raw, uid, None, str(exc)))
        ids = [m.message_id if m else _unparsed_id(raw) for raw, _, m, _ in parsed]
        known = self.store.known_labels(ids) if self.store is not None else {}
        fresh = [m for (_, _, m, _), mid in zip(parsed, ids, strict=True) if m and mid not in known]
        predictions = dict(
            zip((m.message_id for m in fresh), self.classifier.predict_many(fresh), strict=True)
        )
        outcomes: list[Outcome] = []
        rows: list[tuple[MessageRow, list[DraftRow]]] = []
        batch: set[str] = set()  # Message-IDs met earlier in this batch
        for (raw, uid, msg, error), mid in zip(parsed, ids, strict=True):
            if mid in known or mid in batch:
                outcomes.append(
                    Outcome(message_id=mid, label=known.get(mid, "other"), duplicate=True)
                )
                continue
            batch.add(mid)
            if msg is None:
                outcomes.append(Outcome(message_id=mid, error=error))
                # recorded once with its error, so a poller never retries it forever
                rows.append(
                    (
                        MessageRow(
                            message_id=mid,
                            folder=folder,
                            uid=uid,
                            source=source,
                            error=error,
                            raw=raw[:100_000],
                        ),
                        [],
                    )
                )
                continue
            result = self.outcome(msg, predictions[mid])
            outcomes.append(result)
            rows.append(
                (
                    _message_row(msg, result, raw, folder, uid, source),
                    [draft_row(d) for d in result.drafts],
                )
            )
        if self.store is not None:
            self.store.add_messages(rows, checkpoint)
        return outcomes

    def handle(
        self, raw: bytes, folder: str = "", uid: int | None = None, source: str = ""
    ) -> Outcome:
        """Parse, label, draft and store one message; see handle_many."""
        return self.handle_many([(raw, uid)], folder=folder, source=source)[0]


def _unparsed_id(raw: bytes) -> str:
    return f"<unparsed-{hashlib.sha256(raw).hexdigest()[:32]}@gracemail.invalid>"


def _message_row(
    msg: Message, result: Outcome, raw: bytes, folder: str, uid: int | None, source: str
) -> MessageRow:
    return MessageRow(
        message_id=msg.message_id,
        folder=folder,
        uid=uid,
        source=source,
        subject=msg.subject,
        from_name=msg.from_name,
        from_addr=msg.from_addr,
        reply_to=msg.reply_to,
        references=msg.references,
        date=msg.date,
        text=msg.text,
        html=msg.html,
        raw=raw,
        label=result.label,
        confidence=result.confidence,
        contact_name=result.slots.contact_name,
        company=result.slots.company,
        role=result.slots.role,
        language=result.language,
    )
