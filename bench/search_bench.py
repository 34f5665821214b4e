"""Search benchmark: our snapshot search vs chroma's filtered `query`, at several sizes.

For each size N (generated profiles, seed 7):
- load N profiles into a fresh SQLite database (Core bulk insert; cached under var/bench/ with the ids)
- vectors: real MiniLM embeddings of the first `embed_limit` profiles (cached); profiles past that limit
  reuse the vector of an embedded profile with the same first niche (see `pool_vectors`), so a 100k run
  does not need ~1-2 h of CPU to embed every profile on a 2-core machine
- write them to chroma twice: our index (ids + stamps) and a baseline collection whose metadata carries
  every filterable attribute, so the baseline can express the same constraints as a chroma `where`
- time `search()` end to end (query embedding included: the query cache is cleared before every call)
  and the baseline (query embedding + `collection.query(where=…)`) over a fixed mix of queries with 0–4
  constraints; report p50/p95 for all queries and for the filtered ones
- recall@10 of `search()` against brute force: constraints checked per profile in plain Python on the
  generated dicts, exact scores over every matching row, full sort; and the baseline's recall@10 against
  the exact similarity top-10 of the same matching rows (what an HNSW-with-filter search gives up)
- build rate: our `reindex_org` (SQL read + text + encode + chroma write) vs a plain
  `SentenceTransformer.encode` loop over the same texts, on a subset of profiles
- peak RSS of the process and the snapshot's own array memory
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

from bench.embed_cache import CACHE_DIR, embeddings_for
from bench.load import bulk_insert, ensure_org
from bench.lookalike_bench import time_lookalikes
from bench.search_queries import (
    QUERIES,
    SEED,
    baseline_metadata,
    baseline_where,
    brute_force_sets,
    constraint_count,
    pct,
)
from bench.search_report import breakdown, print_table, rss_mb, snapshot_bytes
from data.generator import generate_profiles
from data.models import Base
from retrieval.embeddings import get_embedder
from retrieval.index import VectorIndex
from retrieval.ranking import Candidates, combine, effective_metrics, signals
from retrieval.search import search, semantic_text
from retrieval.snapshot import OrgSnapshot, snapshots
from retrieval.vectors import write_vectors


def pool_vectors(n: int, embed_limit: int) -> tuple[np.ndarray, float | None, int]:
    """(n, 384) vectors: real embeddings for the first `embed_limit` profiles, reuse beyond (same first niche)."""
    real_n = min(n, embed_limit)
    real, rate = embeddings_for(real_n, seed=SEED)
    if n == real_n:
        return real, rate, real_n
    by_niche: dict[str, list[int]] = {}
    for i, p in enumerate(generate_profiles(real_n, seed=SEED)):
        by_niche.setdefault((p["niches"] or ["-"])[0], []).append(i)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    out[:real_n] = real
    for i, p in enumerate(generate_profiles(n - real_n, seed=SEED, start=real_n), start=real_n):
        pool = by_niche.get((p["niches"] or ["-"])[0]) or [i % real_n]
        out[i] = real[pool[(i * 2654435761) % len(pool)]]
    return out, rate, real_n


def _client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


def bench_engine(path: Path) -> Engine:
    """SQLite tuned for a bulk load (a 2 MB page cache makes 100k random-key inserts crawl)."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA cache_size=-262144")
        cur.close()

    return engine


def prepare(n: int, vectors: np.ndarray, log: Callable[[str], None]) -> dict[str, Any]:
    """SQL database + our chroma collection + the baseline collection for N profiles (cached on disk)."""
    root = CACHE_DIR / f"db_{n}_seed{SEED}"
    done = root / "ready.json"
    vec_key = f"sql-{float(vectors[:, :8].sum()):.6f}"  # "sql-": vectors are also in profile_vectors
    if done.exists() and json.loads(done.read_text()).get("vectors") == vec_key:
        meta = json.loads(done.read_text())
        log(f"  reusing {root} (built earlier: load {meta['load_s']:.0f} s, chroma write {meta['chroma_s']:.0f} s)")
    else:
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        engine = bench_engine(root / "bench.db")
        Base.metadata.create_all(engine)  # includes ix_influencers_org_updated, the change check's index
        org_id = ensure_org(engine, f"bench-{n}")
        t0 = time.perf_counter()
        ids = bulk_insert(engine, org_id, generate_profiles(n, seed=SEED))
        load_s = time.perf_counter() - t0
        log(f"  SQL bulk insert: {n:,} profiles in {load_s:.1f} s ({n / load_s:,.0f}/s)")
        client = _client(root / "chroma")
        ours = VectorIndex(client)
        t0 = time.perf_counter()
        stamps = [time.time() + 1.0] * n
        ours.upsert(org_id, ids, embeddings=vectors, stamps=stamps)
        chroma_s = time.perf_counter() - t0
        with Session(engine) as s:  # what search reads (retrieval/vectors.py)
            write_vectors(s, org_id, ids, vectors, stamps)
            s.commit()
        base = client.get_or_create_collection("baseline", metadata={"hnsw:space": "cosine"}, embedding_function=None)
        t0 = time.perf_counter()
        batch_ids: list[str] = []
        batch_meta: list[dict[str, Any]] = []
        for i, p in enumerate(generate_profiles(n, seed=SEED)):
            batch_ids.append(ids[i])
            batch_meta.append(baseline_metadata(p))
            if len(batch_ids) == 4000 or i == n - 1:
                start = i + 1 - len(batch_ids)
                base.upsert(ids=batch_ids, embeddings=vectors[start : i + 1], metadatas=batch_meta)
                batch_ids, batch_meta = [], []
        base_s = time.perf_counter() - t0
        log(f"  chroma writes: ours {n / chroma_s:,.0f} vectors/s, baseline {n / base_s:,.0f} vectors/s")
        (root / "ids.json").write_text(json.dumps(ids))
        meta = {"org_id": org_id, "load_s": load_s, "chroma_s": chroma_s, "baseline_s": base_s, "vectors": vec_key}
        done.write_text(json.dumps(meta))
        engine.dispose()
    meta["root"] = root
    meta["ids"] = json.loads((root / "ids.json").read_text())
    return meta


# ---------------------------------------------------------------------- measurements


def time_ours(session: Session, org_id: str, index: VectorIndex, reps: int) -> dict[str, list[float]]:
    embedder = get_embedder()
    out: dict[str, list[float]] = {name: [] for name, _ in QUERIES}
    for _ in range(reps):
        for name, q in QUERIES:
            embedder.clear_cache()
            t0 = time.perf_counter()
            search(session, org_id, q, limit=20)
            out[name].append((time.perf_counter() - t0) * 1000)
    return out


def time_baseline(collection: Any, reps: int) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    embedder = get_embedder()
    out: dict[str, list[float]] = {name: [] for name, _ in QUERIES}
    tops: dict[str, list[str]] = {}
    for _ in range(reps):
        for name, q in QUERIES:
            embedder.clear_cache()
            t0 = time.perf_counter()
            text = semantic_text(q) or ""
            vec = embedder.encode_query(text) if text else np.zeros(384, dtype=np.float32) + 1 / np.sqrt(384)
            res = collection.query(query_embeddings=[vec], n_results=10, where=baseline_where(q), include=[])
            out[name].append((time.perf_counter() - t0) * 1000)
            tops[name] = res["ids"][0]
    return out, tops


def recall(
    snap: OrgSnapshot,
    ids: list[str],
    vectors: np.ndarray,
    truth: list[list[int]],
    session: Session,
    org_id: str,
    index: VectorIndex,
    base_tops: dict[str, list[str]],
) -> list[dict[str, Any]]:
    embedder = get_embedder()
    rows_of = np.array([snap.pos[i] for i in ids])
    report = []
    for (name, q), positions in zip(QUERIES, truth, strict=True):
        text = semantic_text(q)
        qvec = embedder.encode_query(text) if text else None
        got = search(session, org_id, q, limit=10)
        rows = np.sort(rows_of[np.asarray(positions, dtype=np.int64)]) if positions else np.zeros(0, dtype=np.int64)
        followers, engagement = effective_metrics(snap, q)
        cand = Candidates(rows=rows, followers=followers, engagement=engagement)
        sims_full = vectors @ qvec if qvec is not None else None  # every profile, then the matching ones
        sims = None
        if sims_full is not None:
            by_row = np.empty(snap.n, dtype=np.float32)
            by_row[rows_of] = sims_full
            sims = by_row[rows]
        score = combine(snap, q, rows, signals(snap, q, cand, sims)) if len(rows) else np.zeros(0)
        exact = [snap.ids[r] for r in rows[np.lexsort((rows, -score))][:10]]
        mine = [h.influencer_id for h in got.results]
        entry = {
            "query": name,
            "matches_brute_force": len(positions),
            "matches_search": got.total_matches,
            "recall_at_10": (len(set(mine) & set(exact)) / len(exact)) if exact else 1.0,
        }
        if sims is not None and len(rows):
            exact_sim = {snap.ids[r] for r in rows[np.argsort(-sims, kind="stable")][:10]}
            entry["baseline_recall_at_10"] = len(set(base_tops[name]) & exact_sim) / len(exact_sim)
        report.append(entry)
    return report


def build_rate(session: Session, org_id: str, subset: int, log: Callable[[str], None]) -> dict[str, float]:
    """Our reindex path vs a plain SentenceTransformer.encode loop, on the same `subset` profiles."""
    from sqlalchemy import select

    from data.influencers import eager_options
    from data.models import Influencer
    from data.serialize import influencer_to_dict
    from retrieval.embeddings import _load_embedder, embedding_text
    from retrieval.sync import reindex_org

    tmp = CACHE_DIR / "build_rate_chroma"
    shutil.rmtree(tmp, ignore_errors=True)
    sub_org = ensure_org(session.get_bind(), f"build-{time.time_ns()}")
    rows = list(
        session.scalars(select(Influencer).where(Influencer.org_id == org_id).limit(subset).options(*eager_options()))
    )
    profiles = [influencer_to_dict(r) for r in rows]
    session.expunge_all()
    engine = session.get_bind()
    bulk_insert(engine, sub_org, [_as_input(p) for p in profiles])
    texts = [embedding_text(p) for p in profiles]
    backend = _load_embedder().backend  # the bare model call of the backend reindex_org uses (onnx or torch)
    t0 = time.perf_counter()
    for start in range(0, len(texts), 64):
        backend.encode(texts[start : start + 64], 64, None)
    plain = len(texts) / (time.perf_counter() - t0)
    index = VectorIndex(_client(tmp))
    t0 = time.perf_counter()
    with Session(engine) as s:
        count = reindex_org(s, sub_org, index=index)
    ours = count / (time.perf_counter() - t0)
    log(f"  build rate on {count} profiles: reindex_org {ours:,.1f}/s vs plain encode loop {plain:,.1f}/s")
    shutil.rmtree(tmp, ignore_errors=True)
    return {"subset": count, "reindex_per_s": ours, "plain_encode_per_s": plain}


def _as_input(p: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "name",
        "handle",
        "email",
        "phone",
        "bio",
        "location",
        "languages",
        "niches",
        "topics",
        "platforms",
        "rates_usd",
        "past_brands",
        "audience",
        "recent_posts",
        "verified",
    )
    out = {k: p[k] for k in keep}
    out["platforms"] = [{**a, "handle": a["handle"] + "_b"} for a in p["platforms"]]
    out["recent_posts"] = [{k: v for k, v in post.items() if v is not None} for post in p["recent_posts"]]
    return out


def run_size(
    n: int, *, embed_limit: int, reps: int, baseline_reps: int, build_subset: int, log: Callable[[str], None]
) -> dict[str, Any]:
    log(f"== {n:,} profiles")
    t0 = time.perf_counter()
    vectors, encode_rate, real_n = pool_vectors(n, embed_limit)
    log(f"  vectors: {real_n:,} embedded with MiniLM (cached), {n - real_n:,} reused; {time.perf_counter() - t0:.1f} s")
    meta = prepare(n, vectors, log)
    engine = bench_engine(meta["root"] / "bench.db")
    index = VectorIndex(_client(meta["root"] / "chroma"))
    org_id = meta["org_id"]
    result: dict[str, Any] = {
        "size": n,
        "embedded": real_n,
        "reused_vectors": n - real_n,
        "sql_load_s": meta["load_s"],
        "chroma_write_s": meta["chroma_s"],
    }
    rss_before = rss_mb()
    with Session(engine) as session:
        snapshots.drop()
        gc.collect()
        t0 = time.perf_counter()
        snap = snapshots.get(session, org_id)
        result["snapshot_build_s"] = time.perf_counter() - t0
        result["snapshot_mb"] = snapshot_bytes(snap) / 1e6
        log(f"  snapshot built in {result['snapshot_build_s']:.1f} s ({result['snapshot_mb']:.0f} MB of arrays)")
        search(session, org_id, QUERIES[0][1])  # warm-up
        t0 = time.perf_counter()
        ours = time_ours(session, org_id, index, reps)
        log(f"  ours: {reps} passes over {len(QUERIES)} queries in {time.perf_counter() - t0:.1f} s")
        base = index.client.get_collection("baseline", embedding_function=None)
        base.query(query_embeddings=[vectors[0]], n_results=10)  # warm-up (loads the HNSW index)
        t0 = time.perf_counter()
        baseline, tops = time_baseline(base, baseline_reps)
        log(f"  baseline: {baseline_reps} passes in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        truth = brute_force_sets(n)
        result["recall"] = recall(snap, meta["ids"], vectors, truth, session, org_id, index, tops)
        log(f"  brute force + recall in {time.perf_counter() - t0:.1f} s")
        result["breakdown_ms"] = breakdown(snap, session, org_id, index)
        result["lookalike_ms"] = time_lookalikes(session, org_id, snap, max(1, reps // 4))
        if build_subset:
            result["build"] = build_rate(session, org_id, build_subset, log)
    result["encode_rate_cache_fill"] = encode_rate
    flt = [name for name, q in QUERIES if constraint_count(q) > 0]
    all_ours = [v for vs in ours.values() for v in vs]
    all_base = [v for vs in baseline.values() for v in vs]
    f_ours = [v for k in flt for v in ours[k]]
    f_base = [v for k in flt for v in baseline[k]]
    result["latency_ms"] = {
        "ours": {
            "p50": pct(all_ours, 50),
            "p95": pct(all_ours, 95),
            "filtered_p50": pct(f_ours, 50),
            "filtered_p95": pct(f_ours, 95),
        },
        "baseline": {
            "p50": pct(all_base, 50),
            "p95": pct(all_base, 95),
            "filtered_p50": pct(f_base, 50),
            "filtered_p95": pct(f_base, 95),
        },
        "per_query": {
            k: {"constraints": constraint_count(q), "ours_p50": pct(ours[k], 50), "baseline_p50": pct(baseline[k], 50)}
            for k, q in QUERIES
        },
    }
    result["filtered_speedup_p50"] = result["latency_ms"]["baseline"]["filtered_p50"] / max(
        result["latency_ms"]["ours"]["filtered_p50"], 1e-9
    )
    result["rss_before_snapshot_mb"] = rss_before
    result["peak_rss_mb"] = rss_mb()
    engine.dispose()
    return result


def main(
    sizes: list[int],
    *,
    quick: bool = False,
    embed_limit: int = 10_000,
    reps: int = 20,
    baseline_reps: int = 5,
    build_subset: int = 256,
) -> int:
    os.environ.setdefault("RETRIEVAL_REFRESH_MS", "1000")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = []
    for i, n in enumerate(sizes):
        results.append(
            run_size(
                n,
                embed_limit=embed_limit,
                reps=reps,
                baseline_reps=baseline_reps,
                build_subset=build_subset if i == 0 and not quick else 0,
                log=log,
            )
        )
    print_table(results)
    out_dir = Path("bench/results")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"search_{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"sizes": sizes, "embed_limit": embed_limit, "results": results}, indent=2))
    print(f"\nwritten {path}")
    return 0
