"""Application records rebuilt from the store: every stored message and every reply the user sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from classifier.parse import ParseError, parse_message
from classifier.slots import extract_slots
from service.applications import Application, Mail, group, next_actions
from service.store import MessageRow, Store

EPOCH = datetime(1970, 1, 1)


def mail_date(value: str, fallback: datetime) -> datetime:
    """Return an RFC 2822 date as naive UTC, or fallback when it cannot be read."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return fallback
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def mails_of(row: MessageRow) -> Iterator[Mail]:
    """Yield the Mail of a stored message and of each reply the user sent to it."""
    company, role = row.company, row.role
    if not company and row.raw and not row.error:  # slots are found at ingest for outcomes only
        try:
            slots = extract_slots(parse_message(row.raw))
            company, role = slots.company, slots.role
        except ParseError:
            pass
    when = mail_date(row.date, row.created_at or EPOCH)
    yield Mail(
        message_id=row.message_id,
        date=when,
        subject=row.subject,
        from_addr=row.from_addr,
        from_name=row.from_name,
        references=tuple(row.references.split()),
        label=row.label,
        kind=row.kind,
        company=company,
        role=role,
        text=row.new_text,
    )
    for draft in row.drafts:
        if draft.status == "sent":
            yield Mail(
                message_id=draft.sent_message_id or f"<draft-{draft.id}@gracemail.invalid>",
                date=draft.sent_at or when,
                subject=draft.subject,
                to_addr=draft.to,
                references=(row.message_id,),
                from_user=True,
                text=draft.body,
            )


def rebuild(store: Store, now: datetime | None = None, limit: int = 100_000) -> list[Application]:
    """Return the application records of every stored message, with their next actions."""
    mails = [m for row in store.messages.latest(limit=limit) for m in mails_of(row)]
    apps = group(mails)
    next_actions(apps, now or datetime.now(UTC).replace(tzinfo=None))
    return apps
