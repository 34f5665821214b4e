"""How the screens word values: a parsed query as chips, money, follower counts, times."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from api.web.blueprint import bp

_LABELS = {
    "niches": "niche", "platforms": "on", "locations": "in", "min_followers": "followers ≥",
    "max_followers": "followers ≤", "min_engagement_rate": "engagement ≥", "max_rate_usd": "rate ≤",
    "min_rate_usd": "rate ≥", "languages": "speaks", "audience": "audience", "exclude_brands": "not with",
    "worked_with_brands": "worked with", "verified": "verified", "topics": "about", "like_handles": "like",
    "creator_gender": "creator", "creator_age_min": "creator age ≥", "creator_age_max": "creator age ≤",
}


def _place(loc: dict[str, Any]) -> str:
    return ", ".join(str(loc[k]) for k in ("city", "region", "country") if loc.get(k))


def _value(name: str, value: Any) -> str:
    if name == "locations":
        return " or ".join(_place(v) for v in value)
    if name in ("min_followers", "max_followers"):
        return compact(value)
    if name in ("max_rate_usd", "min_rate_usd"):
        return usd(value)
    if name == "min_engagement_rate":
        return f"{value}%"
    if name == "audience":
        parts = [value.get("gender") or ""]
        if value.get("age_min") or value.get("age_max"):
            parts.append(f"{value.get('age_min') or ''}–{value.get('age_max') or ''}")
        if value.get("countries"):
            parts.append(", ".join(value["countries"]))
        return " ".join(p for p in parts if p)
    if name == "like_handles":
        return ", ".join("@" + v for v in value)
    if name == "verified":
        return "only" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def chips(parsed: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, label) per constraint of a ParsedQuery, in the schema's order; empty fields are no constraint."""
    out = []
    for name, label in _LABELS.items():
        value = parsed.get(name)
        if value in (None, [], {}, ""):
            continue
        out.append((name, f"{label} {_value(name, value)}"))
    if parsed.get("sort") not in (None, "relevance"):
        out.append(("sort", f"sorted by {parsed['sort']}"))
    return out


@bp.app_template_filter("usd")
def usd(value: Any) -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


@bp.app_template_filter("compact")
def compact(value: Any) -> str:
    if value is None:
        return "—"
    n = float(value)
    for size, suffix in ((1_000_000, "M"), (1_000, "K")):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{n:.0f}"


@bp.app_template_filter("pct")
def pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.0f}%"


@bp.app_template_filter("when")
def when(value: str | None) -> str:
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.strftime("%d %b %Y %H:%M UTC")
