"""profile_vectors: embeddings in SQL, read by every process's search snapshot (issue 10)

Existing profiles have no row here until they are re-embedded: run `python -m api reindex` after
upgrading (`make run` does it for the demo organization).

Revision ID: e8a1f3b2c4d6
Revises: e4b8c1d2f306
Create Date: 2026-12-02 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import data.models

revision = "e8a1f3b2c4d6"
down_revision = "e4b8c1d2f306"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile_vectors",
        sa.Column("influencer_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("source_stamp", sa.Float(), nullable=False),
        sa.Column("written_at", data.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["influencer_id"], ["influencers.id"],
                                name=op.f("fk_profile_vectors_influencer_id_influencers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"],
                                name=op.f("fk_profile_vectors_org_id_organizations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("influencer_id", name=op.f("pk_profile_vectors")),
    )
    op.create_index(op.f("ix_profile_vectors_org_id"), "profile_vectors", ["org_id"], unique=False)
    op.create_index(op.f("ix_profile_vectors_written_at"), "profile_vectors", ["written_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_profile_vectors_written_at"), table_name="profile_vectors")
    op.drop_index(op.f("ix_profile_vectors_org_id"), table_name="profile_vectors")
    op.drop_table("profile_vectors")
