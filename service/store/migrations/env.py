"""Alembic's environment: run migrations on the connection the store hands over."""

from __future__ import annotations

from alembic import context

from service.store import tables  # noqa: F401  (puts every table on Base.metadata)
from service.store.db import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters a table by copying it; batch mode does that for us
)
with context.begin_transaction():
    context.run_migrations()
