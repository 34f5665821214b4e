"""Campaigns, their members and the outreach emails sent to them; the suppression list."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, Money, TimestampMixin, new_id, utcnow


class Campaign(TimestampMixin, Base):
    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(200))
    brand_website: Mapped[str | None] = mapped_column(String(500))
    goals: Mapped[str | None] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(Text)
    budget_total_usd: Mapped[Decimal | None] = mapped_column(Money)
    deliverables: Mapped[list[Any]] = mapped_column(default=list)
    timeline: Mapped[str | None] = mapped_column(String(200))
    target_audience: Mapped[str | None] = mapped_column(Text)
    sender_name: Mapped[str | None] = mapped_column(String(200))
    sender_email: Mapped[str | None] = mapped_column(String(320))
    sender_postal_address: Mapped[str | None] = mapped_column(String(500))
    followups_max: Mapped[int] = mapped_column(Integer, default=2)
    followup_interval_days: Mapped[int] = mapped_column(Integer, default=3)
    call_attempts_max: Mapped[int | None] = mapped_column(Integer)
    """Dial attempts per voice call for this campaign (None: VOICE_MAX_CALL_ATTEMPTS)."""
    status: Mapped[str] = mapped_column(String(20), default="draft")


class CampaignMember(TimestampMixin, Base):
    """A creator in a campaign, with where outreach to them stands."""

    __tablename__ = "campaign_members"
    __table_args__ = (UniqueConstraint("campaign_id", "influencer_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    influencer_id: Mapped[str] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="added")
    last_error: Mapped[str | None] = mapped_column(Text)
    followups_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_followup_at: Mapped[datetime | None]


class OutreachEmail(Base):
    """Every email sent or due; `idempotency_key` makes each send happen at most once."""

    __tablename__ = "outreach_emails"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    influencer_id: Mapped[str | None] = mapped_column(ForeignKey("influencers.id", ondelete="SET NULL"), index=True)
    negotiation_id: Mapped[str | None] = mapped_column(ForeignKey("negotiations.id", ondelete="SET NULL"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # initial | followup | reply
    direction: Mapped[str] = mapped_column(String(10), default="out")  # out | in
    to_addr: Mapped[str] = mapped_column(String(320))
    from_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    subject_variant: Mapped[int | None] = mapped_column(Integer)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(300))
    references: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending sending sent failed bounced received
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    """When the mail server accepted the message (set only with status `sent`)."""
    claimed_at: Mapped[datetime | None]
    """When a sender last claimed the row (the lease: api.outreach.sending)."""


class Suppression(Base):
    """An address an organization must never email again (unsubscribe, bounce, manual)."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("org_id", "email"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
