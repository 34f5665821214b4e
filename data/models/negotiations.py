"""Negotiations with their messages, offers and deal-probability points."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.models.base import Base, Money, TimestampMixin, new_id, utcnow


class Negotiation(TimestampMixin, Base):
    __tablename__ = "negotiations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    influencer_id: Mapped[str | None] = mapped_column(ForeignKey("influencers.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="open")
    target_usd: Mapped[Decimal] = mapped_column(Money)
    max_usd: Mapped[Decimal] = mapped_column(Money)
    agreed_price_usd: Mapped[Decimal | None] = mapped_column(Money)
    deliverables: Mapped[list[Any]] = mapped_column(default=list)
    usage_rights: Mapped[str | None] = mapped_column(String(200))
    exclusivity: Mapped[str | None] = mapped_column(String(200))
    timeline: Mapped[str | None] = mapped_column(String(200))
    deal_probability: Mapped[float | None] = mapped_column(Float)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the agent's state between turns
    closed_at: Mapped[datetime | None]

    messages: Mapped[list[NegotiationMessage]] = relationship(
        back_populates="negotiation", cascade="all, delete-orphan", order_by="NegotiationMessage.seq"
    )
    offers: Mapped[list[Offer]] = relationship(cascade="all, delete-orphan", order_by="Offer.seq")
    probabilities: Mapped[list[DealProbabilityPoint]] = relationship(
        cascade="all, delete-orphan", order_by="DealProbabilityPoint.seq"
    )


class NegotiationMessage(Base):
    __tablename__ = "negotiation_messages"
    __table_args__ = (UniqueConstraint("negotiation_id", "dedupe_key"), UniqueConstraint("negotiation_id", "seq"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("negotiations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))  # agent | influencer
    channel: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(String(20))
    understood: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """On an agent message: what the policy decided and why (agent.negotiation.decision_record)."""
    dedupe_key: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    negotiation: Mapped[Negotiation] = relationship(back_populates="messages")


class Offer(Base):
    __tablename__ = "offers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("negotiations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    amount_usd: Mapped[Decimal] = mapped_column(Money)
    deliverables: Mapped[list[Any]] = mapped_column(default=list)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class DealProbabilityPoint(Base):
    __tablename__ = "deal_probabilities"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("negotiations.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(default=utcnow)
