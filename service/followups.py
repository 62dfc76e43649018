"""Which not-now contacts are due a check-in, each with one ready draft per period."""

from __future__ import annotations

from datetime import date, timedelta

from drafts.profile import Profile
from drafts.render import render_followup
from service.store import DraftRow, MessageRow, Store
from service.store.drafts import WAITING
from service.store.rows import draft_row, incoming_of


def period_start(not_now: DraftRow, followups: list[DraftRow], every_days: int) -> date | None:
    """Return when the current check-in period began: the agreed date, or a period after the last."""
    sent = [f.sent_at for f in followups if f.status == "sent" and f.sent_at]
    if sent:
        return max(sent).date() + timedelta(days=every_days)
    return not_now.followup_date


def due_followups(store: Store, profile: Profile, today: date) -> list[tuple[MessageRow, DraftRow]]:
    """Return (message, check-in draft) for each not-now contact due today; drafts are made once.

    A contact who wrote back since is skipped, and so is one whose check-in of this period was
    sent or discarded already.
    """
    drafts = store.drafts
    due: list[tuple[MessageRow, DraftRow]] = []
    for msg, not_now in drafts.not_now_contacts():
        if drafts.wrote_back(msg):
            continue
        followups = drafts.followups_of(msg.id)
        start = period_start(not_now, followups, profile.followup_days)
        if start is None or start > today:
            continue
        current = [f for f in followups if f.followup_date == start]
        if not current:
            row = draft_row(render_followup(incoming_of(msg), profile))
            row.followup_date = start
            current = [drafts.add(msg.id, row)]
        waiting = [f for f in current if f.status in WAITING]
        if waiting:
            due.append((msg, waiting[-1]))
    return due
