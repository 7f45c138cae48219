"""Service figures: one row per handled message (no text), and the questions the bot could not answer
(masked text) for the curation queue.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "message_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        _time("at"),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("conversation", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("intent", sa.String(64), nullable=False),
        sa.Column("entry_id", sa.String(80), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
    )
    op.create_index("ix_message_events_at", "message_events", ["at"])
    op.create_index("ix_message_events_kind_at", "message_events", ["kind", "at"])
    op.create_table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _time("at"),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("conversation", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("offered", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _time("handled_at", True),
        sa.Column("handled_by", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("entry_id", sa.String(80), nullable=True),
    )
    op.create_index("ix_unanswered_questions_status_at", "unanswered_questions", ["status", "at"])


def downgrade() -> None:
    op.drop_table("unanswered_questions")
    op.drop_table("message_events")
