"""replay: the decision behind each agent message, evaluators' turn annotations, replays run as jobs

Revision ID: e4b8c1d2f306
Revises: d7e4a2c9b1f3
Create Date: 2026-12-02 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import data.models

revision = "e4b8c1d2f306"
down_revision = "d7e4a2c9b1f3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("negotiation_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.JSON(), nullable=True))
    op.create_table(
        "turn_annotations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("negotiation_id", sa.String(length=32), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("api_key_id", sa.String(length=32), nullable=True),
        sa.Column("at", data.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"],
                                name=op.f("fk_turn_annotations_org_id_organizations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["negotiation_id"], ["negotiations.id"],
                                name=op.f("fk_turn_annotations_negotiation_id_negotiations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_annotations")),
    )
    with op.batch_alter_table("turn_annotations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_turn_annotations_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_turn_annotations_negotiation_turn", ["negotiation_id", "turn"], unique=False)
    op.create_table(
        "replays",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", data.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", data.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_replays_org_id_organizations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_replays_job_id_jobs"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replays")),
    )
    with op.batch_alter_table("replays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replays_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("replays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replays_org_id"))
    op.drop_table("replays")
    with op.batch_alter_table("turn_annotations", schema=None) as batch_op:
        batch_op.drop_index("ix_turn_annotations_negotiation_turn")
        batch_op.drop_index(batch_op.f("ix_turn_annotations_org_id"))
    op.drop_table("turn_annotations")
    with op.batch_alter_table("negotiation_messages", schema=None) as batch_op:
        batch_op.drop_column("decision")
