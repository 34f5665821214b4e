"""The shared snapshot file: format, atomic replace, remap, two processes mapping one file, and ranking over it
giving what search.rank gives over the in-memory snapshot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from agent.query.schema import ParsedQuery
from bench.scale_bench import row_from_profile
from bench.search_queries import QUERIES
from data.generator import generate_profiles
from retrieval.bundle import Bundle, BundleError, BundleReader, BundleWriter
from retrieval.search import rank
from retrieval.shared_rank import rank_rows
from retrieval.shared_snapshot import SharedSnapshotReader, export
from retrieval.snapshot import OrgSnapshot

ROOT = Path(__file__).resolve().parents[1]


def _write(path: Path, version: int, rows: int = 1000) -> None:
    with BundleWriter(path, {"version": version}) as w:
        w.add("ints", np.arange(rows, dtype=np.int64) * version)
        w.add_chunks("matrix", np.float32, (3,), (np.full((10, 3), version + c, np.float32) for c in range(4)))


def test_bundle_round_trip_is_read_only(tmp_path: Path) -> None:
    path = tmp_path / "a.bundle"
    _write(path, 2)
    b = Bundle(path)
    assert b.meta == {"version": 2}
    assert np.array_equal(b.arrays["ints"], np.arange(1000) * 2)
    assert b.arrays["matrix"].shape == (40, 3)
    assert np.array_equal(b.arrays["matrix"][:, 0], np.repeat([2.0, 3.0, 4.0, 5.0], 10))
    assert all(arr.__array_interface__["data"][0] % 4096 == 0 for arr in b.arrays.values())
    assert not b.arrays["ints"].flags.writeable
    with pytest.raises(ValueError):
        b.arrays["ints"][0] = 1


def test_replace_is_atomic_and_readers_remap(tmp_path: Path) -> None:
    path = tmp_path / "s.bundle"
    _write(path, 1)
    reader = BundleReader(path, check_s=0.0)
    old = reader.current()
    old_ints = old.arrays["ints"]
    _write(path, 3)
    new = reader.current()
    assert new is not old and new.meta["version"] == 3
    assert np.array_equal(new.arrays["ints"], np.arange(1000) * 3)
    assert np.array_equal(old_ints, np.arange(1000))  # the replaced file stays valid while mapped
    assert reader.current() is new  # unchanged file: same mapping
    assert [p.name for p in tmp_path.iterdir()] == ["s.bundle"]  # no temporary file left behind


def test_failed_write_leaves_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "s.bundle"
    _write(path, 1)
    with pytest.raises(RuntimeError), BundleWriter(path, {"version": 2}) as w:
        w.add("ints", np.arange(5))
        raise RuntimeError("writer crashed")
    assert Bundle(path).meta == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["s.bundle"]


def test_truncated_or_foreign_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "s.bundle"
    _write(path, 1)
    data = path.read_bytes()
    (tmp_path / "cut.bundle").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.bundle").write_bytes(b"x" * 100)
    for name in ("cut.bundle", "junk.bundle"):
        with pytest.raises(BundleError):
            Bundle(tmp_path / name)


_CHILD = """
import json, sys, time
from pathlib import Path
from retrieval.bundle import BundleReader
b = BundleReader(sys.argv[1]).current()
maps = Path('/proc/self/maps').read_text()
print(json.dumps({"sum": int(b.arrays["ints"].sum()), "version": b.meta["version"],
                  "mapped": sys.argv[1] in maps, "ino": b.identity[1]}), flush=True)
sys.stdin.readline()
"""


def test_two_processes_map_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "s.bundle"
    _write(path, 5)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _CHILD, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT) for _ in range(2)]
    try:
        seen = [json.loads(p.stdout.readline()) for p in procs]  # type: ignore[union-attr]
        for p in procs:  # both still hold the mapping here
            assert str(path) in Path(f"/proc/{p.pid}/maps").read_text()
    finally:
        for p in procs:
            p.communicate("\n", timeout=30)
    expected = {"sum": int((np.arange(1000) * 5).sum()), "version": 5, "mapped": True, "ino": os.stat(path).st_ino}
    assert seen == [expected, expected]


# ---------------------------------------------------------------------- ranking over the mapped file


def _snapshot(n: int) -> OrgSnapshot:
    """Generated profiles with deterministic vectors clustered by first niche (like profile embeddings)."""
    rng = np.random.default_rng(11)
    snap = OrgSnapshot("org-shared")
    centers: dict[str, np.ndarray] = {}
    ids, vecs = [], []
    for i, p in enumerate(generate_profiles(n, seed=3)):
        data = row_from_profile(f"p{i:05d}", p)
        snap.put(data)
        niche = (p["niches"] or ["-"])[0]
        center = centers.setdefault(niche, rng.standard_normal(384).astype(np.float32))
        v = center + 0.8 * rng.standard_normal(384).astype(np.float32)
        ids.append(data.id)
        vecs.append(v / np.linalg.norm(v))
    snap.set_vectors(ids, np.stack(vecs), [1.0] * n)
    return snap


QVEC_RNG = np.random.default_rng(5)


def _queries() -> list[ParsedQuery]:
    extra = [ParsedQuery(niches=["beauty"], sort="followers"), ParsedQuery(niches=["food"], sort="rate"),
             ParsedQuery(topics=["fitness"], sort="engagement")]
    return [q for _, q in QUERIES] + extra


def test_ranking_over_the_mapped_file_equals_search_rank(tmp_path: Path) -> None:
    snap = _snapshot(3000)
    path = export(snap, tmp_path / "org.bundle", coarse_dim=32)
    mapped = SharedSnapshotReader(path).current()
    assert mapped.n == snap.n and mapped.id_of(17) == snap.ids[17]
    compared = 0
    for q in _queries():
        for qvec in (snap.emb[QVEC_RNG.integers(snap.n)].copy(), QVEC_RNG.standard_normal(384).astype(np.float32)):
            qvec /= np.linalg.norm(qvec)
            want = rank(snap, q, 20, qvec)
            got = rank_rows(mapped, q, 20, qvec)
            assert got.total_matches == want.total_matches
            assert [mapped.id_of(r) for r in got.rows] == [h.influencer_id for h in want.results]
            assert [round(float(s), 4) for s in got.scores] == [h.score for h in want.results]
            compared += len(want.results)
    assert compared > 200


def _same_ranking(shared: object, snap: OrgSnapshot, queries: list[ParsedQuery]) -> None:
    for q in queries:
        want = rank(snap, q, 30, None)
        got = rank_rows(shared, q, 30, None)
        assert got.total_matches == want.total_matches > 0
        assert [shared.id_of(r) for r in got.rows] == [h.influencer_id for h in want.results]
        assert [round(float(x), 4) for x in got.scores] == [h.score for h in want.results]


def test_integer_columns_are_narrowed_only_when_every_value_fits(tmp_path: Path) -> None:
    snap = _snapshot(600)
    queries = [ParsedQuery(min_followers=50_000, sort="followers"), ParsedQuery(max_followers=5_000_000_000),
               ParsedQuery(max_rate_usd=800, sort="rate"), ParsedQuery(min_rate_usd=100, platforms=["tiktok"])]
    narrow = SharedSnapshotReader(export(snap, tmp_path / "a.bundle", coarse_dim=16)).current()
    assert {narrow.total_followers.dtype, narrow.plat_followers.dtype, narrow.rate_cents.dtype} == {np.dtype(np.int32)}
    assert np.array_equal(narrow.plat_followers, snap.plat_followers[: snap.n])
    _same_ranking(narrow, snap, queries)
    snap.rate_cents[5] = 3_000_000_000  # $30M: past int32, so the column stays int64
    snap.total_followers[7] = 2**31  # one follower past int32's range
    wide = SharedSnapshotReader(export(snap, tmp_path / "b.bundle", coarse_dim=16)).current()
    assert wide.rate_cents.dtype == wide.total_followers.dtype == np.int64 and wide.plat_followers.dtype == np.int32
    assert int(wide.rate_cents[5]) == 3_000_000_000 and int(wide.total_followers[7]) == 2**31
    _same_ranking(wide, snap, queries)


def test_mapped_snapshot_follows_a_replaced_file(tmp_path: Path) -> None:
    snap = _snapshot(400)
    path = tmp_path / "org.bundle"
    export(snap, path, coarse_dim=16, version=1)
    reader = SharedSnapshotReader(path, check_s=0.0)
    first = reader.current()
    snap.remove(snap.ids[0])
    export(snap, path, coarse_dim=16, version=2)
    second = reader.current()
    assert (first.version, second.version) == (1, 2)
    assert first.alive_count == 400 and second.alive_count == 399
    assert rank_rows(second, ParsedQuery(), 500, None).total_matches == 399


def test_released_rows_read_back_the_same(tmp_path: Path) -> None:
    """MADV_DONTNEED drops pages from this process only: the next read faults them back from the file."""
    import mmap

    path = tmp_path / "s.bundle"
    with BundleWriter(path) as w:
        w.add("emb", np.arange(4000 * 384, dtype=np.float32).reshape(4000, 384))
    b = Bundle(path)
    before = b.arrays["emb"][[3, 900, 901, 3999]].copy()
    b.advise_rows("emb", np.array([3, 900, 901, 3999]), mmap.MADV_DONTNEED)
    b.advise_rows("emb", np.arange(3000), mmap.MADV_DONTNEED, whole_above=10)
    assert np.array_equal(b.arrays["emb"][[3, 900, 901, 3999]], before)
