"""Turn a draft into an RFC 822 reply: threaded, from the user, with a Message-ID of our own."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from drafts.profile import Profile
from drafts.render import Draft


def compose_message(
    draft: Draft, profile: Profile, body: str | None = None, message_id: str | None = None
) -> EmailMessage:
    """Return the reply as a message; body overrides the draft's text (e.g. after editing)."""
    msg = EmailMessage()
    domain = profile.email.rpartition("@")[2] or "gracemail.invalid"
    msg["From"] = formataddr((profile.name, profile.email)) if profile.email else profile.name
    if draft.to:
        msg["To"] = draft.to
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(domain=domain)
    if draft.in_reply_to:
        msg["In-Reply-To"] = draft.in_reply_to
    if draft.references:
        msg["References"] = draft.references
    msg.set_content(body if body is not None else draft.body)
    return msg
