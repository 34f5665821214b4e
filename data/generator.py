"""Deterministic generator of realistic synthetic creator profiles (demo seed data and benchmarks).

Profile ``i`` depends only on ``(seed, i)``: each one draws from its own ``random.Random`` seeded with a
BLAKE2 digest of the pair, so chunked, parallel and whole runs produce identical profiles.

Handles are unique per (platform, handle) for a seed: every handle ends with a non-digit stem followed by a
number that is a bijective scramble of the index, so two indices can never share a handle.

Run ``python -m data.generator 1000 --out profiles.jsonl`` to write JSON Lines for the importer.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import sys
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, TypeVar

from data import generator_commercial as C
from data import generator_draws as D
from data import generator_vocab as V
from data.types import NICHES, PLATFORMS

T = TypeVar("T")

YEAR = 2026
_SUFFIX_MULT = 7919  # prime, coprime with every bucket size 100 and 9*10^k, so the scramble is a bijection
_SUFFIX_ADD = 37
_MIN_LOG, _MAX_LOG = 3.0, math.log10(50_000_000)
_DAYS = [(date(YEAR, 1, 1) + timedelta(days=d)).isoformat() for d in range(365)]


def _slug(text: str) -> str:
    """ASCII letters only, lower-case: 'José Álvarez' -> 'josealvarez'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalpha())


def _tag(topic: str) -> str:
    return "#" + "".join(c for c in _slug(topic) if c.isalnum())


# (roman display, native display or None, ascii slug)
_Name = tuple[str, str | None, str]


def _names(raw: tuple[str, ...]) -> tuple[_Name, ...]:
    out = []
    for item in raw:
        roman, _, native = item.partition("|")
        out.append((roman, native or None, _slug(roman)))
    return tuple(out)


_NAMES = {culture: {part: _names(pool) for part, pool in parts.items()} for culture, parts in V.NAMES.items()}
_CITIES = D.Weighted((row, row[3]) for row in V.CITIES)
_CITY_CULTURES = {
    row[0]: D.Weighted(V.CITY_CULTURES.get(row[0], V.COUNTRIES[row[2]]["cultures"]).items()) for row in V.CITIES
}
_NICHES = D.Weighted(V.NICHE_WEIGHTS.items())
_PLATFORMS = {n: D.Weighted(V.PLATFORM_WEIGHTS.get(n, V.DEFAULT_PLATFORM_WEIGHTS).items()) for n in NICHES}
_TAGS = {t: _tag(t) for topics in V.TOPICS.values() for t in topics}
_TITLE = {t: t[:1].upper() + t[1:] for t in _TAGS}
_POSTS, _N_POSTS = V.POSTS, len(V.POSTS)
_TOPIC_NICHE = {t: niche for niche, topics in V.TOPICS.items() for t in topics}
_BRAND_NICHES: dict[str, set[str]] = {}
for _niche, _brands in V.BRANDS.items():
    for _brand in _brands:
        _BRAND_NICHES.setdefault(_brand, set()).add(_niche)
_HANDLE_STYLES = D.Weighted([(0, 20), (1, 14), (2, 8), (3, 18), (4, 8), (5, 6), (6, 6), (7, 8), (8, 4), (9, 8)])
_PLATFORM_VARIANTS = {"youtube": ("tv", "official", "channel"), "twitch": ("live", "ttv", "plays"),
                      "linkedin": ("", ""), "twitter": ("", "x")}
_CULTURE_NATIVE_LANG = {c: V.CULTURE_LANGUAGE.get(c) for c in V.NAMES}
_LANG_COUNTRY_NATIVE = {
    code: set(info["langs"]) | {lang for lang, _ in info["extra"]} for code, info in V.COUNTRIES.items()
}
_BIOS_EN_NO_BRAND = tuple(b for b in V.BIOS_EN if "{brand}" not in b)
_TIER_BRANDS = ((4.0, 0, 2), (5.0, 0, 3), (6.0, 1, 4), (99.0, 2, 5))  # (log10 followers below, min, max)

assert set(V.TOPICS) == set(NICHES) == set(V.BRANDS) == set(V.DEMOGRAPHICS), "vocab must cover every niche"
assert set(V.PLATFORM_STATS) == set(PLATFORMS)


def _suffix(index: int) -> int:
    """A bijection of the non-negative integers that keeps the digit count (for index >= 100) and looks random."""
    if index < 100:
        lo, size = 0, 100
    else:
        lo = 10 ** (len(str(index)) - 1)
        size = 9 * lo
    return lo + ((index - lo) * _SUFFIX_MULT + _SUFFIX_ADD) % size


def _reflect(x: float) -> float:
    """Keep log10(followers) in [3, log10(50M)] without piling mass on the bounds."""
    if x < _MIN_LOG:
        x = _MIN_LOG + (_MIN_LOG - x) * 0.3
    if x > _MAX_LOG:
        x = _MAX_LOG - (x - _MAX_LOG) * 0.3
    return min(max(x, _MIN_LOG), _MAX_LOG)


def _pick_niches(rng: random.Random) -> list[str]:
    primary = _NICHES.pick(rng)
    r = rng.random()
    count = 1 if r < 0.4 else 2 if r < 0.82 else 3
    niches = [primary]
    while len(niches) < count:
        extra = D.ch(rng, V.RELATED_NICHES[primary]) if rng.random() < 0.88 else _NICHES.pick(rng)
        if extra not in niches:
            niches.append(extra)
    return niches


def _pick_topics(rng: random.Random, niches: list[str], female: bool) -> list[str]:
    unwanted = "dad life" if female else "mom life"
    topics: list[str] = []
    for pos, niche in enumerate(niches):
        pool = [t for t in V.TOPICS[niche] if t != unwanted and t not in topics]
        k = D.ri(rng, 2, 4) if pos == 0 else D.ri(rng, 0, 2)
        topics.extend(D.sample(rng, pool, min(k, len(pool))))
    return topics


def _display_name(rng: random.Random, culture: str, country: str, first: _Name, last: _Name) -> str:
    native = first[1] is not None and last[1] is not None
    if native and rng.random() < V.NATIVE_SCRIPT_SHARE.get((culture, country), 0.0):
        return f"{last[1]}{first[1]}" if culture in V.FAMILY_FIRST else f"{first[1]} {last[1]}"
    if culture in V.FAMILY_FIRST and V.COUNTRIES[country]["langs"][0] == "ko":
        return f"{last[0]} {first[0]}"
    return f"{first[0]} {last[0]}"


def _handle_stem(rng: random.Random, first: str, last: str, niche: str) -> str:
    word = D.ch(rng, V.HANDLE_WORDS[niche])
    style = _HANDLE_STYLES.pick(rng)
    if style == 0:
        return first + last
    if style == 1:
        return f"{first}.{last}"
    if style == 2:
        return f"{first}_{last}"
    if style == 3:
        return first + word
    if style == 4:
        return D.ch(rng, V.HANDLE_PREFIXES) + first
    if style == 5:
        return f"{first}.{last[0]}"
    if style == 6:
        return f"{first}{last}.{word}"
    if style == 7:
        return f"{first}.{word}"
    if style == 8:
        return f"{first[0]}{last[0]}{word}"
    return f"{first}_{word}"


def _languages(rng: random.Random, city: str, country: str, culture: str) -> list[str]:
    info = V.COUNTRIES[country]
    langs = list(info["langs"])
    for lang, p in info["extra"] + V.CITY_LANGUAGES.get(city, ()):
        if lang not in langs and rng.random() < p:
            langs.append(lang)
    own = _CULTURE_NATIVE_LANG[culture]
    diaspora = 0.55 if own == "es" else 0.35  # e.g. Latino creators in the US often post in both languages
    if own and own not in langs and own not in _LANG_COUNTRY_NATIVE[country] and rng.random() < diaspora:
        langs.append(own)
    if country == "IN" and "hi" in langs and rng.random() < 0.5:
        langs.remove("hi")
        langs.insert(0, "hi")  # many Mumbai/Delhi creators post mainly in Hindi
    return langs


def _engagement(rng: random.Random, platform: str, followers: int) -> tuple[float, float]:
    """(engagement rate in percent, the creator's own multiplicative noise)."""
    noise = D.ln(rng, 0.35)
    rate = 8.5 * (followers / 1000) ** -0.2 * V.PLATFORM_STATS[platform][0] * noise
    return round(min(max(rate, 0.05), 60.0), 2), noise


def _accounts(rng: random.Random, index: int, niches: list[str], log_f: float, first: str, last: str,
              ) -> tuple[list[dict[str, Any]], list[float]]:
    p2, p3 = min(0.85, 0.45 + 0.1 * (log_f - 4)), min(0.6, 0.2 + 0.08 * (log_f - 4))
    count = 1 + (rng.random() < p2) + (rng.random() < p3)
    table = _PLATFORMS[niches[0]]
    chosen = [table.pick(rng)]
    for _ in range(12):
        if len(chosen) >= count:
            break
        p = table.pick(rng) if rng.random() < 0.85 else D.ch(rng, PLATFORMS)
        if p not in chosen:
            chosen.append(p)
    stem = _handle_stem(rng, first, last, niches[0])
    tail = D.ch(rng, ("", "", "", "_", ".")) + str(_suffix(index))
    accounts, noises = [], []
    for pos, platform in enumerate(chosen):
        shift = 0.0 if pos == 0 else min(0.1, rng.gauss(-0.7, 0.5))  # side accounts are usually smaller
        followers = max(50, int(10 ** min(log_f + shift, _MAX_LOG)))
        variant = ""
        if pos and platform in _PLATFORM_VARIANTS and stem.isalpha() and rng.random() < 0.3:
            variant = D.ch(rng, _PLATFORM_VARIANTS[platform])
        eng, noise = _engagement(rng, platform, followers)
        account: dict[str, Any] = {"platform": platform, "handle": stem + variant + tail, "followers": followers,
                                   "engagement_rate": eng, "avg_views": None}
        views = V.PLATFORM_STATS[platform][1]
        if views and rng.random() < 0.85:
            account["avg_views"] = int(followers * D.uniform(rng, *views) * noise**0.5)
        accounts.append(account)
        noises.append(noise)
    return accounts, noises


def _bio(rng: random.Random, ctx: dict[str, Any], languages: list[str]) -> str | None:
    if rng.random() < 0.05:
        return None
    email = ctx["email"]
    lead = languages[0]
    if (lead == "es" and rng.random() < 0.5) or ("es" in languages and rng.random() < 0.1):
        template, ctas = D.ch(rng, V.BIOS_ES), V.CTAS_ES
        ctx = {**ctx, "city": V.CITY_LOCAL_NAMES.get(ctx["city"], ctx["city"])}
    elif lead == "pt" and rng.random() < 0.55:
        template, ctas = D.ch(rng, V.BIOS_PT), V.CTAS_PT
        ctx = {**ctx, "city": V.CITY_LOCAL_NAMES.get(ctx["city"], ctx["city"])}
    else:
        template = D.ch(rng, V.BIOS_EN if ctx["brand"] else _BIOS_EN_NO_BRAND)
        ctas = V.CTAS if email else V.CTAS_NO_EMAIL
    cta = D.ch(rng, ctas)
    if "{email}" in cta and not email:
        cta = ""
    cta = cta.format(email=email)
    text = template.format(cta=cta, cta_es=cta, cta_pt=cta, since=D.ri(rng, 15, 24), **ctx)
    return text.strip().rstrip(" •|").strip()


def _posts(rng: random.Random, accounts: list[dict[str, Any]], topics: list[str], brands: list[str],
           city: str) -> list[dict[str, Any]]:
    rand = rng.random  # the hot loop of the generator: draws are inlined
    n_topics = len(topics)
    day = 40 + int(rand() * 281)
    posts = []
    for _ in range(1 + int(rand() * 5)):
        account = accounts[0] if rand() < 0.6 else accounts[int(rand() * len(accounts))]
        platform = account["platform"]
        topic, other = topics[int(rand() * n_topics)], topics[int(rand() * n_topics)]
        tags = _TAGS[topic] if other == topic else f"{_TAGS[topic]} {_TAGS[other]}"
        special = V.PLATFORM_POSTS.get(platform)
        brand = ""
        if special and rand() < 0.4:
            template = special[int(rand() * len(special))]
        elif brands and rand() < 0.3:
            template = D.ch(rng, V.SPONSORED_POSTS)
            brand = D.ch(rng, brands)
            fitting = [t for t in topics if _TOPIC_NICHE[t] in _BRAND_NICHES[brand]]
            topic = D.ch(rng, fitting) if fitting else topic
            tags = _TAGS[topic]
        else:
            template = _POSTS[int(rand() * _N_POSTS)]
        text = template.format(t=topic, T=_TITLE[topic], tags=tags, city=city, n=2 + int(rand() * 11),
                               year=YEAR, brand=brand)
        minute = int(rand() * 1440)
        likes = int(account["followers"] * account["engagement_rate"] * 0.0095 * math.exp(rng.gauss(0.0, 0.45)))
        post = {"platform": platform, "text": text,
                "posted_at": f"{_DAYS[day]}T{minute // 60:02d}:{minute % 60:02d}:00Z",
                "likes": likes, "comments": int(likes * (0.008 + 0.042 * rand())), "url": None}
        if rand() < 0.75:
            post["url"] = D.post_url(rng, platform, account["handle"])
        posts.append(post)
        day -= 1 + int(rand() * 12)
        if day < 0:
            day = 0
    return posts


@functools.lru_cache(maxsize=4096)
def _brand_pool(niches: tuple[str, ...]) -> tuple[str, ...]:
    """Brands of the main niche plus the best-known ones of the other niches."""
    return tuple(dict.fromkeys(V.BRANDS[niches[0]] + tuple(b for n in niches[1:] for b in V.BRANDS[n][:6])))


def generate_profile(index: int, seed: int = 7) -> dict[str, Any]:
    """The synthetic creator number ``index`` for ``seed``: a JSON-ready dict valid for InfluencerIn."""
    if index < 0:
        raise ValueError("index must be >= 0")
    rng = D.rng_for(seed, index)
    city, region, country, _, area = _CITIES.pick(rng)
    niches = _pick_niches(rng)
    female = rng.random() < V.DEMOGRAPHICS[niches[0]][0]
    culture = _CITY_CULTURES[city].pick(rng)
    pool = _NAMES[culture]
    first, last = D.ch(rng, pool["female" if female else "male"]), D.ch(rng, pool["last"])
    name = _display_name(rng, culture, country, first, last)

    log_f = _reflect(rng.gauss(4.1, 0.9))
    accounts, noises = _accounts(rng, index, niches, log_f, first[2], last[2])
    topics = _pick_topics(rng, niches, female)
    languages = _languages(rng, city, country, culture)
    email, phone = C.contact(rng, first[2], last[2], accounts[0]["handle"], country, area, city, log_f)

    lo_hi = next((lo, hi) for limit, lo, hi in _TIER_BRANDS if log_f < limit)
    brand_pool = _brand_pool(tuple(niches))
    brands = D.sample(rng, brand_pool, D.ri(rng, *lo_hi))

    spare = [x for x in V.TOPICS[niches[0]] if x not in topics]
    t = [*topics[:3], *D.sample(rng, spare, max(0, 3 - len(topics)))]
    ctx = {
        "first": first[0], "city": city, "City": city, "country_name": V.COUNTRY_NAMES[country],
        "noun": (noun := D.ch(rng, V.CREATOR_NOUNS[niches[0]])), "Noun": noun[:1].upper() + noun[1:],
        "niche": niches[0], "niche_label": V.NICHE_LABELS.get(niches[0], niches[0]).capitalize(),
        "niche_es": V.NICHE_ES[niches[0]], "niche_pt": V.NICHE_PT[niches[0]],
        "t1": t[0], "t2": t[1], "t3": t[2], "T1": _TITLE[t[0]], "T2": _TITLE[t[1]], "T3": _TITLE[t[2]],
        "brand": brands[0] if brands else None,
        "email": email,
    }
    top_followers = max(a["followers"] for a in accounts)
    verified = rng.random() < 1 / (1 + math.exp(-2.2 * (math.log10(top_followers) - 6.0)))
    profile = {
        "name": name,
        "handle": accounts[0]["handle"],
        "email": email,
        "phone": phone,
        "bio": _bio(rng, ctx, languages),
        "location": {"city": city, "region": region, "country": country},
        "languages": languages,
        "niches": niches,
        "topics": topics,
        "platforms": accounts,
        "rates_usd": C.rates(rng, accounts, noises),
        "past_brands": brands,
        "audience": C.audience(rng, niches, female, country),
        "recent_posts": _posts(rng, accounts, topics, brands, city),
        "verified": verified,
    }
    # Drawn last, so adding them left every other field of a profile as it was.
    profile["gender"], profile["birth_year"] = _person(rng, niches[0], female)
    return profile


_AGE_BRACKETS = ((13, 17), (18, 24), (25, 34), (35, 44), (45, 60))
_AGE_PICK = {n: D.Weighted(zip(_AGE_BRACKETS, d[2], strict=True)) for n, d in V.DEMOGRAPHICS.items()}


def _person(rng: random.Random, niche: str, female: bool) -> tuple[str | None, int | None]:
    """The creator's gender and birth year: creators are a few years older than the audience they draw."""
    gender = None if rng.random() < 0.04 else "nonbinary" if rng.random() < 0.015 else "female" if female else "male"
    if rng.random() < 0.15:
        return gender, None
    lo, hi = _AGE_PICK[niche].pick(rng)
    age = min(max(D.ri(rng, lo, hi) + D.ri(rng, 0, 6), 16), 64)
    return gender, YEAR - age


def generate_profiles(count: int, seed: int = 7, start: int = 0) -> Iterator[dict[str, Any]]:
    """Profiles ``start`` .. ``start + count - 1``; any chunking of the range yields the same profiles."""
    for index in range(start, start + count):
        yield generate_profile(index, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write synthetic creator profiles as JSON Lines.")
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--out", help="output file (default: stdout)")
    args = parser.parse_args(argv)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    try:
        for profile in generate_profiles(args.count, args.seed, args.start):
            out.write(json.dumps(profile, ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
