"""Which not-now contacts are due a check-in and which come later; one ready draft per period."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from drafts.profile import Profile
from drafts.render import render_followup
from service.store import DraftRow, MessageRow, Store
from service.store.drafts import EDITABLE, WAITING, Text
from service.store.rows import draft_row, incoming_of


class Coming(NamedTuple):
    """A not-now contact whose next check-in is later than today."""

    message: MessageRow
    on: date


class Plan(NamedTuple):
    """The check-ins due now (each with its draft) and those coming, soonest first."""

    due: list[tuple[MessageRow, DraftRow]]
    coming: list[Coming]


def period_start(not_now: DraftRow, followups: list[DraftRow], every_days: int) -> date | None:
    """Return when the current check-in period began: the agreed date, or a period after the last.

    A check-in the user snoozed waits with a later date: the period starts then.
    """
    sent = [f.sent_at for f in followups if f.status == "sent" and f.sent_at]
    start = max(sent).date() + timedelta(days=every_days) if sent else not_now.followup_date
    if start is None:
        return None
    snoozed = [
        f.followup_date
        for f in followups
        if f.status in WAITING and f.followup_date is not None and f.followup_date > start
    ]
    return max([start, *snoozed])


def plan_followups(store: Store, profile: Profile, today: date) -> Plan:
    """Return the check-ins due today (drafting each once) and the ones coming later.

    A contact who wrote back since is skipped, and so is one whose check-in of this period was
    sent or discarded already.
    """
    drafts = store.drafts
    plan = Plan([], [])
    for msg, not_now in drafts.not_now_contacts():
        if drafts.wrote_back(msg):
            continue
        followups = drafts.followups_of(msg.id)
        start = period_start(not_now, followups, profile.followup_days)
        if start is None:
            continue
        if start > today:
            plan.coming.append(Coming(msg, start))
            continue
        current = [f for f in followups if f.followup_date == start]
        if not current:
            row = draft_row(render_followup(incoming_of(msg), profile))
            row.followup_date = start
            current = [drafts.add(msg.id, row)]
        waiting = [f for f in current if f.status in WAITING]
        if waiting:
            plan.due.append((msg, waiting[-1]))
    plan.coming.sort(key=lambda c: c.on)
    return plan


def due_followups(store: Store, profile: Profile, today: date) -> list[tuple[MessageRow, DraftRow]]:
    """Return (message, check-in draft) for each not-now contact due today; drafts are made once."""
    return plan_followups(store, profile, today).due


def snooze(store: Store, draft_id: int, until: date, today: date) -> DraftRow | None:
    """Move a waiting check-in to a later day, keeping its text; return it, None if it cannot move.

    It cannot when it is no check-in, is on its way or sent, or the day is not after today.
    """
    draft = store.drafts.get(draft_id)
    if draft is None or draft.kind != "followup" or draft.status not in EDITABLE:
        return None
    if until <= today:
        return None
    saved = store.drafts.save(draft_id, draft.version, Text.of(draft)._replace(followup_date=until))
    return saved.draft if saved.outcome == "saved" else None
