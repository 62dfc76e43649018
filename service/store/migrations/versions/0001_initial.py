"""The schema of release 0.1.0, which made its tables with create_all.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False)


def upgrade() -> None:
    """Create the six tables of 0.1.0."""
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(998), nullable=False),
        sa.Column("folder", sa.String(255), nullable=False),
        sa.Column("uid", sa.Integer(), nullable=True),
        *(_text(n) for n in ("source", "subject", "from_name", "from_addr", "reply_to")),
        *(_text(n) for n in ("references", "date", "text", "html")),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        *(_text(n) for n in ("contact_name", "company", "role")),
        sa.Column("language", sa.String(8), nullable=False),
        _text("error"),
        sa.Column("mailbox_labelled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_messages_label", "messages", ["label"])
    op.create_index("ix_messages_message_id", "messages", ["message_id"], unique=True)
    op.create_table(
        "checkpoints",
        sa.Column("folder", sa.String(255), primary_key=True),
        sa.Column("uidvalidity", sa.Integer(), nullable=False),
        sa.Column("last_uid", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "secrets",
        sa.Column("name", sa.String(64), primary_key=True),
        _text("value"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_pk", sa.Integer(), sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        *(_text(n) for n in ("to", "subject", "body")),
        sa.Column("language", sa.String(8), nullable=False),
        *(_text(n) for n in ("in_reply_to", "references", "note")),
        sa.Column("followup_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        *(_text(n) for n in ("error", "sent_message_id")),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_drafts_status", "drafts", ["status"])
    op.create_index("ix_drafts_message_pk", "drafts", ["message_pk"])
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_pk", sa.Integer(), sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("old_label", sa.String(16), nullable=False),
        sa.Column("new_label", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_corrections_message_pk", "corrections", ["message_pk"])


def downgrade() -> None:
    """Drop every table."""
    for table in ("corrections", "drafts", "web_sessions", "secrets", "checkpoints", "messages"):
        op.drop_table(table)
