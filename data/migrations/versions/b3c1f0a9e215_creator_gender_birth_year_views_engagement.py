"""creator gender and birth year; engagement rate by views on platform accounts

Revision ID: b3c1f0a9e215
Revises: 7692d7751fe0
Create Date: 2026-12-02 08:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b3c1f0a9e215"
down_revision = "7692d7751fe0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("influencers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gender", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
    with op.batch_alter_table("platform_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("engagement_rate_by_views", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("platform_accounts", schema=None) as batch_op:
        batch_op.drop_column("engagement_rate_by_views")
    with op.batch_alter_table("influencers", schema=None) as batch_op:
        batch_op.drop_column("birth_year")
        batch_op.drop_column("gender")
