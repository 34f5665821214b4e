"""Follow-up queries edit the previous ParsedQuery instead of starting over (offline, deterministic).

The follow-up is parsed like any query; its constraints then replace, extend or adjust the previous ones:
"only TikTok" / "in Canada instead" replace; "add YouTube too" / "also fashion" extend; "drop anyone who
worked with Nike" adds an exclusion; "not on TikTok" removes a platform; "bigger accounts" / "smaller
accounts" move the follower band; "cheaper" lowers the price cap by a quarter (or sorts by rate when there
was none); "start over" / "new search" discards the previous query.
"""

from __future__ import annotations

import re
from decimal import Decimal

from agent.query.lexicon import PLATFORM_TERMS
from agent.query.parser import parse_query_offline
from agent.query.schema import AudienceConstraint, ParsedQuery
from data.types import PLATFORMS

_RESET = re.compile(r"\b(?:start over|new search|from scratch|forget (?:that|the previous|everything)|reset)\b", re.I)
_ADD = re.compile(r"\b(?:add|also|too|as well|plus|include|including|and)\b", re.I)
_ONLY = re.compile(r"\b(?:only|just|instead|rather|exclusively)\b", re.I)
_BIGGER = re.compile(r"\b(?:bigger|larger|more followers|more reach|higher reach|more popular)\b", re.I)
_SMALLER = re.compile(r"\b(?:smaller|fewer followers|less followers|tinier)\b", re.I)
_CHEAPER = re.compile(r"\b(?:cheaper|less expensive|lower (?:price|rate|budget)s?|more affordable)\b", re.I)
_ANY_PLATFORM = re.compile(r"\bany platforms?\b|\ball platforms\b", re.I)
_ANYWHERE = re.compile(r"\banywhere\b|\bany (?:location|country|city)\b", re.I)
_CHEAPER_FACTOR = Decimal("0.75")


def _negated_platforms(text: str) -> list[str]:
    terms = "|".join(re.escape(t) for t in sorted(PLATFORM_TERMS, key=len, reverse=True))
    out: list[str] = []
    for m in re.finditer(rf"\b(?:not|no|drop|remove|without|except|exclude|excluding)\s+(?:on\s+)?({terms})\b",
                         text, re.I):
        slug = PLATFORM_TERMS[m.group(1).lower()]
        if slug not in out:
            out.append(slug)
    return out


def _merge(previous: list, new: list, add: bool) -> list:
    if not new:
        return list(previous)
    if add:
        return previous + [v for v in new if v not in previous]
    return list(new)


def _bigger(prev: ParsedQuery) -> tuple[int | None, int | None]:
    if prev.max_followers is not None:
        return prev.max_followers + 1, None
    if prev.min_followers:
        return prev.min_followers * 2, None
    return 100_000, None


def _smaller(prev: ParsedQuery) -> tuple[int | None, int | None]:
    if prev.min_followers:
        return None, prev.min_followers - 1
    if prev.max_followers:
        return None, prev.max_followers // 2
    return None, 99_999


def _audience(prev: AudienceConstraint | None, new: AudienceConstraint | None) -> AudienceConstraint | None:
    if new is None:
        return prev
    if prev is None:
        return new
    return AudienceConstraint(
        gender=new.gender or prev.gender,
        age_min=new.age_min if new.age_min is not None else prev.age_min,
        age_max=new.age_max if new.age_max is not None else prev.age_max,
        countries=new.countries or prev.countries,
    )


def refine_query(previous: ParsedQuery, follow_up: str) -> ParsedQuery:
    """The previous query edited by a follow-up ("only TikTok", "add YouTube too", "cheaper", ...)."""
    delta = parse_query_offline(follow_up)
    if _RESET.search(follow_up):
        return delta
    add = bool(_ADD.search(follow_up)) and not _ONLY.search(follow_up)
    data = previous.model_copy(deep=True)

    removed = _negated_platforms(follow_up)
    if removed:
        kept = [p for p in (data.platforms or list(PLATFORMS)) if p not in removed]
        positive = [p for p in delta.platforms if p not in removed and len(delta.platforms) < len(PLATFORMS) - 1]
        data.platforms = _merge(kept, positive, add=True) if positive and add else (positive or kept)
    elif _ANY_PLATFORM.search(follow_up):
        data.platforms = []
    else:
        data.platforms = _merge(previous.platforms, delta.platforms, add)

    data.niches = _merge(previous.niches, delta.niches, add)
    data.locations = [] if _ANYWHERE.search(follow_up) and not delta.locations else _merge(
        previous.locations, delta.locations, add)
    data.languages = _merge(previous.languages, delta.languages, add)
    data.topics = _merge(previous.topics, delta.topics, add=True)

    data.exclude_brands = _merge(previous.exclude_brands, delta.exclude_brands, add=True)
    data.worked_with_brands = [b for b in _merge(previous.worked_with_brands, delta.worked_with_brands, add=True)
                               if b.casefold() not in {e.casefold() for e in delta.exclude_brands}]

    if delta.min_followers is not None or delta.max_followers is not None:
        data.min_followers, data.max_followers = delta.min_followers, delta.max_followers
    elif _BIGGER.search(follow_up):
        data.min_followers, data.max_followers = _bigger(previous)
    elif _SMALLER.search(follow_up):
        data.min_followers, data.max_followers = _smaller(previous)

    if delta.max_rate_usd is not None:
        data.max_rate_usd = delta.max_rate_usd
    elif _CHEAPER.search(follow_up):
        if previous.max_rate_usd is not None:
            data.max_rate_usd = (Decimal(previous.max_rate_usd) * _CHEAPER_FACTOR).quantize(Decimal("0.01"))
        else:
            data.sort = "rate"

    if delta.min_engagement_rate is not None:
        data.min_engagement_rate = delta.min_engagement_rate
    if delta.verified is not None:
        data.verified = delta.verified
    if delta.sort != "relevance":
        data.sort = delta.sort
    data.audience = _audience(previous.audience, delta.audience)
    return ParsedQuery.model_validate(data.model_dump())
