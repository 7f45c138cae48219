"""Delivery state: what the bot answered to an inbox event (so a retry re-sends it instead of asking Rasa
again) and how much of it went out; which outbox row carries a staff reply of a case thread (so the
console shows sent / waiting / failed).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_events") as batch:
        batch.add_column(sa.Column("reply", sa.Text(), nullable=True))
        batch.add_column(sa.Column("delivered", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("case_messages") as batch:
        batch.add_column(sa.Column("outbox_id", sa.Integer(), nullable=True))
        batch.create_index("ix_case_messages_outbox_id", ["outbox_id"])
        batch.create_foreign_key("fk_case_messages_outbox_id", "outbox", ["outbox_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("case_messages") as batch:
        batch.drop_constraint("fk_case_messages_outbox_id", type_="foreignkey")
        batch.drop_index("ix_case_messages_outbox_id")
        batch.drop_column("outbox_id")
    with op.batch_alter_table("inbox_events") as batch:
        batch.drop_column("delivered")
        batch.drop_column("reply")
