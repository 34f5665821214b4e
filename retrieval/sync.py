"""Keeping the vectors in step with SQL: per-change sync and a full rebuild.

Vectors are written to `profile_vectors` (what every process's search reads) in the caller's transaction,
then copied to the Chroma index by whoever may write it (retrieval/mirror.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.influencers import eager_options
from data.models import Influencer, ProfileVector
from data.serialize import influencer_to_dict
from retrieval import mirror
from retrieval.embeddings import embedding_text, get_embedder
from retrieval.index import VectorIndex
from retrieval.shared_search import export_soon
from retrieval.snapshot import apply_changes, snapshots, stamp
from retrieval.vectors import delete_vectors, own_transaction, write_vectors

REINDEX_BATCH = 256
log = logging.getLogger(__name__)


def _embed_rows(rows: Sequence[Influencer]) -> tuple[list[str], np.ndarray, list[float]]:
    ids = [r.id for r in rows]
    vectors = get_embedder().encode([embedding_text(influencer_to_dict(r)) for r in rows])
    return ids, vectors, [stamp(r.updated_at) for r in rows]


def _copy_to_index(
    index: VectorIndex | None, org_id: str, vectors: tuple[list[str], np.ndarray, list[float]] | None,
    deleted: Sequence[str],
) -> None:
    """Write to Chroma when this process may; a failure is logged (SQL holds the vectors, the mirror retries)."""
    target = index or mirror.writable_index()
    if target is None:
        return
    try:
        if vectors is not None:
            target.upsert(org_id, vectors[0], embeddings=vectors[1], stamps=vectors[2])
        target.delete(org_id, list(deleted))
    except Exception:
        log.exception("writing vectors to the Chroma index failed; they are in SQL and will be copied later")


def sync_influencers(
    session: Session, org_id: str, influencer_ids: Sequence[str], *, index: VectorIndex | None = None
) -> None:
    """Re-embed these profiles from SQL; ids no longer in SQL (for this org) lose their vectors.

    Call after the write is committed (jobs do this for create, update, delete and import); idempotent.
    Vectors are committed on a session of their own. `index`: write Chroma there directly (the caller owns
    it); default: the mirror.
    """
    if not influencer_ids:
        return
    wanted = list(dict.fromkeys(influencer_ids))
    rows = list(
        session.scalars(
            select(Influencer).where(Influencer.org_id == org_id, Influencer.id.in_(wanted)).options(*eager_options())
        )
    )
    present = {r.id for r in rows}
    deleted = [i for i in wanted if i not in present]
    vectors = None
    with own_transaction(session) as writer:
        for start in range(0, len(rows), REINDEX_BATCH):
            ids, matrix, stamps = _embed_rows(rows[start : start + REINDEX_BATCH])
            write_vectors(writer, org_id, ids, matrix, stamps)
            vectors = (ids, matrix, stamps) if vectors is None else _concat(vectors, (ids, matrix, stamps))
        delete_vectors(writer, org_id, deleted)
    _copy_to_index(index, org_id, vectors, deleted)
    if index is None:
        mirror.catch_up(session)
    snap = snapshots.peek(session, org_id)
    if snap is not None:
        apply_changes(snap, session, [r.id for r in rows], deleted, vectors)
    export_soon(session, org_id)


def _concat(a: tuple, b: tuple) -> tuple:
    return a[0] + b[0], np.concatenate([a[1], b[1]]), a[2] + b[2]


def reindex_org(
    session: Session,
    org_id: str,
    progress: Callable[[int, int], None] | None = None,
    *,
    index: VectorIndex | None = None,
) -> int:
    """Re-embed the organization from SQL (its vectors in SQL and Chroma are replaced). Returns the number indexed.

    Chroma is rebuilt here when this process may write it (`index`, a server, or the embedded folder's
    lock); otherwise the process owning the folder copies the new vectors on its next look.
    """
    target = index or mirror.writable_index()
    ids = list(session.scalars(select(Influencer.id).where(Influencer.org_id == org_id).order_by(Influencer.id)))
    if target is not None:
        target.reset_org(org_id)
    done = 0
    if progress:
        progress(0, len(ids))
    for start in range(0, len(ids), REINDEX_BATCH):
        chunk = ids[start : start + REINDEX_BATCH]
        rows = list(session.scalars(select(Influencer).where(Influencer.id.in_(chunk)).options(*eager_options())))
        batch_ids, matrix, stamps = _embed_rows(rows)
        with own_transaction(session) as writer:
            write_vectors(writer, org_id, batch_ids, matrix, stamps)
        if target is not None:
            target.upsert(org_id, batch_ids, embeddings=matrix, stamps=stamps)
        done += len(rows)
        session.expunge_all()  # keep memory flat on big organizations
        if progress:
            progress(done, len(ids))
    pv = ProfileVector.__table__
    live = select(Influencer.id).where(Influencer.org_id == org_id)
    with own_transaction(session) as writer:
        writer.execute(pv.delete().where(pv.c.org_id == org_id, pv.c.influencer_id.not_in(live)))
    snapshots.drop(session, org_id)
    export_soon(session, org_id, now=True)
    return done
