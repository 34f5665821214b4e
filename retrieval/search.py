"""search(): ParsedQuery → ranked influencer ids with scores in [0, 1] and reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.query.schema import ParsedQuery
from data.models import Influencer
from retrieval import mirror
from retrieval.embeddings import get_embedder
from retrieval.filters import Hints, text_mentions
from retrieval.lookalikes import likeness, seed_ids, seeds_of
from retrieval.lookalikes import reasons as lookalike_reasons
from retrieval.ranking import age_share, combine, hard_filter, order, signals, similarities
from retrieval.reasons import reasons_for
from retrieval.shared_search import search_shared
from retrieval.snapshot import OrgSnapshot, snapshots

MAX_LIMIT = 200
LIKENESS_WEIGHT = 0.7  # a lookalike search ranks mostly by likeness, the query's own signals break ties


@dataclass
class Hit:
    influencer_id: str
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class SearchOutcome:
    results: list[Hit]
    total_matches: int


def semantic_text(query: ParsedQuery, query_text: str | None = None) -> str | None:
    """What the query vector is computed from: its topics and niches, else the raw text, else nothing."""
    parts = list(query.topics)
    if query.niches:
        parts.append(", ".join(query.niches) + " creator")
    if parts:
        return "; ".join(parts)
    text = (query_text or "").strip()
    return text or None


def search(
    session: Session,
    org_id: str,
    query: ParsedQuery,
    limit: int = 20,
    query_text: str | None = None,
    seeds: list[str] | None = None,
) -> SearchOutcome:
    """Rank the org's profiles; a store problem while refreshing serves the last snapshot (retrieval/snapshot.py).

    Lookalikes: `query.like_handles` (or `seeds`, influencer ids) rank by likeness to those creators
    (`lookalikes.py`); handles the organization does not have give no results.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    hints = Hints(mentions=text_mentions(session, org_id, query))
    if seeds is not None or query.like_handles:
        hints.seeds = list(seeds) if seeds is not None else seed_ids(session, org_id, query.like_handles)
        if not hints.seeds:
            return SearchOutcome(results=[], total_matches=0)
    text = semantic_text(query, None if hints.seeds else query_text)
    qvec = get_embedder().encode_query(text) if text else None
    if not hints.seeds:  # over the shared file when configured and readable (retrieval/shared_search.py)
        shared = search_shared(session, org_id, query, limit, qvec, hints)
        if shared is not None:
            mirror.catch_up_soon(session)
            return SearchOutcome([Hit(i, s, r) for i, s, r in shared[0]], total_matches=shared[1])
    snap = snapshots.get(session, org_id)
    with snap.lock:
        for _ in range(3):
            outcome = rank(snap, query, limit, qvec, hints)
            ids = [h.influencer_id for h in outcome.results]
            # Primary-key lookup only: with `org_id = ?` in the WHERE, SQLite walks the org index instead
            # (~50 ms at 100k rows, measured); the org is checked on the few rows returned.
            found = session.execute(select(Influencer.id, Influencer.org_id).where(Influencer.id.in_(ids)))
            present = {row.id for row in found if row.org_id == org_id}
            gone = [i for i in ids if i not in present]
            if not gone:
                break
            for influencer_id in gone:  # deleted by another process since the last row-count check
                snap.remove(influencer_id)
    mirror.catch_up_soon(session)  # the embedded Chroma folder's owner copies other processes' writes
    return outcome


def rank(
    snap: OrgSnapshot, query: ParsedQuery, limit: int, qvec: np.ndarray | None, hints: Hints | None = None
) -> SearchOutcome:
    cand = hard_filter(snap, query, hints)
    if len(cand.rows) == 0:
        return SearchOutcome(results=[], total_matches=0)
    sims = similarities(snap, cand.rows, qvec) if qvec is not None else None
    score = combine(snap, query, cand.rows, signals(snap, query, cand, sims))
    like = seeds_of(snap, hints.seeds, query.like_handles) if hints is not None and hints.seeds else None
    if like is not None:
        score = LIKENESS_WEIGHT * likeness(snap, like, cand.rows) + (1 - LIKENESS_WEIGHT) * score
    hits = []
    for pos in order(query, snap, cand, score, limit):
        row = int(cand.rows[pos])
        data = snap.rows[row]
        assert data is not None  # only live rows pass the filter
        audience: dict[str, float | None] = {"female": _opt(snap.female[row])}
        if query.audience is not None and (query.audience.age_min is not None or query.audience.age_max is not None):
            audience["age"] = _opt(age_share(snap, query.audience.age_min, query.audience.age_max, np.array([row]))[0])
        reasons = reasons_for(
            query,
            data,
            followers=int(cand.followers[row]),
            engagement=_opt(cand.engagement[row]),
            similarity=None if sims is None else float(sims[pos]),
            audience=audience,
        )
        if like is not None:
            reasons = [*lookalike_reasons(snap, like, row), *reasons][:6]
        hits.append(Hit(influencer_id=data.id, score=round(float(score[pos]), 4), reasons=reasons))
    return SearchOutcome(results=hits, total_matches=len(cand.rows))


def _opt(value: float) -> float | None:
    value = float(value)
    return None if value != value else value
