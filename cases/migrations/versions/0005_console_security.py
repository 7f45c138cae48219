"""Console security: failed-login counters and lockouts, used login-form nonces, the audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "console_login_throttle",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        _time("last_failure_at"),
        _time("locked_until", True),
    )
    op.create_table(
        "console_login_nonces",
        sa.Column("nonce", sa.String(64), primary_key=True),
        _time("used_at"),
    )
    op.create_index("ix_console_login_nonces_used_at", "console_login_nonces", ["used_at"])
    op.create_table(
        "console_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        _time("at"),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_console_audit_at", "console_audit", ["at"])
    op.create_index("ix_console_audit_case", "console_audit", ["case_id", "id"])
    op.create_index("ix_console_audit_account", "console_audit", ["account", "id"])


def downgrade() -> None:
    op.drop_table("console_audit")
    op.drop_table("console_login_nonces")
    op.drop_table("console_login_throttle")
