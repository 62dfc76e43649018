"""The shapes gracemail answers with, on the REST API and the command line alike."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from classifier.model import Prediction


class Classification(BaseModel):
    """The label of a message, how sure the model is, and its slots."""

    message_id: str
    label: str
    kind: str
    confidence: float
    contact_name: str
    company: str
    role: str
    language: str

    @classmethod
    def of(cls, message_id: str, prediction: Prediction) -> Classification:
        """Return the classification a prediction makes."""
        return cls.model_validate({"message_id": message_id, **prediction.fields()})


class DraftOut(BaseModel):
    """One reply ready to edit."""

    model_config = ConfigDict(from_attributes=True)  # read straight from a Draft or a DraftRow

    kind: str
    to: str
    subject: str
    body: str
    language: str
    in_reply_to: str
    references: str
    note: str
    followup_date: date | None
    suggested_send_after: datetime | None = None  # naive UTC
    decline_reason: str = ""


class Drafts(BaseModel):
    """The label of a message and the drafts it calls for (none for `other`)."""

    model_config = ConfigDict(from_attributes=True)

    message_id: str
    label: str
    kind: str | None
    confidence: float
    drafts: list[DraftOut]
