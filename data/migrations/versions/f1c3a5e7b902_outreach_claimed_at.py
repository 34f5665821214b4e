"""outreach_emails.claimed_at: the sending lease gets a column of its own (sent_at no longer doubles as it)

Revision ID: f1c3a5e7b902
Revises: e3b8c6d2f5a1
Create Date: 2026-12-03 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import data.models

revision = "f1c3a5e7b902"
down_revision = "e3b8c6d2f5a1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outreach_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", data.models.UTCDateTime(timezone=True), nullable=True))
    # A row being sent held its claim time in sent_at: move it, so sent_at only ever means "accepted".
    op.execute("UPDATE outreach_emails SET claimed_at = sent_at, sent_at = NULL WHERE status = 'sending'")


def downgrade() -> None:
    op.execute("UPDATE outreach_emails SET sent_at = claimed_at WHERE status = 'sending'")
    with op.batch_alter_table("outreach_emails", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
