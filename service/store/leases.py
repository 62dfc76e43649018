"""Leases: which worker serves which mailbox, claimed with an expiry a heartbeat renews.

On PostgreSQL a claim is `SELECT … FOR UPDATE SKIP LOCKED`, so workers claiming at once each
get different free leases without waiting for one another; on SQLite, where one writer holds
the whole database anyway, each lease is taken by a conditional UPDATE. A worker that dies
stops renewing: its leases lapse and the next claim takes them over.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import or_, select, update

from service.store.db import Database, utcnow
from service.store.drafts import _changed_one
from service.store.tables import AccountRow, LeaseRow


class Claimed(NamedTuple):
    """A lease just claimed, and whether it was taken from a holder whose lease lapsed."""

    account_id: int
    takeover: bool


class Leases:
    """Claims, renews and releases the leases of enabled accounts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, holder: str, limit: int, ttl: float) -> list[Claimed]:
        """Claim up to limit free or lapsed leases of enabled accounts for holder; return them."""
        if limit <= 0:
            return []
        now = utcnow()
        free = or_(LeaseRow.holder == "", LeaseRow.expires_at < now)
        query = (
            select(LeaseRow.account_id, LeaseRow.holder)
            .join(AccountRow, AccountRow.id == LeaseRow.account_id)
            .where(free, AccountRow.enabled.is_(True))
            .order_by(LeaseRow.expires_at, LeaseRow.account_id)
            .limit(limit)
        )
        expires = now + timedelta(seconds=ttl)
        claimed: list[Claimed] = []
        with self.db.session() as s:
            if self.db.engine.dialect.name == "postgresql":
                query = query.with_for_update(of=LeaseRow, skip_locked=True)
            for account_id, previous in s.execute(query).all():
                taken = bool(previous) and previous != holder
                # the condition again: on SQLite another worker may have claimed it since
                result = s.execute(
                    update(LeaseRow)
                    .where(LeaseRow.account_id == account_id, free)
                    .values(
                        holder=holder,
                        expires_at=expires,
                        takeovers=LeaseRow.takeovers + (1 if taken else 0),
                    )
                )
                if _changed_one(result):
                    claimed.append(Claimed(account_id, taken))
        return claimed

    def renew(self, holder: str, account_ids: list[int], ttl: float) -> set[int]:
        """Extend holder's unexpired leases of enabled accounts; return the ones still held."""
        if not account_ids:
            return set()
        now = utcnow()
        enabled = select(AccountRow.id).where(AccountRow.enabled.is_(True))
        with self.db.session() as s:
            rows = s.execute(
                update(LeaseRow)
                .where(
                    LeaseRow.account_id.in_(account_ids),
                    LeaseRow.holder == holder,
                    LeaseRow.expires_at >= now,
                    LeaseRow.account_id.in_(enabled),
                )
                .values(expires_at=now + timedelta(seconds=ttl))
                .returning(LeaseRow.account_id)
            )
            return set(rows.scalars())

    def release(self, holder: str, account_ids: list[int]) -> None:
        """Give up holder's leases, e.g. on a clean shutdown, so others take them at once."""
        if not account_ids:
            return
        with self.db.session() as s:
            s.execute(
                update(LeaseRow)
                .where(LeaseRow.account_id.in_(account_ids), LeaseRow.holder == holder)
                .values(holder="", expires_at=utcnow())
            )

    def holders(self) -> dict[int, str]:
        """Return {account id: holder} of the leases held and not lapsed."""
        with self.db.session() as s:
            query = select(LeaseRow.account_id, LeaseRow.holder).where(
                LeaseRow.holder != "", LeaseRow.expires_at >= utcnow()
            )
            return {a: h for a, h in s.execute(query)}
