"""Search over a shared, memory-mapped snapshot at 100k-1M profiles (`python -m bench search --shared`).

For each size N (generated profiles, seed 7), built once and cached under var/bench/shared_<N>/:
- one pass over the generator fills the snapshot's columns (no SQL, no chroma: at 1M those would take hours
  here), checks each profile against every query in plain Python (search_queries.matches, the independent
  filter check) and writes its vector into a chunked cache file: real MiniLM vectors for the first
  `embed_limit` profiles; past that a blend of two embedded profiles with the same first niche (weights
  0.35-0.65, renormalised). Until 2026-12 the synthetic rows were exact copies (as search_bench.pool_vectors
  makes them), so at 1M every near-top vector came ~100 times: ties no real catalogue has, which the
  two-stage ranking must all rescore (one query rescored 12,208 rows holding 773 distinct vectors). A blend
  stays in the span of real profile vectors, which the coarse projection is fitted to, where isotropic noise
  would not
- `shared_snapshot.export` writes the snapshot file (columns, tags, float32 vectors, coarse projection)

Then:
- two reader processes map the file one after the other (`reader`, below) and time `shared_rank.rank_rows`
  over the query mix, first with precomputed query vectors (RSS/PSS of the snapshot alone), then with query
  embedding included (the worker's figure, torch loaded); the parent reads both readers' PSS while both hold
  the mapping
- recall@10 of the two-stage ranking against exact filtered ranking (every candidate scored with the full
  float32 vectors, `rank_rows(exact=True)`, what search.rank does), identical top-20 ids, and
  total_matches against the plain-Python filter check; the exact ranking's own latency over the mapped file
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from bench.embed_cache import CACHE_DIR, embeddings_for
from bench.search_queries import QUERIES, SEED, constraint_count, matches, pct
from data.generator import generate_profiles
from retrieval.rows import AGE_BRACKETS, RowData
from retrieval.search import semantic_text
from retrieval.shared_snapshot import SharedSnapshotReader, export
from retrieval.snapshot import OrgSnapshot

CHUNK = 50_000


def row_from_profile(pid: str, p: dict[str, Any]) -> RowData:
    """A generated profile as the snapshot's RowData (what rows.load_rows reads back from SQL)."""
    platforms: dict[str, tuple[int, float | None]] = {}
    for a in p["platforms"]:
        if a["followers"] >= platforms.get(a["platform"], (0, None))[0]:
            platforms[a["platform"]] = (int(a["followers"]), a.get("engagement_rate"))
    rated = [(a["engagement_rate"], a["followers"]) for a in p["platforms"] if a.get("engagement_rate") is not None]
    weight = sum(f for _, f in rated)
    er = round(sum(r * f for r, f in rated) / weight, 4) if rated and weight else None
    loc = p.get("location") or {}
    aud = p.get("audience") or {}
    rate = (p.get("rates_usd") or {}).get("post")
    return RowData(
        id=pid, updated=0.0, total_followers=sum(a["followers"] for a in p["platforms"]), avg_er=er,
        verified=bool(p.get("verified")), country=loc.get("country"), region=loc.get("region"),
        city=loc.get("city"), niches=list(p["niches"]), topics=list(p.get("topics") or []),
        languages=list(p.get("languages") or []), brands=list(p.get("past_brands") or []), platforms=platforms,
        post_rate=None if rate is None else Decimal(str(rate)), female_pct=aud.get("female_pct"),
        ages=[aud.get(name) for name, _, _ in AGE_BRACKETS],
        audience_countries=[str(c).upper() for c in aud.get("top_countries") or []],
    )


def _blend(real: np.ndarray, pool: list[int], i: int) -> np.ndarray:
    """A synthetic profile vector: two pool members mixed with a weight from 0.35 to 0.65 (deterministic in i)."""
    h = (i * 2654435761) & 0xFFFFFFFF
    a, b = pool[h % len(pool)], pool[(h // 7919) % len(pool)]
    w = np.float32(0.35 + 0.3 * ((h >> 8) % 1000) / 999)
    v = w * real[a] + (1 - w) * real[b]
    return v / np.linalg.norm(v)


def build(n: int, embed_limit: int, log: Any) -> Path:
    """var/bench/shared_<n>/ with snapshot.bundle and truth.npz (cached: built once per size)."""
    root = CACHE_DIR / f"shared_{n}_seed{SEED}_e{embed_limit}_blend"
    if (root / "ready.json").exists():
        log(f"  reusing {root}")
        return root
    root.mkdir(parents=True, exist_ok=True)
    real_n = min(n, embed_limit)
    real, _ = embeddings_for(real_n, seed=SEED)
    vec_path = root / "vectors.npy"
    vectors = np.lib.format.open_memmap(vec_path, mode="w+", dtype=np.float32, shape=(n, real.shape[1]))
    snap = OrgSnapshot(f"bench-{n}", capacity=n + 1, dim=0)
    truth: list[list[int]] = [[] for _ in QUERIES]
    by_niche: dict[str, list[int]] = {}
    buf = np.empty((CHUNK, real.shape[1]), dtype=np.float32)
    t0 = time.perf_counter()
    for i, p in enumerate(generate_profiles(n, seed=SEED)):
        snap.put(row_from_profile(f"p{i:07d}", p))
        snap.rows[i] = None  # RowData of 1M profiles would cost GBs; the file does not need them
        snap.has_emb[i] = True
        for k, (_, q) in enumerate(QUERIES):
            if matches(p, q):
                truth[k].append(i)
        niche = (p["niches"] or ["-"])[0]
        if i < real_n:
            by_niche.setdefault(niche, []).append(i)
            buf[i % CHUNK] = real[i]
        else:
            buf[i % CHUNK] = _blend(real, by_niche.get(niche) or [i % real_n], i)
        if (i + 1) % CHUNK == 0 or i == n - 1:
            start = i - i % CHUNK
            vectors[start : i + 1] = buf[: i + 1 - start]
            if (i + 1) % 200_000 == 0:
                log(f"  generated {i + 1:,} profiles ({time.perf_counter() - t0:.0f} s)")
    vectors.flush()
    gen_s = time.perf_counter() - t0
    del vectors
    t0 = time.perf_counter()
    export(snap, root / "snapshot.bundle", np.load(vec_path, mmap_mode="r"), version=1)
    export_s = time.perf_counter() - t0
    np.savez(root / "truth.npz", *[np.asarray(t, dtype=np.int64) for t in truth])
    size = (root / "snapshot.bundle").stat().st_size
    log(f"  built in {gen_s:.0f} s (generate + columns + filter check), exported in {export_s:.0f} s, "
        f"{size / 1e6:.0f} MB file")
    (root / "ready.json").write_text(json.dumps({"generate_s": gen_s, "export_s": export_s, "bytes": size}))
    return root


def memory() -> dict[str, float]:
    """This process's RSS (anon/file) and PSS in MB, from /proc."""
    return proc_memory(os.getpid())


def proc_memory(pid: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("Pss", "Pss_Anon", "Pss_File"):
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def reader(path: str, qvec_path: str, out: str, release: str, reps: int) -> None:
    """One worker-like process: map the snapshot, time the query mix, report memory, wait to be released."""
    from retrieval.shared_rank import rank_rows

    result: dict[str, Any] = {"start": memory()}
    t0 = time.perf_counter()
    snap = SharedSnapshotReader(path).current()
    result["map_ms"] = (time.perf_counter() - t0) * 1000
    result["mapped"] = memory()
    qvecs = np.load(qvec_path)
    has = [semantic_text(q) is not None for _, q in QUERIES]
    rank_ms: list[float] = []
    rescored: dict[str, int] = {}
    for _ in range(reps):
        for k, (name, q) in enumerate(QUERIES):
            t0 = time.perf_counter()
            got = rank_rows(snap, q, 20, qvecs[k] if has[k] else None)
            rank_ms.append((time.perf_counter() - t0) * 1000)
            rescored[name] = got.rescored
    result["rank_only"] = {"p50": pct(rank_ms, 50), "p95": pct(rank_ms, 95), "rescored": rescored}
    result["after_rank"] = memory()
    from retrieval.embeddings import get_embedder

    embedder = get_embedder()
    embedder.encode_query("warm up")
    result["embedder_loaded"] = memory()
    e2e: list[float] = []
    per_query: dict[str, list[float]] = {name: [] for name, _ in QUERIES}
    for _ in range(reps):
        for name, q in QUERIES:
            embedder.clear_cache()
            t0 = time.perf_counter()
            text = semantic_text(q)
            rank_rows(snap, q, 20, embedder.encode_query(text) if text else None)
            e2e.append((time.perf_counter() - t0) * 1000)
            per_query[name].append(e2e[-1])
    result["end_to_end"] = {"p50": pct(e2e, 50), "p95": pct(e2e, 95),
                            "per_query_p50": {k: pct(v, 50) for k, v in per_query.items()}}
    result["after_end_to_end"] = memory()
    result["with_app"] = _with_app()
    Path(out).write_text(json.dumps(result))
    deadline = time.monotonic() + 600
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def _with_app() -> dict[str, float]:
    """Memory once the web app is loaded too (create_app on a throwaway SQLite database, one page served):
    what a gunicorn worker carries besides the snapshot and the embedder."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(DATABASE_URL=f"sqlite:///{tmp}/app.sqlite", CHROMA_PATH=f"{tmp}/chroma")
        from api import create_app

        create_app().test_client().get("/health")
        return memory()


def _start_reader(root: Path, tag: str, reps: int) -> tuple[subprocess.Popen[bytes], Path]:
    out = root / f"reader_{tag}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "bench.scale_bench", "reader", str(root / "snapshot.bundle"),
           str(root / "qvecs.npy"), str(out), str(root / "release"), str(reps)]
    return subprocess.Popen(cmd), out


def _wait(proc: subprocess.Popen[bytes], out: Path) -> dict[str, Any]:
    while not out.exists():
        if proc.poll() is not None:
            raise RuntimeError(f"reader exited with {proc.returncode}")
        time.sleep(0.5)
    time.sleep(0.2)
    return json.loads(out.read_text())


def recall(root: Path, qvecs: np.ndarray, reps: int) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Two-stage vs exact ranking over the same mapped file, and filters vs the plain-Python check."""
    from retrieval.shared_rank import rank_rows

    snap = SharedSnapshotReader(root / "snapshot.bundle", release_rescored=False).current()
    truth = np.load(root / "truth.npz")
    report, exact_ms = [], []
    for k, (name, q) in enumerate(QUERIES):
        qvec = qvecs[k] if semantic_text(q) is not None else None
        exact = rank_rows(snap, q, 20, qvec, exact=True)
        for _ in range(reps):
            t0 = time.perf_counter()
            rank_rows(snap, q, 20, qvec, exact=True)
            exact_ms.append((time.perf_counter() - t0) * 1000)
        got = rank_rows(snap, q, 20, qvec)
        top_exact, top_got = set(exact.rows[:10].tolist()), set(got.rows[:10].tolist())
        report.append({
            "query": name,
            "constraints": constraint_count(q),
            "matches_brute_force": len(truth[f"arr_{k}"]),
            "matches_search": got.total_matches,
            "recall_at_10": len(top_exact & top_got) / len(top_exact) if top_exact else 1.0,
            # What the API returns: the same ids in the same order with the same 4-decimal scores.
            "same_top20": bool(np.array_equal(exact.rows, got.rows)
                               and np.array_equal(np.round(exact.scores, 4), np.round(got.scores, 4))),
            "rescored": got.rescored,
        })
    return report, {"p50": pct(exact_ms, 50), "p95": pct(exact_ms, 95)}


def run_size(n: int, embed_limit: int, reps: int, log: Any) -> dict[str, Any]:
    log(f"== {n:,} profiles (shared snapshot)")
    root = build(n, embed_limit, log)
    from retrieval.embeddings import get_embedder

    embedder = get_embedder()
    qvecs = np.stack([embedder.encode_query(semantic_text(q) or "-") for _, q in QUERIES])
    np.save(root / "qvecs.npy", qvecs)
    (root / "release").unlink(missing_ok=True)
    a, out_a = _start_reader(root, "a", reps)
    res_a = _wait(a, out_a)
    log(f"  reader a: end-to-end p50 {res_a['end_to_end']['p50']:.1f} ms p95 {res_a['end_to_end']['p95']:.1f} ms")
    b, out_b = _start_reader(root, "b", reps)
    res_b = _wait(b, out_b)
    both = {"a": proc_memory(a.pid), "b": proc_memory(b.pid)}
    (root / "release").write_text("")
    a.wait(timeout=60)
    b.wait(timeout=60)
    rec, exact_lat = recall(root, qvecs, max(2, reps // 4))
    return {"size": n, "file_mb": (root / "snapshot.bundle").stat().st_size / 1e6, "reader_a": res_a,
            "reader_b": res_b, "both_mapped": both, "recall": rec, "exact_rank_ms": exact_lat,
            "build": json.loads((root / "ready.json").read_text())}


def print_table(results: list[dict[str, Any]]) -> None:
    print(f"{'size':>9} {'p50':>6} {'p95':>6} {'rank p50':>8} {'rank p95':>8} {'exact p95':>9} {'recall@10':>9} "
          f"{'same top20':>10} {'RSS snap':>8} {'RSS+model':>9} {'RSS+app':>8} {'PSS 2 rd':>8} {'file MB':>8}")
    for r in results:
        a = r["reader_a"]
        rec = min(e["recall_at_10"] for e in r["recall"])
        same = sum(e["same_top20"] for e in r["recall"])
        pss = max(m.get("Pss", float("nan")) for m in r["both_mapped"].values())
        # the larger of the two readers' worker RSS: they differ by tens of MB once the app is loaded
        workers = [r[k]["with_app"]["VmRSS"] for k in ("reader_a", "reader_b") if "with_app" in r[k]]
        app_rss = max(workers, default=float("nan"))
        print(f"{r['size']:>9,} {a['end_to_end']['p50']:>6.1f} {a['end_to_end']['p95']:>6.1f} "
              f"{a['rank_only']['p50']:>8.1f} {a['rank_only']['p95']:>8.1f} {r['exact_rank_ms']['p95']:>9.1f} "
              f"{rec:>9.3f} {same:>5}/{len(r['recall']):<4} {a['after_rank']['VmRSS']:>8.0f} "
              f"{a['after_end_to_end']['VmRSS']:>9.0f} {app_rss:>8.0f} {pss:>8.0f} "
              f"{r['file_mb']:>8.0f}")
    for r in results:
        print(f"\n{r['size']:,} profiles, per query:")
        for e in r["recall"]:
            p50 = r["reader_a"]["end_to_end"]["per_query_p50"][e["query"]]
            print(f"  {e['query']:<30} p50 {p50:6.1f} ms  matches {e['matches_search']:>9,} (check "
                  f"{e['matches_brute_force']:,})  recall@10 {e['recall_at_10']:.2f}  same top-20 {e['same_top20']}  "
                  f"rescored {e['rescored']:,}")
        for tag in ("a", "b"):
            m = r[f"reader_{tag}"]
            print(f"  reader {tag} memory MB: start {m['start']}, mapped {m['mapped']}, after rank {m['after_rank']}, "
                  f"+model {m['after_end_to_end']}")
        print(f"  both readers mapped: {r['both_mapped']}")


def main(sizes: list[int], *, embed_limit: int = 10_000, reps: int = 20) -> int:
    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = [run_size(n, embed_limit, reps, log) for n in sizes]
    print_table(results)
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"search_shared_{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"sizes": sizes, "embed_limit": embed_limit, "results": results}, indent=2))
    print(f"\nwritten {path}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "reader":
        reader(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
    else:
        sys.exit(main([int(x) for x in (sys.argv[1:] or ["100000"])]))
