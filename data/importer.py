"""Influencer import: an uploaded CSV or JSONL file (bytes) → one validated profile or one error per row.

Pure parsing, no database. `parse_import` checks the file (raising `ImportFormatError` at once when the
whole file is unusable) and returns an iterator of `ImportRow`, one per non-empty data row, in file order.

Files
- `.csv`, `.tsv`, `.txt`: UTF-8 (BOM or not; UTF-16 with BOM; otherwise cp1252/latin-1). Delimiter `,` `;`
  tab or `|` is detected from the first records (an Excel `sep=;` first line is honoured). Up to 10
  title lines before the header are skipped: the header is the first record with a followers column and a
  name, handle or profile-URL column.
- `.jsonl`, `.ndjson`, `.json`: one JSON object per line (a `.json` file may also be one JSON array).
  An object with a `platforms` list is taken as the InfluencerIn shape of CONTRACT §3; any other object is
  a flat record read like a CSV row (nested objects are flattened: `{"contact": {"email": …}}` is column
  "contact email"; a list value counts as several values of its column).
- Row numbers: CSV rows count records after the header from 1 as a spreadsheet shows them (a quoted cell
  spanning lines is one row); JSONL rows are line numbers (JSON array: element number). Fully empty
  rows/lines produce no ImportRow but keep their number; `count_rows` counts the non-empty ones.

Columns are recognized case-, space- and punctuation-insensitively by synonym and keyword ("Influencer
name", "Instagram name" (a platform name + "name" is that platform's handle), "channel_name", "Username",
"Subscribers", "Followers count", "ER", "Authentic engagement", "Avg. likes", "Category_1", "Audience
country(mostly)", "Email Address", "Rate (INR)", "rate_inr", "Reel price (€)", …); see `column_plan`.
Unrecognized columns are ignored. Several columns for one field (duplicate "Category", "Name" twice):
list fields keep every value; for a single-valued field the first non-empty value wins and a differing
value becomes a warning on that row (for interaction counts the first non-empty column wins silently,
as "Authentic engagement" and "Engagement avg" are alternative measures).

Mapping targets (`mapping={"Source column": "target"}`, overriding recognition for that column):
`name handle email phone bio city region country location languages niches topics platform followers
engagement_rate avg_interactions avg_views profile_url rate_post rate_story rate_reel rate_video
rate_currency past_brands verified audience_country ignore`. Account targets (handle, followers,
engagement_rate, avg_interactions, avg_views, profile_url) take an optional platform, `followers:youtube`;
rate targets an optional currency, `rate_post:INR`. A mapping key naming no column of a CSV file, or an
unknown target, raises ImportFormatError.

Values
- Counts: "409.8M", "103.8K", "1.2k", "2,345,678", "1.5 million", "12 345", "2 lakh", "1.2 crore",
  "10K+"; "1,5M" and "1.234.567" (European separators) too. Empty, "N/A", "-", "null" … mean no value.
- Engagement rate is a percentage. "4.2%" and "4.2" are 4.2 %. A plain number <= 1 is a fraction
  (0.042 → 4.2 %) — in a CSV column only when no plain value in that column exceeds 1, so a column of
  percentages containing 0.8 keeps 0.8 %; in JSON per value. A value with a magnitude suffix ("3.2M") in an
  engagement column is an interaction count.
- Interactions per post (avg likes/engagement counts) without a rate give rate = interactions / followers
  × 100, rounded to 2 decimals; a result over 100 % makes the row an error.
- Platform: the `platform` column ("IG", "insta", "YT", "Tiktok", "X", …), else the site of a profile
  URL in the row, else the file default: the first platform a column names ("Instagram name",
  "YouTube subscribers", mapping `followers:tiktok`), else youtube when a header says subscribers/channel,
  else instagram. Platform-named columns ("TikTok followers") add a second account to the row; an account
  without followers is skipped with a warning (an error when it is the row's only one).
- Handle: "@" stripped; a profile URL (instagram.com/NAME, tiktok.com/@NAME, youtube.com/@NAME, x.com/NAME,
  …) gives the handle and the platform. Without a handle or URL the handle is the name slugified
  (lowercase, spaces → "_", characters other than letters, digits, "_", ".", "-" dropped:
  "Cristiano Ronaldo" → "cristiano_ronaldo"); an account without its own handle uses the row's handle;
  without a name the name is the handle. Neither name nor handle nor URL → error.
- Rates are converted to USD Decimal with data/fx.py. Currency: a symbol or code in the cell ("₹25,000",
  "INR 25k"), else the column's ("Rate (INR)", "rate_inr", `rate_post:INR`), else the `rate_currency`
  column, else USD. A range "20k-30k" takes the lower bound with a warning.
- Country names/codes → ISO alpha-2 (data/taxonomy.py); languages → ISO-639-1; categories → niche slugs,
  keeping the category's own wording as a topic unless it is just the slug; unmapped categories become
  topics. An unknown country or language is left out with a warning, never an error.

Errors name the target and the source column: 'followers (column "Followers"): Input should be greater
than or equal to 0 (got -5000)'. Warnings never stop a row.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import ValidationError

from data.fx import known_currencies, to_usd
from data.schemas import InfluencerIn
from data.taxonomy import country_code, language_code, niches_in, normalize_label, platform_for
from data.types import NICHES, PLATFORMS


class ImportFormatError(ValueError):
    """The whole file is unusable (format, header or mapping); no row can be imported."""


@dataclass(frozen=True)
class ImportRow:
    """One data row's outcome: a profile, or None and the reason (naming the target and source column)."""

    row: int  # 1-based data row as a spreadsheet shows it (header excluded); JSONL: line number
    profile: InfluencerIn | None
    error: str | None
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------- targets

ACCOUNT_FIELDS = frozenset({"handle", "followers", "engagement_rate", "avg_interactions", "avg_views", "profile_url"})
RATE_FIELDS = frozenset({"rate_post", "rate_story", "rate_reel", "rate_video"})
LIST_FIELDS = frozenset({"languages", "niches", "topics", "past_brands", "audience_country"})
TARGETS: tuple[str, ...] = (
    "name", "handle", "email", "phone", "bio", "city", "region", "country", "location", "languages", "niches",
    "topics", "platform", "followers", "engagement_rate", "avg_interactions", "avg_views", "profile_url",
    "rate_post", "rate_story", "rate_reel", "rate_video", "rate_currency", "past_brands", "verified",
    "audience_country", "ignore",
)


@dataclass(frozen=True)
class Target:
    """Where a column's values go: a field, with the platform (account fields) or currency (rates) it names."""

    field: str
    platform: str | None = None
    currency: str | None = None

    def __str__(self) -> str:
        qualifier = self.platform or self.currency
        return f"{self.field}:{qualifier}" if qualifier else self.field


def parse_target(spec: str) -> Target:
    """Parse a mapping target such as 'followers', 'followers:youtube' or 'rate_post:INR'."""
    name, _, qualifier = spec.strip().partition(":")
    name, qualifier = name.strip().lower(), qualifier.strip()
    if name not in TARGETS:
        raise ImportFormatError(f"unknown mapping target '{spec}'; valid targets: {', '.join(TARGETS)}")
    if not qualifier:
        return Target(name)
    if name in ACCOUNT_FIELDS:
        platform = platform_for(qualifier)
        if platform is None:
            raise ImportFormatError(f"unknown platform in mapping target '{spec}'; platforms: {', '.join(PLATFORMS)}")
        return Target(name, platform=platform)
    if name in RATE_FIELDS:
        if qualifier.upper() not in known_currencies():
            raise ImportFormatError(f"unknown currency in mapping target '{spec}'")
        return Target(name, currency=qualifier.upper())
    raise ImportFormatError(f"mapping target '{name}' takes no ':qualifier' (only account and rate targets do)")


# ---------------------------------------------------------------------------------- header recognition

_EXACT_HEADERS: dict[str, str] = {
    "name": "name", "full name": "name", "channel name": "name", "channel": "name", "title": "name",
    "nickname": "name", "display name": "name", "page name": "name", "account name": "name",
    "er": "engagement_rate", "user": "handle", "account": "handle", "screen name": "handle",
    "profile": "profile_url", "link": "profile_url", "url": "profile_url",
}
_HANDLE_WORDS = frozenset({"", "name", "username", "user name", "handle", "id", "account", "user"})
_PLATFORM_WORDS: dict[str, str] = {
    "instagram": "instagram", "ig": "instagram", "insta": "instagram", "youtube": "youtube", "yt": "youtube",
    "youtuber": "youtube", "tiktok": "tiktok", "tiktoker": "tiktok", "twitter": "twitter", "x": "twitter",
    "twitch": "twitch", "linkedin": "linkedin", "facebook": "facebook", "fb": "facebook",
    "snapchat": "snapchat", "pinterest": "pinterest",
}
_CURRENCY_WORDS = {"rupees": "INR", "rupee": "INR", "rs": "INR", "dollars": "USD", "euros": "EUR", "euro": "EUR",
                   "pounds": "GBP", "yen": "JPY", "reais": "BRL"}
_CURRENCY_SYMBOLS = {  # longest first: "US$" before "$"
    "US$": "USD", "CA$": "CAD", "AU$": "AUD", "NZ$": "NZD", "HK$": "HKD", "C$": "CAD", "A$": "AUD",
    "S$": "SGD", "R$": "BRL", "₹": "INR", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₦": "NGN", "₱": "PHP",
    "$": "USD",
}
_RATE_WORDS = ("rate", "price", "cost", "fee", "charge", "commercial", "budget", "pricing")
_DELIVERABLE_WORDS = (("stor", "rate_story"), ("reel", "rate_reel"), ("short", "rate_reel"),
                      ("video", "rate_video"), ("integration", "rate_video"))


def _has(words: list[str], *stems: str) -> bool:
    return any(w.startswith(s) for w in words for s in stems)


def _field_for(words: list[str]) -> str | None:
    """Keyword rules, most specific first, on a header with platform and currency words removed."""
    text = " ".join(words)
    if text in _EXACT_HEADERS:
        return _EXACT_HEADERS[text]
    if "audience" in words and _has(words, "countr", "geo", "location", "region"):
        return "audience_country"
    if _has(words, "engagement") or "er" in words or "eng" in words:
        if _has(words, "rate", "percent", "pct", "ratio") or "er" in words:
            return "engagement_rate"
        if _has(words, "avg", "average", "authentic", "mean", "per", "interaction", "total", "count"):
            return "avg_interactions"
        return "engagement_rate"
    if _has(words, "interaction", "like", "comment", "view", "plays") and _has(words, "total", "lifetime"):
        return None  # lifetime totals are not per-post figures
    if _has(words, "interaction", "like", "comment"):
        return "avg_interactions"
    if _has(words, "view", "plays"):
        per_post = _has(words, "avg", "average", "mean", "median", "per", "typical") or words in (["views"], ["plays"])
        return "avg_views" if per_post else None
    if _has(words, "follower", "subscriber", "fan") or "subs" in words:
        return "followers"
    if _has(words, "currency", "ccy"):
        return "rate_currency"
    if _has(words, *_RATE_WORDS):
        return next((f for stem, f in _DELIVERABLE_WORDS if _has(words, stem)), "rate_post")
    if "mail" in words or _has(words, "email"):
        return "email"
    if _has(words, "phone", "mobile", "whatsapp", "tel", "contact number"):
        return "phone"
    if _has(words, "categor", "subcategor", "niche", "genre", "vertical", "industry"):
        return "niches"
    if _has(words, "topic", "tag", "keyword", "interest", "hashtag"):
        return "topics"
    if _has(words, "countr", "nationality"):
        return "country"
    if _has(words, "city", "town"):
        return "city"
    if _has(words, "state", "province", "region"):
        return "region"
    if _has(words, "location", "based", "address"):
        return "location"
    if _has(words, "language", "lang"):
        return "languages"
    if _has(words, "brand", "collab", "sponsor", "partner"):
        return "past_brands"
    if _has(words, "verif", "checkmark") or text == "blue tick":
        return "verified"
    if _has(words, "bio", "description", "about", "summary"):
        return "bio"
    if _has(words, "platform", "network", "social"):
        return "platform"
    if _has(words, "handle", "username") or "user" in words:
        return "handle"
    if _has(words, "url", "link", "profile"):
        return "profile_url"
    if _has(words, "name", "creator", "influencer"):
        return "name"
    return None


@lru_cache(maxsize=4096)
def recognize_header(header: str) -> Target | None:
    """The target a column header names, or None when it is not recognized."""
    currency = next((code for sym, code in _CURRENCY_SYMBOLS.items() if sym in header), None)
    norm = normalize_label(header).replace("you tube", "youtube").replace("tik tok", "tiktok")
    words = norm.split()
    while len(words) > 1 and words[-1].isdigit():  # "Category_2", "Name 2"
        words.pop()
    platform = next((_PLATFORM_WORDS[w] for w in words if w in _PLATFORM_WORDS), None)
    kept = [w for w in words if w not in _PLATFORM_WORDS]
    if platform and " ".join(kept) in _HANDLE_WORDS:
        return Target("handle", platform=platform)
    codes = {c.lower() for c in known_currencies()}
    money_words = [w for w in kept if w in codes or w in _CURRENCY_WORDS]
    name = _field_for([w for w in kept if w not in money_words]) if money_words else None
    if name in RATE_FIELDS:  # "rate_inr", "Price USD": the currency word belongs to a rate column only
        currency = currency or _CURRENCY_WORDS.get(money_words[0], money_words[0].upper())
    else:
        name = _field_for(kept)
    if name is None:
        return None
    if name in ACCOUNT_FIELDS:
        return Target(name, platform=platform)
    if name in RATE_FIELDS:
        return Target(name, currency=currency)
    return Target(name)


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    label: str  # header as shown in messages ("Category (column 5)" when the header repeats)
    target: Target | None


def _plan(headers: list[str], mapping: dict[str, str] | None, *, strict_mapping: bool) -> list[Column]:
    wanted = {k: parse_target(v) for k, v in (mapping or {}).items()}
    by_norm = {normalize_label(k): t for k, t in wanted.items()}
    clean = [" ".join(h.split()) for h in headers]
    counts: dict[str, int] = {}
    for h in clean:
        counts[h.lower()] = counts.get(h.lower(), 0) + 1
    if strict_mapping:
        known = set(clean) | {normalize_label(h) for h in clean} | set(headers)
        missing = [k for k in wanted if k not in known and normalize_label(k) not in known]
        if missing:
            raise ImportFormatError(f"mapping names column(s) not in the file: {missing}; columns are: {clean}")
    columns: list[Column] = []
    for i, (raw, h) in enumerate(zip(headers, clean, strict=True)):
        mapped = (wanted.get(raw) or wanted.get(h) or by_norm.get(normalize_label(h))) if h else None
        target = mapped or (recognize_header(h) if h else None)
        if target is not None and target.field == "ignore":
            target = None
        label = f"{h} (column {i + 1})" if counts.get(h.lower(), 0) > 1 else (h or f"column {i + 1}")
        columns.append(Column(i, h, label, target))
    return columns


def _usable(columns: list[Column]) -> bool:
    fields = {c.target.field for c in columns if c.target}
    return "followers" in fields and bool(fields & {"name", "handle", "profile_url"})


def _default_platform(columns: list[Column]) -> str:
    """The platform of rows without a platform column or URL: named by a column's target or header."""
    named = next((c.target.platform for c in columns if c.target and c.target.platform), None)
    if named:
        return named
    words = [w for c in columns for w in normalize_label(c.header).replace("you tube", "youtube").split()]
    for w in words:
        if w in _PLATFORM_WORDS and w != "x":
            return _PLATFORM_WORDS[w]
    if any(w.startswith(("subscriber", "channel")) for w in words):
        return "youtube"
    return "instagram"


# ---------------------------------------------------------------------------------------------- values

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
_LANGUAGE_SPLIT = re.compile(r"\s*(?:[,;|/]|\band\b)\s*")
_SHARE_NOTE = re.compile(r"\(.*?\)|[\d.,]+\s*%")
_SCIENTIFIC = re.compile(r"[\d.]+[eE]\+?\d+")


class _CellError(ValueError):
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
        raise _CellError(f"'{raw.strip()}' is not a number")
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
        raise _CellError(f"'{raw.strip()}' is not a number") from None
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
    for sym, code in _CURRENCY_SYMBOLS.items():
        if sym in text:
            return text.replace(sym, " "), code
    for match in _MONEY_WORD.finditer(text):
        word = match.group(1).lower()
        code = _CURRENCY_WORDS.get(word) or (word.upper() if word.upper() in known_currencies() else None)
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
    raise _CellError(f"'{raw.strip()}' is not yes/no")


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


# --------------------------------------------------------------------------------------- row assembly


@dataclass
class _Account:
    values: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (column label, raw)


class _RowBuilder:
    """Collects one row's (target, column, raw value) cells and turns them into an InfluencerIn dict."""

    def __init__(self, default_platform: str, fraction_columns: frozenset[str] | None, followers_column: str) -> None:
        self.default_platform = default_platform
        self.fraction_columns = fraction_columns  # None: decide per value (JSON)
        self.followers_column = followers_column
        self.scalars: dict[str, tuple[str, str]] = {}
        self.lists: dict[str, list[tuple[str, str]]] = {}
        self.accounts: dict[str | None, _Account] = {}
        self.rates: dict[str, tuple[str, str]] = {}
        self.rate_currency: dict[str, str | None] = {}
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.sources: dict[tuple[Any, ...], tuple[str, str]] = {}

    def fail(self, target: str, column: str, message: str) -> None:
        self.errors.append(f'{target} (column "{column}"): {message}' if column else f"{target}: {message}")

    def _keep(self, store: dict[str, tuple[str, str]], name: str, column: str, raw: str) -> bool:
        """Keep the first value of a single-valued field; a later different value becomes a warning."""
        if name != "bio":
            raw = " ".join(raw.split())  # a one-line field: cells spanning lines, stray tabs
        held = store.get(name)
        if held is None:
            store[name] = (column, raw)
            return True
        if held[1].strip().lower() != raw.strip().lower() and name != "avg_interactions":
            self.warnings.append(f'{name}: kept "{held[1].strip()}" from column "{held[0]}", '
                                 f'ignored different "{raw.strip()}" from column "{column}"')
        return False

    def add(self, target: Target, column: str, raw: str) -> None:
        if is_empty(raw):
            return
        name = target.field
        if name in LIST_FIELDS:
            self.lists.setdefault(name, []).append((column, raw))
        elif name in ACCOUNT_FIELDS:
            self._keep(self.accounts.setdefault(target.platform, _Account()).values, name, column, raw)
        elif name in RATE_FIELDS:
            if self._keep(self.rates, name, column, raw):
                self.rate_currency[name] = target.currency
        else:
            self._keep(self.scalars, name, column, raw)

    # -- pieces

    def _platform(self) -> str:
        if "platform" in self.scalars:
            column, raw = self.scalars["platform"]
            names = split_list(raw) or [raw]
            slug = platform_for(names[0])
            if slug is None:
                self.fail("platform", column, f"'{raw.strip()}' is not a supported platform ({', '.join(PLATFORMS)})")
                return self.default_platform
            if len(names) > 1:
                self.warnings.append(f'platform: "{raw.strip()}" names several platforms; used {slug}')
            return slug
        loose = self.accounts.get(None)
        for key in ("profile_url", "handle"):
            if loose and key in loose.values:
                _, platform = clean_handle(loose.values[key][1])
                if platform:
                    return platform
        return self.default_platform

    def _engagement(self, acc: _Account, followers: int) -> tuple[float, tuple[str, str]] | None:
        """(engagement rate %, its (target, column)) from the rate column or derived from interactions."""
        rate = acc.values.get("engagement_rate")
        interactions = acc.values.get("avg_interactions")
        if rate:
            column, raw = rate
            text = raw.strip()
            try:
                _, suffixed = parse_number(text.removesuffix("%"), kind="percent")
                if not suffixed or text.endswith("%"):
                    fraction_ok = self.fraction_columns is None or column in self.fraction_columns
                    return parse_percent(text, fraction_ok=fraction_ok), ("engagement_rate", column)
            except _CellError as exc:
                self.fail("engagement_rate", column, str(exc))
                return None
            interactions = rate  # "3.2M" in an engagement column: a count of interactions
        if not interactions:
            return None
        column, raw = interactions
        try:
            count = parse_count(raw)
        except _CellError as exc:
            self.fail("avg_interactions", column, str(exc))
            return None
        if count < 0:
            self.fail("avg_interactions", column, f"interactions cannot be negative (got {raw.strip()})")
            return None
        if followers < 0:
            return None  # the schema reports the negative followers
        if followers == 0:
            if count:
                self.fail("avg_interactions", column, f"{raw.strip()} interactions per post with 0 followers")
            return None
        value = round(count / followers * 100, 2)
        if value > 100:
            self.fail("avg_interactions", column, f"{raw.strip()} interactions per post for {followers:,} followers "
                                                  f"is a {value:,.0f}% engagement rate (over 100%)")
            return None
        return value, ("avg_interactions", column)

    def _account(self, platform: str, acc: _Account, fallback_handle: str | None, index: int) -> dict[str, Any] | None:
        out: dict[str, Any] = {"platform": platform}
        handle = None
        for key in ("handle", "profile_url"):
            if key in acc.values and handle is None:
                column, raw = acc.values[key]
                value, _ = clean_handle(raw)
                if value:
                    handle = value
                    self.sources[("platforms", index, "handle")] = (key, column)
        handle = handle or fallback_handle
        if "followers" not in acc.values:
            return None
        column, raw = acc.values["followers"]
        self.sources[("platforms", index, "followers")] = ("followers", column)
        try:
            out["followers"] = parse_count(raw)
        except _CellError as exc:
            self.fail("followers", column, str(exc))
            return out
        if handle is None:
            return out
        out["handle"] = handle
        engagement = self._engagement(acc, out["followers"])
        if engagement is not None:
            out["engagement_rate"], self.sources[("platforms", index, "engagement_rate")] = engagement
        if "avg_views" in acc.values:
            column, raw = acc.values["avg_views"]
            self.sources[("platforms", index, "avg_views")] = ("avg_views", column)
            try:
                out["avg_views"] = parse_count(raw)
            except _CellError as exc:
                self.fail("avg_views", column, str(exc))
        return out

    def _accounts(self, name: str | None) -> tuple[list[dict[str, Any]], str | None]:
        row_platform = self._platform()
        accounts = dict(self.accounts)
        loose = accounts.pop(None, None)
        if loose is not None:
            main = accounts.setdefault(row_platform, _Account())
            main.values = {**loose.values, **main.values}
        ordered = sorted(accounts.items(), key=lambda kv: kv[0] != row_platform)
        fallback = None
        for _, acc in ordered:
            for key in ("handle", "profile_url"):
                if key in acc.values and fallback is None:
                    fallback = clean_handle(acc.values[key][1])[0] or None
        if fallback is None and name:
            fallback = slugify_name(name) or None
        built: list[dict[str, Any]] = []
        skipped: list[str] = []
        for platform, acc in ordered:
            assert platform is not None
            result = self._account(platform, acc, fallback, len(built))
            if result is None:
                shown = acc.values.get("handle", acc.values.get("profile_url", ("", "")))[1].strip()
                skipped.append(f"{platform} account {shown!r}" if shown else f"{platform} account")
            else:
                built.append(result)
        if built:
            self.warnings.extend(f"{what} skipped: no followers value" for what in skipped)
        elif name or fallback:
            self.fail("followers", self.followers_column, "missing")
        return built, fallback

    def _list_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        niches: list[str] = []
        topics: list[str] = []
        for column, raw in self.lists.get("niches", []):
            for label in split_list(raw):
                found = niches_in(label)
                niches.extend(found)
                if label.lower() not in NICHES and len(topics) < 50:
                    topics.append(label)
                if found:
                    self.sources.setdefault(("niches",), ("niches", column))
        for column, raw in self.lists.get("topics", []):
            topics.extend(split_list(raw))
            self.sources.setdefault(("topics",), ("topics", column))
        if niches:
            out["niches"] = list(dict.fromkeys(niches))
        if topics:
            out["topics"] = topics
        for column, raw in self.lists.get("past_brands", []):
            out.setdefault("past_brands", []).extend(split_list(raw))
            self.sources.setdefault(("past_brands",), ("past_brands", column))
        for column, raw in self.lists.get("languages", []):
            for item in _LANGUAGE_SPLIT.split(raw.strip()):
                if not item or is_empty(item):
                    continue
                code = language_code(item)
                if code:
                    out.setdefault("languages", []).append(code)
                else:
                    self.warnings.append(f'languages: "{item}" in column "{column}" is not a known language; left out')
        countries: list[str] = []
        for column, raw in self.lists.get("audience_country", []):
            for item in split_list(raw.replace("/", ",")):
                label = _SHARE_NOTE.sub("", item).strip()
                code = country_code(label) if label else None
                if code:
                    countries.append(code)
                elif label:
                    self.warnings.append(f'audience_country: "{label}" in column "{column}" is not a country; left out')
        if countries:
            out["audience"] = {"top_countries": list(dict.fromkeys(countries))[:20]}
        return out

    def _location(self) -> dict[str, str] | None:
        loc: dict[str, str] = {}
        for key in ("city", "region"):
            if key in self.scalars:
                loc[key] = self.scalars[key][1].strip()
                self.sources[("location", key)] = (key, self.scalars[key][0])
        country_raw = self.scalars.get("country")
        if country_raw and not country_code(country_raw[1]):
            self.warnings.append(f'country: "{country_raw[1].strip()}" in column "{country_raw[0]}" is not a country; '
                                 "left out")
            country_raw = None
        if "location" in self.scalars:
            column, raw = self.scalars["location"]
            parts = [p.strip() for p in raw.split(",") if p.strip()]
            if parts and _location_country(parts[-1]):  # "Mumbai, India", "India": the explicit Country wins
                last = parts.pop()
                country_raw = country_raw or (column, last)
            if parts:
                loc.setdefault("city", parts[0])
            if len(parts) > 1:
                loc.setdefault("region", ", ".join(parts[1:]))
            for key in ("city", "region"):
                self.sources.setdefault(("location", key), ("location", column))
        if country_raw:
            loc["country"] = country_code(country_raw[1]) or ""
        return loc or None

    def _rates(self) -> dict[str, Decimal] | None:
        default_currency = None
        if "rate_currency" in self.scalars:
            column, raw = self.scalars["rate_currency"]
            default_currency = raw.strip().upper()
            if default_currency not in known_currencies():
                self.fail("rate_currency", column, f"unknown currency '{raw.strip()}'")
                return None
        rates: dict[str, Decimal] = {}
        for name, (column, raw) in self.rates.items():
            column_currency = self.rate_currency.get(name)
            try:
                amount, cell_currency, is_range = parse_money(raw)
            except _CellError as exc:
                self.fail(name, column, str(exc))
                continue
            currency = cell_currency or column_currency or default_currency or "USD"
            if is_range:
                self.warnings.append(f'{name}: "{raw.strip()}" is a range; used the lower bound')
            key = name.removeprefix("rate_")
            rates[key] = to_usd(amount, currency)
            self.sources[("rates_usd", key)] = (name, column)
        return rates or None

    # -- whole row

    def build(self) -> dict[str, Any]:
        name = self.scalars.get("name", ("", ""))[1].strip() or None
        accounts, handle = self._accounts(name)
        profile: dict[str, Any] = {}
        if name:
            profile["name"] = name
            self.sources[("name",)] = ("name", self.scalars["name"][0])
        elif handle:
            profile["name"] = handle
        if not name and not handle:
            self.errors.append("name/handle: the row has no name, handle or profile URL")
        if accounts and "handle" in accounts[0]:
            profile["handle"] = accounts[0]["handle"]
        profile["platforms"] = accounts
        for key in ("email", "phone", "bio"):
            if key in self.scalars:
                column, raw = self.scalars[key]
                value = raw.strip()
                if key == "email" and re.search(r"[,;\s]", value):
                    first = re.split(r"[,;\s]+", value)[0]
                    self.warnings.append(f'email: "{value}" holds several addresses; used {first}')
                    value = first
                if key == "phone" and _SCIENTIFIC.fullmatch(value):
                    self.warnings.append(f'phone: "{value}" is in scientific notation (spreadsheet damage); left out')
                    continue
                profile[key] = value
                self.sources[(key,)] = (key, column)
        if "verified" in self.scalars:
            column, raw = self.scalars["verified"]
            try:
                profile["verified"] = parse_bool(raw)
            except _CellError as exc:
                self.fail("verified", column, str(exc))
        location = self._location()
        if location:
            profile["location"] = location
        rates = self._rates()
        if rates:
            profile["rates_usd"] = rates
        profile.update(self._list_values())
        return profile


def _location_country(part: str) -> str | None:
    """A country at the end of a location; two-letter parts only as 'UK'/'US' ("Los Angeles, CA" is no Canada)."""
    if len(part.strip()) <= 2 and part.strip().upper() not in {"UK", "US"}:
        return None
    return country_code(part)


def _explain(exc: ValidationError, sources: dict[tuple[Any, ...], tuple[str, str]]) -> str:
    """A concise, column-naming reason from a pydantic ValidationError."""
    parts: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc) or "profile"
        for size in range(len(loc), 0, -1):
            if loc[:size] in sources:
                target, column = sources[loc[:size]]
                where = f'{target} (column "{column}")'
                break
        message = str(err["msg"]).removeprefix("Value error, ")
        value = err.get("input")
        if err["type"] != "missing" and isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
            shown = str(value)
            message += f" (got {shown[:40] + '…' if len(shown) > 40 else shown})"
        parts.append(f"{where}: {message}")
    return "; ".join(dict.fromkeys(parts))


def _finish(row: int, builder: _RowBuilder) -> ImportRow:
    payload = builder.build()
    if builder.errors:
        return ImportRow(row, None, "; ".join(dict.fromkeys(builder.errors)), tuple(builder.warnings))
    try:
        profile = InfluencerIn.model_validate(payload)
    except ValidationError as exc:
        return ImportRow(row, None, _explain(exc, builder.sources), tuple(builder.warnings))
    return ImportRow(row, profile, None, tuple(builder.warnings))


# ------------------------------------------------------------------------------------------------ CSV


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    return text.replace("\x00", "")


def _delimiter(text: str) -> str:
    """The candidate delimiter that splits the first records into the most consistent number of fields."""
    sample = text[:65536]
    truncated = len(text) > len(sample)
    best, best_score = ",", (0, 0)
    for delim in (",", ";", "\t", "|"):
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delim) if any(c.strip() for c in r)][:30]
        if truncated and len(rows) > 1:
            rows = rows[:-1]
        widths = [len(r) for r in rows]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        score = (widths.count(mode) if mode > 1 else 0, mode)
        if score > best_score:
            best, best_score = delim, score
    return best


@dataclass
class _Csv:
    columns: list[Column]
    records: Iterator[list[str]]
    default_platform: str
    fraction_columns: frozenset[str]
    followers_column: str


_HEADER_SCAN = 10


def _open_csv(data: bytes, filename: str, mapping: dict[str, str] | None, *, need_columns: bool = True) -> _Csv:
    text = _decode(data)
    first_line, _, rest = text.partition("\n")
    sep = re.fullmatch(r"\s*sep=(.)\s*", first_line)
    if sep:
        text = rest
    if not text.strip():
        raise ImportFormatError("the file has no rows")
    delim = sep.group(1) if sep else "\t" if filename.lower().endswith(".tsv") else _delimiter(text)
    csv.field_size_limit(1 << 24)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    seen: list[list[str]] = []
    header: list[str] | None = None
    for record in reader:
        if not any(c.strip() for c in record):
            continue
        seen.append(record)
        if not need_columns or _usable(_plan(record, mapping, strict_mapping=False)):
            header = record
            break
        if len(seen) >= _HEADER_SCAN:
            break
    if header is None:
        shown = seen[0] if seen else []
        raise ImportFormatError(
            "no recognizable columns: a file needs a followers column and a name, handle or profile-URL column "
            f"(found {[' '.join(h.split()) for h in shown][:30]}); map them with a mapping such as "
            '{"Your column": "followers"}'
        )
    columns = _plan(header, mapping, strict_mapping=True)
    body = list(reader)
    fraction_columns = _fraction_columns(body, columns)
    followers = next((c.label for c in columns if c.target and c.target.field == "followers"), "followers")
    return _Csv(columns, iter(body), _default_platform(columns), fraction_columns, followers)


def _fraction_columns(body: list[list[str]], columns: list[Column]) -> frozenset[str]:
    """Engagement-rate columns whose plain (no '%') values are all <= 1: they hold fractions."""
    out: set[str] = set()
    for col in columns:
        if not col.target or col.target.field != "engagement_rate":
            continue
        fractions = True
        for record in body:
            raw = record[col.index].strip() if col.index < len(record) else ""
            if is_empty(raw) or raw.endswith("%"):
                continue
            try:
                value, suffixed = parse_number(raw, kind="percent")
            except _CellError:
                continue
            if not suffixed and abs(value) > 1:
                fractions = False
                break
        if fractions:
            out.add(col.label)
    return frozenset(out)


def _csv_rows(parsed: _Csv) -> Iterator[ImportRow]:
    used = [c for c in parsed.columns if c.target is not None]
    for number, record in enumerate(parsed.records, start=1):
        if not any(c.strip() for c in record):
            continue
        builder = _RowBuilder(parsed.default_platform, parsed.fraction_columns, parsed.followers_column)
        for col in used:
            if col.index < len(record):
                assert col.target is not None
                builder.add(col.target, col.label, record[col.index])
        yield _finish(number, builder)


# ---------------------------------------------------------------------------------------------- JSONL


def _flatten(obj: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in obj.items():
        name = f"{prefix} {key}".strip()
        if isinstance(value, dict):
            yield from _flatten(value, name)
        else:
            yield name, value


def _as_text(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [t for v in value for t in _as_text(v)]
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, float):
        return [repr(value)]
    return [str(value)]


def _json_row(number: int, obj: Any, mapping: dict[str, str] | None) -> ImportRow:
    if not isinstance(obj, dict):
        return ImportRow(number, None, f"expected a JSON object, got {type(obj).__name__}")
    if isinstance(obj.get("platforms"), list):
        try:
            return ImportRow(number, InfluencerIn.model_validate(obj), None)
        except ValidationError as exc:
            return ImportRow(number, None, _explain(exc, {}))
    pairs = list(_flatten(obj))
    columns = _plan([k for k, _ in pairs], mapping, strict_mapping=False)
    followers = next((c.label for c in columns if c.target and c.target.field == "followers"), "")
    builder = _RowBuilder(_default_platform(columns), None, followers)
    for col, (_, value) in zip(columns, pairs, strict=True):
        if col.target is not None:
            for text in _as_text(value):
                builder.add(col.target, col.label, text)
    return _finish(number, builder)


def _json_records(data: bytes, filename: str) -> Iterator[tuple[int, str]]:
    """(number, JSON text) for each non-blank line, or each element of a top-level array."""
    text = _decode(data)
    stripped = text.lstrip()
    if not stripped:
        raise ImportFormatError("the file has no rows")
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{filename}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        return ((i, json.dumps(item)) for i, item in enumerate(items, start=1))
    if not stripped.startswith("{"):
        raise ImportFormatError(f"{filename}: not JSON Lines (the first line is not a JSON object)")
    return ((i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip())


def _jsonl_rows(records: Iterator[tuple[int, str]], mapping: dict[str, str] | None) -> Iterator[ImportRow]:
    for number, line in records:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ImportRow(number, None, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield _json_row(number, obj, mapping)


# --------------------------------------------------------------------------------------------- public

_CSV_EXT = (".csv", ".tsv", ".txt")
_JSON_EXT = (".jsonl", ".ndjson", ".json")


def _kind(filename: str) -> str:
    name = filename.lower().strip()
    if name.endswith(_CSV_EXT):
        return "csv"
    if name.endswith(_JSON_EXT):
        return "jsonl"
    if name.endswith((".xlsx", ".xls", ".numbers", ".ods")):
        raise ImportFormatError(f"{filename}: spreadsheet files are not supported; export the sheet as CSV")
    raise ImportFormatError(f"{filename}: unsupported file type; use CSV (.csv, .tsv) or JSON Lines (.jsonl)")


def parse_import(data: bytes, filename: str, mapping: dict[str, str] | None = None) -> Iterator[ImportRow]:
    """One ImportRow per non-empty data row, in file order.

    Raises ImportFormatError immediately (not on first iteration) when the file as a whole is unusable.
    """
    for target in (mapping or {}).values():
        parse_target(target)
    if _kind(filename) == "csv":
        return _csv_rows(_open_csv(data, filename, mapping))
    return _jsonl_rows(_json_records(data, filename), mapping)


def count_rows(data: bytes, filename: str, mapping: dict[str, str] | None = None) -> int:
    """How many ImportRows `parse_import` will yield (non-empty data rows), for progress bars."""
    if _kind(filename) == "csv":
        try:
            parsed = _open_csv(data, filename, mapping)
        except ImportFormatError:
            parsed = _open_csv(data, filename, None, need_columns=False)
        return sum(1 for r in parsed.records if any(c.strip() for c in r))
    return sum(1 for _ in _json_records(data, filename))


def column_plan(data: bytes, filename: str, mapping: dict[str, str] | None = None) -> list[tuple[str, str | None]]:
    """(column header, target or None when ignored) for each CSV column — for an import preview."""
    if _kind(filename) != "csv":
        return []
    return [(c.header, str(c.target) if c.target else None) for c in _open_csv(data, filename, mapping).columns]
