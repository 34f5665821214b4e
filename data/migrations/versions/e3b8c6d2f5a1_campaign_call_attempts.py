"""campaigns.call_attempts_max: dial attempts per voice call, per campaign (null: VOICE_MAX_CALL_ATTEMPTS)

Revision ID: e3b8c6d2f5a1
Revises: e8a1f3b2c4d6
Create Date: 2026-12-02 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e3b8c6d2f5a1"
down_revision = "e8a1f3b2c4d6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("call_attempts_max", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("call_attempts_max")
