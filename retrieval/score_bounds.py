"""Upper bounds of a row's non-semantic signals that hold for every query, computed once per mapped snapshot.

`ranking.signals` computes engagement, follower fit, niche, audience and price for every candidate: at 1M
rows that is a dozen float64 passes (gathers, `log10`, `nan_to_num`) per query. Each signal is bounded by
something that does not depend on the query:

- engagement `er / (er + 3)` is increasing in `er`: bounded by the signal of the row's best engagement
  (average or any platform's); exact without `platforms` (the average is what the query uses).
- follower fit is increasing in followers under all three of its formulas, and the effective followers
  (one platform's or the total) are at most the larger of the total and the best platform's: one
  `log10` per row, kept, and each query maps it through its formula with two float32 operations.
- niche, audience and price shares are at most 1; the unknown-rate factor (0.85) at most 1.

So `upper_others` costs a few float32 passes over the candidates and needs no gathers when every row is a
candidate. The bounds are rounded up by `MARGIN` (float32 rounding of the true float64 values).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.query.schema import ParsedQuery
from retrieval.ranking import WEIGHTS

MARGIN = 1e-5


@dataclass
class RowBounds:
    engagement_avg: np.ndarray  # float32 (n,): er/(er+3) of the average engagement (NaN -> 0)
    engagement_max: np.ndarray  # float32 (n,): the same of the best engagement of any platform or the average
    log_followers: np.ndarray  # float32 (n,): log10(max(total, best platform, 1))


def _eng(er: np.ndarray) -> np.ndarray:
    e = np.nan_to_num(er.astype(np.float64), nan=0.0)
    return e / (e + 3.0)


def row_bounds(snap: Any) -> RowBounds:
    """The bounds of `snap`, computed on first use and kept on the snapshot (3 x 4 bytes a row)."""
    found = getattr(snap, "_row_bounds", None)
    if found is not None:
        return found
    n = snap.n
    avg = _eng(snap.avg_er[:n])
    best = avg.copy()
    followers = np.asarray(snap.total_followers[:n], dtype=np.float64)
    for j in range(snap.plat_er.shape[1]):  # one platform column at a time: contiguous in a mapped snapshot
        np.maximum(best, _eng(snap.plat_er[:n, j]), out=best)
        np.maximum(followers, snap.plat_followers[:n, j], out=followers)
    bounds = RowBounds(
        engagement_avg=(avg + MARGIN).astype(np.float32),
        engagement_max=(best + MARGIN).astype(np.float32),
        log_followers=(np.log10(np.maximum(followers, 1.0)) + MARGIN).astype(np.float32),
    )
    snap._row_bounds = bounds
    return bounds


def _take(arr: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    return arr[:n] if len(rows) == n else arr[rows]


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
    """(weight x upper bound of engagement plus follower fit, per row, float32; the summed weights of the
    query's other non-semantic signals, each bounded by 1)."""
    b = row_bounds(snap)
    n = snap.n
    eng = _take(b.engagement_max if q.platforms else b.engagement_avg, rows, n)
    lf = _take(b.log_followers, rows, n)
    if q.min_followers:
        fol = (lf - np.float32(math.log10(max(q.min_followers, 1000)))) / np.float32(2.0)
    elif q.max_followers:
        fol = lf / np.float32(max(math.log10(max(q.max_followers, 10)), 1.0))
    else:
        fol = (lf - np.float32(3.0)) / np.float32(4.0)
    np.clip(fol, 0.0, 1.0, out=fol)
    total = np.float32(WEIGHTS["engagement"]) * eng
    total += np.float32(WEIGHTS["followers"]) * fol
    constant = sum(WEIGHTS[k] for k in signal_keys(q, False) if k not in ("engagement", "followers"))
    return total, float(constant)
