"""Which not-now contacts are due a check-in, each with one ready draft per period."""

from __future__ import annotations

from datetime import date, timedelta

from classifier.parse import ParseError, parse_message
from drafts.profile import Profile
from drafts.render import Incoming, render_followup
from service.ingest import draft_row
from service.store import WAITING, DraftRow, MessageRow, SendStore


def incoming_of(msg: MessageRow, label: str | None = None) -> Incoming:
    """Return what the drafts package needs from a stored message, optionally with a new label."""
    text = msg.text
    if msg.raw:
        try:
            text = parse_message(msg.raw).new_text  # the reply without the quoted thread
        except ParseError:
            pass
    return Incoming(
        message_id=msg.message_id,
        subject=msg.subject,
        from_name=msg.from_name,
        from_addr=msg.from_addr,
        reply_to=msg.reply_to,
        references=msg.references,
        text=text,
        label=label or msg.label,
        language=msg.language,
        contact_name=msg.contact_name,
        company=msg.company,
        role=msg.role,
    )


def period_start(not_now: DraftRow, followups: list[DraftRow], every_days: int) -> date | None:
    """Return when the current check-in period began: the agreed date, or a period after the last."""
    sent = [f.sent_at for f in followups if f.status == "sent" and f.sent_at]
    if sent:
        return max(sent).date() + timedelta(days=every_days)
    return not_now.followup_date


def due_followups(
    store: SendStore, profile: Profile, today: date
) -> list[tuple[MessageRow, DraftRow]]:
    """Return (message, check-in draft) for each not-now contact due today; drafts are made once.

    A contact who wrote back since is skipped, and so is one whose check-in of this period was
    sent or discarded already.
    """
    due: list[tuple[MessageRow, DraftRow]] = []
    for msg, not_now in store.not_now_contacts():
        if store.wrote_back(msg):
            continue
        followups = store.followups_of(msg.id)
        start = period_start(not_now, followups, profile.followup_days)
        if start is None or start > today:
            continue
        current = [f for f in followups if f.followup_date == start]
        if not current:
            row = draft_row(render_followup(incoming_of(msg), profile))
            row.followup_date = start
            current = [store.add_draft(msg.id, row)]
        waiting = [f for f in current if f.status in WAITING]
        if waiting:
            due.append((msg, waiting[-1]))
    return due
