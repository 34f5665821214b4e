"""Stored rows → the JSON shapes of README "Influencers" (influencers) and §5 (campaigns)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from data.engagement import engagement_basis
from data.influencers import tier_for
from data.models import Campaign, Influencer
from data.types import DELIVERABLES, money_json


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def age_from_birth_year(birth_year: int | None, today: datetime | None = None) -> int | None:
    """Age this year (the birthday is unknown, so it may run one year ahead until then)."""
    if birth_year is None:
        return None
    return (today or datetime.now(UTC)).year - birth_year


def influencer_to_dict(inf: Influencer) -> dict[str, Any]:
    rates = {r.deliverable: money_json(r.amount_usd) for r in inf.rates}
    audience = None
    if inf.audience is not None:
        a = inf.audience
        audience = {
            key: getattr(a, key)
            for key in (
                "female_pct", "male_pct", "age_13_17_pct", "age_18_24_pct", "age_25_34_pct", "age_35_44_pct",
                "age_45_plus_pct",
            )
            if getattr(a, key) is not None
        }
        audience["top_countries"] = list(a.top_countries or [])
    return {
        "id": inf.id,
        "name": inf.name,
        "handle": inf.handle,
        "email": inf.email,
        "phone": inf.phone,
        "bio": inf.bio,
        "location": {"city": inf.city, "region": inf.region, "country": inf.country},
        "gender": inf.gender,
        "birth_year": inf.birth_year,
        "age": age_from_birth_year(inf.birth_year),
        "languages": list(inf.languages or []),
        "niches": list(inf.niches or []),
        "topics": list(inf.topics or []),
        "platforms": [
            {
                "platform": p.platform,
                "handle": p.handle,
                "followers": p.followers,
                "engagement_rate": _pct(p.engagement_rate),
                "avg_views": p.avg_views,
                "engagement_rate_by_views": _pct(p.engagement_rate_by_views),
                "engagement_basis": engagement_basis(p.platform, p.engagement_rate_by_views),
            }
            for p in inf.platforms
        ],
        "rates_usd": {d: rates.get(d) for d in DELIVERABLES},
        "past_brands": list(inf.past_brands or []),
        "audience": audience,
        "recent_posts": [
            {
                "platform": post.platform,
                "text": post.text,
                "posted_at": iso(post.posted_at),
                "likes": post.likes,
                "comments": post.comments,
                "url": post.url,
            }
            for post in inf.recent_posts
        ],
        "verified": bool(inf.verified),
        "total_followers": inf.total_followers,
        "avg_engagement_rate": _pct(inf.avg_engagement_rate),
        "tier": tier_for(inf.total_followers),
        "created_at": iso(inf.created_at),
        "updated_at": iso(inf.updated_at),
    }


def campaign_to_dict(c: Campaign) -> dict[str, Any]:
    sender = None
    if c.sender_email:
        sender = {"name": c.sender_name, "email": c.sender_email, "postal_address": c.sender_postal_address}
    return {
        "id": c.id,
        "name": c.name,
        "brand": c.brand,
        "brand_website": c.brand_website,
        "goals": c.goals,
        "product": c.product,
        "budget_total_usd": None if c.budget_total_usd is None else money_json(c.budget_total_usd),
        "deliverables": list(c.deliverables or []),
        "timeline": c.timeline,
        "target_audience": c.target_audience,
        "sender": sender,
        "followups_max": c.followups_max,
        "followup_interval_days": c.followup_interval_days,
        "call_attempts_max": c.call_attempts_max,
        "status": c.status,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
    }
