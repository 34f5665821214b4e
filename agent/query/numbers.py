"""Counts in queries: "50K+", "10k-100k", "over a million", "at least twenty thousand", "2.5M".

`normalize_numbers` rewrites number words as digits (text2num) so the extractors see one spelling;
`parse_count` reads one count with its magnitude suffix.
"""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal, InvalidOperation

from text_to_num import alpha2digit

_MAGNITUDE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "mil": 1_000_000, "mill": 1_000_000,
              "million": 1_000_000, "mn": 1_000_000, "b": 1_000_000_000, "billion": 1_000_000_000}

# A count: digits (with thousands separators or a decimal part) and an optional magnitude.
COUNT = r"\d+(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"
MAGNITUDE = r"(?:thousand|million|mill|mil|mn|billion|k|m|b)\b"
COUNT_RE = rf"(?:{COUNT})\s?(?:{MAGNITUDE})?"

_A_MAGNITUDE = re.compile(r"\b(?:a|one)\s+(million|thousand|hundred thousand)\b", re.I)
_DIGIT_WORD = re.compile(rf"\b({COUNT})\s+(thousand|million|billion)\b", re.I)


def _expand(match: re.Match[str]) -> str:
    value = Decimal(match.group(1).replace(",", "")) * _MAGNITUDE[match.group(2).lower()]
    return str(int(value))


def normalize_numbers(text: str) -> str:
    """Number words → digits: "a million" → "1000000", "twenty thousand" → "20000", "100 thousand" → "100000"."""
    text = _A_MAGNITUDE.sub(lambda m: {"million": "1000000", "thousand": "1000"}.get(m.group(1).lower(), "100000"),
                            text)
    text = _DIGIT_WORD.sub(_expand, text)
    with contextlib.suppress(Exception):  # text2num is best effort; the text stays as written
        text = alpha2digit(text, "en")
    return _DIGIT_WORD.sub(_expand, text)


def parse_count(raw: str) -> int | None:
    """'50K' → 50000, '2.5M' → 2500000, '10,000' → 10000, '1 million' → 1000000; None if unreadable."""
    m = re.fullmatch(rf"\s*({COUNT})\s?({MAGNITUDE})?\s*", raw, re.I)
    if not m:
        return None
    try:
        value = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    if m.group(2):
        value *= _MAGNITUDE[m.group(2).lower()]
    return int(value)


def has_magnitude(raw: str) -> bool:
    return re.search(rf"\d\s?{MAGNITUDE}", raw, re.I) is not None
