"""A per-organization, in-memory columnar copy of what search filters and ranks on.

Profiles and their vectors live in SQL (`influencers`, `profile_vectors`); this is a cache of both,
shaped for vectorized numpy filtering (one array per attribute, one boolean array per tag value) and an
exact dot product over the rows that pass the filters. It is derived, never written to, and kept current
in two ways:

- in this process, `sync_influencers` applies each change to the cached snapshot right away;
- across processes (web workers, job workers), a cheap SQL check of the org's latest `updated_at` runs
  at most every `RETRIEVAL_REFRESH_MS` (default 1000 ms) and reloads only the rows that changed; the
  row count (deletions) is compared every `RETRIEVAL_RECOUNT_MS` (default 15 s), and `search` also
  drops any result whose row is gone before returning it.

A vector is "fresh" when its `source_stamp` is at least the row's `updated_at`; a changed row whose
vector has not been re-embedded yet keeps its previous vector (or none) and is re-fetched on later checks.
A refresh that fails (a store problem) leaves the snapshot as it was: search serves it and logs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Influencer
from data.settings import get_settings
from data.types import PLATFORMS
from retrieval.embeddings import DIM
from retrieval.rows import AGE_BRACKETS, RowData, _norm, load_rows, newest_update, row_count, stamp
from retrieval.vectors import load_vectors

__all__ = ["AGE_BRACKETS", "PLATFORM_INDEX", "OrgSnapshot", "RowData", "SnapshotCache", "SnapshotUnavailable",
           "_norm", "apply_changes", "build", "load_rows", "refresh", "snapshots", "stamp"]
log = logging.getLogger(__name__)
PLATFORM_INDEX = {p: i for i, p in enumerate(PLATFORMS)}
LOOKBACK_S = 10.0  # re-read rows stamped this long before the newest seen (late commits)
_STAMP_SLACK = 1e-3  # seconds; float epoch round-trips through the database


def refresh_interval_s() -> float:
    return max(0.0, get_settings().retrieval_refresh_ms / 1000.0)


def recount_interval_s() -> float:
    return max(0.0, get_settings().retrieval_recount_ms / 1000.0)


class TagColumn:
    """Set-valued attribute (niches, languages, audience countries, brands): value → rows.

    Small vocabularies keep one boolean array per value (an OR of a few arrays is microseconds); brands
    (large, sparse vocabulary) keep a set of row numbers per value.
    """

    def __init__(self, dense: bool) -> None:
        self.dense = dense
        self.values: dict[str, Any] = {}
        self.capacity = 0

    def grow(self, capacity: int) -> None:
        if self.dense:
            for key, arr in self.values.items():
                bigger = np.zeros(capacity, dtype=bool)
                bigger[: len(arr)] = arr
                self.values[key] = bigger
        self.capacity = capacity

    def set_row(self, row: int, old: Iterable[str], new: Iterable[str]) -> None:
        for value in old:
            holder = self.values.get(value)
            if holder is not None:
                if self.dense:
                    holder[row] = False
                else:
                    holder.discard(row)
        for value in new:
            holder = self.values.get(value)
            if holder is None:
                holder = np.zeros(self.capacity, dtype=bool) if self.dense else set()
                self.values[value] = holder
            if self.dense:
                holder[row] = True
            else:
                holder.add(row)

    def any_of(self, values: Iterable[str], n: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        for value in values:
            holder = self.values.get(value)
            if holder is None:
                continue
            if self.dense:
                mask |= holder[:n]
            elif holder:
                mask[np.fromiter(holder, dtype=np.int64, count=len(holder))] = True
        return mask


class OrgSnapshot:
    """Columnar arrays for one organization; row numbers are stable, deleted rows are marked dead."""

    def __init__(self, org_id: str, capacity: int = 1024, *, dim: int = DIM) -> None:
        self.org_id = org_id
        self.dim = dim  # 0: no vectors in memory (a writer streaming them from elsewhere, shared_snapshot.py)
        self.lock = threading.RLock()
        self.n = 0
        self.ids: list[str] = []
        self.pos: dict[str, int] = {}
        self.rows: list[RowData | None] = []
        self.tags = {
            "niches": TagColumn(dense=True),
            "platforms": TagColumn(dense=True),
            "languages": TagColumn(dense=True),
            "audience_countries": TagColumn(dense=True),
            "brands": TagColumn(dense=False),
        }
        # Codes of location parts and of the creator's own gender ("gender"), -1 = unknown.
        self.location_codes: dict[str, dict[str, int]] = {"country": {}, "region": {}, "city": {}, "gender": {}}
        self.capacity = 0
        self.pending: set[str] = set()  # ids whose vector is missing or older than the row
        self.newest = 0.0  # newest updated_at seen in SQL
        self.checked_at = 0.0
        self.counted_at = 0.0
        self._alloc(capacity)

    # ------------------------------------------------------------------ storage

    def _alloc(self, capacity: int) -> None:
        def grow(arr: np.ndarray | None, shape: tuple[int, ...], dtype: Any, fill: Any) -> np.ndarray:
            bigger = np.full(shape, fill, dtype=dtype)
            if arr is not None:
                bigger[: len(arr)] = arr
            return bigger

        cap = capacity
        get = self.__dict__.get
        self.alive = grow(get("alive"), (cap,), bool, False)
        self.updated = grow(get("updated"), (cap,), np.float64, 0.0)
        self.total_followers = grow(get("total_followers"), (cap,), np.int64, 0)
        self.avg_er = grow(get("avg_er"), (cap,), np.float32, np.nan)
        self.verified = grow(get("verified"), (cap,), bool, False)
        self.country = grow(get("country"), (cap,), np.int32, -1)
        self.region = grow(get("region"), (cap,), np.int32, -1)
        self.city = grow(get("city"), (cap,), np.int32, -1)
        self.plat_followers = grow(get("plat_followers"), (cap, len(PLATFORMS)), np.int64, 0)
        self.plat_er = grow(get("plat_er"), (cap, len(PLATFORMS)), np.float32, np.nan)
        self.rate_cents = grow(get("rate_cents"), (cap,), np.int64, -1)
        self.female = grow(get("female"), (cap,), np.float32, np.nan)
        self.ages = grow(get("ages"), (cap, len(AGE_BRACKETS)), np.float32, np.nan)
        self.emb = grow(get("emb"), (cap, self.dim), np.float32, 0.0)
        self.has_emb = grow(get("has_emb"), (cap,), bool, False)
        self.gender = grow(get("gender"), (cap,), np.int32, -1)  # the creator's own, a location_codes["gender"] code
        self.birth_year = grow(get("birth_year"), (cap,), np.int32, 0)  # 0 = unknown
        for col in self.tags.values():
            col.grow(cap)
        self.capacity = cap

    def _code(self, kind: str, value: str | None) -> int:
        key = _norm(value)
        if not key:
            return -1
        codes = self.location_codes[kind]
        if key not in codes:
            codes[key] = len(codes)
        return codes[key]

    def code_of(self, kind: str, value: str | None) -> int | None:
        """The code of a location value, or None when no profile has it."""
        return self.location_codes[kind].get(_norm(value))

    def put(self, data: RowData) -> int:
        """Insert or replace one row's attributes (not its vector)."""
        row = self.pos.get(data.id)
        old = self.rows[row] if row is not None else None
        if row is None:
            if self.n >= self.capacity:
                self._alloc(max(1024, int(self.capacity * 1.5)))
            row = self.n
            self.n += 1
            self.ids.append(data.id)
            self.rows.append(None)
            self.pos[data.id] = row
        self.rows[row] = data
        self.alive[row] = True
        self.updated[row] = data.updated
        self.total_followers[row] = data.total_followers
        self.avg_er[row] = np.nan if data.avg_er is None else data.avg_er
        self.verified[row] = data.verified
        self.country[row] = self._code("country", data.country)
        self.region[row] = self._code("region", data.region)
        self.city[row] = self._code("city", data.city)
        self.gender[row] = self._code("gender", data.gender)
        self.birth_year[row] = data.birth_year or 0
        self.plat_followers[row] = 0
        self.plat_er[row] = np.nan
        for platform, (followers, er) in data.platforms.items():
            j = PLATFORM_INDEX.get(platform)
            if j is not None:
                self.plat_followers[row, j] = followers
                self.plat_er[row, j] = np.nan if er is None else er
        self.rate_cents[row] = -1 if data.post_rate is None else int((data.post_rate * 100).to_integral_value())
        self.female[row] = np.nan if data.female_pct is None else data.female_pct
        self.ages[row] = [np.nan if a is None else a for a in data.ages]
        for name in self.tags:
            before = _tag_values(old, name) if old else ()
            self.tags[name].set_row(row, before, _tag_values(data, name))
        return row

    def remove(self, influencer_id: str) -> None:
        row = self.pos.get(influencer_id)
        if row is None or not self.alive[row]:
            return
        old = self.rows[row]
        for name, col in self.tags.items():
            col.set_row(row, _tag_values(old, name) if old else (), ())
        self.alive[row] = False
        self.has_emb[row] = False
        self.rows[row] = None
        self.pending.discard(influencer_id)

    def set_vectors(self, ids: Sequence[str], matrix: np.ndarray, stamps: Sequence[float]) -> None:
        """Store vectors; a vector older than its row is kept (better than none) but stays pending."""
        for i, influencer_id in enumerate(ids):
            row = self.pos.get(influencer_id)
            if row is None or not self.alive[row]:
                continue
            self.emb[row] = matrix[i]
            self.has_emb[row] = True
            if stamps[i] + _STAMP_SLACK >= self.updated[row]:
                self.pending.discard(influencer_id)
            else:
                self.pending.add(influencer_id)

    @property
    def alive_count(self) -> int:
        return int(self.alive[: self.n].sum())


def _tag_values(data: RowData, name: str) -> list[str]:
    if name == "niches":
        return list(data.niches)
    if name == "platforms":
        return list(data.platforms)
    if name == "languages":
        return list(data.languages)
    if name == "audience_countries":
        return list(data.audience_countries)
    return [_norm(b) for b in data.brands]


# ---------------------------------------------------------------------- the cache


class SnapshotUnavailable(RuntimeError):
    """No snapshot could be built yet (the store failed on the first load); the API answers 503."""


class SnapshotCache:
    """Snapshots by (database, organization), built on first use and refreshed incrementally."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshots: dict[tuple[str, str], OrgSnapshot] = {}

    @staticmethod
    def _key(session: Session, org_id: str) -> tuple[str, str]:
        return str(session.get_bind().engine.url), org_id

    def peek(self, session: Session, org_id: str) -> OrgSnapshot | None:
        return self._snapshots.get(self._key(session, org_id))

    def drop(self, session: Session | None = None, org_id: str | None = None) -> None:
        with self._lock:
            if session is None:
                self._snapshots.clear()
            else:
                self._snapshots.pop(self._key(session, org_id or ""), None)

    def get(self, session: Session, org_id: str, *, force_check: bool = False) -> OrgSnapshot:
        """The org's snapshot, refreshed when due. A failed refresh keeps the last good snapshot (logged);
        a failed first build raises `SnapshotUnavailable`."""
        key = self._key(session, org_id)
        with self._lock:
            snap = self._snapshots.get(key)
            if snap is None:
                snap = OrgSnapshot(org_id)
                self._snapshots[key] = snap
        with snap.lock:
            now = time.monotonic()
            try:
                if snap.checked_at == 0.0:
                    build(snap, session)
                elif force_check or now - snap.checked_at >= refresh_interval_s():
                    recount = force_check or now - snap.counted_at >= recount_interval_s()
                    refresh(snap, session, recount=recount)
            except Exception as exc:
                session.rollback()
                if snap.checked_at == 0.0:
                    with self._lock:
                        self._snapshots.pop(key, None)
                    log.exception("building the search snapshot of org %s failed", org_id)
                    raise SnapshotUnavailable(str(exc)) from exc
                snap.checked_at = time.monotonic()  # retried after the next interval, not on every request
                log.exception("refreshing the search snapshot of org %s failed; serving the last one", org_id)
        return snap


def build(snap: OrgSnapshot, session: Session) -> None:
    newest = newest_update(session, snap.org_id)
    rows = load_rows(session, snap.org_id)
    if len(rows) > snap.capacity:
        snap._alloc(len(rows) + 1024)
    for data in rows:
        snap.put(data)
    ids, matrix, stamps = load_vectors(session, snap.org_id)
    snap.set_vectors(ids, matrix, stamps)
    snap.pending |= {snap.ids[r] for r in np.flatnonzero(snap.alive[: snap.n] & ~snap.has_emb[: snap.n])}
    snap.newest = newest
    snap.checked_at = snap.counted_at = time.monotonic()


def put_changed(snap: OrgSnapshot, rows: Iterable[RowData]) -> None:
    for data in rows:
        row = snap.pos.get(data.id)
        if row is None or not snap.alive[row] or snap.updated[row] != data.updated:
            snap.put(data)
            snap.pending.add(data.id)


def refresh(snap: OrgSnapshot, session: Session, *, recount: bool = True) -> None:
    """Bring the snapshot up to date with SQL: changed, new and deleted rows, and pending vectors.

    Changed rows are those updated since the newest stamp seen, minus a look-back window that covers
    transactions which stamped a row before another one but committed after it. The full id scan that
    finds deletions runs only when the row count disagrees, and the count itself only every
    `RETRIEVAL_RECOUNT_MS`: meanwhile `search` drops deleted rows it is about to return.
    """
    newest = newest_update(session, snap.org_id)
    if newest != snap.newest:
        put_changed(snap, load_rows(session, snap.org_id, since=snap.newest - LOOKBACK_S))
        snap.newest = max(newest, snap.newest)
    if recount:
        if row_count(session, snap.org_id) != snap.alive_count:
            inf = Influencer.__table__
            present = set(session.scalars(select(inf.c.id).where(inf.c.org_id == snap.org_id)))
            for influencer_id in [i for i in snap.ids if i not in present]:
                snap.remove(influencer_id)
            missing = [i for i in present if i not in snap.pos or not snap.alive[snap.pos[i]]]
            for start in range(0, len(missing), 500):
                put_changed(snap, load_rows(session, snap.org_id, ids=missing[start : start + 500]))
        snap.counted_at = time.monotonic()
    if snap.pending:
        ids, matrix, stamps = load_vectors(session, snap.org_id, sorted(snap.pending))
        snap.set_vectors(ids, matrix, stamps)
    snap.checked_at = time.monotonic()


def apply_changes(
    snap: OrgSnapshot,
    session: Session,
    upserted: Sequence[str],
    deleted: Sequence[str],
    vectors: tuple[Sequence[str], np.ndarray, Sequence[float]] | None,
) -> None:
    """Apply a change made in this process right away (the writer already holds the new vectors)."""
    with snap.lock:
        for influencer_id in deleted:
            snap.remove(influencer_id)
        if upserted:
            for data in load_rows(session, snap.org_id, ids=upserted):
                snap.put(data)
                snap.pending.add(data.id)
        if vectors is not None:
            snap.set_vectors(*vectors)


snapshots = SnapshotCache()
