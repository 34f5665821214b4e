"""Keeping the vector index in step with SQL: per-change sync and a full rebuild."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.influencers import eager_options
from data.models import Influencer
from data.serialize import influencer_to_dict
from retrieval.embeddings import embedding_text, get_embedder
from retrieval.index import VectorIndex, get_index
from retrieval.snapshot import apply_changes, snapshots, stamp

REINDEX_BATCH = 256


def _embed_rows(rows: Sequence[Influencer]) -> tuple[list[str], object, list[float]]:
    ids = [r.id for r in rows]
    vectors = get_embedder().encode([embedding_text(influencer_to_dict(r)) for r in rows])
    return ids, vectors, [stamp(r.updated_at) for r in rows]


def sync_influencers(
    session: Session, org_id: str, influencer_ids: Sequence[str], *, index: VectorIndex | None = None
) -> None:
    """Re-embed these profiles from SQL; ids no longer in SQL (for this org) are removed from the index.

    Call after the write is committed (jobs do this for create, update, delete and import); idempotent.
    """
    if not influencer_ids:
        return
    index = index or get_index()
    wanted = list(dict.fromkeys(influencer_ids))
    rows = list(
        session.scalars(
            select(Influencer).where(Influencer.org_id == org_id, Influencer.id.in_(wanted)).options(*eager_options())
        )
    )
    present = {r.id for r in rows}
    deleted = [i for i in wanted if i not in present]
    vectors = None
    for start in range(0, len(rows), REINDEX_BATCH):
        ids, matrix, stamps = _embed_rows(rows[start : start + REINDEX_BATCH])
        index.upsert(org_id, ids, embeddings=matrix, stamps=stamps)
        vectors = (ids, matrix, stamps) if vectors is None else _concat(vectors, (ids, matrix, stamps))
    index.delete(org_id, deleted)
    snap = snapshots.peek(session, org_id)
    if snap is not None:
        apply_changes(snap, session, [r.id for r in rows], deleted, vectors)


def _concat(a: tuple, b: tuple) -> tuple:
    import numpy as np

    return a[0] + b[0], np.concatenate([a[1], b[1]]), a[2] + b[2]


def reindex_org(
    session: Session,
    org_id: str,
    progress: Callable[[int, int], None] | None = None,
    *,
    index: VectorIndex | None = None,
) -> int:
    """Rebuild the organization's vectors from SQL (drops what was there). Returns the number indexed."""
    index = index or get_index()
    ids = list(session.scalars(select(Influencer.id).where(Influencer.org_id == org_id).order_by(Influencer.id)))
    index.reset_org(org_id)
    done = 0
    if progress:
        progress(0, len(ids))
    for start in range(0, len(ids), REINDEX_BATCH):
        chunk = ids[start : start + REINDEX_BATCH]
        rows = list(session.scalars(select(Influencer).where(Influencer.id.in_(chunk)).options(*eager_options())))
        batch_ids, matrix, stamps = _embed_rows(rows)
        index.upsert(org_id, batch_ids, embeddings=matrix, stamps=stamps)
        done += len(rows)
        session.expunge_all()  # keep memory flat on big organizations
        if progress:
            progress(done, len(ids))
    snapshots.drop(session, org_id)
    return done
