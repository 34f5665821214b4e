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
from retrieval.filters import Hints
from retrieval.ranking import (
    SIM_FLOOR,
    SIM_SPAN,
    WEIGHTS,
    Candidates,
    combine,
    hard_filter,
    order,
    signals,
    similarities,
    sort_key,
)
from retrieval.score_bounds import MARGIN, rate_factor, signal_keys, upper_others


@dataclass
class RankedRows:
    rows: np.ndarray
    scores: np.ndarray
    sims: np.ndarray | None  # exact similarity of each returned row (None without a query vector)
    total_matches: int
    rescored: int = 0  # rows whose exact similarity was computed


def rescore_set(
    q: ParsedQuery, snap: Any, cand: Candidates, upper: np.ndarray, exact_of: Any, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """(positions, exact scores) of every candidate that can be among the first `limit` of the query's order."""
    primary = sort_key(q, snap, cand.rows, cand.followers[cand.rows], cand.engagement[cand.rows])
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


def _subset(cand: Candidates, pos: np.ndarray) -> Candidates:
    return Candidates(rows=cand.rows[pos], followers=cand.followers, engagement=cand.engagement)


def rank_rows(
    snap: Any, q: ParsedQuery, limit: int, qvec: np.ndarray | None, *, exact: bool = False, hints: Hints | None = None
) -> RankedRows:
    """The best `limit` rows for the query. `exact=True` scores every candidate exactly (the reference).

    Otherwise every candidate gets an upper bound of its score: the coarse similarity plus its error radius
    for the semantic signal, `score_bounds.upper_others` for the rest; only candidates whose bound reaches
    the k-th best exact score get their exact signals (`ranking.signals` on those rows) and exact similarity.
    """
    cand = hard_filter(snap, q, hints)
    rows = cand.rows
    if len(rows) == 0:
        return RankedRows(rows, np.zeros(0), None, 0)
    if exact:
        sims = similarities(snap, rows, qvec) if qvec is not None else None
        score = combine(snap, q, rows, signals(snap, q, cand, sims))
        pos = order(q, snap, cand, score, limit)
        return RankedRows(rows[pos], score[pos], None if sims is None else sims[pos], len(rows), len(rows))
    keys = signal_keys(q, qvec is not None)
    weight = sum(WEIGHTS[k] for k in keys)
    upper, constant = upper_others(snap, q, rows)
    if qvec is not None:
        approx, radius = snap.vectors.approx(qvec, rows)
        approx += radius
        approx -= np.float32(SIM_FLOOR)
        approx *= np.float32(WEIGHTS["semantic"] / SIM_SPAN)
        np.clip(approx, 0.0, WEIGHTS["semantic"], out=approx)
        upper += approx
    upper += np.float32(constant)
    upper *= np.float32(1.0 / weight)
    factor = rate_factor(snap, q, rows)
    if factor is not None:
        upper *= factor
    upper += np.float32(MARGIN)
    exact_sims: dict[int, float] = {}

    def exact_of(pos: np.ndarray) -> np.ndarray:
        sub = _subset(cand, pos)
        sims = None
        if qvec is not None:
            sims = snap.vectors.exact_sims(qvec, sub.rows)
            exact_sims.update(zip(pos.tolist(), sims.tolist(), strict=True))
        return combine(snap, q, sub.rows, signals(snap, q, sub, sims))

    keep, score = rescore_set(q, snap, cand, upper, exact_of, limit)
    kept = _subset(cand, keep)
    sub = kept.rows
    pos = order(q, snap, kept, score, limit)
    sims_out = None if qvec is None else np.array([exact_sims[p] for p in keep[pos].tolist()], dtype=np.float32)
    return RankedRows(sub[pos], score[pos], sims_out, len(rows), len(sub))
