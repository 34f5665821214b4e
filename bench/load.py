"""Bulk-load generated profiles into SQL with SQLAlchemy Core (the ORM path is far too slow for 100k rows)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert

from data.models import AudienceProfile, Influencer, InfluencerRate, Organization, PlatformAccount, RecentPost, new_id
from data.schemas import InfluencerIn
from data.types import DELIVERABLES

_BATCH = 2_000


def ensure_org(engine: Engine, name: str) -> str:
    org_id = new_id()
    with engine.begin() as conn:
        conn.execute(insert(Organization.__table__).values(id=org_id, name=name, created_at=datetime.now(UTC)))
    return org_id


def _derived(accounts: list[dict[str, Any]]) -> tuple[int, float | None]:
    total = sum(a["followers"] for a in accounts)
    rated = [a for a in accounts if a.get("engagement_rate") is not None]
    if not rated:
        return total, None
    weight = sum(a["followers"] for a in rated)
    if weight:
        return total, round(sum(a["engagement_rate"] * a["followers"] for a in rated) / weight, 4)
    return total, round(sum(a["engagement_rate"] for a in rated) / len(rated), 4)


def profile_rows(org_id: str, profile: dict[str, Any], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The table rows of one profile (validated through InfluencerIn, as every write path does)."""
    p = InfluencerIn.model_validate(profile).model_dump()
    inf_id = new_id()
    total, avg_er = _derived(p["platforms"])
    loc = p.get("location") or {}
    out: dict[str, list[dict[str, Any]]] = {"inf": [], "acc": [], "rate": [], "aud": [], "post": []}
    out["inf"].append(
        {
            "id": inf_id,
            "org_id": org_id,
            "name": p["name"],
            "handle": p.get("handle"),
            "email": p.get("email"),
            "phone": p.get("phone"),
            "bio": p.get("bio"),
            "city": loc.get("city"),
            "region": loc.get("region"),
            "country": loc.get("country"),
            "languages": p["languages"],
            "niches": p["niches"],
            "topics": p["topics"],
            "past_brands": p["past_brands"],
            "verified": p["verified"],
            "total_followers": total,
            "avg_engagement_rate": avg_er,
            "created_at": now,
            "updated_at": now,
        }
    )
    for i, acc in enumerate(p["platforms"]):
        out["acc"].append(
            {
                "id": new_id(),
                "org_id": org_id,
                "influencer_id": inf_id,
                "position": i,
                "platform": acc["platform"],
                "handle": acc["handle"],
                "handle_key": acc["handle"].lower(),
                "followers": acc["followers"],
                "engagement_rate": acc.get("engagement_rate"),
                "avg_views": acc.get("avg_views"),
            }
        )
    for deliverable in DELIVERABLES:
        amount = (p.get("rates_usd") or {}).get(deliverable)
        if amount is not None:
            out["rate"].append(
                {"id": new_id(), "influencer_id": inf_id, "deliverable": deliverable, "amount_usd": amount}
            )
    if p.get("audience"):
        out["aud"].append({"influencer_id": inf_id, **p["audience"]})
    for i, post in enumerate(p["recent_posts"]):
        out["post"].append({"id": new_id(), "influencer_id": inf_id, "position": i, **post})
    return out


def bulk_insert(engine: Engine, org_id: str, profiles: Iterable[dict[str, Any]]) -> list[str]:
    """Insert profiles in batches; returns the new influencer ids in input order."""
    tables = {
        "inf": Influencer.__table__,
        "acc": PlatformAccount.__table__,
        "rate": InfluencerRate.__table__,
        "aud": AudienceProfile.__table__,
        "post": RecentPost.__table__,
    }
    ids: list[str] = []
    pending: dict[str, list[dict[str, Any]]] = {k: [] for k in tables}
    now = datetime.now(UTC)

    def flush() -> None:
        with engine.begin() as conn:
            for key, table in tables.items():
                if pending[key]:
                    conn.execute(insert(table), pending[key])
                    pending[key] = []

    for count, profile in enumerate(profiles, 1):
        rows = profile_rows(org_id, profile, now)
        ids.append(rows["inf"][0]["id"])
        for key, values in rows.items():
            pending[key].extend(values)
        if count % _BATCH == 0:
            flush()
    flush()
    return ids
