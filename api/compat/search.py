"""InfluAI's `POST /search?prompt=…&limit=…` answered from our discovery search (README "InfluAI compatibility").

The frontend calls `rate_inr.toLocaleString()` on every result and prints "<age> years, <gender>" and a colour
per category, so the fields it reads are never null: `rate_inr` is the creator's post rate in INR (FX table), or
the market estimate for their tier and platform when no rate is stored; `category` is the niche's display name;
`engagement` has two decimals; an unknown age or gender is "N/A".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from agent.negotiation.pricing import CreatorMetrics, market_rate
from data.fx import usd_per_unit
from data.influencers import tier_for

UNKNOWN = "N/A"
_CONTENT_TYPES = {"instagram": "Reels & Posts", "tiktok": "Short videos", "youtube": "Videos", "twitch": "Live streams",
                  "twitter": "Posts", "linkedin": "Posts", "facebook": "Posts & Videos", "snapchat": "Stories",
                  "pinterest": "Pins"}
_PLATFORM_NAMES = {"tiktok": "TikTok", "youtube": "YouTube", "linkedin": "LinkedIn"}
_GENDERS = {"female": "Female", "male": "Male", "nonbinary": "Non-binary"}


class SearchArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    limit: Annotated[int, Field(ge=1, le=100)] = 10


def filters_applied(parsed: dict[str, Any]) -> list[str]:
    """The constraints in words, the way the InfluAI UI lists them."""
    labels = []
    for key, value in parsed.items():
        if value in (None, [], {}) or (key == "sort" and value == "relevance"):
            continue
        if key == "locations":
            value = [", ".join(part for part in (loc.get("city"), loc.get("region"), loc.get("country")) if part)
                     for loc in value]
        labels.append(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    return labels


def category_label(slug: str) -> str:
    return slug.replace("_", " ").title()


def post_rate_usd(profile: dict[str, Any]) -> Decimal:
    """The stored post rate, else the market rate of a post for this creator's tier, platform and engagement."""
    stored = (profile.get("rates_usd") or {}).get("post")
    if stored is not None:
        return Decimal(str(stored))
    primary = max(profile["platforms"], key=lambda p: p["followers"]) if profile["platforms"] else None
    followers = primary["followers"] if primary else profile.get("total_followers")
    engagement = (primary or {}).get("engagement_rate") or profile.get("avg_engagement_rate")
    metrics = CreatorMetrics(platform=primary["platform"] if primary else "instagram", followers=followers,
                             engagement_rate=None if engagement is None else Decimal(str(engagement)),
                             tier=tier_for(followers or 0))
    return market_rate("post", metrics)


def rate_inr(profile: dict[str, Any]) -> int:
    return int((post_rate_usd(profile) / usd_per_unit("INR")).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def legacy_influencer(profile: dict[str, Any]) -> dict[str, Any]:
    primary = max(profile["platforms"], key=lambda p: p["followers"]) if profile["platforms"] else None
    platform = primary["platform"] if primary else None
    engagement = profile.get("avg_engagement_rate")
    return {
        "name": profile["name"],
        "category": category_label(profile["niches"][0]) if profile["niches"] else "General",
        "content_type": _CONTENT_TYPES.get(platform or "", "Posts"),
        "platform": _PLATFORM_NAMES.get(platform or "", (platform or "instagram").capitalize()),
        "followers": int(profile["total_followers"] or 0),
        "engagement": round(float(engagement), 2) if engagement is not None else 0.0,
        "rate_inr": rate_inr(profile),
        "age": profile.get("age") if profile.get("age") is not None else UNKNOWN,
        "gender": _GENDERS.get(profile.get("gender") or "", UNKNOWN),
        "contact": {"email": profile["email"], "phone": profile["phone"]},
    }


def legacy_results(prompt: str, found: dict[str, Any]) -> dict[str, Any]:
    people = [legacy_influencer(item["influencer"]) for item in found["results"]]
    return {"prompt": prompt, "interpreted_criteria": found["parsed"],
            "filters_applied": filters_applied(found["parsed"]),
            "total_matches": found["total_matches"], "results_returned": len(people), "influencers": people}
