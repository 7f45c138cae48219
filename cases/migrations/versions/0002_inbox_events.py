"""Webhook inbox: LINE events and Telegram updates stored before their webhook is answered.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "inbox_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("event_key", sa.String(80), nullable=False),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _time("received_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("lease_until", True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        _time("done_at", True),
    )
    op.create_index("uq_inbox_channel_key", "inbox_events", ["channel", "event_key"], unique=True)
    op.create_index("ix_inbox_due", "inbox_events", ["status", "lease_until"])
    op.create_index("ix_inbox_finished", "inbox_events", ["status", "done_at"])


def downgrade() -> None:
    op.drop_table("inbox_events")
