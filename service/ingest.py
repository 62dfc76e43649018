"""One message in, one direction: parse, label, draft, store; nothing here talks to a server."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from classifier.labels import Label, MailKind
from classifier.model import Classifier, Prediction
from classifier.parse import Message, ParseError, parse_message
from classifier.slots import Slots
from drafts.profile import Profile
from drafts.render import Draft, render_drafts
from service.incoming import incoming

# The store (SQLAlchemy) is imported where messages are stored, so that labelling and drafting
# alone, as the CLI and the delivery filter do, never load the database layer.
if TYPE_CHECKING:
    from service.store import Checkpoint, DraftRow, MessageRow, Store


class Fetched(NamedTuple):
    """A raw message as it came in, with its IMAP UID when it came from a folder."""

    raw: bytes
    uid: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one message: its label and drafts, or why it was skipped."""

    message_id: str
    label: Label = "other"
    kind: MailKind | None = None  # None where the message was not classified now
    confidence: float = 0.0
    slots: Slots = field(default_factory=Slots)
    language: str = "en"
    drafts: list[Draft] = field(default_factory=list)
    duplicate: bool = False
    error: str = ""


@dataclass(frozen=True)
class _Parsed:
    fetched: Fetched
    message_id: str
    msg: Message | None
    error: str = ""


class Ingest:
    """Labels and drafts messages, and stores them when given a store."""

    def __init__(
        self,
        classifier: Classifier,
        profile: Profile,
        store: Store | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._classifier = classifier
        self.profile = profile
        self.store = store
        self.today = today

    @property
    def classifier(self) -> Classifier:
        """Return the model in use."""
        return self._classifier

    def use_classifier(self, classifier: Classifier) -> None:
        """Label from now on with another model, e.g. one retrained with corrections."""
        self._classifier = classifier

    def classify(self, msg: Message) -> Prediction:
        """Return the prediction for one parsed message."""
        return self._classifier.predict(msg)

    def draft(self, msg: Message) -> Outcome:
        """Return the outcome of one parsed message, labelled and drafted, without storing it."""
        return self._outcome(msg, self.classify(msg))

    def _outcome(self, msg: Message, prediction: Prediction) -> Outcome:
        # only an offer is declined: the reasons sent before are looked up for offers alone
        sent = (
            self.store.drafts.sent_decline_reasons()
            if self.store is not None and prediction.label == "offer"
            else []
        )
        drafts = render_drafts(incoming(msg, prediction), self.profile, self.today(), sent)
        return Outcome(
            message_id=msg.message_id,
            label=prediction.label,
            kind=prediction.kind,
            confidence=prediction.confidence,
            slots=prediction.slots,
            language=prediction.language,
            drafts=drafts,
        )

    def handle_many(
        self,
        items: Sequence[Fetched],
        folder: str = "",
        source: str = "",
        checkpoint: Checkpoint | None = None,
    ) -> list[Outcome]:
        """Parse, label, draft and store items in one transaction, in order.

        A message whose Message-ID is stored already comes back as a duplicate with its stored
        label and is not drafted again; one that cannot be parsed is recorded with its error.
        The checkpoint, when given, commits with the messages.
        """
        from service.store.rows import draft_row, error_row, message_row

        parsed = [_parse(item) for item in items]
        ids = [p.message_id for p in parsed]
        known = self.store.messages.known_labels(ids) if self.store is not None else {}
        fresh = [p.msg for p in parsed if p.msg is not None and p.message_id not in known]
        fresh_ids = [m.message_id for m in fresh]
        predictions = dict(zip(fresh_ids, self._classifier.predict_many(fresh), strict=True))
        outcomes: list[Outcome] = []
        rows: list[tuple[MessageRow, list[DraftRow]]] = []
        seen: set[str] = set()  # Message-IDs met earlier in this batch
        for p in parsed:
            if p.message_id in known or p.message_id in seen:
                label = known.get(p.message_id, "other")
                outcomes.append(Outcome(p.message_id, label=label, duplicate=True))
                continue
            seen.add(p.message_id)
            raw, uid = p.fetched
            if p.msg is None:
                outcomes.append(Outcome(p.message_id, error=p.error))
                # recorded once with its error, so a poller never retries it forever
                rows.append((error_row(p.message_id, raw, p.error, folder, uid, source), []))
                continue
            prediction = predictions[p.message_id]
            result = self._outcome(p.msg, prediction)
            outcomes.append(result)
            row = message_row(p.msg, prediction, raw, folder, uid, source)
            rows.append((row, [draft_row(d) for d in result.drafts]))
        if self.store is not None:
            self.store.messages.add_many(rows, checkpoint)
        return outcomes

    def handle(
        self, raw: bytes, folder: str = "", uid: int | None = None, source: str = ""
    ) -> Outcome:
        """Parse, label, draft and store one message; see handle_many."""
        return self.handle_many([Fetched(raw, uid)], folder=folder, source=source)[0]


def _parse(item: Fetched) -> _Parsed:
    try:
        msg = parse_message(item.raw)
    except ParseError as exc:
        return _Parsed(item, _unparsed_id(item.raw), None, str(exc))
    return _Parsed(item, msg.message_id, msg)


def _unparsed_id(raw: bytes) -> str:
    return f"<unparsed-{hashlib.sha256(raw).hexdigest()[:32]}@gracemail.invalid>"
