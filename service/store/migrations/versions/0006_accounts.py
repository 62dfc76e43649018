"""Many mailboxes: accounts with encrypted credentials, worker leases, per-account checkpoints.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add accounts, leases, account_checkpoints and messages.account_id."""
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("imap_host", sa.String(255), nullable=False),
        sa.Column("imap_port", sa.Integer(), nullable=False),
        sa.Column("imap_user", sa.String(255), nullable=False),
        sa.Column("imap_tls", sa.String(16), nullable=False),
        sa.Column("imap_password", sa.LargeBinary(), nullable=False),
        sa.Column("smtp_host", sa.String(255), nullable=False),
        sa.Column("smtp_port", sa.Integer(), nullable=False),
        sa.Column("smtp_user", sa.String(255), nullable=False),
        sa.Column("smtp_tls", sa.String(16), nullable=False),
        sa.Column("smtp_password", sa.LargeBinary(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "leases",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("holder", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("takeovers", sa.Integer(), nullable=False),
    )
    op.create_table(
        "account_checkpoints",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("folder", sa.String(255), primary_key=True),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch.create_index("ix_messages_account_id", ["account_id"])


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ix_messages_account_id")
        batch.drop_column("account_id")
    op.drop_table("account_checkpoints")
    op.drop_table("leases")
    op.drop_table("accounts")
