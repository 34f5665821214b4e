"""The search snapshot as one read-only file that every worker maps: one copy in the page cache, not one per
process.

`export` writes an `OrgSnapshot` (the columns `ranking.hard_filter` reads, the tag columns, the ids, the
float32 vectors and their coarse projection, retrieval/coarse.py) as a bundle (retrieval/bundle.py),
atomically replacing the previous file. `MappedSnapshot` exposes the same column attributes as an
`OrgSnapshot`, so the filters, signals and ordering of retrieval/ranking.py run over it unchanged.
`SharedSnapshotReader` remaps when the writer replaced the file.

Dense tags (niches, platforms, languages, audience countries) are stored value-major, `[values, rows]`, so
one value is one contiguous boolean row; brands (large, sparse vocabulary) as CSR (rows per value).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.bundle import Bundle, BundleReader, BundleWriter
from retrieval.coarse import DEFAULT_DIM, DEFAULT_Z, CoarseVectors, fit_basis, project_chunks
from retrieval.snapshot import OrgSnapshot

FORMAT = 3
COLUMNS = ("alive", "updated", "total_followers", "avg_er", "verified", "country", "region", "city",
           "plat_followers", "plat_er", "rate_cents", "female", "ages", "has_emb", "gender", "birth_year")
COLUMN_MAJOR = ("plat_followers", "plat_er", "ages")  # stored [k, n]: one platform's column is contiguous
# int64 in the in-process snapshot, int32 in the file when every value fits (follower counts, post rates in cents):
# the same numbers in half the pages a scan touches (22 MB of a worker's RSS at 1M rows, bench search --shared).
# A column with a value out of int32's range stays int64. Readers compare and convert them as the int64 ones.
NARROWED = ("total_followers", "plat_followers", "rate_cents")
_INT32 = np.iinfo(np.int32)
CHUNK = 65_536
BASIS_SAMPLE = 20_000


def _chunks(matrix: Any, n: int, chunk: int = CHUNK) -> Iterator[np.ndarray]:
    for start in range(0, n, chunk):
        yield np.asarray(matrix[start : min(n, start + chunk)], dtype=np.float32)


def _narrowed(column: np.ndarray) -> np.ndarray:
    """`column` as int32 when it is an integer column whose values all fit, else unchanged."""
    if column.dtype != np.int64 or (column.size and (column.min() < _INT32.min or column.max() > _INT32.max)):
        return column
    return column.astype(np.int32)


def export(
    snap: OrgSnapshot,
    path: str | os.PathLike[str],
    vectors: Any = None,
    *,
    coarse_dim: int = DEFAULT_DIM,
    version: int | str | None = None,
    chunk: int = CHUNK,
) -> Path:
    """Write `snap` to `path` (atomic replace). `vectors`: an (n, D) array-like read chunk by chunk
    (default: the snapshot's own `emb`), so a memory-mapped cache file is never loaded whole."""
    n = snap.n
    matrix = snap.emb if vectors is None else vectors
    dim = int(matrix.shape[1])
    dense = {name: col for name, col in snap.tags.items() if col.dense}
    sparse = {name: col for name, col in snap.tags.items() if not col.dense}
    meta = {
        "format": FORMAT,
        "org_id": snap.org_id,
        "n": n,
        "dim": dim,
        "version": version,
        "location_codes": snap.location_codes,
        # Readers overlay rows changed after this (retrieval/shared_search.py) and those whose vector was stale.
        "newest": snap.newest,
        "pending": sorted(snap.pending),
        "dense_tags": {name: sorted(col.values) for name, col in dense.items()},
        "sparse_tags": {name: sorted(col.values) for name, col in sparse.items()},
    }
    has = np.flatnonzero(snap.has_emb[:n])
    pick = has if len(has) <= BASIS_SAMPLE else has[np.linspace(0, len(has) - 1, BASIS_SAMPLE).astype(np.int64)]
    basis = fit_basis(np.asarray(matrix[np.sort(pick)]) if len(pick) else np.eye(dim, dtype=np.float32), coarse_dim)
    with BundleWriter(path, meta) as w:
        for name in COLUMNS:
            column = getattr(snap, name)[:n]
            if name in NARROWED:
                column = _narrowed(column)
            w.add(name, column.T if name in COLUMN_MAJOR else column)
        for name, col in dense.items():
            values = meta["dense_tags"][name]
            w.add_chunks(f"tag_{name}", np.bool_, (n,), ([col.values[v][:n]] for v in values))
        for name, col in sparse.items():
            values = meta["sparse_tags"][name]
            counts = [len(col.values[v]) for v in values]
            w.add(f"csr_{name}_indptr", np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
            w.add_chunks(f"csr_{name}_rows", np.int32, (),
                         (np.sort(np.fromiter(col.values[v], dtype=np.int32, count=len(col.values[v])))
                          for v in values))
        width = max((len(i.encode()) for i in snap.ids[:n]), default=1)
        ids = np.array([i.encode() for i in snap.ids[:n]], dtype=f"S{width}") if n else np.zeros(0, "S1")
        w.add("ids", ids)
        order = np.argsort(ids, kind="stable").astype(np.int32)
        w.add("id_order", order)  # ids[id_order] ascending: id -> row by binary search, no dict per process
        w.add("ids_sorted", ids[order])
        w.add("basis", basis)
        w.add_chunks("emb", np.float32, (dim,), _chunks(matrix, n, chunk))
        # Two passes over the vectors rather than holding every projected row until the residuals follow.
        w.add_chunks("coarse", np.float32, (basis.shape[1],),
                     (c for c, _ in project_chunks(_chunks(matrix, n, chunk), basis)))
        w.add_chunks("resid", np.float32, (), (r for _, r in project_chunks(_chunks(matrix, n, chunk), basis)))
    return Path(path)


class MappedTag:
    """A tag column over mapped arrays, with the `any_of` / `values` of `snapshot.TagColumn`."""

    def __init__(self, values: list[str], matrix: np.ndarray | None = None,
                 indptr: np.ndarray | None = None, rows: np.ndarray | None = None) -> None:
        self.dense = matrix is not None
        self._index = {v: i for i, v in enumerate(values)}
        self._matrix, self._indptr, self._rows = matrix, indptr, rows
        self.values: dict[str, np.ndarray] = (
            {v: matrix[i] for v, i in self._index.items()} if matrix is not None else {}
        )

    def any_of(self, values: Iterable[str], n: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        for value in values:
            i = self._index.get(value)
            if i is None:
                continue
            if self._matrix is not None:
                mask |= self._matrix[i, :n]
            else:
                assert self._indptr is not None and self._rows is not None
                mask[self._rows[self._indptr[i] : self._indptr[i + 1]]] = True
        return mask


class IdPositions:
    """id -> row over the mapped sorted ids (the `pos` dict of `OrgSnapshot`, read-only)."""

    def __init__(self, ids_sorted: np.ndarray, order: np.ndarray, n: int) -> None:
        self._sorted, self._order, self._n = ids_sorted, order, n

    def get(self, influencer_id: str, default: int | None = None) -> int | None:
        key = influencer_id.encode()
        if self._n == 0 or len(key) > self._sorted.dtype.itemsize:
            return default
        i = int(np.searchsorted(self._sorted, key))
        if i < self._n and self._sorted[i] == key:
            return int(self._order[i])
        return default

    def __contains__(self, influencer_id: object) -> bool:
        return isinstance(influencer_id, str) and self.get(influencer_id) is not None

    def __getitem__(self, influencer_id: str) -> int:
        row = self.get(influencer_id)
        if row is None:
            raise KeyError(influencer_id)
        return row


class MappedSnapshot:
    """An org's snapshot read from a mapped bundle: the column attributes of `OrgSnapshot`, read-only."""

    def __init__(self, bundle: Bundle, *, z: float = DEFAULT_Z, release_rescored: bool = True) -> None:
        self.bundle = bundle
        meta, arrays = bundle.meta, bundle.arrays
        if meta.get("format") != FORMAT:
            raise ValueError(f"snapshot format {meta.get('format')!r}, expected {FORMAT}")
        self.org_id: str = meta["org_id"]
        self.n: int = int(meta["n"])
        self.version = meta.get("version")
        for name in COLUMNS:
            setattr(self, name, arrays[name].T if name in COLUMN_MAJOR else arrays[name])
        self.location_codes: dict[str, dict[str, int]] = meta["location_codes"]
        self.tags: dict[str, MappedTag] = {}
        for name, values in meta["dense_tags"].items():
            self.tags[name] = MappedTag(values, matrix=arrays[f"tag_{name}"])
        for name, values in meta["sparse_tags"].items():
            self.tags[name] = MappedTag(values, indptr=arrays[f"csr_{name}_indptr"], rows=arrays[f"csr_{name}_rows"])
        self.emb = arrays["emb"]
        self._ids = arrays["ids"]
        self.pos = IdPositions(arrays["ids_sorted"], arrays["id_order"], self.n)
        # Rescored rows are read with pread (Bundle.read_rows): they never become this process's RSS.
        fetch = (lambda rows: bundle.read_rows("emb", rows)) if release_rescored else None
        self.vectors = CoarseVectors(basis=arrays["basis"], coarse=arrays["coarse"], resid=arrays["resid"],
                                     exact=self.emb, z=z, fetch=fetch)

    def code_of(self, kind: str, value: str | None) -> int | None:
        from retrieval.rows import _norm

        return self.location_codes[kind].get(_norm(value))

    def id_of(self, row: int) -> str:
        return self._ids[row].decode()

    @property
    def alive_count(self) -> int:
        return int(self.alive[: self.n].sum())


class SharedSnapshotReader:
    """The newest snapshot file at `path`, mapped once per process and remapped after the writer replaces it."""

    def __init__(self, path: str | os.PathLike[str], check_s: float = 1.0, **options: Any) -> None:
        self._reader = BundleReader(path, check_s=check_s)
        self._options = options
        self._snap: MappedSnapshot | None = None

    def current(self, *, force: bool = False) -> MappedSnapshot:
        bundle = self._reader.current(force=force)
        if self._snap is None or self._snap.bundle is not bundle:
            self._snap = MappedSnapshot(bundle, **self._options)
        return self._snap
