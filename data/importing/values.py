"""Cell values: counts, percentages, money, yes/no, handles and profile URLs, lists (see the package docstring)."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal
from urllib.parse import urlsplit

from data.fx import known_currencies

CURRENCY_WORDS = {"rupees": "INR", "rupee": "INR", "rs": "INR", "dollars": "USD", "euros": "EUR", "euro": "EUR",
                   "pounds": "GBP", "yen": "JPY", "reais": "BRL"}
CURRENCY_SYMBOLS = {  # longest first: "US$" before "$"
    "US$": "USD", "CA$": "CAD", "AU$": "AUD", "NZ$": "NZD", "HK$": "HKD", "C$": "CAD", "A$": "AUD",
    "S$": "SGD", "R$": "BRL", "₹": "INR", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₦": "NGN", "₱": "PHP",
    "$": "USD",
}

_EMPTY = frozenset({"", "-", "--", "—", "–", "n/a", "na", "n.a.", "none", "null", "nil", "nan", "?", "unknown", "#n/a"})
_MULTIPLIERS: dict[str, Decimal] = {
    "": Decimal(1), "k": Decimal(10) ** 3, "thousand": Decimal(10) ** 3, "m": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6, "mil": Decimal(10) ** 6, "mio": Decimal(10) ** 6, "million": Decimal(10) ** 6,
    "millions": Decimal(10) ** 6, "b": Decimal(10) ** 9, "bn": Decimal(10) ** 9, "billion": Decimal(10) ** 9,
    "lakh": Decimal(10) ** 5, "lakhs": Decimal(10) ** 5, "lac": Decimal(10) ** 5, "lacs": Decimal(10) ** 5,
    "l": Decimal(10) ** 5, "cr": Decimal(10) ** 7, "crore": Decimal(10) ** 7, "crores": Decimal(10) ** 7,
}
_NUMBER = re.compile(r"^([+-]?)([0-9][0-9.,' _]*|[.,][0-9]+)([a-z]*)\.?$")
_SIMPLE_NUMBER = re.compile(r"^([0-9]+(?:\.[0-9]+)?)([kmb]?)$")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")
_GROUP_HEAD = re.compile(r"[1-9][0-9]{0,2}")
_MONEY_WORD = re.compile(r"(?i)\b([a-z]{2,7})\b\.?")


class CellError(ValueError):
    pass


def is_empty(raw: str) -> bool:
    return raw.strip().lower() in _EMPTY


def parse_number(raw: str, *, kind: Literal["count", "amount", "percent"] = "amount") -> tuple[Decimal, bool]:
    """Parse '409.8M', '2,345,678', '1.5 million', '12 345', '1,5M' → (Decimal, had a magnitude suffix).

    A lone separator followed by exactly three digits after 1-3 leading digits ('1,234', '1.234') is a
    thousands separator for a `kind="count"`, only a comma is for an "amount", never for a "percent".
    """
    text = raw.strip().lower()
    simple = _SIMPLE_NUMBER.match(text)
    if simple and (kind == "percent" or "." not in text or simple.group(2) or len(text.split(".")[1]) != 3):
        return Decimal(simple.group(1)) * _MULTIPLIERS[simple.group(2)], bool(simple.group(2))
    text = _SPACES.sub(" ", text).rstrip("+").lstrip("~≈").strip()
    text = _DIGIT_SPACE.sub("", text).replace(" ", "")
    match = _NUMBER.match(text)
    if not match or match.group(3) not in _MULTIPLIERS:
        raise CellError(f"'{raw.strip()}' is not a number")
    sign, digits, suffix = match.groups()
    digits = digits.replace("'", "").replace("_", "")
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal_sep = "," if digits.rfind(",") > digits.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        digits = digits.replace(group_sep, "").replace(decimal_sep, ".")
    elif commas or dots:
        sep = "," if commas else "."
        head, tail = digits.rsplit(sep, 1)
        lone_group = len(tail) == 3 and _GROUP_HEAD.fullmatch(head) is not None and not suffix
        grouping = (commas + dots) > 1 or (lone_group and (kind == "count" or (kind == "amount" and sep == ",")))
        digits = digits.replace(sep, "") if grouping else digits.replace(sep, ".")
    try:
        value = Decimal(digits) * _MULTIPLIERS[suffix]
    except InvalidOperation:
        raise CellError(f"'{raw.strip()}' is not a number") from None
    return (-value if sign == "-" else value), bool(suffix)


def parse_count(raw: str) -> int:
    value, _ = parse_number(raw, kind="count")
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def parse_percent(raw: str, *, fraction_ok: bool) -> float:
    """'4.2%' → 4.2; '4.2' → 4.2; '0.042' → 4.2 when `fraction_ok` (see the module docstring)."""
    text = raw.strip()
    if text.endswith("%"):
        value, _ = parse_number(text[:-1], kind="percent")
        return float(value)
    value, _ = parse_number(text, kind="percent")
    if fraction_ok and abs(value) <= 1:
        value *= 100
    return float(value)


def _currency_in(text: str) -> tuple[str, str | None]:
    """Remove a currency symbol or code from a money cell: ('₹25,000') → ('25,000', 'INR')."""
    for sym, code in CURRENCY_SYMBOLS.items():
        if sym in text:
            return text.replace(sym, " "), code
    for match in _MONEY_WORD.finditer(text):
        word = match.group(1).lower()
        code = CURRENCY_WORDS.get(word) or (word.upper() if word.upper() in known_currencies() else None)
        if code:
            return text[: match.start()] + " " + text[match.end() :], code
    return text, None


_RANGE = re.compile(r"^(.*?\d.*?)\s*(?:-|–|—|\bto\b)\s*(\d.*)$")


def parse_money(raw: str) -> tuple[Decimal, str | None, bool]:
    """'₹25,000' → (25000, 'INR', False); '20k-30k' → (20000, None, True) (a range: lower bound)."""
    text, currency = _currency_in(raw.strip())
    text = text.strip()
    span = None if text.startswith("-") else _RANGE.match(text)
    value, _ = parse_number(span.group(1) if span else text)
    return value, currency, span is not None


_TRUE = frozenset({"yes", "y", "true", "t", "1", "verified", "✓", "✔", "✔️", "x"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "not verified", "unverified"})


def parse_bool(raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"'{raw.strip()}' is not yes/no")


_URL_SITES = {
    "instagram.com": "instagram", "instagr.am": "instagram", "tiktok.com": "tiktok", "youtube.com": "youtube",
    "youtu.be": "youtube", "twitter.com": "twitter", "x.com": "twitter", "twitch.tv": "twitch",
    "linkedin.com": "linkedin", "facebook.com": "facebook", "fb.com": "facebook", "snapchat.com": "snapchat",
    "pinterest.com": "pinterest",
}
_NOT_HANDLES = frozenset({"p", "reel", "reels", "tv", "stories", "watch", "explore", "video", "in", "c", "user",
                          "channel", "add", "company", "pages", "profile.php", "hashtag", "share", "status"})
_URLISH = re.compile(r"^(https?://|www\.|[\w-]+\.(com|tv|am|be)/)", re.IGNORECASE)


def handle_from_url(url: str) -> tuple[str | None, str | None]:
    """(handle, platform) of a profile URL: instagram.com/NAME, tiktok.com/@NAME, youtube.com/@NAME|c/NAME."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.").removeprefix("mobile.")
    platform = _URL_SITES.get(host)
    segments = [s for s in parts.path.split("/") if s]
    while segments and segments[0].lower() in _NOT_HANDLES and len(segments) > 1:
        segments = segments[1:]
    if not segments or segments[0].lower() in _NOT_HANDLES:
        return None, platform
    return segments[0].lstrip("@") or None, platform


def clean_handle(raw: str) -> tuple[str, str | None]:
    """Strip '@' and whitespace; a URL gives its handle and platform."""
    text = raw.strip()
    if _URLISH.match(text):
        handle, platform = handle_from_url(text)
        return (handle or text), platform
    return text.lstrip("@").strip(), None


_SLUG_DROP = re.compile(r"[^\w.\-]+", re.UNICODE)


def slugify_name(name: str) -> str:
    """A stable handle from a display name: 'Cristiano Ronaldo ⚽' → 'cristiano_ronaldo'."""
    text = unicodedata.normalize("NFKC", name).lower()
    words = [_SLUG_DROP.sub("", w) for w in text.split()]
    return "_".join(w for w in words if w).strip("._-")[:100]


_LIST_SPLIT = re.compile(r"\s*[,;|\n]\s*")


def split_list(raw: str) -> list[str]:
    if "#" in raw and "," not in raw:
        return [p.strip() for p in raw.split("#") if p.strip()]
    return [p for p in _LIST_SPLIT.split(raw.strip()) if p and not is_empty(p)]


_GENDERS = {
    "f": "female", "female": "female", "woman": "female", "women": "female", "w": "female", "girl": "female",
    "m": "male", "male": "male", "man": "male", "men": "male", "boy": "male",
    "nonbinary": "nonbinary", "non-binary": "nonbinary", "non binary": "nonbinary", "nb": "nonbinary",
    "enby": "nonbinary", "x": "nonbinary",
}
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


def parse_gender(raw: str) -> str:
    """'F', 'Woman', 'male', 'non-binary' → female/male/nonbinary."""
    value = _GENDERS.get(raw.strip().lower().rstrip("."))
    if value is None:
        raise CellError(f"'{raw.strip()}' is not a gender (female, male or nonbinary)")
    return value


def parse_birth_year(raw: str) -> int:
    """A year ('1996') or a date holding one ('1996-04-12', '12/04/1996')."""
    found = _YEAR.search(raw)
    if not found:
        raise CellError(f"'{raw.strip()}' holds no birth year")
    return int(found.group(1))


def parse_age(raw: str, this_year: int) -> int:
    """An age in years ('27', '27 years') → the birth year it implies this year."""
    match = re.match(r"^\s*(\d{1,3})(?:\s*(?:y|yrs?|years?)(?:\s*old)?)?\s*$", raw.lower())
    if not match or not 5 <= int(match.group(1)) <= 120:
        raise CellError(f"'{raw.strip()}' is not an age in years")
    return this_year - int(match.group(1))
