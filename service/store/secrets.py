"""The web page's secrets (password and token hashes) and its logged-in sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from service.store.db import Database, utcnow
from service.store.tables import SecretRow, WebSessionRow


class Secrets:
    """Reads and writes secrets and sessions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, name: str) -> str | None:
        """Return a stored secret, or None."""
        with self.db.session() as s:
            row = s.get(SecretRow, name)
            return row.value if row else None

    def set(self, name: str, value: str) -> None:
        """Store or replace a secret."""
        with self.db.session() as s:
            row = s.get(SecretRow, name)
            if row is None:
                s.add(SecretRow(name=name, value=value))
            else:
                row.value = value

    def add_session(self, token_hash: str, expires_at: datetime) -> None:
        """Record a logged-in browser."""
        with self.db.session() as s:
            s.add(WebSessionRow(token_hash=token_hash, expires_at=expires_at))

    def has_session(self, token_hash: str) -> bool:
        """Return True when this session exists and has not expired."""
        with self.db.session() as s:
            row = s.get(WebSessionRow, token_hash)
            return row is not None and row.expires_at > utcnow()

    def drop_session(self, token_hash: str) -> None:
        """Forget a session (log out)."""
        with self.db.session() as s:
            s.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))
