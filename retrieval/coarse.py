"""Two-stage similarity: a low-rank projection scores every candidate, exact float32 rescores the few that
can still reach the top.

Why a projection and not int8: on this 2-core host numpy has no integer BLAS, so a 1M x 384 int8 scan costs
114 ms (chunked float32 conversion) to 160 ms (int8 @ int8), more than the float32 gemv it replaces (50 ms);
a 1M x 64 float32 gemv costs 7 ms (measured with bench-sized arrays, see retrieval/README.md). The
projection is onto the top `d` right singular vectors `B` of a sample of the vectors (uncentered), so for
unit vectors x, q:

    x.q = (xB).(qB) + r_x.r_q,   |r_x.r_q| <= |r_x| |r_q|      (r = the part outside span(B))

Each row keeps |r_x|; a row's error radius is `z * |r_x| * |r_q|`. z = 1 is the Cauchy-Schwarz bound, exact
whatever the data; smaller z is tighter and holds in practice (the residuals are spread over ~320 directions:
measured |r_x.r_q| / (|r_x||r_q|) has std ~0.1 on MiniLM profile vectors), and the bench measures recall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

DEFAULT_DIM = 64
DEFAULT_Z = 0.5


def fit_basis(sample: np.ndarray, d: int = DEFAULT_DIM) -> np.ndarray:
    """(D, d) orthonormal basis of the sample's top-d right singular vectors."""
    sample = np.asarray(sample, dtype=np.float64)
    d = min(d, sample.shape[1], max(1, sample.shape[0]))
    _, _, vt = np.linalg.svd(sample, full_matrices=False)
    return np.ascontiguousarray(vt[:d].T, dtype=np.float32)


def project_chunks(
    chunks: Iterable[np.ndarray], basis: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(coarse rows, residual norms) for each chunk of full vectors."""
    for chunk in chunks:
        x = np.asarray(chunk, dtype=np.float32)
        c = x @ basis
        resid = x - c @ basis.T
        yield c.astype(np.float32), np.linalg.norm(resid, axis=1).astype(np.float32)


@dataclass
class CoarseVectors:
    """The matrix-like object search ranks with: `search(query, candidate_mask, k)` plus the two stages.

    `exact` may be a memory-mapped (n, D) float32 array; only the rows being rescored are read.
    `fetch`, when set, reads rows of `exact` instead of indexing it (e.g. with pread, so they never enter this
    process's RSS); `after_exact`, when set, runs after each rescoring.
    """

    basis: np.ndarray  # (D, d)
    coarse: np.ndarray  # (n, d)
    resid: np.ndarray  # (n,)
    exact: Any  # (n, D) float32
    z: float = DEFAULT_Z
    after_exact: Callable[[np.ndarray], None] | None = None
    fetch: Callable[[np.ndarray], np.ndarray] | None = None

    @property
    def n(self) -> int:
        return int(self.coarse.shape[0])

    def approx(self, qvec: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Approximate similarity of each row and its error radius."""
        q = np.asarray(qvec, dtype=np.float32)
        qc = q @ self.basis
        rq = float(np.linalg.norm(q - qc @ self.basis.T))
        if len(rows) == self.n:  # no filter: no gather
            return self.coarse @ qc, (self.z * rq) * self.resid
        # Most rows pass: one contiguous gemv beats gathering rows first.
        sims = (self.coarse @ qc)[rows] if len(rows) * 4 > self.n else self.coarse[rows] @ qc
        return sims, (self.z * rq) * self.resid[rows]

    def exact_sims(self, qvec: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact float32 similarity of `rows` (any order), read from the full vectors."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float32)
        order = np.argsort(rows, kind="stable")  # ascending offsets: sequential-ish reads of the file
        out = np.empty(len(rows), dtype=np.float32)
        sorted_rows = rows[order]
        matrix = self.fetch(sorted_rows) if self.fetch is not None else self.exact[sorted_rows]
        out[order] = matrix @ np.asarray(qvec, dtype=np.float32)
        if self.after_exact is not None:
            self.after_exact(rows)
        return out

    def search(self, qvec: np.ndarray, candidate_mask: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, exact similarities) of the k most similar rows where `candidate_mask` holds; ties by row."""
        rows = np.flatnonzero(candidate_mask)
        if len(rows) == 0 or k <= 0:
            return rows[:0], np.zeros(0, dtype=np.float32)
        sims, radius = self.approx(qvec, rows)
        keep, exact = rescore_top(sims + radius, lambda pos: self.exact_sims(qvec, rows[pos]), k)
        sub = rows[keep]
        top = np.lexsort((sub, -exact))[:k]
        return sub[top], exact[top]


def rescore_top(
    upper: np.ndarray, exact_of: Callable[[np.ndarray], np.ndarray], k: int, first: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rescore exactly every position that can be among the k best, given an upper bound of each true value.

    Round one rescores the `first` largest upper bounds; S = the k-th best exact value among them is a lower
    bound of the true k-th best, so any row whose upper bound is below S cannot make the top k. Round two
    rescores the rows with upper >= S not done yet (none when S is above round one's cut). A tie with the
    k-th value has upper >= S and is kept. Returns (positions, exact values), positions ascending.
    """
    n = len(upper)
    first = max(first or 8 * k, 256)
    if n <= max(k, first):
        pos = np.arange(n)
        return pos, exact_of(pos)
    cut = np.partition(upper, n - first)[n - first]
    pos = np.flatnonzero(upper >= cut)
    values = exact_of(pos)
    kth = np.partition(values, len(values) - k)[len(values) - k]
    if kth < cut:
        more = np.flatnonzero((upper >= kth) & (upper < cut))
        pos = np.concatenate([pos, more])
        values = np.concatenate([values, exact_of(more)])
        order = np.argsort(pos, kind="stable")
        pos, values = pos[order], values[order]
    return pos, values
