"""Curation: example questions attached to entries and entry drafts written in the console.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _staff(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True)


def upgrade() -> None:
    op.create_table(
        "kb_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("source_questions", sa.JSON(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        _staff("created_by"),
        _time("reviewed_at", True),
        _staff("reviewed_by"),
        _time("exported_at", True),
    )
    op.create_index("ix_kb_drafts_entry_id", "kb_drafts", ["entry_id"], unique=True)
    op.create_index("ix_kb_drafts_status_updated", "kb_drafts", ["status", "updated_at"])
    op.create_table(
        "kb_example_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("question_id", sa.Integer(),
                  sa.ForeignKey("unanswered_questions.id", ondelete="SET NULL"), nullable=True),
        _time("created_at"),
        _staff("created_by"),
        _time("exported_at", True),
    )
    op.create_index("ix_kb_example_questions_entry_id", "kb_example_questions", ["entry_id"])


def downgrade() -> None:
    op.drop_table("kb_example_questions")
    op.drop_table("kb_drafts")
