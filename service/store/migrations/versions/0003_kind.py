"""Store each message's kind (acknowledgement, interview, ..., outcome) beside its label.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add messages.kind; rows from before get `outcome` when actionable, else '' (not known)."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default=""))
    op.execute("UPDATE messages SET kind = 'outcome' WHERE label != 'other'")


def downgrade() -> None:
    """Drop messages.kind."""
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("kind")
