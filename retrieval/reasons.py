"""Short, human-readable reasons for a result: one per satisfied constraint plus its strongest signals."""

from __future__ import annotations

import re
from decimal import Decimal

from agent.query.schema import ParsedQuery
from retrieval.snapshot import RowData, _norm

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"and", "or", "the", "a", "of", "for", "in", "on", "with", "to", "creator", "creators"})
PLATFORM_NAMES = {"tiktok": "TikTok", "youtube": "YouTube", "linkedin": "LinkedIn"}


def compact_number(value: float) -> str:
    """250000 → '250K', 1200000 → '1.2M', 950 → '950'."""
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if value >= size:
            scaled = value / size
            text = f"{scaled:.0f}" if scaled >= 100 else f"{scaled:.1f}".removesuffix(".0")
            return f"{text}{suffix}"
    return str(int(value))


def money(value: Decimal) -> str:
    value = Decimal(value)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"${text}"


def platform_name(slug: str) -> str:
    return PLATFORM_NAMES.get(slug, slug.capitalize())


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _follower_reason(q: ParsedQuery, followers: int) -> str:
    label = "followers"
    if len(q.platforms) == 1:
        label = f"{platform_name(q.platforms[0])} followers"
    count = f"{compact_number(followers)} {label}"
    if q.min_followers is not None and q.max_followers is not None:
        return f"{count} in {compact_number(q.min_followers)}–{compact_number(q.max_followers)}"
    if q.min_followers is not None:
        return f"{count} ≥ {compact_number(q.min_followers)}"
    return f"{count} ≤ {compact_number(q.max_followers or 0)}"


def _location_reason(q: ParsedQuery, row: RowData) -> str:
    for loc in q.locations:
        if loc.city and _norm(loc.city) == _norm(row.city):
            return row.city or loc.city
        if loc.region and not loc.city and _norm(loc.region) == _norm(row.region):
            return row.region or loc.region
    return row.country or ""


def _topic_reason(q: ParsedQuery, row: RowData, similarity: float | None) -> str | None:
    wanted = _words(" ".join(q.topics))
    for topic in row.topics:
        if wanted & _words(topic):
            return f"topic match: {topic}"
    if q.topics and similarity is not None and similarity >= 0.35:
        return f"related to {q.topics[0]}"
    return None


def reasons_for(
    q: ParsedQuery,
    row: RowData,
    *,
    followers: int,
    engagement: float | None,
    similarity: float | None,
    audience: dict[str, float | None],
) -> list[str]:
    out: list[str] = []
    if q.niches:
        matched = [n for n in q.niches if n in row.niches]
        if matched:
            out.append(f"{' & '.join(matched[:2])} creator")
    topic = _topic_reason(q, row, similarity)
    if topic:
        out.append(topic)
    if q.locations:
        place = _location_reason(q, row)
        if place:
            out.append(place)
    if q.platforms and q.min_followers is None and q.max_followers is None:
        on = [platform_name(p) for p in q.platforms if p in row.platforms]
        if on:
            out.append("on " + " & ".join(on[:2]))
    if q.min_followers is not None or q.max_followers is not None:
        out.append(_follower_reason(q, followers))
    if engagement is not None and engagement == engagement:  # not NaN
        if q.min_engagement_rate is not None:
            out.append(f"{engagement:.1f}% engagement ≥ {q.min_engagement_rate:g}%")
        elif engagement >= 3.0 or q.sort == "engagement":
            out.append(f"{engagement:.1f}% engagement")
    if q.max_rate_usd is not None:
        if row.post_rate is None:
            out.append("rate unknown")
        else:
            out.append(f"{money(row.post_rate)}/post ≤ {money(Decimal(q.max_rate_usd))}")
    elif q.sort == "rate" and row.post_rate is not None:
        out.append(f"{money(row.post_rate)}/post")
    if q.languages:
        spoken = [c for c in q.languages if c.lower() in row.languages]
        if spoken:
            out.append("speaks " + ", ".join(spoken))
    if q.audience is not None:
        a = q.audience
        if a.gender and audience.get("female") is not None:
            pct = audience["female"] if a.gender == "female" else 100.0 - (audience["female"] or 0.0)
            out.append(f"{pct:.0f}% {a.gender} audience")
        if (a.age_min is not None or a.age_max is not None) and audience.get("age") is not None:
            out.append(f"{audience['age']:.0f}% aged {a.age_min or 13}–{a.age_max or '65+'}")
        if a.countries:
            where = [c for c in a.countries if c.upper() in row.audience_countries]
            if where:
                out.append("audience in " + ", ".join(where[:3]))
    if q.worked_with_brands:
        have = {_norm(b): b for b in row.brands}
        done = [have[_norm(b)] for b in q.worked_with_brands if _norm(b) in have]
        if done:
            out.append("worked with " + ", ".join(done[:2]))
    if q.exclude_brands:
        out.append("no " + ", ".join(q.exclude_brands[:2]) + " collabs")
    if q.verified:
        out.append("verified")
    if not out:
        out.append(f"{compact_number(followers)} followers")
    return out
