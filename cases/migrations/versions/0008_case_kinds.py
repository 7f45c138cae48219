"""Case kinds (question handoff, mediation, booking, injury): one open case per conversation and kind;
mediation applications (cases/mediation_models.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


OPEN_ONLY = sa.text("status != 'closed'")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="question"))
    op.drop_index("uq_cases_open_sender", table_name="cases")
    op.create_index("uq_cases_open_sender_kind", "cases", ["sender", "kind"], unique=True,
                    sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY)
    op.create_table(
        "mediation_applications",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.Column("updated_by", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"),
                  nullable=True),
    )


def downgrade() -> None:
    op.drop_table("mediation_applications")
    op.drop_index("uq_cases_open_sender_kind", table_name="cases")
    op.create_index("uq_cases_open_sender", "cases", ["sender"], unique=True,
                    sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY)
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("kind")
