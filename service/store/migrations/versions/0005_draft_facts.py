"""Drafts record when to send them and the decline reason they give; messages keep their To header.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add drafts.suggested_send_after and .decline_reason, and messages.to."""
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("suggested_send_after", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("decline_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("to", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    """Drop the columns upgrade added."""
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("to")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("decline_reason")
        batch.drop_column("suggested_send_after")
