"""Header recognition: a column header (or a JSON key path) → the Target it feeds, and the column plan of a file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from data.fx import known_currencies
from data.importing.targets import ACCOUNT_FIELDS, RATE_FIELDS, ImportFormatError, Target, parse_target
from data.importing.values import CURRENCY_SYMBOLS, CURRENCY_WORDS
from data.taxonomy import normalize_label

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
    if _has(words, "gender", "sex"):
        return "gender"
    if _has(words, "birth", "born", "dob"):
        return "birth_year"
    if words == ["age"] or ("age" in words and _has(words, "creator", "influencer", "year")):
        return "age"
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
    currency = next((code for sym, code in CURRENCY_SYMBOLS.items() if sym in header), None)
    norm = normalize_label(header).replace("you tube", "youtube").replace("tik tok", "tiktok")
    words = norm.split()
    while len(words) > 1 and words[-1].isdigit():  # "Category_2", "Name 2"
        words.pop()
    platform = next((_PLATFORM_WORDS[w] for w in words if w in _PLATFORM_WORDS), None)
    kept = [w for w in words if w not in _PLATFORM_WORDS]
    if platform and " ".join(kept) in _HANDLE_WORDS:
        return Target("handle", platform=platform)
    codes = {c.lower() for c in known_currencies()}
    money_words = [w for w in kept if w in codes or w in CURRENCY_WORDS]
    name = _field_for([w for w in kept if w not in money_words]) if money_words else None
    if name in RATE_FIELDS:  # "rate_inr", "Price USD": the currency word belongs to a rate column only
        currency = currency or CURRENCY_WORDS.get(money_words[0], money_words[0].upper())
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
    mapped: bool = False  # the target comes from an explicit mapping (never moved by content sniffing)


def plan_columns(headers: list[str], mapping: dict[str, str] | None, *, strict_mapping: bool) -> list[Column]:
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
        columns.append(Column(i, h, label, target, mapped=mapped is not None))
    return columns


def usable(columns: list[Column]) -> bool:
    fields = {c.target.field for c in columns if c.target}
    return "followers" in fields and bool(fields & {"name", "handle", "profile_url"})


def default_platform(columns: list[Column]) -> str:
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

