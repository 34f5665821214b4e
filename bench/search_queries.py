"""The search benchmarks' query mix and its ground truth: which generated profiles satisfy each query, decided in
plain Python on the generator's dicts (independent of the search code it checks), and the same constraints as a
chroma `where` for the baseline. Shared by `bench search` (search_bench.py) and `bench search --shared`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from agent.query.schema import AudienceConstraint, ParsedQuery, QueryLocation
from data.generator import generate_profiles

SEED = 7
LA = QueryLocation(city="Los Angeles", region="California", country="US")

QUERIES: list[tuple[str, ParsedQuery]] = [
    ("0: topic only", ParsedQuery(topics=["travel vlogs and hidden gems"])),
    ("0: empty", ParsedQuery()),
    ("1: niche", ParsedQuery(niches=["beauty"])),
    ("1: platform", ParsedQuery(platforms=["tiktok"], topics=["dance challenges"])),
    ("1: country", ParsedQuery(locations=[QueryLocation(country="GB")], topics=["street food"])),
    ("2: niche+followers", ParsedQuery(niches=["fitness"], min_followers=50_000)),
    ("2: niche+city", ParsedQuery(niches=["food"], locations=[LA])),
    ("3: beauty LA 50K+", ParsedQuery(niches=["beauty"], locations=[LA], min_followers=50_000, topics=["skincare"])),
    (
        "3: tiktok budget women",
        ParsedQuery(platforms=["tiktok"], max_rate_usd=Decimal(500), audience=AudienceConstraint(gender="female")),
    ),
    (
        "3: micro travel verified",
        ParsedQuery(niches=["travel"], min_followers=10_000, max_followers=99_999, verified=True),
    ),
    (
        "4: food GB engaged verified",
        ParsedQuery(niches=["food"], locations=[QueryLocation(country="GB")], min_engagement_rate=3.0, verified=False),
    ),
    (
        "4: gaming yt/twitch en",
        ParsedQuery(
            niches=["gaming"],
            platforms=["youtube", "twitch"],
            min_followers=10_000,
            languages=["en"],
            topics=["minecraft speedruns"],
        ),
    ),
]


def constraint_count(q: ParsedQuery) -> int:
    fields = q.model_dump(exclude={"topics", "sort"}, exclude_defaults=True)
    if "min_followers" in fields and "max_followers" in fields:
        fields.pop("max_followers")
    return len(fields)


# ---------------------------------------------------------------------- brute force


def matches(p: dict[str, Any], q: ParsedQuery) -> bool:
    """The constraints, checked one profile at a time in plain Python (independent of the numpy filters)."""
    accounts = [a for a in p["platforms"] if not q.platforms or a["platform"] in q.platforms]
    if q.niches and not set(q.niches) & set(p["niches"]):
        return False
    if q.platforms and not accounts:
        return False
    if q.platforms:
        best = max(accounts, key=lambda a: a["followers"])
        followers, er = best["followers"], best.get("engagement_rate")
    else:
        followers = sum(a["followers"] for a in p["platforms"])
        rated = [a for a in p["platforms"] if a.get("engagement_rate") is not None]
        weight = sum(a["followers"] for a in rated)
        er = (sum(a["engagement_rate"] * a["followers"] for a in rated) / weight) if rated and weight else None
    loc = p.get("location") or {}
    for want in q.locations:
        if want.city and (loc.get("city") or "").lower() != want.city.lower():
            continue
        if want.country and loc.get("country") != want.country:
            continue
        break
    else:
        if q.locations:
            return False
    if q.min_followers is not None and followers < q.min_followers:
        return False
    if q.max_followers is not None and followers > q.max_followers:
        return False
    if q.min_engagement_rate is not None and (er is None or er < q.min_engagement_rate - 1e-4):
        return False
    rate = (p.get("rates_usd") or {}).get("post")
    if q.max_rate_usd is not None and rate is not None and Decimal(str(rate)) > q.max_rate_usd:
        return False
    if q.languages and not set(q.languages) & set(p.get("languages") or []):
        return False
    if q.audience is not None and q.audience.gender:
        female = (p.get("audience") or {}).get("female_pct")
        if female is None or (female < 50 if q.audience.gender == "female" else 100 - female < 50):
            return False
    return q.verified is None or bool(p.get("verified")) == q.verified


def brute_force_sets(n: int) -> list[list[int]]:
    """For each query, the generated-profile positions that satisfy it (streamed: no 100k dicts held)."""
    hits: list[list[int]] = [[] for _ in QUERIES]
    for i, p in enumerate(generate_profiles(n, seed=SEED)):
        for k, (_, q) in enumerate(QUERIES):
            if matches(p, q):
                hits[k].append(i)
    return hits


# ---------------------------------------------------------------------- chroma baseline


def baseline_metadata(p: dict[str, Any]) -> dict[str, Any]:
    loc = p.get("location") or {}
    rates = p.get("rates_usd") or {}
    total = sum(a["followers"] for a in p["platforms"])
    rated = [a for a in p["platforms"] if a.get("engagement_rate") is not None]
    weight = sum(a["followers"] for a in rated)
    er = sum(a["engagement_rate"] * a["followers"] for a in rated) / weight if rated and weight else -1.0
    female = (p.get("audience") or {}).get("female_pct")
    meta: dict[str, Any] = {
        "followers": total,
        "er": float(er),
        "country": loc.get("country") or "",
        "city": (loc.get("city") or "").lower(),
        "verified": bool(p.get("verified")),
        "rate_post": float(rates["post"]) if rates.get("post") is not None else -1.0,
        "female": float(female) if female is not None else -1.0,
    }
    for niche in p["niches"]:
        meta[f"niche_{niche}"] = True
    for lang in p.get("languages") or []:
        meta[f"lang_{lang}"] = True
    for a in p["platforms"]:
        meta[f"f_{a['platform']}"] = max(int(a["followers"]), int(meta.get(f"f_{a['platform']}", 0)))
        meta[f"er_{a['platform']}"] = float(a.get("engagement_rate") or -1.0)
    return meta


def _any(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def baseline_where(q: ParsedQuery) -> dict[str, Any] | None:
    """The same constraints as a chroma `where` over `baseline_metadata`."""
    parts: list[dict[str, Any]] = []
    if q.niches:
        parts.append(_any([{f"niche_{n}": True} for n in q.niches]))
    if q.platforms:
        per = []
        for pl in q.platforms:
            c: list[dict[str, Any]] = [{f"f_{pl}": {"$gte": q.min_followers or 0}}]
            if q.max_followers is not None:
                c.append({f"f_{pl}": {"$lte": q.max_followers}})
            per.append(c[0] if len(c) == 1 else {"$and": c})
        parts.append(_any(per))
    else:
        if q.min_followers is not None:
            parts.append({"followers": {"$gte": q.min_followers}})
        if q.max_followers is not None:
            parts.append({"followers": {"$lte": q.max_followers}})
    if q.locations:
        locs = []
        for loc in q.locations:
            c = [{"city": loc.city.lower()}] if loc.city else []
            c += [{"country": loc.country}] if loc.country else []
            locs.append(c[0] if len(c) == 1 else {"$and": c})
        parts.append(_any(locs))
    if q.min_engagement_rate is not None:
        parts.append({"er": {"$gte": q.min_engagement_rate}})
    if q.max_rate_usd is not None:
        parts.append({"$or": [{"rate_post": {"$lte": float(q.max_rate_usd)}}, {"rate_post": -1.0}]})
    if q.languages:
        parts.append(_any([{f"lang_{c}": True} for c in q.languages]))
    if q.audience is not None and q.audience.gender:
        parts.append(
            {"female": {"$gte": 50.0}}
            if q.audience.gender == "female"
            else {"$and": [{"female": {"$gte": 0.0}}, {"female": {"$lte": 50.0}}]}
        )
    if q.verified is not None:
        parts.append({"verified": q.verified})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


# ---------------------------------------------------------------------- setup


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")
