"""Consultation sessions and bookings; occupational-injury follow-up check-ins.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


BOOKED_ONLY = sa.text("status = 'booked'")


def upgrade() -> None:
    op.create_table(
        "consultation_schedules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("lawyer", sa.String(100), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True),
        _time("created_at"),
    )
    op.create_table(
        "consultation_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("schedule_id", sa.Integer(), sa.ForeignKey("consultation_schedules.id", ondelete="SET NULL"),
                  nullable=True),
        _time("starts_at"),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("lawyer", sa.String(100), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False, server_default="0"),
        _time("cancelled_at", True),
        sa.UniqueConstraint("schedule_id", "starts_at", name="uq_consultation_sessions_schedule_start"),
    )
    op.create_index("ix_consultation_sessions_starts_at", "consultation_sessions", ["starts_at"])
    op.create_table(
        "consultation_bookings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("consultation_sessions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reminder_id", sa.Integer(), sa.ForeignKey("outbox.id", ondelete="SET NULL"), nullable=True),
        _time("created_at"),
        _time("updated_at"),
    )
    op.create_index("ix_consultation_bookings_session", "consultation_bookings", ["session_id"])
    op.create_index("ix_consultation_bookings_case", "consultation_bookings", ["case_id"])
    # A person holds at most one live booking (moving it is cancel + book in one transaction).
    op.create_index("uq_consultation_bookings_sender", "consultation_bookings", ["sender"], unique=True,
                    sqlite_where=BOOKED_ONLY, postgresql_where=BOOKED_ONLY)
    op.create_table(
        "injury_checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        _time("due_at"),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id", ondelete="SET NULL"), nullable=True),
        sa.Column("answer", sa.String(32), nullable=True),
        _time("answered_at", True),
        sa.Column("needs_visit", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.UniqueConstraint("case_id", "step", name="uq_injury_checkins_case_step"),
    )
    op.create_index("ix_injury_checkins_case", "injury_checkins", ["case_id"])


def downgrade() -> None:
    op.drop_table("injury_checkins")
    op.drop_table("consultation_bookings")
    op.drop_table("consultation_sessions")
    op.drop_table("consultation_schedules")
