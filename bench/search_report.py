"""What the search benchmark measures besides latency and recall (memory, where a query's time goes) and its
printed table (for bench/search_bench.py)."""

from __future__ import annotations

import resource
import statistics
import time
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from bench.search_queries import QUERIES
from retrieval.embeddings import get_embedder
from retrieval.index import VectorIndex
from retrieval.search import rank, semantic_text
from retrieval.snapshot import OrgSnapshot


def snapshot_bytes(snap: OrgSnapshot) -> int:
    total = sum(v.nbytes for v in vars(snap).values() if isinstance(v, np.ndarray))
    for col in snap.tags.values():
        total += sum(v.nbytes for v in col.values.values() if isinstance(v, np.ndarray))
    return total


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def breakdown(snap: OrgSnapshot, session: Session, org_id: str, index: VectorIndex) -> dict[str, float]:
    """Where the time of one search goes (median of 20 runs of the flagship query)."""
    q = QUERIES[7][1]
    embedder = get_embedder()
    parts: dict[str, list[float]] = {
        "query_embedding": [],
        "version_check": [],
        "filter_rank_reasons": [],
        "row_count_check": [],
    }
    from retrieval.snapshot import refresh

    for _ in range(20):
        embedder.clear_cache()
        t0 = time.perf_counter()
        qvec = embedder.encode_query(semantic_text(q) or "")
        t1 = time.perf_counter()
        refresh(snap, session, recount=False)
        t2 = time.perf_counter()
        rank(snap, q, 20, qvec)
        t3 = time.perf_counter()
        refresh(snap, session, recount=True)
        parts["row_count_check"].append((time.perf_counter() - t3) * 1000)
        parts["query_embedding"].append((t1 - t0) * 1000)
        parts["version_check"].append((t2 - t1) * 1000)
        parts["filter_rank_reasons"].append((t3 - t2) * 1000)
    return {k: statistics.median(v) for k, v in parts.items()}


def print_table(results: list[dict[str, Any]]) -> None:
    head = (
        f"{'size':>8} {'ours p50':>9} {'ours p95':>9} {'flt p50':>8} {'base p50':>9} {'base p95':>9} "
        f"{'base flt':>9} {'speedup':>8} {'recall@10':>9} {'base rec':>8} {'peak MB':>8}"
    )
    print(head)
    for r in results:
        lo, lb = r["latency_ms"]["ours"], r["latency_ms"]["baseline"]
        rec = min(e["recall_at_10"] for e in r["recall"])
        brec = [e["baseline_recall_at_10"] for e in r["recall"] if "baseline_recall_at_10" in e]
        print(
            f"{r['size']:>8,} {lo['p50']:>9.1f} {lo['p95']:>9.1f} {lo['filtered_p50']:>8.1f} {lb['p50']:>9.1f} "
            f"{lb['p95']:>9.1f} {lb['filtered_p50']:>9.1f} {r['filtered_speedup_p50']:>7.1f}x {rec:>9.2f} "
            f"{min(brec) if brec else float('nan'):>8.2f} {r['peak_rss_mb']:>8.0f}"
        )
    for r in results:
        print(f"\n{r['size']:,} profiles — per query (ms, p50):")
        for name, v in r["latency_ms"]["per_query"].items():
            rec = next(e for e in r["recall"] if e["query"] == name)
            print(
                f"  {name:<30} ours {v['ours_p50']:7.1f}  baseline {v['baseline_p50']:8.1f}  matches "
                f"{rec['matches_search']:>7,} (brute force {rec['matches_brute_force']:,})  "
                f"recall@10 {rec['recall_at_10']:.2f}  baseline {rec.get('baseline_recall_at_10', float('nan')):.2f}"
            )
        b = r["breakdown_ms"]
        print(
            f"  time per search (flagship query): embedding {b['query_embedding']:.1f} ms, change check "
            f"{b['version_check']:.1f} ms (at most 1/s), row-count check {b['row_count_check']:.1f} ms "
            f"(at most 1/15 s), filter+rank+reasons {b['filter_rank_reasons']:.1f} ms"
        )
        print(
            f"  snapshot build {r['snapshot_build_s']:.1f} s, {r['snapshot_mb']:.0f} MB arrays; SQL load "
            f"{r['sql_load_s']:.0f} s; vectors: {r['embedded']:,} embedded, {r['reused_vectors']:,} reused"
        )
        if "build" in r:
            bld = r["build"]
            print(
                f"  build rate ({bld['subset']} profiles): reindex_org {bld['reindex_per_s']:.1f}/s, "
                f"plain encode loop {bld['plain_encode_per_s']:.1f}/s"
            )
