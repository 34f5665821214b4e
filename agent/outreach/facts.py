"""Facts about a creator, each a path into the stored profile JSON and the value found there.

An outreach email may only say personal things that are one of these facts, so every fact is read from
the profile (never composed) and can be verified later by resolving its path again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

_MISSING = object()
_SEGMENT = re.compile(r"([A-Za-z_]\w*)((?:\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# Share of one gender above which "most of your audience are women/men" is worth saying.
AUDIENCE_MAJORITY_PCT = 55


@dataclass(frozen=True)
class Fact:
    field: str
    value: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "value": self.value}


def resolve(profile: dict[str, Any], path: str) -> Any:
    """The value at `path` ("recent_posts[0].text", "location.city"), or raise KeyError if there is none."""
    node: Any = profile
    for segment in path.split("."):
        match = _SEGMENT.fullmatch(segment)
        if not match:
            raise KeyError(path)
        key, indexes = match.groups()
        if not isinstance(node, dict) or key not in node:
            raise KeyError(path)
        node = node[key]
        for index in _INDEX.findall(indexes):
            if not isinstance(node, list) or int(index) >= len(node):
                raise KeyError(path)
            node = node[int(index)]
    if node is None:
        raise KeyError(path)
    return node


def format_value(value: Any) -> str:
    """The one string form of a profile value used both to build and to verify a fact (78.0 → "78")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    return str(value).strip()


def fact_holds(fact: Fact, profile: dict[str, Any]) -> bool:
    """True when the profile has exactly this value at this path."""
    try:
        return format_value(resolve(profile, fact.field)) == fact.value
    except KeyError:
        return False


def _fact(profile: dict[str, Any], path: str) -> Fact | None:
    try:
        value = resolve(profile, path)
    except KeyError:
        return None
    text = format_value(value)
    return Fact(path, text) if text else None


def _posted_at(post: dict[str, Any]) -> datetime:
    """Posting time as naive UTC for ordering; posts without a readable time sort first."""
    raw = post.get("posted_at")
    try:
        parsed = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _latest_post_index(profile: dict[str, Any]) -> int | None:
    posts = profile.get("recent_posts") or []
    usable = [i for i, p in enumerate(posts) if isinstance(p, dict) and excerpt(str(p.get("text") or ""))]
    if not usable:
        return None
    return max(usable, key=lambda i: (_posted_at(posts[i]), -i))


def excerpt(text: str, limit: int = 90) -> str:
    """The first sentence of a post without links, cut at a word boundary; quoted in emails."""
    clean = " ".join(_URL.sub(" ", text).split())
    first = _SENTENCE_END.split(clean, maxsplit=1)[0].strip().removesuffix(".")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-—")
    return f"{cut}…"


def select_facts(profile: dict[str, Any], campaign: dict[str, Any]) -> dict[str, Fact]:
    """Every usable fact by role (name, post, post_platform, niche, topic, city, past_brand, audience).

    Roles whose data the profile lacks are simply absent; nothing is inferred.
    """
    facts: dict[str, Fact | None] = {"name": _fact(profile, "name")}
    post = _latest_post_index(profile)
    if post is not None:
        facts["post"] = _fact(profile, f"recent_posts[{post}].text")
        facts["post_platform"] = _fact(profile, f"recent_posts[{post}].platform")
    facts["niche"] = _fact(profile, "niches[0]")
    facts["topic"] = _fact(profile, "topics[0]")
    facts["city"] = _fact(profile, "location.city")
    brand = str(campaign.get("brand") or "").strip().lower()
    for i, past in enumerate(profile.get("past_brands") or []):
        if str(past).strip() and str(past).strip().lower() != brand:
            facts["past_brand"] = _fact(profile, f"past_brands[{i}]")
            break
    audience = profile.get("audience") or {}
    for key in ("female_pct", "male_pct"):
        share = audience.get(key)
        if isinstance(share, int | float | Decimal) and share >= AUDIENCE_MAJORITY_PCT:
            facts["audience"] = _fact(profile, f"audience.{key}")
            break
    return {role: fact for role, fact in facts.items() if fact is not None}
