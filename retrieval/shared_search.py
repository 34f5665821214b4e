"""search() over the shared snapshot file (`RETRIEVAL_SHARED_SNAPSHOT`, a directory: one `<org>.bundle` each).

- **Writer**: whoever syncs vectors (`sync.sync_influencers`, `sync.reindex_org`: the job worker, the CLI)
  calls `export_soon`: the org's in-process snapshot, refreshed from SQL, is written to the bundle at most
  every `RETRIEVAL_SHARED_EXPORT_S`. Export time grows with the org (bench: `export_s`), so it is not done
  per change; correctness never depends on it, because:
- **Readers** (web workers) map the bundle and overlay what changed since it was written: `SharedView`
  keeps a small in-process `OrgSnapshot` (`delta`) of the rows SQL stamps after the bundle's watermark
  (and rows whose vector was stale at export), masks their old version and deleted rows out of the mapped
  `alive`, ranks both (`shared_rank.rank_rows`) and merges by the query's order. Deletions are found as in
  the per-process snapshot: a row count every `RETRIEVAL_RECOUNT_MS`, and the returned rows are read back
  from SQL (their reasons need them) so a row deleted since is dropped before answering.
- **Fallback**: no file, a broken file or any error reading it → `None`, and search ranks over the
  per-process snapshot as without the setting (logged once per file identity). Lookalike searches always
  use the per-process path (they need every seed's and candidate's row data).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.query.schema import ParsedQuery
from data.models import Influencer
from data.settings import get_settings
from retrieval.filters import Hints
from retrieval.ranking import age_share, effective_metrics, sort_key
from retrieval.reasons import reasons_for
from retrieval.rows import RowData, load_rows, newest_update, row_count
from retrieval.shared_rank import RankedRows, rank_rows
from retrieval.shared_snapshot import MappedSnapshot, SharedSnapshotReader, export
from retrieval.snapshot import (
    LOOKBACK_S,
    OrgSnapshot,
    put_changed,
    recount_interval_s,
    refresh_interval_s,
    snapshots,
)
from retrieval.vectors import load_vectors

log = logging.getLogger(__name__)
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def bundle_path(org_id: str) -> Path | None:
    """The org's bundle, or None when the setting is unset."""
    folder = get_settings().retrieval_shared_snapshot
    return Path(folder) / f"{_SAFE.sub('_', org_id)}.bundle" if folder else None


# ---------------------------------------------------------------------- writer

_exported: dict[str, float] = {}
_export_lock = threading.Lock()


def export_org(session: Session, org_id: str) -> Path | None:
    """Write the org's bundle now from this process's snapshot, refreshed from SQL first."""
    path = bundle_path(org_id)
    if path is None:
        return None
    snap = snapshots.get(session, org_id, force_check=True)
    with snap.lock:
        export(snap, path, version=time.time())
    _exported[org_id] = time.monotonic()
    return path


def export_soon(session: Session, org_id: str, *, now: bool = False) -> None:
    """Export when the setting is on and the last export from this process is older than the interval (or
    `now`: a full reindex replaces the file right away). A failure is logged, never raised: readers overlay
    SQL on the previous file meanwhile."""
    if bundle_path(org_id) is None:
        return
    every = get_settings().retrieval_shared_export_s
    with _export_lock:
        last = _exported.get(org_id)
        if not now and last is not None and time.monotonic() - last < every:
            return
        try:
            export_org(session, org_id)
        except Exception:
            session.rollback()
            log.exception("exporting the shared search snapshot of org %s failed", org_id)


# ---------------------------------------------------------------------- reader


class SharedView:
    """One org's mapped bundle plus the rows changed since it was written (module docstring)."""

    def __init__(self, path: Path, org_id: str) -> None:
        self.org_id = org_id
        self.reader = SharedSnapshotReader(path)
        self.lock = threading.RLock()
        self.mapped: MappedSnapshot | None = None
        self.delta = OrgSnapshot(org_id)
        self.dead: set[int] = set()  # mapped rows deleted since the export
        self.checked_at = self.counted_at = 0.0

    def current(self, session: Session) -> MappedSnapshot:
        mapped = self.reader.current()
        if mapped is not self.mapped:  # first use or a newer file: start the overlay from its watermark
            self.mapped, self.delta, self.dead = mapped, OrgSnapshot(self.org_id), set()
            self.delta.newest = float(mapped.bundle.meta.get("newest") or 0.0)
            self._refresh(session, first=True)
        elif time.monotonic() - self.checked_at >= refresh_interval_s():
            self._refresh(session, first=False)
        return mapped

    def _refresh(self, session: Session, first: bool) -> None:
        mapped = self.mapped
        assert mapped is not None
        base_alive = mapped.bundle.arrays["alive"]
        newest = newest_update(session, self.org_id)
        changed: list[RowData] = []
        if first or newest != self.delta.newest:
            for data in load_rows(session, self.org_id, since=self.delta.newest - LOOKBACK_S):
                row = mapped.pos.get(data.id)
                stale = row is None or not base_alive[row] or mapped.updated[row] != data.updated
                if stale or data.id in self.delta.pos:
                    changed.append(data)
            self.delta.newest = max(newest, self.delta.newest)
        if first and mapped.bundle.meta.get("pending"):
            changed += load_rows(session, self.org_id, ids=list(mapped.bundle.meta["pending"]))
        put_changed(self.delta, changed)
        self._inherit_vectors(changed)
        now = time.monotonic()
        if first or now - self.counted_at >= recount_interval_s():
            self._recount(session)
            self.counted_at = now
        if self.delta.pending:
            self.delta.set_vectors(*load_vectors(session, self.org_id, sorted(self.delta.pending)))
        self._mask()
        self.checked_at = time.monotonic()

    def _inherit_vectors(self, changed: list[RowData]) -> None:
        """A changed row keeps its exported vector until SQL has a fresh one (as the per-process snapshot does)."""
        mapped = self.mapped
        assert mapped is not None
        ids = [d.id for d in changed if not self.delta.has_emb[self.delta.pos[d.id]]]
        rows = [mapped.pos.get(i) for i in ids]
        old = [(i, r) for i, r in zip(ids, rows, strict=True) if r is not None and mapped.has_emb[r]]
        if old:
            self.delta.set_vectors([i for i, _ in old], np.asarray(mapped.emb[[r for _, r in old]]), [0.0] * len(old))

    def _recount(self, session: Session) -> None:
        mapped = self.mapped
        assert mapped is not None
        if row_count(session, self.org_id) == int(mapped.alive[: mapped.n].sum()) + self.delta.alive_count:
            return
        inf = Influencer.__table__
        present = sorted(i.encode() for i in session.scalars(select(inf.c.id).where(inf.c.org_id == self.org_id)))
        ids = mapped.bundle.arrays["ids"]
        gone = ~np.isin(ids, np.array(present, dtype=ids.dtype)) if present else np.ones(mapped.n, dtype=bool)
        self.dead |= set(np.flatnonzero(gone & mapped.bundle.arrays["alive"]).tolist())
        keep = {p.decode() for p in present}
        for influencer_id in [i for i in self.delta.ids if i not in keep]:
            self.delta.remove(influencer_id)

    def _mask(self) -> None:
        """mapped.alive = the file's alive minus rows deleted or overridden by the delta (an own copy)."""
        mapped = self.mapped
        assert mapped is not None
        base = mapped.bundle.arrays["alive"]
        hidden = set(self.dead)
        for influencer_id in self.delta.ids:
            row = mapped.pos.get(influencer_id)
            if row is not None:
                hidden.add(row)
        if not hidden:
            mapped.alive = base
            return
        alive = np.array(base, dtype=bool)
        alive[np.fromiter(hidden, dtype=np.int64, count=len(hidden))] = False
        mapped.alive = alive

    def forget(self, influencer_id: str) -> None:
        """A returned row that SQL no longer has."""
        assert self.mapped is not None
        self.delta.remove(influencer_id)
        row = self.mapped.pos.get(influencer_id)
        if row is not None:
            self.dead.add(row)
        self._mask()


_views: dict[tuple[str, str], SharedView] = {}
_views_lock = threading.Lock()
_warned: set[Any] = set()


def view_for(session: Session, org_id: str) -> SharedView | None:
    path = bundle_path(org_id)
    if path is None:
        return None
    key = (str(session.get_bind().engine.url), org_id)
    with _views_lock:
        view = _views.get(key)
        if view is None or view.reader._reader.path != path:
            view = _views[key] = SharedView(path, org_id)
    return view


def drop_views() -> None:
    with _views_lock:
        _views.clear()


# ---------------------------------------------------------------------- ranking over the view


@dataclass
class _Found:
    source: Any  # the MappedSnapshot or the delta OrgSnapshot
    row: int
    order_row: int  # the row number ties are broken by (the exporter's numbering)
    score: float
    sim: float | None
    followers: int
    engagement: float
    primary: float


def _found(q: ParsedQuery, snap: Any, got: RankedRows, order_row: Any) -> list[_Found]:
    followers, engagement = effective_metrics(snap, q, got.rows)
    primary = sort_key(q, snap, got.rows, followers, engagement)
    out = []
    for i, row in enumerate(got.rows.tolist()):
        score = float(got.scores[i])
        out.append(_Found(snap, row, order_row(row), score, None if got.sims is None else float(got.sims[i]),
                          int(followers[i]), float(engagement[i]), -score if primary is None else float(primary[i])))
    return out


def rank_view(
    session: Session, view: SharedView, q: ParsedQuery, limit: int, qvec: np.ndarray | None, hints: Hints
) -> tuple[list[tuple[_Found, RowData]], int]:
    """The best `limit` rows of the mapped file and the delta together, with their current SQL rows."""
    with view.lock:
        mapped = view.current(session)
        n = mapped.n

        def delta_row(row: int) -> int:  # a new row sorts after the exported ones, as it does in the writer
            at = mapped.pos.get(view.delta.ids[row])
            return n + row if at is None else at

        for _ in range(3):
            a = rank_rows(mapped, q, limit, qvec, hints=hints)
            b = rank_rows(view.delta, q, limit, qvec, exact=True, hints=hints)

            found = _found(q, mapped, a, lambda r: r) + _found(q, view.delta, b, delta_row)
            found.sort(key=lambda f: (f.primary, -f.score, f.order_row))
            found = found[:limit]
            ids = [f.source.id_of(f.row) if f.source is mapped else view.delta.ids[f.row] for f in found]
            rows = {d.id: d for d in load_rows(session, view.org_id, ids=ids)} if ids else {}
            gone = [i for i in ids if i not in rows]
            if not gone:
                break
            for influencer_id in gone:
                view.forget(influencer_id)
        return [(f, rows[i]) for f, i in zip(found, ids, strict=True) if i in rows], a.total_matches + b.total_matches


def hits(q: ParsedQuery, found: list[tuple[_Found, RowData]]) -> list[tuple[str, float, list[str]]]:
    """(id, score, reasons) of each result, as search.rank words them."""
    out = []
    for f, data in found:
        audience: dict[str, float | None] = {"female": _opt(f.source.female[f.row])}
        a = q.audience
        if a is not None and (a.age_min is not None or a.age_max is not None):
            audience["age"] = _opt(age_share(f.source, a.age_min, a.age_max, np.array([f.row]))[0])
        reasons = reasons_for(q, data, followers=f.followers, engagement=_opt(f.engagement), similarity=f.sim,
                              audience=audience)
        out.append((data.id, round(f.score, 4), reasons))
    return out


def _opt(value: float) -> float | None:
    value = float(value)
    return None if value != value else value


def search_shared(
    session: Session, org_id: str, q: ParsedQuery, limit: int, qvec: np.ndarray | None, hints: Hints
) -> tuple[list[tuple[str, float, list[str]]], int] | None:
    """(results, total_matches) over the shared file, or None when it cannot be used (search falls back)."""
    view = view_for(session, org_id)
    if view is None:
        return None
    try:
        found, total = rank_view(session, view, q, limit, qvec, hints)
    except Exception as exc:
        session.rollback()
        key = (str(view.reader._reader.path), type(exc).__name__, str(exc)[:200])
        if key not in _warned:
            _warned.add(key)
            log.warning("shared search snapshot %s unusable (%s: %s); ranking in process", key[0], key[1], exc)
        return None
    return hits(q, found), total
