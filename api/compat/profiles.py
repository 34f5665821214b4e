"""The InfluAI request's creator and deal as our rows: find or create the creator and the campaign, and price.

Rules (README "InfluAI compatibility"):
- The stored profile is the source of truth. The frontend echoes what our search showed it (names, rounded
  engagement, INR rates), so a creator we already know is found (handle, else email, else the same name on
  that platform) and left as stored; only a creator we don't know yet is created from the request.
- The campaign is found by name ("Campaign: …" in dealDetails, else "<brand>: <product>", else the brand, the
  brand defaulting to the organization's name); product, deliverables, timeline and goals the request states
  are written onto it.
- Pricing: the ceiling is the stated budget. Without one it is 1.25 × the fair price of the package (the
  creator's stated rate blended with the market rate for their tier and platform). The target is the lower of
  80 % of the ceiling and that fair price, so a creator asking ₹25,000 is not opened at 80 % of a $5,000 budget.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent.negotiation.pricing import CreatorMetrics, normalize_deliverables, package_value
from api.compat.links import claim_new, find_link, link_key
from api.compat.requests import InfluencerData
from api.http.errors import ApiError, fields_from_validation
from data.importing.values import CellError, clean_handle, parse_gender, slugify_name
from data.influencers import create_influencer, eager_options, find_by_accounts, tier_for
from data.models import Campaign, Influencer, Organization, PlatformAccount
from data.schemas import InfluencerIn
from data.taxonomy import country_code, language_code, niches_in, platform_for
from data.types import to_money

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{5,25}$")
DEFAULT_DELIVERABLES = ["1 post"]


def platform_of(data: InfluencerData) -> str:
    if not data.platform:
        return "instagram"
    platform = platform_for(data.platform)
    if platform is None:
        raise ApiError(422, "unknown platform", fields={"influencerData.platform": f"'{data.platform}' is not a "
                                                        "platform we know (Instagram, TikTok, YouTube, …)"})
    return platform


def _email(data: InfluencerData) -> str | None:
    raw = (data.contact.email if data.contact else None) or data.email
    return raw.strip().lower() if raw and _EMAIL.match(raw.strip()) else None


def _phone(data: InfluencerData) -> str | None:
    raw = (data.contact.phone if data.contact else None) or data.phone
    return raw.strip() if raw and _PHONE.match(raw.strip()) else None


def handle_of(data: InfluencerData) -> str:
    """The handle we file a new creator under: theirs if sent, else one made from the name."""
    if data.handle:
        handle, _ = clean_handle(data.handle)
        handle = re.sub(r"[^\w.\-]", "", handle)[:100]
        if handle:
            return handle
    return slugify_name(data.name) or "creator"


def creator_key(data: InfluencerData) -> str:
    """Who the request is about, the way the lookup below finds them (for race-free first contact)."""
    return f"{platform_of(data)}|{(data.handle and handle_of(data)) or _email(data) or data.name.strip().lower()}"


def _location(text: str | None) -> dict[str, str] | None:
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not parts:
        return None
    loc: dict[str, str] = {}
    last = parts[-1]
    if (len(last) > 2 or last.upper() in {"UK", "US"}) and (code := country_code(last)):
        loc["country"] = code
        parts.pop()
    if parts:
        loc["city"] = parts[0][:200]
    if len(parts) > 1:
        loc["region"] = ", ".join(parts[1:])[:200]
    return loc or None


def new_profile(data: InfluencerData) -> InfluencerIn:
    """A profile for a creator we don't know yet, from what the request says (unreadable extras are left out)."""
    platform, handle = platform_of(data), handle_of(data)
    account: dict[str, Any] = {"platform": platform, "handle": handle, "followers": data.followers or 0}
    if data.engagement is not None and data.engagement <= 100:
        account["engagement_rate"] = data.engagement
    rate = data.rate_usd if data.rate_usd is not None else data.rate_inr
    raw: dict[str, Any] = {"name": data.name, "handle": handle, "platforms": [account],
                           "niches": list(niches_in(data.category))[:10] if data.category else []}
    optional = {"email": _email(data), "phone": _phone(data), "location": _location(data.location),
                "rates_usd": {"post": str(rate)} if rate else None,
                "languages": [c for c in dict.fromkeys(language_code(x) for x in data.languages or []) if c] or None,
                "past_brands": data.past_brands or None}
    raw.update({k: v for k, v in optional.items() if v})
    if data.gender:
        with contextlib.suppress(CellError):
            raw["gender"] = parse_gender(data.gender)
    if data.age and 5 <= data.age <= 120:
        raw["birth_year"] = datetime.now(UTC).year - data.age
    try:
        return InfluencerIn.model_validate(raw)
    except ValidationError as exc:
        raise ApiError(422, "influencerData is not valid",
                       fields=fields_from_validation(exc, prefix="influencerData.")) from None


def find_creator(session: Session, org_id: str, data: InfluencerData) -> Influencer | None:
    platform = platform_of(data)
    if data.handle and (found := find_by_accounts(session, org_id, [(platform, handle_of(data))])):
        return found
    email = _email(data)
    if email and (found := session.scalar(select(Influencer).where(
            Influencer.org_id == org_id, func.lower(Influencer.email) == email).limit(1))):
        return found
    on_platform = select(PlatformAccount.influencer_id).where(PlatformAccount.org_id == org_id,
                                                              PlatformAccount.platform == platform)
    named = session.scalars(select(Influencer).where(
        Influencer.org_id == org_id, func.lower(Influencer.name) == data.name.strip().lower(),
        Influencer.id.in_(on_platform))).all()
    if named:  # the same name twice on one platform: the one whose size matches what the frontend showed
        return min(named, key=lambda inf: abs((inf.total_followers or 0) - (data.followers or 0)))
    return find_by_accounts(session, org_id, [(platform, handle_of(data))])


def find_or_create_creator(session: Session, org_id: str, data: InfluencerData) -> Influencer:
    inf = find_creator(session, org_id, data) or create_influencer(session, org_id, new_profile(data))
    return session.scalars(select(Influencer).where(Influencer.id == inf.id).options(*eager_options())).one()


# ---------------------------------------------------------------- campaign


def campaign_name(session: Session, org_id: str, deal: dict[str, Any]) -> tuple[str, str]:
    """(campaign name, brand) the deal is filed under."""
    org = session.get(Organization, org_id)
    brand = (deal.get("brand") or (org.name if org else "") or "Our brand")[:200]
    name = deal.get("name") or (f"{brand}: {deal['product']}" if deal.get("product") else brand)
    return name[:200], brand


def find_or_create_campaign(session: Session, org_id: str, deal: dict[str, Any]) -> Campaign:
    """The campaign of this name (the newest if several); a new one is claimed by name so racing requests
    create one (a lost claim raises IntegrityError: the caller retries and finds it)."""
    name, brand = campaign_name(session, org_id, deal)
    found = session.scalar(select(Campaign).where(Campaign.org_id == org_id, Campaign.name == name)
                           .order_by(Campaign.created_at.desc()).limit(1))
    if found is None:
        key = link_key("campaign", name.lower())
        link = find_link(session, org_id, key)
        found = session.get(Campaign, link.target_id) if link and link.target_id else None
        if found is None:
            link = link or claim_new(session, org_id, key)
            found = Campaign(org_id=org_id, name=name, brand=brand, status="active")
            session.add(found)
            session.flush()
            link.target_id = found.id
    for attr in ("product", "goals", "timeline", "target_audience"):
        if deal.get(attr) and getattr(found, attr) != deal[attr]:
            setattr(found, attr, deal[attr])
    if deal.get("budget") is not None and found.budget_total_usd is None:  # a dialog's budget is per creator
        found.budget_total_usd = to_money(deal["budget"])
    deliverables = normalize_deliverables(deal.get("deliverables")) if deal.get("deliverables") else None
    if deliverables:
        found.deliverables = deliverables
    elif not found.deliverables:
        found.deliverables = list(DEFAULT_DELIVERABLES)
    session.flush()
    return found


# ---------------------------------------------------------------- pricing


def metrics_of(inf: Influencer) -> CreatorMetrics:
    account = max(inf.platforms, key=lambda p: p.followers) if inf.platforms else None
    return CreatorMetrics(
        platform=account.platform if account else "instagram", followers=inf.total_followers,
        engagement_rate=None if inf.avg_engagement_rate is None else Decimal(str(inf.avg_engagement_rate)),
        tier=tier_for(inf.total_followers or 0), listed_rates={r.deliverable: r.amount_usd for r in inf.rates})


def pricing(inf: Influencer, deliverables: list[str], usage_rights: str | None,
            budget_usd: Decimal | None) -> tuple[Decimal, Decimal]:
    """(target, ceiling) for this creator and package; see the module docstring."""
    fair = package_value(deliverables, metrics_of(inf), usage_rights=usage_rights)
    ceiling = to_money(budget_usd) if budget_usd else to_money(fair * Decimal("1.25"))
    target = to_money(min(ceiling * Decimal("0.8"), fair))
    return max(target, Decimal("0.01")), ceiling
