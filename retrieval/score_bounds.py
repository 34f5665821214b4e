"""Upper bounds of a row's non-semantic signals that hold for every query, computed once per mapped snapshot.

`ranking.signals` computes engagement, follower fit, niche, audience and price for every candidate: at 1M
rows that is a dozen float64 passes (gathers, `log10`, `nan_to_num`) per query. Each signal is bounded by
something that does not depend on the query:

- engagement `er / (er + 3)` is increasing in `er`: without `platforms` it is the average's, computed once
  per snapshot and kept; with `platforms`, the best of the requested platforms' (float32, per query).
- follower fit is increasing in followers under all three of its formulas: `log10` of the total is kept
  (or of the best requested platform's, per query) and each query maps it through its formula with two
  float32 operations.
- niche and audience age shares are at most 1; price and the audience gender share are computed as
  `ranking.signals` does but in float32 (plus the margin), as is the unknown-rate factor.

So `upper_others` costs a few float32 passes over the candidates and needs no gathers when every row is a
candidate. The bounds are rounded up by `MARGIN` (float32 rounding of the true float64 values).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.query.schema import ParsedQuery
from retrieval.ranking import UNKNOWN_RATE_FACTOR, WEIGHTS
from retrieval.snapshot import PLATFORM_INDEX

MARGIN = 1e-5


@dataclass
class RowBounds:
    engagement: np.ndarray  # float32 (n,): er/(er+3) of the average engagement (NaN -> 0), rounded up
    log_followers: np.ndarray  # float32 (n,): log10(max(total followers, 1)), rounded up


def _eng(er: np.ndarray) -> np.ndarray:
    e = np.nan_to_num(er.astype(np.float64), nan=0.0)
    return e / (e + 3.0)


def row_bounds(snap: Any) -> RowBounds:
    """The query-independent bounds of `snap`, computed on first use and kept on it (8 bytes a row)."""
    found = getattr(snap, "_row_bounds", None)
    if found is not None:
        return found
    n = snap.n
    followers = np.maximum(np.asarray(snap.total_followers[:n], dtype=np.float64), 1.0)
    bounds = RowBounds(engagement=(_eng(snap.avg_er[:n]) + MARGIN).astype(np.float32),
                       log_followers=(np.log10(followers) + MARGIN).astype(np.float32))
    snap._row_bounds = bounds
    return bounds


def _take(arr: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    return arr[:n] if len(rows) == n else arr[rows]


def _platform_bounds(snap: Any, q: ParsedQuery, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Engagement signal and log10 followers bounds over the requested platforms (the best of each)."""
    n = snap.n
    eng = lf = None
    for p in q.platforms:
        j = PLATFORM_INDEX[p]
        er = np.nan_to_num(_take(snap.plat_er[:, j], rows, n), nan=0.0).astype(np.float32)
        e = er / (er + np.float32(3.0))
        f = _take(snap.plat_followers[:, j], rows, n)
        eng = e if eng is None else np.maximum(eng, e, out=eng)
        lf = f if lf is None else np.maximum(lf, f, out=lf)
    assert eng is not None and lf is not None
    logs = np.log10(np.maximum(lf, 1).astype(np.float32))
    return eng + np.float32(MARGIN), logs + np.float32(MARGIN)


def signal_keys(q: ParsedQuery, semantic: bool) -> list[str]:
    """The signals `ranking.signals` computes for `q`, in its order."""
    keys = ["semantic"] if semantic else []
    if q.niches:
        keys.append("niche")
    keys += ["engagement", "followers"]
    a = q.audience
    if a is not None and (a.gender or a.age_min is not None or a.age_max is not None):
        keys.append("audience")
    if q.max_rate_usd is not None:
        keys.append("price")
    return keys


def upper_others(snap: Any, q: ParsedQuery, rows: np.ndarray) -> tuple[np.ndarray, float]:
    """(weight x upper bound of engagement, follower fit, price and audience gender, per row, float32; the
    summed weights of the query's other non-semantic signals, each bounded by 1)."""
    n = snap.n
    if q.platforms:
        eng, lf = _platform_bounds(snap, q, rows)
    else:
        b = row_bounds(snap)
        eng, lf = _take(b.engagement, rows, n), _take(b.log_followers, rows, n)
    if q.min_followers:
        fol = (lf - np.float32(math.log10(max(q.min_followers, 1000)))) / np.float32(2.0)
    elif q.max_followers:
        fol = lf / np.float32(max(math.log10(max(q.max_followers, 10)), 1.0))
    else:
        fol = (lf - np.float32(3.0)) / np.float32(4.0)
    np.clip(fol, 0.0, 1.0, out=fol)
    total = np.float32(WEIGHTS["engagement"]) * eng
    total += np.float32(WEIGHTS["followers"]) * fol
    constant = WEIGHTS["niche"] if q.niches else 0.0
    if q.max_rate_usd is not None:  # as ranking.signals, in float32
        cap = np.float32(max(float(q.max_rate_usd), 0.01))
        rate = _take(snap.rate_cents, rows, n).astype(np.float32) / np.float32(100.0)
        price = np.clip(np.float32(1.0) - np.float32(0.5) * rate / cap, 0.0, 1.0)
        price[rate < 0] = 0.0
        total += np.float32(WEIGHTS["price"]) * price
    a = q.audience
    if a is not None and (a.gender or a.age_min is not None or a.age_max is not None):
        if a.gender:
            female = np.nan_to_num(_take(snap.female, rows, n), nan=0.0) / np.float32(100.0)
            share = female if a.gender == "female" else np.float32(1.0) - female
            if a.age_min is not None or a.age_max is not None:  # the mean with the age share, bounded by 1
                share = (share + np.float32(1.0)) / np.float32(2.0)
            total += np.float32(WEIGHTS["audience"]) * np.clip(share, 0.0, 1.0)
        else:
            constant += WEIGHTS["audience"]
    return total, float(constant)


def rate_factor(snap: Any, q: ParsedQuery, rows: np.ndarray) -> np.ndarray | None:
    """ranking.combine's multiplier for unknown rates (None when the query has no rate bound)."""
    if q.max_rate_usd is None and q.min_rate_usd is None:
        return None
    unknown = _take(snap.rate_cents, rows, snap.n) < 0
    return np.where(unknown, np.float32(UNKNOWN_RATE_FACTOR), np.float32(1.0))
