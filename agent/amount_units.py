"""Number words and the per-unit wording around a money amount ("$500 per post for 3 posts", "3 x $500").

Split from `agent.amounts`, which finds the amounts themselves and asks `per_and_quantity` what each one is a
price of.
"""

from __future__ import annotations

import re

NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
SMALL_NUMBERS = {w: i for i, w in enumerate(NUMBER_WORDS)} | {"a": 1, "an": 1, "a couple of": 2, "a couple": 2}


def alternation(options: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of literal options, longest first so that "posts" wins over "post"."""
    return "|".join(re.escape(o) for o in sorted(options, key=len, reverse=True))


_UNIT_WORDS = {
    "post": "post", "posts": "post", "story": "story", "stories": "story", "reel": "reel", "reels": "reel",
    "video": "video", "videos": "video", "short": "short", "shorts": "short", "tiktok": "tiktok",
    "tiktoks": "tiktok", "deliverable": "deliverable", "deliverables": "deliverable", "piece": "piece",
    "pieces": "piece", "item": "item", "items": "item", "month": "month", "months": "month", "mo": "month",
    "week": "week", "weeks": "week", "wk": "week", "day": "day", "days": "day", "hour": "hour", "hours": "hour",
    "hr": "hour", "year": "year", "years": "year", "yr": "year", "tweet": "tweet", "tweets": "tweet",
    "stream": "stream", "streams": "stream", "episode": "episode", "episodes": "episode", "one": "unit",
    "unit": "unit", "units": "unit",
}
_UNIT = rf"(?:(?:ig|instagram|tiktok|youtube|yt|feed|static|sponsored|dedicated)\s+)?({alternation(list(_UNIT_WORDS))})"
_QTY = r"(\d{1,3}|a couple of|a couple|an|a|" + "|".join(NUMBER_WORDS[1:]) + ")"
_PER_RE = re.compile(rf"^\s*(?:(?:per|a|an|each|every|/)\s*{_UNIT}\b|(each|apiece|a piece|ea\.?)(?![\w]))",
                     re.IGNORECASE)
_QTY_AFTER_RE = re.compile(rf"^\s*,?\s*(?:for|x|×|\*|times|across)\s*{_QTY}\b(?:\s+{_UNIT}\b)?", re.IGNORECASE)
_QTY_BEFORE_RE = re.compile(rf"\b{_QTY}\s*(?:x\s*)?{_UNIT}\s*(?:at|@|for|x|×)\s*(?:only\s+|just\s+)?$",
                            re.IGNORECASE)
_TIMES_BEFORE_RE = re.compile(r"\b(\d{1,3})\s*(?:x|×|\*)\s*$", re.IGNORECASE)


def _quantity(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return SMALL_NUMBERS.get(word)


def per_and_quantity(text: str, start: int, end: int) -> tuple[str | None, int | None]:
    """Per-unit wording around an amount: "$500 per post for 3 posts", "3 posts at $500 each", "3 x $500"."""
    per: str | None = None
    quantity: int | None = None
    rest = text[end:]
    per_match = _PER_RE.match(rest)
    if per_match:
        per = _UNIT_WORDS[per_match.group(1).lower()] if per_match.group(1) else "unit"
        rest = rest[per_match.end():]
    qty_after = _QTY_AFTER_RE.match(rest)
    if qty_after and (per is not None or qty_after.group(2)):
        unit = _UNIT_WORDS.get((qty_after.group(2) or "").lower())
        # "$1,500 for 3 posts" is a total, not a unit price: a quantity needs per-unit wording.
        if per is not None:
            quantity = _quantity(qty_after.group(1))
            if per == "unit" and unit:
                per = unit
    before = text[:start]
    qty_before = _QTY_BEFORE_RE.search(before)
    if qty_before and quantity is None:
        connector = before[qty_before.end(2):].strip().lower()
        unit = _UNIT_WORDS[qty_before.group(2).lower()]
        if per is not None or connector.startswith(("at", "@", "x", "×")):
            quantity = _quantity(qty_before.group(1))
            per = unit if per in (None, "unit") else per
    times_before = _TIMES_BEFORE_RE.search(before)
    if times_before and quantity is None:
        quantity = int(times_before.group(1))
        per = per or "unit"
    if per in {"month", "week", "day", "hour", "year"} and quantity is None:
        return per, None
    return per, quantity
