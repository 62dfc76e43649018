"""Figures about the whole installation for /metrics, read from the database all share."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select, text

from service.store.db import Database, utcnow
from service.store.drafts import WAITING
from service.store.tables import AccountRow, DraftRow, LeaseRow, MessageRow


class Fleet(NamedTuple):
    """Counts every web server reports alike, whichever worker did the work."""

    labelled: dict[str, int]  # stored messages by label
    drafts_waiting: int  # replies the users still have to act on
    drafts_sent: int
    queue_lag: float  # seconds the oldest approved, unsent draft has waited; 0 when none
    accounts_enabled: int
    leases_held: int
    lease_takeovers: int


def ping(db: Database) -> None:
    """Run a trivial query; raises when the database cannot be reached."""
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def read_fleet(db: Database) -> Fleet:
    """Return the installation's figures in one short transaction."""
    now = utcnow()
    with db.session() as s:
        query = select(MessageRow.label, func.count()).group_by(MessageRow.label)
        labelled = {str(label): int(count) for label, count in s.execute(query)}
        waiting = s.scalar(
            select(func.count()).where(DraftRow.status.in_(WAITING), DraftRow.kind != "followup")
        )
        sent = s.scalar(select(func.count()).where(DraftRow.status == "sent"))
        oldest = s.scalar(
            select(func.min(DraftRow.updated_at)).where(DraftRow.status == "approved")
        )
        enabled = s.scalar(select(func.count()).where(AccountRow.enabled.is_(True)))
        held = s.scalar(
            select(func.count()).where(LeaseRow.holder != "", LeaseRow.expires_at >= now)
        )
        takeovers = s.scalar(select(func.coalesce(func.sum(LeaseRow.takeovers), 0)))
    return Fleet(
        labelled=labelled,
        drafts_waiting=int(waiting or 0),
        drafts_sent=int(sent or 0),
        queue_lag=(now - oldest).total_seconds() if oldest else 0.0,
        accounts_enabled=int(enabled or 0),
        leases_held=int(held or 0),
        lease_takeovers=int(takeovers or 0),
    )
