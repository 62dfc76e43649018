"""REST: classify a message or draft its replies, from raw RFC 822 or from JSON fields."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError

from classifier.parse import Message, ParseError, message_from_fields, parse_message
from service.schemas import Classification, Drafts
from service.web.deps import IngestDep, SettingsDep

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


async def read_message(request: Request, settings: SettingsDep) -> Message:
    """Return the message in a request body; raises 413 when too big and 4xx when unreadable."""
    limit = settings.max_message_bytes
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


MessageDep = Annotated[Message, Depends(read_message)]


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Report that the service is up."""
    return {"status": "ok"}


@router.post("/v1/classify", openapi_extra=_BODY_DOC)
async def classify(msg: MessageDep, ingest: IngestDep) -> Classification:
    """Label one message and extract who to greet, the company and the role."""
    return Classification.of(msg.message_id, ingest.classify(msg))


@router.post("/v1/drafts", openapi_extra=_BODY_DOC)
async def drafts(msg: MessageDep, ingest: IngestDep) -> Drafts:
    """Label one message and return the reply drafts for its label."""
    return Drafts.model_validate(ingest.draft(msg))
