"""A parsed message and its prediction as the drafts package takes them; no tables involved.

The draft path (CLI, filter, REST) needs this mapping without the database layer, so it lives
here rather than in `service/store/rows.py`, which imports the tables and with them SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from classifier.model import Prediction
from classifier.parse import Message
from drafts.render import Incoming

_INCOMING_FIELDS = tuple(f.name for f in fields(Incoming))
# What a reply needs to know is stated near the top of a mail; reading no further keeps the drafts'
# own patterns bounded on hostile mail (64 KB of new text took up to 1.9 s to draft).
DRAFT_TEXT_CHARS = 8_000


def prediction_fields(prediction: Prediction) -> dict[str, Any]:
    """Return a prediction's label, kind, confidence, language and slots as one flat dict."""
    return {
        "label": prediction.label,
        "kind": prediction.kind,
        "confidence": prediction.confidence,
        "language": prediction.language,
        **asdict(prediction.slots),
    }


def incoming(msg: Message, prediction: Prediction) -> Incoming:
    """Return what the drafts package needs from a parsed message and its prediction."""
    given = {
        **asdict(msg),
        **prediction_fields(prediction),
        "text": msg.new_text[:DRAFT_TEXT_CHARS],
    }
    return Incoming(**{k: given[k] for k in _INCOMING_FIELDS})
