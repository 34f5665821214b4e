"""Follower, view, like and comment counts as 64-bit integers

The schemas accept up to 10 billion followers (and unbounded views), but the columns were 32-bit INTEGER: on
PostgreSQL a creator summing past 2,147,483,647 followers, or a query asking for fewer than 10 billion, failed
with "integer out of range" (a 500). SQLite's INTEGER is 64-bit already, so only PostgreSQL is altered.

Revision ID: a9d4e2b7c183
Revises: f1c3a5e7b902
Create Date: 2026-12-04 22:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a9d4e2b7c183"
down_revision = "f1c3a5e7b902"
branch_labels = None
depends_on = None

COLUMNS = (("influencers", "total_followers"), ("platform_accounts", "followers"), ("platform_accounts", "avg_views"),
           ("recent_posts", "likes"), ("recent_posts", "comments"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
