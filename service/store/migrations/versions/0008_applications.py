"""Applications: each message's company, role and dates as the records read them; the user's moves.

Revision ID: 0008
Revises: 0007

messages.app_company/app_role are NULL for messages stored before this revision: the first
rebuild of the application records reads them from the stored raw message, once, and stores
them. app_dates (JSON: an offer's deadline, an interview's times) is read on the first rebuild
that needs it, once, for offers and interviews only. add_column (not batch_alter_table) keeps SQLite's search triggers of 0007 in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add messages.app_company, .app_role and .app_dates, and the application_moves table."""
    op.add_column("messages", sa.Column("app_company", sa.Text(), nullable=True))
    op.add_column("messages", sa.Column("app_role", sa.Text(), nullable=True))
    op.add_column("messages", sa.Column("app_dates", sa.Text(), nullable=True))
    op.create_table(
        "application_moves",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(998), nullable=False),
        sa.Column("anchor_id", sa.String(998), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_application_moves_message_id", "application_moves", ["message_id"])


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_table("application_moves")
    # plain DROP COLUMN (SQLite 3.35+): a batch copy of messages would drop 0007's triggers
    op.execute("ALTER TABLE messages DROP COLUMN app_dates")
    op.execute("ALTER TABLE messages DROP COLUMN app_role")
    op.execute("ALTER TABLE messages DROP COLUMN app_company")
