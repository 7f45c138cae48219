"""Initial schema: staff users, console sessions, cases with their messages and notes, outbox,
pending messages of the pull channels.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

OPEN_ONLY = sa.text("status != 'closed'")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _time("created_at"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("channel_user", sa.String(128), nullable=False),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(200), nullable=True),
        _time("consent_at", True),
        _time("created_at"),
        _time("updated_at"),
        sa.Column("assigned_to", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL")),
        _time("assigned_at", True),
        _time("user_acked_at", True),
        _time("closed_at", True),
        sa.Column("closed_by", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL")),
        _time("survey_sent_at", True),
        sa.Column("rating", sa.Integer(), nullable=True),
        _time("rated_at", True),
    )
    op.create_index("ix_cases_sender", "cases", ["sender"])
    op.create_index("ix_cases_status_created", "cases", ["status", "created_at"])
    op.create_index("uq_cases_open_sender", "cases", ["sender"], unique=True,
                    sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY)
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="CASCADE"),
                  nullable=False),
        _time("created_at"),
        _time("expires_at"),
    )
    op.create_index("ix_console_sessions_user_id", "console_sessions", ["user_id"])
    op.create_index("ix_console_sessions_expires_at", "console_sessions", ["expires_at"])
    op.create_table(
        "case_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("part", sa.String(16), nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL")),
        sa.Column("text", sa.Text(), nullable=False),
        _time("created_at"),
    )
    op.create_index("ix_case_messages_case_id", "case_messages", ["case_id"])
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL")),
        sa.Column("text", sa.Text(), nullable=False),
        _time("created_at"),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE")),
        sa.Column("destination", sa.String(16), nullable=False),
        sa.Column("address", sa.String(160), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(36), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("next_attempt_at"),
        _time("lease_until", True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        _time("created_at"),
        _time("sent_at", True),
    )
    op.create_index("ix_outbox_case_id", "outbox", ["case_id"])
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "pending_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE")),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        _time("created_at"),
        _time("fetched_at", True),
    )
    op.create_index("ix_pending_messages_case_id", "pending_messages", ["case_id"])
    op.create_index("ix_pending_sender", "pending_messages", ["sender", "fetched_at"])


def downgrade() -> None:
    for table in ("pending_messages", "outbox", "case_notes", "case_messages", "console_sessions", "cases",
                  "staff_users"):
        op.drop_table(table)
