"""`python -m bench load` at small scale against the running topology: the mix of search, refine, negotiation
turns, voice turns through the custom LLM, transcripts, the inbox page, influencer writes and health gives no
error at all (bench/load_run.py measures the speed; here only correctness under concurrency is asserted, never
timing)."""

from __future__ import annotations

from pathlib import Path

from bench.load_run import drive, seed, warm
from tests.topology.harness import Topology

ROUTES = {"search", "search refine", "negotiation start", "negotiation turn", "influencer create", "health (trivial)",
          "voice negotiation start", "voice turn (stream)", "transcript (evaluator)", "web inbox page"}


def test_a_small_load_run_has_no_errors(topology: Topology, tmp_path: Path) -> None:
    seeded = {**seed(topology.database_url, topology.base_url, 150, real_vectors=False),
              "voice_secret": topology.voice_secret}
    warm(topology.base_url, seeded["key"], rounds=8)
    result = drive(topology.base_url, seeded, users=8, seconds=12, folder=tmp_path, warmup_s=0.5)
    assert result["errors"] == [], result["errors"]
    assert result["total"]["errors"] == 0 and result["total"]["requests"] > 50, result["total"]
    assert {name for name, r in result["routes"].items() if r["requests"] > 0} >= ROUTES, result["routes"]
