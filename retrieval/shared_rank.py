"""Ranking over a mapped snapshot: exact filters, coarse similarity for every candidate, exact rescoring of
the rows that can still reach the top.

The score is non-decreasing in the similarity (ranking.combine is a positive-weighted mean of clipped
signals), so a row's similarity bound gives a bound on its score; `coarse.rescore_top` gives the exact
similarity to every row whose upper bound reaches the k-th best exact score, and `ranking.order` orders
those exactly as it orders a full exact scoring. With valid bounds the result is the
one `search.rank` gives on the same data (ids, scores, order, `total_matches`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from agent.query.schema import ParsedQuery
from retrieval.coarse import rescore_top
from retrieval.ranking import SIM_FLOOR, SIM_SPAN, Candidates, combine, hard_filter, order, signals, similarities


@dataclass
class RankedRows:
    rows: np.ndarray
    scores: np.ndarray
    sims: np.ndarray | None  # exact similarity of each returned row (None without a query vector)
    total_matches: int
    rescored: int = 0  # rows whose exact similarity was computed


def _score(snap: Any, q: ParsedQuery, rows: np.ndarray, others: dict[str, np.ndarray], sims: np.ndarray) -> np.ndarray:
    # Same key order as ranking.signals ("semantic" first), so the sums match bit for bit.
    parts = {"semantic": np.clip((sims - SIM_FLOOR) / SIM_SPAN, 0.0, 1.0), **others}
    return combine(snap, q, rows, parts)


def _primary(q: ParsedQuery, snap: Any, cand: Candidates) -> np.ndarray | None:
    """The sort key that does not depend on similarity (None for relevance), as in ranking.order."""
    rows = cand.rows
    if q.sort == "followers":
        return -cand.followers[rows].astype(np.float64)
    if q.sort == "engagement":
        return -np.nan_to_num(cand.engagement[rows].astype(np.float64), nan=-1.0)
    if q.sort == "rate":
        rate = snap.rate_cents[rows].astype(np.float64)
        return np.where(rate < 0, np.inf, rate)
    return None


def rescore_set(
    q: ParsedQuery, snap: Any, cand: Candidates, upper: np.ndarray, exact_of: Any, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """(positions, exact scores) of every candidate that can be among the first `limit` of the query's order."""
    primary = _primary(q, snap, cand)
    if primary is None:
        return rescore_top(upper, exact_of, limit)
    if len(primary) <= limit:
        pos = np.arange(len(primary))
        return pos, exact_of(pos)
    kth = np.partition(primary, limit - 1)[limit - 1]
    better = np.flatnonzero(primary < kth)  # fewer than `limit`: all of them are in
    ties = np.flatnonzero(primary == kth)  # the rest of the places go to the best scores among these
    tie_pos, tie_scores = rescore_top(upper[ties], lambda p: exact_of(ties[p]), limit - len(better))
    pos = np.concatenate([better, ties[tie_pos]])
    scores = np.concatenate([exact_of(better), tie_scores])
    order = np.argsort(pos, kind="stable")
    return pos[order], scores[order]


def rank_rows(snap: Any, q: ParsedQuery, limit: int, qvec: np.ndarray | None, *, exact: bool = False) -> RankedRows:
    """The best `limit` rows for the query. `exact=True` scores every candidate exactly (the reference)."""
    cand = hard_filter(snap, q)
    rows = cand.rows
    if len(rows) == 0:
        return RankedRows(rows, np.zeros(0), None, 0)
    if qvec is None or exact:
        sims = similarities(snap, rows, qvec) if qvec is not None else None
        score = combine(snap, q, rows, signals(snap, q, cand, sims))
        pos = order(q, snap, cand, score, limit)
        return RankedRows(rows[pos], score[pos], None if sims is None else sims[pos], len(rows), len(rows))
    others = signals(snap, q, cand, None)
    approx, radius = snap.vectors.approx(qvec, rows)
    upper = _score(snap, q, rows, others, approx + radius)
    exact_sims: dict[int, float] = {}

    def exact_of(pos: np.ndarray) -> np.ndarray:
        sims = snap.vectors.exact_sims(qvec, rows[pos])
        exact_sims.update(zip(pos.tolist(), sims.tolist(), strict=True))
        return _score(snap, q, rows[pos], {k: v[pos] for k, v in others.items()}, sims)

    keep, score = rescore_set(q, snap, cand, upper, exact_of, limit)
    sub = rows[keep]
    sims = np.array([exact_sims[p] for p in keep.tolist()], dtype=np.float32)
    pos = order(q, snap, Candidates(rows=sub, followers=cand.followers, engagement=cand.engagement), score, limit)
    return RankedRows(sub[pos], score[pos], sims[pos], len(rows), len(sub))
