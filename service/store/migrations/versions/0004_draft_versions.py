"""Draft versions and send bookkeeping: edits are never overwritten, an interrupted send is settled.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add drafts.version, .claimed_by and .data_at, and the draft_versions table."""
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("claimed_by", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("data_at", sa.DateTime(), nullable=True))
    op.create_table(
        "draft_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_pk", sa.Integer(), sa.ForeignKey("drafts.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        *(sa.Column(n, sa.Text(), nullable=False) for n in ("to", "subject", "body")),
        sa.Column("followup_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_draft_versions_draft_pk", "draft_versions", ["draft_pk"])


def downgrade() -> None:
    """Drop the draft_versions table and the three drafts columns."""
    op.drop_index("ix_draft_versions_draft_pk", "draft_versions")
    op.drop_table("draft_versions")
    with op.batch_alter_table("drafts") as batch:
        for name in ("data_at", "claimed_by", "version"):
            batch.drop_column(name)
