"""Fair-price estimate for a creator package, from the creator's metrics and market rates by tier and platform.

The market model is the usual rule of thumb (about $10 per 1,000 followers for an Instagram feed post),
scaled by deliverable kind, platform and engagement relative to the tier's typical rate. Listed rates, when
the creator published them, are blended in. Usage rights and exclusivity add a premium. Everything is
Decimal; the figures are estimates that anchor the agent's first counter, never a ceiling.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from data.types import to_money

KINDS = ("reel", "video", "post", "story")
"""Display order of deliverable kinds (the same order the understanding uses)."""

_KIND_WORDS = {
    "post": "post", "posts": "post", "photo": "post", "photos": "post", "carousel": "post", "carousels": "post",
    "tweet": "post", "tweets": "post", "pin": "post", "pins": "post",
    "story": "story", "stories": "story",
    "reel": "reel", "reels": "reel", "short": "reel", "shorts": "reel", "tiktok": "video", "tiktoks": "video",
    "video": "video", "videos": "video", "integration": "video", "integrations": "video", "stream": "video",
    "streams": "video", "live": "video", "lives": "video",
    # Spanish
    "publicación": "post", "publicaciones": "post", "historia": "story", "historias": "story",
    "vídeo": "video", "vídeos": "video",
}
_PLURAL = {"post": "posts", "story": "stories", "reel": "reels", "video": "videos"}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "couple": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
}
_QUALIFIERS = (r"ig|instagram|insta|tiktok|youtube|yt|feed|in-feed|static|dedicated|sponsored|short|long|extra|"
               r"more|video|de|en")
_DELIVERABLE_RE = re.compile(
    r"\b(?:(?P<count>\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")\s+)?(?:(?:" + _QUALIFIERS + r")\s+){0,2}(?P<kind>"
    + "|".join(sorted(_KIND_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)

# Feed-post USD per 1,000 followers, by platform; deliverable kinds are multiples of a post.
_CPM_POST: dict[str, Decimal] = {
    "instagram": Decimal("10"), "tiktok": Decimal("8"), "youtube": Decimal("20"), "twitter": Decimal("4"),
    "twitch": Decimal("9"), "linkedin": Decimal("12"), "facebook": Decimal("5"), "snapchat": Decimal("5"),
    "pinterest": Decimal("5"),
}
_KIND_FACTOR = {"post": Decimal("1"), "story": Decimal("0.3"), "reel": Decimal("1.3"), "video": Decimal("1.6")}
_TIERS = (("nano", 10_000), ("micro", 100_000), ("macro", 1_000_000), ("mega", None))
_TIER_FOLLOWERS = {"nano": 5_000, "micro": 40_000, "macro": 300_000, "mega": 2_000_000}
_TIER_ENGAGEMENT = {"nano": Decimal("5"), "micro": Decimal("3.5"), "macro": Decimal("2.2"), "mega": Decimal("1.5")}
_MIN_RATE = Decimal("50")


@dataclass(frozen=True)
class CreatorMetrics:
    """What the fair-price estimate knows about the creator; every field may be missing."""

    platform: str = "instagram"
    followers: int | None = None
    engagement_rate: Decimal | None = None
    """Percent: 4.2 means 4.2 %."""
    tier: str | None = None
    listed_rates: dict[str, Decimal] = field(default_factory=dict)
    """The creator's own published rates per deliverable kind ("post", "story", "reel", "video")."""


def tier_of(followers: int) -> str:
    for name, upper in _TIERS:
        if upper is None or followers < upper:
            return name
    return "mega"


def parse_deliverables(items: list[str] | None) -> Counter[str]:
    """["1 reel", "3 stories", "an IG post"] → Counter({"story": 3, "reel": 1, "post": 1})."""
    bundle: Counter[str] = Counter()
    for item in items or []:
        matches = list(_DELIVERABLE_RE.finditer(item))
        if not matches:
            bundle["post"] += 1  # an unknown deliverable is valued like a feed post
            continue
        for m in matches:
            raw = (m.group("count") or "1").lower()
            count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 1)
            bundle[_KIND_WORDS[m.group("kind").lower()]] += count
    return bundle


def deliverable_mentions(text: str) -> list[tuple[str, int, bool]]:
    """Every deliverable named in free text: (kind, count, whether the count was written)."""
    out = []
    for m in _DELIVERABLE_RE.finditer(text):
        raw = (m.group("count") or "").lower()
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 1)
        out.append((_KIND_WORDS[m.group("kind").lower()], count, bool(raw) and raw not in {"a", "an", "un", "una"}))
    return out


def format_deliverables(bundle: Counter[str]) -> list[str]:
    """Counter → ["1 reel", "3 stories"] in a stable order."""
    return [f"{n} {kind if n == 1 else _PLURAL[kind]}" for kind in KINDS if (n := bundle.get(kind, 0)) > 0]


def normalize_deliverables(items: list[str] | None) -> list[str]:
    return format_deliverables(parse_deliverables(items))


def usage_months(usage: str | None) -> int | None:
    """Months of usage rights named in the text; 0 when none are granted, None when it can't be read."""
    if not usage:
        return 0
    text = usage.lower()
    if re.search(r"perpetu|forever|unlimited|in perpetuity|para siempre", text):
        return 120
    if re.search(r"\bno usage|\bnone\b|\bsin uso", text):
        return 0
    m = re.search(r"(\d{1,3})\s*(?:-\s*)?(months?|mos?|meses|mes|weeks?|semanas?|days?|días|dias|years?|yrs?|años?)",
                  text)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        if unit.startswith(("week", "semana")):
            return max(1, round(n / 4))
        if unit.startswith(("day", "día", "dia")):
            return max(1, round(n / 30))
        if unit.startswith(("year", "yr", "año")):
            return n * 12
        return n
    m = re.search(r"\b(one|a|un|una|two|three|six|twelve)\s+(months?|years?|year|meses|mes|años?)", text)
    if m:
        n = {"one": 1, "a": 1, "un": 1, "una": 1, "two": 2, "three": 3, "six": 6, "twelve": 12}[m.group(1)]
        return n * 12 if m.group(2).startswith(("year", "año")) else n
    return None


def is_paid_usage(usage: str | None) -> bool:
    return bool(usage and re.search(r"paid|ads?\b|whitelist|boost|pagad|anuncio", usage.lower()))


def usage_factor(usage: str | None) -> Decimal:
    """Price multiplier for usage rights: +2 % a month of organic usage (capped), +25 % when paid usage."""
    months = usage_months(usage)
    factor = Decimal("1") + Decimal("0.02") * min(months if months is not None else 6, 24)
    if is_paid_usage(usage):
        factor += Decimal("0.25")
    return factor


def exclusivity_factor(exclusivity: str | None) -> Decimal:
    if not exclusivity:
        return Decimal("1")
    months = usage_months(exclusivity)
    return Decimal("1") + Decimal("0.1") * max(1, min(months if months else 1, 12))


def market_rate(kind: str, metrics: CreatorMetrics) -> Decimal:
    """Market price of one deliverable of `kind` for this creator (before the listed-rate blend)."""
    followers = metrics.followers
    tier = metrics.tier or (tier_of(followers) if followers is not None else "micro")
    if followers is None:
        followers = _TIER_FOLLOWERS.get(tier, 40_000)
    cpm = _CPM_POST.get(metrics.platform, _CPM_POST["instagram"])
    rate = Decimal(followers) / 1000 * cpm * _KIND_FACTOR.get(kind, Decimal("1"))
    if metrics.engagement_rate is not None and metrics.engagement_rate > 0:
        typical = _TIER_ENGAGEMENT.get(tier, Decimal("3"))
        rate *= min(Decimal("1.6"), max(Decimal("0.6"), Decimal(str(metrics.engagement_rate)) / typical))
    return max(_MIN_RATE, rate)


def deliverable_price(kind: str, metrics: CreatorMetrics) -> Decimal:
    """Fair price of one deliverable: the market rate, blended half-and-half with the listed rate if known."""
    market = market_rate(kind, metrics)
    listed = metrics.listed_rates.get(kind)
    if listed is not None and listed > 0:
        market = (market + Decimal(listed)) / 2
    return market


def package_value(deliverables: list[str] | None, metrics: CreatorMetrics, *, usage_rights: str | None = None,
                  exclusivity: str | None = None) -> Decimal:
    """Fair price of a whole package, in USD cents precision."""
    bundle = parse_deliverables(deliverables)
    base = sum((deliverable_price(kind, metrics) * n for kind, n in bundle.items()), Decimal("0"))
    return to_money(base * usage_factor(usage_rights) * exclusivity_factor(exclusivity))


def price_step(amount: Decimal) -> Decimal:
    """The rounding step for an offer of this size: $5 under $200, $25 under $1k, $50 under $10k, $100 under $50k,
    else $500."""
    if amount < 200:
        return Decimal("5")
    if amount < 1000:
        return Decimal("25")
    if amount < 10_000:
        return Decimal("50")
    if amount < 50_000:
        return Decimal("100")
    return Decimal("500")


def round_down(amount: Decimal) -> Decimal:
    """Round an offer down to a sensible step (so rounding can never push it over a ceiling)."""
    step = price_step(amount)
    rounded = (amount / step).to_integral_value(rounding=ROUND_DOWN) * step
    if rounded <= 0:  # a tiny amount: whole dollars, else cents
        rounded = amount.to_integral_value(rounding=ROUND_DOWN) or amount.quantize(Decimal("0.01"), ROUND_DOWN)
    return to_money(rounded)


def round_nearest(amount: Decimal) -> Decimal:
    step = price_step(amount)
    return to_money((amount / step).to_integral_value(rounding=ROUND_HALF_UP) * step)
