"""calls: voice calls placed for negotiations (status, provider conversation id, attempts, transcript)

Revision ID: d7e4a2c9b1f3
Revises: c5d2e8f41a07
Create Date: 2026-12-02 08:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import data.models

revision = "d7e4a2c9b1f3"
down_revision = "c5d2e8f41a07"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("negotiation_id", sa.String(length=32), nullable=False),
        sa.Column("influencer_id", sa.String(length=32), nullable=True),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("to_number", sa.String(length=20), nullable=True),
        sa.Column("conversation_id", sa.String(length=200), nullable=True),
        sa.Column("provider_call_id", sa.String(length=200), nullable=True),
        sa.Column("persona", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", data.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("dialing_at", data.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", data.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", data.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("transcript_received_at", data.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", data.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", data.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_calls_org_id_organizations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["negotiation_id"], ["negotiations.id"],
                                name=op.f("fk_calls_negotiation_id_negotiations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["influencer_id"], ["influencers.id"],
                                name=op.f("fk_calls_influencer_id_influencers"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_calls_conversation_id")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_negotiation_id"), ["negotiation_id"], unique=False)
        batch_op.create_index("ix_calls_org_negotiation", ["org_id", "negotiation_id", "created_at"], unique=False)
        batch_op.create_index("ix_calls_status_not_before", ["status", "not_before"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_status_not_before")
        batch_op.drop_index("ix_calls_org_negotiation")
        batch_op.drop_index(batch_op.f("ix_calls_negotiation_id"))
        batch_op.drop_index(batch_op.f("ix_calls_org_id"))
    op.drop_table("calls")
