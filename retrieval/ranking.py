"""Hybrid ranking over a snapshot: hard constraints as numpy masks, then one score in [0, 1].

Hard constraints (all must hold): niches, platforms, locations, follower range, minimum engagement,
post rate range, languages, audience (gender, age, countries), brands to exclude or require, verified, the
creator's own gender and age (regions, people and price floors: `filters.py`).

- Followers and engagement are those of the requested platforms when `platforms` is given (the best of
  them), otherwise the profile's total followers and average engagement.
- A location matches on its most specific part: the city (plus the country when given), else the
  region (its names, its cities, or a bio naming it; plus country), else the country.
- Unknown post rate: kept, ranked lower and labelled "rate unknown" (rates are often negotiated and
  missing from exports; dropping them would hide good creators). Unknown audience data fails an
  audience constraint: we cannot claim an audience we do not know.

Score = weighted mean of the signals that apply to the query: semantic similarity of the query's
topics/niches with the profile vector, niche coverage, engagement, follower fit, audience fit and
price fit — each in [0, 1], so the score is in [0, 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from agent.query.schema import ParsedQuery
from retrieval.filters import Hints, location_mask, person_and_price
from retrieval.snapshot import AGE_BRACKETS, PLATFORM_INDEX, OrgSnapshot, _norm

AUDIENCE_GENDER_MIN = 50.0  # % of the audience of the requested gender ("mostly women")
AUDIENCE_AGE_MIN = 40.0  # % of the audience inside the requested age range
UNKNOWN_RATE_FACTOR = 0.85  # score multiplier for profiles without a post rate when a budget is given
SIM_FLOOR, SIM_SPAN = 0.1, 0.6  # cosine → [0, 1]: ≤ 0.1 is unrelated for MiniLM, ≥ 0.7 is a near paraphrase

WEIGHTS = {"semantic": 0.5, "niche": 0.15, "engagement": 0.15, "followers": 0.1, "audience": 0.1, "price": 0.1}


@dataclass
class Candidates:
    """Rows passing the hard constraints, with the per-row values the score and reasons use."""

    rows: np.ndarray
    followers: np.ndarray  # effective followers (requested platforms or total), all rows
    engagement: np.ndarray  # effective engagement %, NaN when unknown, all rows


def effective_metrics(
    snap: OrgSnapshot, q: ParsedQuery, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(followers, engagement) each row is judged by: of the requested platforms the one with the most followers
    (its engagement, NaN when it reports none; a tie goes to the first requested), else the totals. For all
    rows, or for `rows` only."""
    pick: slice | np.ndarray = slice(0, snap.n) if rows is None else rows
    if q.platforms:
        cols = [PLATFORM_INDEX[p] for p in q.platforms]
        # One column at a time: a fancy-indexed (n, k) copy and argmax cost ~100 ms at 1M rows, a column of a
        # column-major mapped snapshot is contiguous.
        followers = np.array(snap.plat_followers[pick, cols[0]])
        engagement = np.array(snap.plat_er[pick, cols[0]])
        for j in cols[1:]:
            more = snap.plat_followers[pick, j] > followers
            followers = np.where(more, snap.plat_followers[pick, j], followers)
            engagement = np.where(more, snap.plat_er[pick, j], engagement)
    else:
        followers = snap.total_followers[pick]
        engagement = snap.avg_er[pick]
    return followers, engagement


def age_share(
    snap: OrgSnapshot, age_min: int | None, age_max: int | None, rows: np.ndarray | None = None
) -> np.ndarray:
    """% of each audience inside [age_min, age_max] (brackets that overlap it); NaN when ages are unknown."""
    lo, hi = age_min or 13, age_max or 200
    cols = [i for i, (_, a, b) in enumerate(AGE_BRACKETS) if a <= hi and b >= lo]
    ages = snap.ages[: snap.n] if rows is None else snap.ages[rows]
    part = ages[:, cols]
    share = np.nansum(part, axis=1)
    share[np.all(np.isnan(ages), axis=1)] = np.nan
    return share


def hard_filter(snap: OrgSnapshot, q: ParsedQuery, hints: Hints | None = None) -> Candidates:
    n = snap.n
    followers, engagement = effective_metrics(snap, q)
    mask = snap.alive[:n].copy()
    if q.niches:
        mask &= snap.tags["niches"].any_of(q.niches, n)
    if q.platforms:
        mask &= snap.tags["platforms"].any_of(q.platforms, n)
    if q.locations:
        mask &= location_mask(snap, q, hints)
    if q.min_followers is not None:
        mask &= followers >= q.min_followers
    if q.max_followers is not None:
        mask &= followers <= q.max_followers
    if q.min_engagement_rate is not None:
        mask &= engagement >= q.min_engagement_rate  # NaN compares False: unknown engagement fails
    if q.max_rate_usd is not None:
        cap = int((Decimal(q.max_rate_usd) * 100).to_integral_value())
        rate = snap.rate_cents[:n]
        mask &= (rate <= cap) | (rate < 0)
    if q.languages:
        mask &= snap.tags["languages"].any_of([c.lower() for c in q.languages], n)
    if q.audience is not None:
        a = q.audience
        if a.gender == "female":
            mask &= snap.female[:n] >= AUDIENCE_GENDER_MIN
        elif a.gender == "male":
            mask &= (100.0 - snap.female[:n]) >= AUDIENCE_GENDER_MIN
        if a.age_min is not None or a.age_max is not None:
            mask &= age_share(snap, a.age_min, a.age_max) >= AUDIENCE_AGE_MIN
        if a.countries:
            mask &= snap.tags["audience_countries"].any_of([c.upper() for c in a.countries], n)
    if q.exclude_brands:
        mask &= ~snap.tags["brands"].any_of([_norm(b) for b in q.exclude_brands], n)
    if q.worked_with_brands:
        mask &= snap.tags["brands"].any_of([_norm(b) for b in q.worked_with_brands], n)
    if q.verified is not None:
        mask &= snap.verified[:n] == q.verified
    if hints is not None and hints.seeds:
        seeds = [snap.pos[i] for i in hints.seeds if i in snap.pos]
        mask[[r for r in seeds if r < n]] = False  # lookalikes never return the seeds themselves
    rows = person_and_price(snap, q, np.flatnonzero(mask))
    return Candidates(rows=rows, followers=followers, engagement=engagement)


def similarities(snap: OrgSnapshot, rows: np.ndarray, qvec: np.ndarray) -> np.ndarray:
    """Exact cosine similarity of the query with each candidate row (vectors are unit length)."""
    if len(rows) * 4 > snap.n:  # most rows pass: one contiguous mat-vec beats gathering rows first
        return (snap.emb[: snap.n] @ qvec)[rows]
    return snap.emb[rows] @ qvec


def semantic_share(sims: np.ndarray) -> np.ndarray:
    """Cosine similarity mapped onto [0, 1] between the floor of an unrelated profile and a close match."""
    return np.clip((sims - SIM_FLOOR) / SIM_SPAN, 0.0, 1.0)


def niche_share(snap: OrgSnapshot, rows: np.ndarray, niches: list[str], dtype: type = np.float64) -> np.ndarray:
    """The share of `niches` each row has."""
    covered = np.zeros(len(rows), dtype=dtype)
    for niche in niches:
        col = snap.tags["niches"].values.get(niche)
        if col is not None:
            covered += col[rows]
    return covered / len(niches)


def signals(snap: OrgSnapshot, q: ParsedQuery, cand: Candidates, sims: np.ndarray | None) -> dict[str, np.ndarray]:
    """Each applicable signal as an array in [0, 1] aligned with `cand.rows`."""
    rows = cand.rows
    out: dict[str, np.ndarray] = {}
    if sims is not None:
        out["semantic"] = semantic_share(sims)
    if q.niches:
        out["niche"] = niche_share(snap, rows, q.niches, np.float32)
    er = np.nan_to_num(cand.engagement[rows].astype(np.float64), nan=0.0)
    out["engagement"] = er / (er + 3.0)
    followers = np.maximum(cand.followers[rows].astype(np.float64), 1.0)
    if q.min_followers:
        out["followers"] = np.clip(np.log10(followers / max(q.min_followers, 1000)) / 2.0, 0.0, 1.0)
    elif q.max_followers:
        out["followers"] = np.clip(np.log10(followers) / max(math.log10(max(q.max_followers, 10)), 1.0), 0.0, 1.0)
    else:
        out["followers"] = np.clip((np.log10(followers) - 3.0) / 4.0, 0.0, 1.0)
    if q.audience is not None:
        parts = []
        a = q.audience
        if a.gender:
            female = np.nan_to_num(snap.female[rows].astype(np.float64), nan=0.0)
            parts.append((female if a.gender == "female" else 100.0 - female) / 100.0)
        if a.age_min is not None or a.age_max is not None:
            parts.append(np.nan_to_num(age_share(snap, a.age_min, a.age_max, rows), nan=0.0) / 100.0)
        if parts:
            out["audience"] = np.clip(np.mean(parts, axis=0), 0.0, 1.0)
    if q.max_rate_usd is not None:
        cap = max(float(q.max_rate_usd), 0.01)  # a ratio for ranking only; money itself stays Decimal
        rate = snap.rate_cents[rows].astype(np.float64) / 100.0
        out["price"] = np.where(rate < 0, 0.0, np.clip(1.0 - 0.5 * rate / cap, 0.0, 1.0))
    return out


def combine(snap: OrgSnapshot, q: ParsedQuery, rows: np.ndarray, parts: dict[str, np.ndarray]) -> np.ndarray:
    total = sum(WEIGHTS[k] for k in parts)
    score = sum(WEIGHTS[k] * v for k, v in parts.items()) / total
    if q.max_rate_usd is not None or q.min_rate_usd is not None:
        score = np.where(snap.rate_cents[rows] < 0, score * UNKNOWN_RATE_FACTOR, score)
    return np.clip(np.asarray(score, dtype=np.float64), 0.0, 1.0)


def sort_key(q: ParsedQuery, snap: OrgSnapshot, rows: np.ndarray, followers: np.ndarray,
             engagement: np.ndarray) -> np.ndarray | None:
    """The query's primary sort key of `rows` (smaller first), given their effective followers and engagement;
    None for relevance, whose key is minus the score."""
    if q.sort == "followers":
        return -np.asarray(followers).astype(np.float64)
    if q.sort == "engagement":
        return -np.nan_to_num(np.asarray(engagement).astype(np.float64), nan=-1.0)
    if q.sort == "rate":
        rate = snap.rate_cents[rows].astype(np.float64)
        return np.where(rate < 0, np.inf, rate)
    return None


def order(q: ParsedQuery, snap: OrgSnapshot, cand: Candidates, score: np.ndarray, limit: int) -> np.ndarray:
    """Positions (into cand.rows) of the best `limit` results for the query's sort, ties by row number."""
    rows = cand.rows
    primary = sort_key(q, snap, rows, cand.followers[rows], cand.engagement[rows])
    if primary is None:
        primary = -score
    if len(rows) > limit * 4:
        kth = np.partition(primary, limit - 1)[limit - 1]
        keep = np.flatnonzero(primary <= kth)  # every tie with the k-th is kept, so the cut is exact
    else:
        keep = np.arange(len(rows))
    ranked = keep[np.lexsort((rows[keep], -score[keep], primary[keep]))]
    return ranked[:limit]
