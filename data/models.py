"""SQLAlchemy 2.0 typed models: the single source of truth for every stored fact.

Every tenant-owned row carries `org_id`; queries always filter by it (see api/tenancy). Money columns
are Numeric (Decimal in Python). JSON columns hold small lists and documents that are read whole.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2)


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# ---------------------------------------------------------------- tenants and keys


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """Only a SHA-256 hash of the key is stored; the key itself is shown once when created."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship()


# ---------------------------------------------------------------- influencers


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
    languages: Mapped[list[Any]] = mapped_column(default=list)
    niches: Mapped[list[Any]] = mapped_column(default=list)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    past_brands: Mapped[list[Any]] = mapped_column(default=list)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # Derived from platform accounts on every write, stored so lists can filter and sort in SQL.
    total_followers: Mapped[int] = mapped_column(Integer, default=0)
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
    followers: Mapped[int] = mapped_column(Integer)
    engagement_rate: Mapped[float | None] = mapped_column(Float)
    avg_views: Mapped[int | None] = mapped_column(Integer)

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
    likes: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(String(2000))

    influencer: Mapped[Influencer] = relationship(back_populates="recent_posts")


# ---------------------------------------------------------------- campaigns and outreach


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
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent | failed | bounced | received
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Suppression(Base):
    """An address an organization must never email again (unsubscribe, bounce, manual)."""

    __tablename__ = "suppressions"
    __table_args__ = (UniqueConstraint("org_id", "email"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---------------------------------------------------------------- negotiations


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


# ---------------------------------------------------------------- discovery sessions


class SearchSession(TimestampMixin, Base):
    __tablename__ = "search_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    parsed: Mapped[dict[str, Any]] = mapped_column(default=dict)
    queries: Mapped[list[Any]] = mapped_column(default=list)


# ---------------------------------------------------------------- jobs, idempotency, audit


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class JobPayload(Base):
    """An uploaded file waiting for its job, kept in SQL so any worker can read it."""

    __tablename__ = "job_payloads"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("org_id", "key", "endpoint"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    api_key_id: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(32))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)
