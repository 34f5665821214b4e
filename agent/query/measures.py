"""Numbers in a query: sort order, price, engagement rate and follower range."""

from __future__ import annotations

import re
from decimal import Decimal

from agent.amounts import find_amounts
from agent.query import lexicon as lx
from agent.query.numbers import COUNT_RE, has_magnitude, parse_count
from agent.query.work import Work

# Superlatives that ask for an order. "fastest growing" needs follower history, which profiles do not
# keep: it is consumed without a sort rather than left behind as a topic.
_SUPERLATIVES: list[tuple[str, str | None]] = [
    (r"\b(?:the\s+)?(?:biggest|largest|most popular|most[- ]followed|top[- ]followed)\b", "followers"),
    (r"\b(?:the\s+)?(?:most engaged|most engaging|highest[- ]engagement|best engagement)\b", "engagement"),
    (r"\b(?:the\s+)?(?:cheapest|most affordable|least expensive|lowest[- ]priced)\b", "rate"),
    (r"\b(?:the\s+)?(?:fastest[- ]growing|quickest[- ]growing|growing fastest|rising(?= (?:stars?|creators?)))\b",
     None),
    (r"^\s*(?:who|which|what)\s+(?:are|is)\b", None),
]


def sort(w: Work) -> str:
    """The requested order: explicit "sorted by …" phrases first, then superlatives ("biggest", "cheapest")."""
    for pattern, order in lx.SORT_PATTERNS:
        m = re.search(pattern, w.low)
        if m:
            w.take(*m.span())
            return order
    found = "relevance"
    for pattern, superlative in _SUPERLATIVES:
        m = re.search(pattern, w.low)
        if m:
            w.take(*m.span())
            if superlative and found == "relevance":
                found = superlative
    return found


_PRICE_BEFORE = re.compile(
    r"(?:(?:\ba\s+)?(?:\bbudget|\brates?|\bprices?|\bcosts?|\bcharging|\bcharges?|\bfees?)\s*(?:of\s+|is\s+|are\s+)?)?"
    r"(?:under|below|less than|cheaper than|up to|at most|max(?:imum)?|no more than|not more than|<=?|around"
    r"|about|~|within)?\s*$"
)
_PRICE_MIN_BEFORE = re.compile(
    r"(?:over|above|more than|at least|atleast|min(?:imum)?(?:\s+of)?|starting at|from|no less than)\s*$"
)
_PRICE_MIN_AFTER = re.compile(r"^\s*(?:(?:or more|or above|and up|plus|minimum|min|at least)\b|\+)")
_PRICE_AFTER = re.compile(
    r"^(?:\s*(?:(?:/|per|a|an|each)\s*(?:post|video|reel|story|piece|deliverable|collab)s?|each|max(?:imum)?"
    r"|or less|tops|and under))*"
)
_BARE_NUMBER = re.compile(rf"\s*{COUNT_RE}\s*", re.I)


def rates(w: Work) -> tuple[Decimal | None, Decimal | None]:
    """(minimum, maximum) price per post: "under $500 a post", "at least $500 a post", "$1,000 or more"."""
    low: Decimal | None = None
    high: Decimal | None = None
    for amount in find_amounts(w.masked):
        if _BARE_NUMBER.fullmatch(amount.text) and not amount.per:
            continue  # "10k" alone is a count, not money
        before = w.low[: amount.start]
        after = w.low[amount.end :]
        if re.match(r"\s*(?:followers?|subs|subscribers?)\b", after):
            continue
        cue = _PRICE_BEFORE.search(before)
        tail = _PRICE_AFTER.match(after)
        min_before = _PRICE_MIN_BEFORE.search(before)
        end = amount.end + (tail.end() if tail else 0)
        min_after = _PRICE_MIN_AFTER.match(w.low[end:])
        if min_after:  # "$1,000 a post or more", "$1,000 or more per post"
            end += min_after.end()
            tail = _PRICE_AFTER.match(w.low[end:])
            end += tail.end() if tail else 0
        start = min_before.start() if min_before else cue.start() if cue else amount.start
        charge = re.search(r"\b(?:charg(?:e|es|ing)|rates?|prices?|costs?|fees?)\s+(?:of\s+)?$", w.low[:start])
        w.take(charge.start() if charge else start, end)
        if min_before or min_after:
            low = low if low is not None else amount.usd
        elif high is None:
            high = amount.usd
    return low, high


_NUM = r"(\d+(?:\.\d+)?)"
_PCT = r"\s*(?:%|percent|pct)"
_ENG = r"(?:engagement(?:\s+rates?)?|\ber\b|eng\.?\s+rate)"
_CMP_MIN = r"(?:above|over|at least|min(?:imum)?|>=?|greater than|more than|higher than|of|north of|is)"
_ENGAGEMENT = [
    re.compile(rf"{_ENG}\s*(?:{_CMP_MIN}\s*)*{_NUM}{_PCT}(?:\s*\+|\s+or (?:more|higher|above))?"),
    re.compile(rf"(?:{_CMP_MIN}\s*)*{_NUM}{_PCT}\s*\+?\s*(?:or (?:more|higher|above)\s*)?{_ENG}"),
]


def engagement(w: Work) -> float | None:
    for pattern in _ENGAGEMENT:
        m = pattern.search(w.low)
        if m:
            w.take(*m.span())
            return float(m.group(1))
    return None


_FW = r"(?:\s*(?:follower count|followers?|subscribers?|subs|fans|following)\b)"
_N = rf"({COUNT_RE})"
_FOLLOWER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"(?:between\s+)?{_N}\s*(?:-|–|to|and)\s*{_N}({_FW})?", re.I)),
    ("min", re.compile(rf"{_N}({_FW})\s*(?:or more|\+|and up|or above|and above|plus|minimum|min\b|at least"
                       rf"|or higher|and over)", re.I)),
    ("min", re.compile(rf"(?:over|more than|at least|atleast|above|min(?:imum)?(?:\s+of)?|>=?|north of|upwards of"
                       rf"|greater than"
                       rf"|no less than)\s*{_N}\s*\+?({_FW})?", re.I)),
    ("min", re.compile(rf"{_N}\s*(?:\+|plus\b|or more\b|and up\b)({_FW})?", re.I)),
    ("max", re.compile(rf"(?:under|below|less than|fewer than|up to|at most|max(?:imum)?|<=?|no more than"
                       rf"|not more than)\s*{_N}({_FW})?", re.I)),
]
_TIER = re.compile(
    r"\b(nano|micro|mid[- ]?tier|mid[- ]?sized?|mid(?=[- ]?(?:influencers?|creators?|level))|macro|mega)"
    r"(?:[- ]?(?:influencers?|creators?|level|sized|tier|accounts?))?\b"
)


def _is_count(raw: str, value: int, follower_word: bool) -> bool:
    if follower_word or has_magnitude(raw):
        return True
    return value >= 1000 and not (1900 <= value <= 2100)


def followers(w: Work) -> tuple[int | None, int | None]:
    low: int | None = None
    high: int | None = None
    for kind, pattern in _FOLLOWER_PATTERNS:
        for m in list(pattern.finditer(w.low)):
            if re.match(r"\s*(?:%|percent|year|yo\b|y/o)", w.low[m.end() :]):
                continue
            fw = bool(m.groups()[-1])
            if kind == "range":
                a_raw, b_raw = m.group(1), m.group(2)
                a, b = parse_count(a_raw), parse_count(b_raw)
                if a is None or b is None:
                    continue
                if not has_magnitude(a_raw) and has_magnitude(b_raw):
                    scaled = a * (b // max(parse_count(re.sub(r"[^\d.,]", "", b_raw)) or 1, 1))
                    a = scaled if scaled <= b else a
                if not (_is_count(a_raw, a, fw) or _is_count(b_raw, b, fw)) or a > b:
                    continue
                low, high = a, b
            else:
                value = parse_count(m.group(1))
                if value is None or not _is_count(m.group(1), value, fw):
                    continue
                if kind == "min":
                    low = value
                else:
                    high = value
            w.take(*m.span())
    tier = _TIER.search(w.low)
    if tier:
        key = re.sub(r"[- ]?(?:sized?|tier)$", "", tier.group(1))
        t_low, t_high = lx.TIERS["mid" if key.startswith("mid") else key]
        low = t_low if low is None and high is None else low
        high = t_high if high is None and (low is None or low == t_low) else high
        w.take(*tier.span())
    return low, high
