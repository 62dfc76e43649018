"""REST: classify a message or draft its replies, from raw RFC 822 or from JSON fields."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError

from classifier.parse import Message, ParseError, message_from_fields, parse_message
from service.ingest import Ingest
from service.schemas import Classification, Drafts
from service.web.deps import IngestDep, SettingsDep
from service.web.docs import BEARER

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


@dataclass(frozen=True)
class Body:
    """A request body as it came, read in full and within the size limit."""

    data: bytes
    content_type: str


async def read_body(request: Request, settings: SettingsDep) -> Body:
    """Return the request body; raises 413 when it is larger than the message limit."""
    limit = settings.max_message_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"message larger than the limit of {limit} bytes")
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > limit:
            raise HTTPException(413, f"message larger than the limit of {limit} bytes")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return Body(bytes(data), ctype)


def read_message(body: Body) -> Message:
    """Return the message in a request body; raises 4xx when it is unreadable."""
    if body.content_type == "application/json":
        try:
            fields = MessageFields.model_validate(json.loads(body.data))
        except (ValueError, ValidationError) as exc:
            raise HTTPException(422, f"invalid JSON message: {exc}") from exc
        if not (fields.body.strip() or fields.html.strip()):
            raise HTTPException(422, "a JSON message needs a non-empty 'body' or 'html'")
        return message_from_fields(
            fields.sender, fields.subject, fields.body, fields.html, fields.message_id
        )
    if body.content_type in {"message/rfc822", "text/plain", "application/octet-stream", ""}:
        try:
            return parse_message(body.data)
        except ParseError as exc:
            raise HTTPException(400, f"not a readable RFC 822 message: {exc}") from exc
    raise HTTPException(415, "send message/rfc822 (raw mail) or application/json (fields)")


BodyDep = Annotated[Body, Depends(read_body)]


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Report that the service is up."""
    return {"status": "ok"}


# The body is read on the event loop; parsing, labelling and drafting are CPU work and run in
# the threadpool (plain def routes), so one hostile message never stalls other requests.
@router.post("/v1/classify", openapi_extra=_BODY_DOC, dependencies=[Depends(BEARER)])
def classify(body: BodyDep, ingest: IngestDep) -> Classification:
    """Label one message and extract who to greet, the company and the role."""
    msg = read_message(body)
    return Classification.of(msg.message_id, ingest.classify(msg))


# A plain def route would cost two hops to a worker thread: one to run it, one more for FastAPI
# to validate its answer. This one hops once, for the parse, labelling and drafting together.
@router.post("/v1/drafts", openapi_extra=_BODY_DOC, dependencies=[Depends(BEARER)])
async def drafts(body: BodyDep, ingest: IngestDep) -> Drafts:
    """Label one message and return the reply drafts for its label."""
    return await run_in_threadpool(draft_message, body, ingest)


def draft_message(body: Body, ingest: Ingest) -> Drafts:
    """Return the drafts for the message in a request body; raises 4xx when it is unreadable."""
    return Drafts.model_validate(ingest.draft(read_message(body)))
