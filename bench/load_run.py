"""`python -m bench load`: the production topology (tests/topology/harness.py: gunicorn x4, Celery worker and beat,
Chroma server, Redis, PostgreSQL) under a bounded locust load at each concurrency level, one level after another:
the API's search, refine, negotiation and creator routes, a voice call's turns through the custom LLM (streamed,
as ElevenLabs asks for them), an evaluator's transcript and a signed-in manager's negotiation inbox page.

It seeds an organization with generated profiles (MiniLM vectors, cached under var/bench/ like the search bench)
and a campaign, warms every web worker (model load, first snapshot), then runs bench/load_users.py in a process
of its own per level and reports per route: requests, errors, requests/s, p50/p95/p99. "health (trivial)" in
the same run is the reference: what the server, the network stack and the load generator cost by themselves.
Target: 0 errors, and search p95 <= 150 ms at 20 users. Locust reports percentiles in its own buckets (exact up
to 100 ms, then to 10 ms, then to 100 ms past 1 s).

PostgreSQL comes from BENCH_DATABASE_URL or TEST_DATABASE_URL: a database `<name>_load` is made beside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import requests
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

# Imported here, before the topology starts threads of its own (an import racing one gave a RuntimeError once).
from api.http.auth import issue_key
from bench.embed_cache import embeddings_for
from bench.load import bulk_insert, ensure_org
from data.db import session_scope
from data.generator import generate_profiles
from data.models import Organization
from retrieval.vectors import write_vectors
from tests.payloads import CAMPAIGN
from tests.topology.harness import MailSink, Topology, fresh_database

SEARCH_P95_TARGET_MS = 150
SEED = 7


def seed(database_url: str, base_url: str, profiles: int, *, real_vectors: bool = True) -> dict[str, Any]:
    """An organization with `profiles` generated creators and their vectors in SQL, an admin key and a campaign.

    `real_vectors=False` stores random unit vectors instead of MiniLM's (for a check of errors, not relevance)."""
    engine = create_engine(database_url)
    org_id = ensure_org(engine, f"load-{os.urandom(3).hex()}")
    ids = bulk_insert(engine, org_id, generate_profiles(profiles, seed=SEED))
    if real_vectors:
        vectors = embeddings_for(profiles, seed=SEED)[0]
    else:
        vectors = np.random.default_rng(SEED).normal(size=(profiles, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with Session(engine) as s:
        write_vectors(s, org_id, ids, vectors, [time.time() + 1.0] * len(ids))
        s.commit()
    engine.dispose()
    with session_scope(database_url) as s:
        key = issue_key(s, s.get(Organization, org_id), "admin", label="load")[1]
    campaign = requests.post(f"{base_url}/api/v1/campaigns", json=CAMPAIGN, timeout=30,
                             headers={"Authorization": f"Bearer {key}"})
    campaign.raise_for_status()
    return {"org_id": org_id, "key": key, "campaign_id": campaign.json()["id"], "influencer_ids": ids}


def warm(base_url: str, key: str, rounds: int = 24) -> None:
    """Concurrent searches until every web worker has loaded the model and built the organization's snapshot."""
    headers = {"Authorization": f"Bearer {key}"}

    def one(_: int) -> int:
        return requests.post(f"{base_url}/api/v1/search", json={"query": "beauty creators in Los Angeles"},
                             headers=headers, timeout=120).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(one, range(rounds)))
    if any(c != 200 for c in codes):
        raise RuntimeError(f"warm-up searches answered {sorted(set(codes))}")


def drive(base_url: str, seeded: dict[str, Any], users: int, seconds: float, folder: Path,
          warmup_s: float = 5.0) -> dict[str, Any]:
    """One locust run at `users` concurrent users, in a process of its own (bench/load_users.py)."""
    out = folder / f"load_{users}.json"
    plan = {"host": base_url, "key": seeded["key"], "campaign_id": seeded["campaign_id"],
            "influencer_ids": seeded["influencer_ids"], "voice_secret": seeded["voice_secret"], "users": users,
            "seconds": seconds, "warmup_s": warmup_s, "out": str(out)}
    plan_path = folder / f"plan_{users}.json"
    plan_path.write_text(json.dumps(plan))
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "bench.load_users", str(plan_path)], cwd=repo,
                          capture_output=True, text=True, timeout=seconds + warmup_s + 180,
                          env={**os.environ, "PYTHONPATH": str(repo)})
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"the load run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(out.read_text())


def run(levels: list[int], seconds: float, profiles: int, database_url: str | None = None) -> dict[str, Any]:
    url = database_url or os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        raise SystemExit("python -m bench load needs PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)")
    name = f"{make_url(url).database or 'bench'}_load"
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder = Path(tmp)
        topo = Topology(folder=folder, database_url=fresh_database(url, name), mail=MailSink())
        try:
            topo.start()
            seeded = {**seed(topo.database_url, topo.base_url, profiles), "voice_secret": topo.voice_secret}
            warm(topo.base_url, seeded["key"])
            results = []
            for n, users in enumerate(levels):  # each level negotiates with creators of its own: the
                # negotiations an earlier level left open would answer 409 to a new one with the same creator
                own = {**seeded, "influencer_ids": seeded["influencer_ids"][n::len(levels)]}
                results.append(drive(topo.base_url, own, users, seconds, folder))
        finally:
            topo.stop()
    first = next((r for r in results if r["users"] == 20), None)
    search_p95 = first["routes"].get("search", {}).get("p95_ms") if first else None
    errors = sum(r["total"]["errors"] for r in results)
    return {"profiles": profiles, "seconds_per_level": seconds, "topology": "gunicorn 4 workers x 4 threads, "
            "celery worker (2) + beat, chroma server, redis, postgresql", "levels": results,
            "target": {"errors": 0, "search_p95_ms_at_20_users": SEARCH_P95_TARGET_MS},
            "search_p95_ms_at_20_users": search_p95, "errors": errors,
            "met": errors == 0 and search_p95 is not None and search_p95 <= SEARCH_P95_TARGET_MS}


def print_table(result: dict[str, Any]) -> None:
    print(f"\nload: {result['profiles']:,} profiles, {result['seconds_per_level']:.0f} s per level", file=sys.stderr)
    print(f"{'users':>5}  {'route':<20} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}",
          file=sys.stderr)
    for level in result["levels"]:
        # A route with nothing in the measured window (sign-ins happen as users start, before it) is left out.
        rows = [*((k, v) for k, v in level["routes"].items() if v["requests"]), ("all", level["total"])]
        for route, r in rows:
            cells = [f"{r[k]:>6}" if r[k] is not None else f"{'-':>6}" for k in ("p50_ms", "p95_ms", "p99_ms")]
            print(f"{level['users']:>5}  {route:<20} {r['requests']:>8} {r['errors']:>6} {r['rps']:>7} "
                  + " ".join(cells), file=sys.stderr)
        for error in level["errors"][:10]:
            print(f"       error x{error['count']} {error['route']}: {error['error'][:160]}", file=sys.stderr)
    verdict = "met" if result["met"] else "NOT met"
    print(f"target (0 errors, search p95 <= {SEARCH_P95_TARGET_MS} ms at 20 users): {verdict}", file=sys.stderr)
