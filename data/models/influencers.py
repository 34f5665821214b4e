"""Creator profiles: the influencer, their platform accounts, rates, audience and recent posts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.models.base import Base, Money, TimestampMixin, new_id


class Influencer(TimestampMixin, Base):
    __tablename__ = "influencers"
    __table_args__ = (
        Index("ix_influencers_org_followers", "org_id", "total_followers"),
        # The search snapshot asks "what changed since" per organization at most once a second per process.
        Index("ix_influencers_org_updated", "org_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    bio: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    # The creator's own gender and birth year (not their audience's); optional, as exports rarely carry them.
    gender: Mapped[str | None] = mapped_column(String(16))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    niches: Mapped[list[Any]] = mapped_column(default=list)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    past_brands: Mapped[list[Any]] = mapped_column(default=list)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # Derived from platform accounts on every write, stored so lists can filter and sort in SQL.
    total_followers: Mapped[int] = mapped_column(BigInteger, default=0)
    avg_engagement_rate: Mapped[float | None] = mapped_column(Float)

    platforms: Mapped[list[PlatformAccount]] = relationship(
        back_populates="influencer", cascade="all, delete-orphan", order_by="PlatformAccount.position"
    )
    rates: Mapped[list[InfluencerRate]] = relationship(
        back_populates="influencer", cascade="all, delete-orphan", order_by="InfluencerRate.deliverable"
    )
    audience: Mapped[AudienceProfile | None] = relationship(
        back_populates="influencer", cascade="all, delete-orphan", uselist=False
    )
    recent_posts: Mapped[list[RecentPost]] = relationship(
        back_populates="influencer", cascade="all, delete-orphan", order_by="RecentPost.position"
    )


class PlatformAccount(Base):
    """One account of a creator; (org, platform, handle) identifies a creator across imports."""

    __tablename__ = "platform_accounts"
    __table_args__ = (UniqueConstraint("org_id", "platform", "handle_key", name="uq_platform_accounts_handle"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    influencer_id: Mapped[str] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    platform: Mapped[str] = mapped_column(String(20))
    handle: Mapped[str] = mapped_column(String(200))
    handle_key: Mapped[str] = mapped_column(String(200))  # lower-cased handle, for case-insensitive identity
    followers: Mapped[int] = mapped_column(BigInteger)
    engagement_rate: Mapped[float | None] = mapped_column(Float)
    avg_views: Mapped[int | None] = mapped_column(BigInteger)
    # Interactions per post / average views × 100: the convention on video platforms (see data.engagement).
    engagement_rate_by_views: Mapped[float | None] = mapped_column(Float)

    influencer: Mapped[Influencer] = relationship(back_populates="platforms")


class InfluencerRate(Base):
    __tablename__ = "influencer_rates"
    __table_args__ = (UniqueConstraint("influencer_id", "deliverable"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    influencer_id: Mapped[str] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"), index=True)
    deliverable: Mapped[str] = mapped_column(String(20))
    amount_usd: Mapped[Decimal] = mapped_column(Money)

    influencer: Mapped[Influencer] = relationship(back_populates="rates")


class AudienceProfile(Base):
    __tablename__ = "audience_profiles"

    influencer_id: Mapped[str] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"), primary_key=True)
    female_pct: Mapped[float | None] = mapped_column(Float)
    male_pct: Mapped[float | None] = mapped_column(Float)
    age_13_17_pct: Mapped[float | None] = mapped_column(Float)
    age_18_24_pct: Mapped[float | None] = mapped_column(Float)
    age_25_34_pct: Mapped[float | None] = mapped_column(Float)
    age_35_44_pct: Mapped[float | None] = mapped_column(Float)
    age_45_plus_pct: Mapped[float | None] = mapped_column(Float)
    top_countries: Mapped[list[Any]] = mapped_column(default=list)

    influencer: Mapped[Influencer] = relationship(back_populates="audience")


class RecentPost(Base):
    __tablename__ = "recent_posts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    influencer_id: Mapped[str] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    platform: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime | None]
    likes: Mapped[int | None] = mapped_column(BigInteger)
    comments: Mapped[int | None] = mapped_column(BigInteger)
    url: Mapped[str | None] = mapped_column(String(2000))

    influencer: Mapped[Influencer] = relationship(back_populates="recent_posts")
