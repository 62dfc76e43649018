"""The one place where parsed messages, predictions and drafts become stored rows and back.

The shapes share their field names, so each mapping copies the fields both sides have instead
of naming them one by one; a field added to both is carried without touching this module.
"""

from __future__ import annotations

from dataclasses import asdict, fields

from classifier.labels import ACTIONABLE, Label
from classifier.model import Prediction
from classifier.parse import Message
from classifier.slots import extract_slots
from drafts.render import Draft, Incoming
from service.incoming import DRAFT_TEXT_CHARS, prediction_fields
from service.store.tables import DraftRow, MessageRow

_DRAFT_FIELDS = tuple(f.name for f in fields(Draft))
_INCOMING_FIELDS = tuple(f.name for f in fields(Incoming))
_COLUMNS = frozenset(c.key for c in MessageRow.__table__.columns)


def incoming_of(row: MessageRow, label: Label | None = None) -> Incoming:
    """Return what the drafts package needs from a stored message, optionally with a new label."""
    given = {k: getattr(row, k) for k in _INCOMING_FIELDS}
    text = row.new_text[:DRAFT_TEXT_CHARS]
    return Incoming(**{**given, "text": text, "label": label or row.label})


def message_row(
    msg: Message, prediction: Prediction, raw: bytes, folder: str, uid: int | None, source: str
) -> MessageRow:
    """Return the row that stores a labelled message."""
    given = {**asdict(msg), **prediction_fields(prediction)}
    values = {k: v for k, v in given.items() if k in _COLUMNS}
    # the model finds slots for outcomes only; application records need every mail's company
    slots = prediction.slots if prediction.label in ACTIONABLE else extract_slots(msg)
    return MessageRow(
        **values,
        raw=raw,
        folder=folder,
        uid=uid,
        source=source,
        app_company=slots.company,
        app_role=slots.role,
    )


def error_row(
    message_id: str, raw: bytes, error: str, folder: str, uid: int | None, source: str
) -> MessageRow:
    """Return the row that records a message that could not be read, so it is not retried."""
    return MessageRow(
        message_id=message_id, folder=folder, uid=uid, source=source, error=error, raw=raw[:100_000]
    )


def draft_row(draft: Draft) -> DraftRow:
    """Return a pending row for a draft."""
    return DraftRow(**asdict(draft), status="pending")


def draft_of(row: DraftRow) -> Draft:
    """Return the draft a stored row holds, with its edits."""
    return Draft(**{k: getattr(row, k) for k in _DRAFT_FIELDS})
