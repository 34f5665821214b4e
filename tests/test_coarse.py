"""Coarse projection + exact rescoring (retrieval/coarse.py): recall against exact filtered top-k."""

from __future__ import annotations

import numpy as np

from retrieval.coarse import CoarseVectors, fit_basis, project_chunks, rescore_top


def _clustered(n: int, dim: int = 384, clusters: int = 40, seed: int = 7) -> np.ndarray:
    """Unit vectors around a few dozen centers: like profile embeddings, most variance in few directions."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((clusters, dim)).astype(np.float32)
    x = centers[rng.integers(clusters, size=n)] + 0.7 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _coarse(x: np.ndarray, d: int, z: float) -> CoarseVectors:
    basis = fit_basis(x[:: max(1, len(x) // 5000)], d)
    parts = list(project_chunks([x[i : i + 4096] for i in range(0, len(x), 4096)], basis))
    return CoarseVectors(basis=basis, coarse=np.concatenate([c for c, _ in parts]),
                         resid=np.concatenate([r for _, r in parts]), exact=x, z=z)


def _exact_top(x: np.ndarray, q: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    rows = np.flatnonzero(mask)
    sims = x[rows] @ q
    return rows[np.lexsort((rows, -sims))[:k]]


def test_recall_at_10_against_exact_filtered_search() -> None:
    x = _clustered(30_000)
    vec = _coarse(x, d=64, z=0.5)
    rng = np.random.default_rng(3)
    hits = total = 0
    rounds: list[int] = []
    vec.after_exact = lambda rows: rounds.append(i)
    for i in range(60):
        q = x[rng.integers(len(x))] + 0.5 * rng.standard_normal(384).astype(np.float32)
        q /= np.linalg.norm(q)
        mask = rng.random(len(x)) < (0.02, 0.3, 1.0)[i % 3]  # selective, broad and no filter
        rows, sims = vec.search(q, mask, 10)
        want = _exact_top(x, q, mask, 10)
        assert mask[rows].all()
        assert np.allclose(sims, x[rows] @ q, atol=1e-6)  # returned similarities are the exact ones
        hits += len(set(rows.tolist()) & set(want.tolist()))
        total += len(want)
    assert hits / total >= 0.99
    assert max(rounds.count(i) for i in range(60)) <= 2  # at most two rescoring rounds per query


def test_cauchy_schwarz_radius_is_exact() -> None:
    """z = 1 is a bound, not an estimate: the top-k equals the exact one, query after query."""
    x = _clustered(8_000, seed=9)
    vec = _coarse(x, d=16, z=1.0)
    rng = np.random.default_rng(4)
    for _ in range(20):
        q = rng.standard_normal(384).astype(np.float32)
        q /= np.linalg.norm(q)
        mask = rng.random(len(x)) < 0.5
        rows, _ = vec.search(q, mask, 10)
        assert rows.tolist() == _exact_top(x, q, mask, 10).tolist()
        approx, radius = vec.approx(q, np.flatnonzero(mask))
        exact = x[np.flatnonzero(mask)] @ q
        assert np.all(np.abs(exact - approx) <= radius + 1e-5)


def test_rescore_top_keeps_ties_and_needs_a_second_round_only_when_bounds_say_so() -> None:
    values = np.array([5.0, 1.0, 5.0, 3.0, 5.0] + [0.0] * 600)
    upper = values + 0.5
    upper[300] = 9.0  # a loose bound: rescored, turns out small
    seen: list[np.ndarray] = []

    def exact_of(pos: np.ndarray) -> np.ndarray:
        seen.append(pos)
        return values[pos]

    pos, got = rescore_top(upper, exact_of, k=2, first=256)
    assert {0, 2, 4, 300} <= set(pos.tolist())  # all three tied 5.0 rows kept
    assert np.array_equal(got, values[pos]) and np.all(np.diff(pos) > 0)
    assert len(seen) == 1  # the k-th exact value (5.0) is above round one's cut: no second round
