"""The language a conversation is held in, on cases (docs/languages.md).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # zh | en | id | vi | th; every case opened before this change was a Chinese conversation.
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="zh"))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("language")
