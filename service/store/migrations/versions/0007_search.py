"""Full-text search over messages (an FTS5 table kept by triggers on SQLite), drafts.send_at.

Revision ID: 0007
Revises: 0006

PostgreSQL needs no table: its search runs to_tsvector over the columns (store/messages.py).
A later batch_alter_table on messages copies the table on SQLite, which drops these triggers:
such a migration must create them again (create_triggers below).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = "subject, from_name, from_addr, company, role, text"
NEW = ", ".join(f"new.{c}" for c in COLUMNS.split(", "))
OLD = ", ".join(f"old.{c}" for c in COLUMNS.split(", "))


def create_triggers() -> None:
    """Create the triggers that keep messages_fts in step with messages."""
    op.execute(
        "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
        f"INSERT INTO messages_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END"
    )
    op.execute(
        "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
        f"INSERT INTO messages_fts(messages_fts, rowid, {COLUMNS}) "
        f"VALUES ('delete', old.id, {OLD}); END"
    )
    op.execute(
        f"CREATE TRIGGER messages_fts_update AFTER UPDATE OF {COLUMNS} ON messages BEGIN "
        f"INSERT INTO messages_fts(messages_fts, rowid, {COLUMNS}) "
        f"VALUES ('delete', old.id, {OLD}); "
        f"INSERT INTO messages_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END"
    )


def upgrade() -> None:
    """Add drafts.send_at (the undo window); create messages_fts and fill it on SQLite."""
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("send_at", sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        return
    # external content: the text lives once, in messages; diacritics folded so "Muller" finds "Müller"
    op.execute(
        f"CREATE VIRTUAL TABLE messages_fts USING fts5({COLUMNS}, content='messages', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    create_triggers()
    op.execute("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')")


def downgrade() -> None:
    """Drop messages_fts with its triggers, and drafts.send_at."""
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS messages_fts_{name}")
        op.execute("DROP TABLE IF EXISTS messages_fts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("send_at")
