"""Store each message's new text (without its quoted thread), so later stages never re-parse.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add messages.new_text, filled from each stored raw message (its text when unreadable)."""
    from classifier.parse import ParseError, parse_message

    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("new_text", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    messages = sa.table("messages", sa.column("id"), sa.column("raw"), sa.column("text"))
    for pk, raw, text in conn.execute(sa.select(messages.c.id, messages.c.raw, messages.c.text)):
        try:
            new_text = parse_message(raw).new_text if raw else text
        except ParseError:
            new_text = text
        conn.execute(
            sa.text("UPDATE messages SET new_text = :t WHERE id = :i"), {"t": new_text, "i": pk}
        )


def downgrade() -> None:
    """Drop messages.new_text."""
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("new_text")
