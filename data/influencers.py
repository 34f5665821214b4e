"""Writing influencer profiles: create, update (full or partial) and upsert by (platform, handle).

Derived columns (total followers, average engagement) are recomputed on every write so they never drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from data.engagement import stated_rate
from data.models import AudienceProfile, Influencer, InfluencerRate, PlatformAccount, RecentPost, utcnow
from data.schemas import InfluencerFields, InfluencerIn
from data.settings import get_settings
from data.types import DELIVERABLES

_DEFAULT_TIERS = (10_000, 100_000, 1_000_000)
TIER_NAMES = ("nano", "micro", "macro", "mega")


def tier_thresholds() -> tuple[int, int, int]:
    """`TIER_THRESHOLDS="10000,100000,1000000"`: lower bounds of micro, macro and mega."""
    raw = get_settings().tier_thresholds
    if not raw.strip():
        return _DEFAULT_TIERS
    parts = tuple(int(p) for p in raw.split(","))
    if len(parts) != 3 or not parts[0] < parts[1] < parts[2]:
        raise ValueError("TIER_THRESHOLDS must be three increasing integers, e.g. 10000,100000,1000000")
    return parts  # type: ignore[return-value]


def tier_for(followers: int) -> str:
    micro, macro, mega = tier_thresholds()
    if followers < micro:
        return "nano"
    if followers < macro:
        return "micro"
    if followers < mega:
        return "macro"
    return "mega"


@contextmanager
def object_session_no_autoflush(obj: object) -> Iterator[None]:
    session = object_session(obj)
    if session is None:
        yield
        return
    with session.no_autoflush:
        yield


def eager_options() -> list[Any]:
    return [
        selectinload(Influencer.platforms),
        selectinload(Influencer.rates),
        selectinload(Influencer.audience),
        selectinload(Influencer.recent_posts),
    ]


def _recompute_derived(inf: Influencer) -> None:
    """Total followers, and the follower-weighted average of each account's rate by its platform's convention."""
    total = sum(p.followers for p in inf.platforms)
    inf.total_followers = total
    rated = [
        (rate, p.followers)
        for p in inf.platforms
        if (rate := stated_rate(p.platform, p.engagement_rate, p.engagement_rate_by_views)) is not None
    ]
    weight = sum(f for _, f in rated)
    if not rated:
        inf.avg_engagement_rate = None
    elif weight:
        inf.avg_engagement_rate = round(sum(r * f for r, f in rated) / weight, 4)
    else:
        inf.avg_engagement_rate = round(sum(r for r, _ in rated) / len(rated), 4)


def _merge_accounts(inf: Influencer, accounts: list[dict[str, Any]], *, keep_unlisted: bool) -> None:
    """Update accounts in place by (platform, handle) so their identity (and unique key) survives the write."""
    existing = {(p.platform, p.handle_key): p for p in inf.platforms}
    merged: list[PlatformAccount] = []
    for acc in accounts:
        key = (acc["platform"], acc["handle"].lower())
        row = existing.pop(key, None) or PlatformAccount(org_id=inf.org_id, platform=key[0], handle_key=key[1])
        row.handle = acc["handle"]
        row.followers = acc["followers"]
        row.engagement_rate = acc.get("engagement_rate")
        row.avg_views = acc.get("avg_views")
        row.engagement_rate_by_views = acc.get("engagement_rate_by_views")
        merged.append(row)
    if keep_unlisted:
        merged.extend(existing.values())
    for i, row in enumerate(merged):
        row.position = i
    inf.platforms = merged


def apply_fields(
    inf: Influencer, fields: InfluencerFields, *, only_set: bool, keep_unlisted_accounts: bool = False
) -> None:
    """Copy validated fields onto the row; with `only_set`, fields the client did not send stay as they are."""
    data = fields.model_dump(exclude_unset=only_set)
    with object_session_no_autoflush(inf):
        _apply(inf, data, keep_unlisted_accounts)


def _apply(inf: Influencer, data: dict[str, Any], keep_unlisted_accounts: bool) -> None:
    scalar = ("name", "handle", "email", "phone", "bio", "gender", "birth_year", "verified")
    for key in scalar:
        if key in data:
            setattr(inf, key, data[key] if key != "verified" else bool(data[key]))
    for key in ("languages", "niches", "topics", "past_brands"):
        if key in data:
            setattr(inf, key, list(data[key] or []))
    if "location" in data:
        loc = data["location"] or {}
        inf.city, inf.region, inf.country = loc.get("city"), loc.get("region"), loc.get("country")
    if "platforms" in data:
        _merge_accounts(inf, data["platforms"] or [], keep_unlisted=keep_unlisted_accounts)
    if "rates_usd" in data:
        rates = data["rates_usd"] or {}
        current = {r.deliverable: r for r in inf.rates}
        kept = []
        for deliverable in DELIVERABLES:
            if rates.get(deliverable) is None:
                continue
            row = current.get(deliverable) or InfluencerRate(deliverable=deliverable)
            row.amount_usd = rates[deliverable]
            kept.append(row)
        inf.rates = kept
    if "audience" in data:
        if not data["audience"]:
            inf.audience = None
        else:
            if inf.audience is None:
                inf.audience = AudienceProfile()
            for key, value in data["audience"].items():
                setattr(inf.audience, key, value)
    if "recent_posts" in data:
        inf.recent_posts = [RecentPost(position=i, **post) for i, post in enumerate(data["recent_posts"] or [])]
    inf.updated_at = utcnow()
    _recompute_derived(inf)


def create_influencer(session: Session, org_id: str, profile: InfluencerIn) -> Influencer:
    inf = Influencer(org_id=org_id, name=profile.name)
    session.add(inf)
    apply_fields(inf, profile, only_set=False)
    session.flush()
    return inf


def find_by_accounts(session: Session, org_id: str, accounts: Iterable[tuple[str, str]]) -> Influencer | None:
    """The existing creator owning any of these (platform, handle) accounts in this organization."""
    keys = [(platform, handle.lower()) for platform, handle in accounts]
    if not keys:
        return None
    for platform, handle_key in keys:
        found = session.scalar(
            select(PlatformAccount).where(
                PlatformAccount.org_id == org_id,
                PlatformAccount.platform == platform,
                PlatformAccount.handle_key == handle_key,
            )
        )
        if found is not None:
            return found.influencer
    return None


def conflicting_accounts(session: Session, org_id: str, profile: InfluencerFields, own_id: str | None) -> list[str]:
    """Accounts in `profile` that already belong to another creator of the organization."""
    clashes = []
    for i, p in enumerate(profile.platforms or []):
        owner = session.scalar(
            select(PlatformAccount.influencer_id).where(
                PlatformAccount.org_id == org_id,
                PlatformAccount.platform == p.platform,
                PlatformAccount.handle_key == p.handle.lower(),
            )
        )
        if owner is not None and owner != own_id:
            clashes.append(f"platforms.{i}")
    return clashes


def upsert_influencer(session: Session, org_id: str, profile: InfluencerIn) -> tuple[Influencer, bool]:
    """Insert, or update the creator owning the same (platform, handle); returns (row, created)."""
    existing = find_by_accounts(session, org_id, ((p.platform, p.handle) for p in profile.platforms))
    if existing is None:
        return create_influencer(session, org_id, profile), True
    # An import row names some accounts of the creator; the others stay.
    apply_fields(existing, profile, only_set=False, keep_unlisted_accounts=True)
    _recompute_derived(existing)
    session.flush()
    return existing, False
