"""compat_links: race-free names the legacy InfluAI routes use for conversations, campaigns and first contacts

Revision ID: c5d2e8f41a07
Revises: b3c1f0a9e215
Create Date: 2026-12-02 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import data.models

revision = "c5d2e8f41a07"
down_revision = "b3c1f0a9e215"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compat_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("target_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", data.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", data.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_compat_links_org_id_organizations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compat_links")),
        sa.UniqueConstraint("org_id", "key", name=op.f("uq_compat_links_org_id_key")),
    )
    with op.batch_alter_table("compat_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compat_links_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("compat_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compat_links_org_id"))
    op.drop_table("compat_links")
