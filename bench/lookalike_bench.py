"""Lookalike search latency inside `python -m bench search`: `search()` with seed profiles (GET
/influencers/{id}/similar's path), alone and with a platform filter, next to the floor of the same question (one
numpy mat-vec of every profile vector with the seed's, then a top-20 partition)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from agent.query.schema import ParsedQuery
from retrieval.search import search
from retrieval.snapshot import OrgSnapshot

SEEDS = 10


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def time_lookalikes(session: Session, org_id: str, snap: OrgSnapshot, reps: int) -> dict[str, Any]:
    n = snap.n
    seeds = [snap.ids[i] for i in np.linspace(0, n - 1, SEEDS, dtype=int)]
    plain, filtered, floor = [], [], []
    search(session, org_id, ParsedQuery(), seeds=seeds[:1])  # warm-up
    for _ in range(reps):
        for seed in seeds:
            t0 = time.perf_counter()
            search(session, org_id, ParsedQuery(), limit=20, seeds=[seed])
            plain.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            search(session, org_id, ParsedQuery(platforms=["instagram"]), limit=20, seeds=[seed])
            filtered.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            sims = snap.emb[:n] @ snap.emb[snap.pos[seed]]
            np.argpartition(-sims, 20)[:20]
            floor.append((time.perf_counter() - t0) * 1000)
    return {
        "seeds": SEEDS,
        "p50": _pct(plain, 50),
        "p95": _pct(plain, 95),
        "filtered_p50": _pct(filtered, 50),
        "filtered_p95": _pct(filtered, 95),
        "matvec_floor_p50": _pct(floor, 50),
        "ratio_p50_vs_floor": _pct(plain, 50) / max(_pct(floor, 50), 1e-9),
    }
