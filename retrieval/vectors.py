"""Profile vectors in SQL (`profile_vectors`): written by whoever embeds a profile, read by every search process.

Any number of web and job processes share one SQL database safely, so the search snapshot takes its
vectors from here and never from another process's view of an embedded Chroma folder (retrieval/README.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from data.models import ProfileVector, utcnow
from retrieval.embeddings import DIM

_CHUNK = 500


def _insert(session: Session) -> Any:  # a dialect-specific Insert with on_conflict_do_update
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(ProfileVector)
    return sqlite.insert(ProfileVector)


@contextmanager
def own_transaction(session: Session) -> Iterator[Session]:
    """A session of its own on the caller's database, committed on exit: vector writes become visible to
    other processes at once without committing (and expiring) the caller's session."""
    with Session(bind=session.get_bind()) as writer:
        yield writer
        writer.commit()


def write_vectors(
    session: Session, org_id: str, ids: Sequence[str], matrix: np.ndarray, stamps: Sequence[float]
) -> None:
    """Insert or replace vectors (INSERT … ON CONFLICT: two processes syncing one profile never collide)."""
    now = utcnow()
    rows = [
        {"influencer_id": i, "org_id": org_id, "vector": np.asarray(v, dtype="<f4").tobytes(),
         "source_stamp": float(s), "written_at": now}
        for i, v, s in zip(ids, matrix, stamps, strict=True)
    ]
    for start in range(0, len(rows), _CHUNK):
        stmt = _insert(session).values(rows[start : start + _CHUNK])
        stmt = stmt.on_conflict_do_update(
            index_elements=["influencer_id"],
            set_={"vector": stmt.excluded.vector, "source_stamp": stmt.excluded.source_stamp,
                  "written_at": stmt.excluded.written_at},
        )
        session.execute(stmt)


def delete_vectors(session: Session, org_id: str, ids: Sequence[str]) -> None:
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        session.execute(delete(ProfileVector).where(ProfileVector.org_id == org_id,
                                                    ProfileVector.influencer_id.in_(chunk)))


def load_vectors(
    session: Session, org_id: str, ids: Sequence[str] | None = None
) -> tuple[list[str], np.ndarray, list[float]]:
    """(ids, (n, DIM) float32 matrix, source stamps) for the given ids (those present) or the whole org."""
    pv = ProfileVector.__table__
    base = select(pv.c.influencer_id, pv.c.vector, pv.c.source_stamp).where(pv.c.org_id == org_id)
    if ids is None:
        fetched = list(session.execute(base))
    else:
        wanted = list(ids)
        fetched = []
        for start in range(0, len(wanted), _CHUNK):
            fetched.extend(session.execute(base.where(pv.c.influencer_id.in_(wanted[start : start + _CHUNK]))))
    if not fetched:
        return [], np.zeros((0, DIM), dtype=np.float32), []
    matrix = np.frombuffer(b"".join(r.vector for r in fetched), dtype="<f4").reshape(len(fetched), DIM)
    return [r.influencer_id for r in fetched], matrix.astype(np.float32), [float(r.source_stamp) for r in fetched]
