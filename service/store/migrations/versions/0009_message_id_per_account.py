"""Message-IDs unique per account; application moves belong to an account.

Revision ID: 0009
Revises: 0008

The same mail in two clients' mailboxes is stored once for each. The single user's messages
(account_id NULL) count as account 0 in the index, so they stay unique among themselves.
Indexes and add_column only: no batch_alter_table, which would drop SQLite's search triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Swap the unique index on messages.message_id for one on (account, Message-ID)."""
    op.create_index(
        "uq_messages_account_message_id",
        "messages",
        [sa.text("coalesce(account_id, 0)"), "message_id"],
        unique=True,
    )
    op.drop_index("ix_messages_message_id", table_name="messages")
    op.create_index("ix_messages_message_id", "messages", ["message_id"])
    op.add_column("application_moves", sa.Column("account_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Make Message-IDs unique across accounts again (fails while any repeats)."""
    op.drop_column("application_moves", "account_id")
    op.drop_index("ix_messages_message_id", table_name="messages")
    op.create_index("ix_messages_message_id", "messages", ["message_id"], unique=True)
    op.drop_index("uq_messages_account_message_id", table_name="messages")
