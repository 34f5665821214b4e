"""Shared value types for stored data: taxonomy slugs, platforms and money."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal, get_args

from pydantic import PlainSerializer

Platform = Literal[
    "instagram", "tiktok", "youtube", "twitter", "twitch", "linkedin", "facebook", "snapchat", "pinterest"
]
PLATFORMS: tuple[str, ...] = get_args(Platform)

Niche = Literal[
    "beauty", "fashion", "fitness", "food", "travel", "tech", "gaming", "finance", "parenting", "lifestyle",
    "music", "sports", "education", "health", "pets", "home", "automotive", "entertainment", "business", "art",
    "photography", "comedy", "outdoors", "sustainability",
]
NICHES: tuple[str, ...] = get_args(Niche)

Deliverable = Literal["post", "story", "reel", "video"]
DELIVERABLES: tuple[str, ...] = get_args(Deliverable)

CENT = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    """Normalize an amount to a two-decimal Decimal (never via float)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def money_json(value: Decimal) -> int | float:
    """A `_usd` field is a plain JSON number: whole amounts as int, others rounded to cents."""
    value = to_money(value)
    return int(value) if value == value.to_integral_value() else float(value)


def optional_money_json(value: Decimal | None) -> int | float | None:
    """`money_json`, or None for an amount not known (yet)."""
    return None if value is None else money_json(value)


UsdAmount = Annotated[Decimal, PlainSerializer(money_json, return_type=int | float, when_used="json")]
"""A USD amount held as Decimal in Python and written as a plain number in JSON (README "Conventions")."""
