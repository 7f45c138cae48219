"""Button payloads too long for LINE postback data / Telegram callback_data, by short id.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "button_payloads",
        sa.Column("key", sa.String(24), primary_key=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_button_payloads_created_at", "button_payloads", ["created_at"])


def downgrade() -> None:
    op.drop_table("button_payloads")
