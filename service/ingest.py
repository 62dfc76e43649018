"""One message in, one direction: parse, label, draft, store; nothing here talks to a server."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
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

    def handle_message(
        self,
        msg: Message,
        raw: bytes | None = None,
        folder: str = "",
        uid: int | None = None,
        source: str = "",
    ) -> Outcome:
        """Label and draft one parsed message; store it unless its Message-ID is already stored."""
        if self.store is not None and self.store.has_message(msg.message_id):
            return Outcome(message_id=msg.message_id, duplicate=True)
        result = self.outcome(msg, self.classifier.predict(msg))
        if self.store is not None:
            self.store.add_message(
                MessageRow(
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
                ),
                [draft_row(d) for d in result.drafts],
            )
        return result

    def handle(
        self, raw: bytes, folder: str = "", uid: int | None = None, source: str = ""
    ) -> Outcome:
        """Parse, label, draft and store raw bytes; a message that cannot be parsed is recorded."""
        try:
            msg = parse_message(raw)
        except ParseError as exc:
            message_id = f"<unparsed-{hashlib.sha256(raw).hexdigest()[:32]}@gracemail.invalid>"
            if self.store is not None and not self.store.has_message(message_id):
                # recorded once with its error, so a poller never retries it forever
                self.store.add_message(
                    MessageRow(
                        message_id=message_id,
                        folder=folder,
                        uid=uid,
                        source=source,
                        error=str(exc),
                        raw=raw[:100_000],
                    ),
                    [],
                )
            return Outcome(message_id=message_id, error=str(exc))
        return self.handle_message(msg, raw=raw, folder=folder, uid=uid, source=source)
