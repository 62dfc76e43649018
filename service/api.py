"""REST: classify a message or draft its replies, from raw RFC 822 or from JSON fields."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError

from classifier.parse import Message, ParseError, message_from_fields, parse_message
from service.ingest import Ingest, Outcome

router = APIRouter()

_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "message/rfc822": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["body"],
                    "properties": {
                        "from": {"type": "string", "example": "Dana Okafor <dana@acme.example>"},
                        "subject": {"type": "string"},
                        "body": {"type": "string"},
                        "html": {"type": "string"},
                        "message_id": {"type": "string"},
                    },
                }
            },
        },
    }
}


class MessageFields(BaseModel):
    """A message given as loose fields instead of raw RFC 822."""

    sender: str = Field(default="", alias="from", max_length=998)
    subject: str = Field(default="", max_length=998)
    body: str = ""
    html: str = ""
    message_id: str = Field(default="", max_length=998)


class Classification(BaseModel):
    """The label of a message, how sure the model is, and its slots."""

    message_id: str
    label: str
    confidence: float
    contact_name: str
    company: str
    role: str
    language: str


class DraftOut(BaseModel):
    """One reply ready to edit."""

    kind: str
    to: str
    subject: str
    body: str
    language: str
    in_reply_to: str
    references: str
    note: str
    followup_date: date | None


class Drafts(BaseModel):
    """The label of a message and the drafts it calls for (none for `other`)."""

    message_id: str
    label: str
    confidence: float
    drafts: list[DraftOut]


def get_ingest(request: Request) -> Ingest:
    """Return the app's ingest, which holds the loaded model.

    Called directly, not through Depends: FastAPI runs a plain-def dependency in a worker thread,
    which cost more per request than the rest of the framework together.
    """
    ingest: Ingest = request.app.state.ingest
    return ingest


async def read_message(request: Request) -> Message:
    """Return the message in a request body; raises 413 when too big and 4xx when unreadable."""
    limit: int = request.app.state.settings.max_message_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"message larger than the limit of {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HTTPException(413, f"message larger than the limit of {limit} bytes")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            fields = MessageFields.model_validate(json.loads(body))
        except (ValueError, ValidationError) as exc:
            raise HTTPException(422, f"invalid JSON message: {exc}") from exc
        if not (fields.body.strip() or fields.html.strip()):
            raise HTTPException(422, "a JSON message needs a non-empty 'body' or 'html'")
        return message_from_fields(
            fields.sender, fields.subject, fields.body, fields.html, fields.message_id
        )
    if ctype in {"message/rfc822", "text/plain", "application/octet-stream", ""}:
        try:
            return parse_message(bytes(body))
        except ParseError as exc:
            raise HTTPException(400, f"not a readable RFC 822 message: {exc}") from exc
    raise HTTPException(415, "send message/rfc822 (raw mail) or application/json (fields)")


def _outcome(ingest: Ingest, msg: Message) -> Outcome:
    return ingest.outcome(msg, ingest.classifier.predict(msg))


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Report that the service is up."""
    return {"status": "ok"}


@router.post("/v1/classify", openapi_extra=_BODY_DOC)
async def classify(request: Request) -> Classification:
    """Label one message and extract who to greet, the company and the role."""
    msg = await read_message(request)
    prediction = get_ingest(request).classifier.predict(msg)
    return Classification(
        message_id=msg.message_id,
        label=prediction.label,
        confidence=prediction.confidence,
        contact_name=prediction.slots.contact_name,
        company=prediction.slots.company,
        role=prediction.slots.role,
        language=prediction.language,
    )


@router.post("/v1/drafts", openapi_extra=_BODY_DOC)
async def drafts(request: Request) -> Drafts:
    """Label one message and return the reply drafts for its label."""
    msg = await read_message(request)
    result = _outcome(get_ingest(request), msg)
    return Drafts(
        message_id=result.message_id,
        label=result.label,
        confidence=result.confidence,
        drafts=[DraftOut(**vars(d)) for d in result.drafts],
    )
