"""Search under writes on a real multi-worker server: `python -m bench multiworker`.

What issue 10 measured: `python -m api serve` (gunicorn, several workers, embedded SQLite + Chroma in a
temporary folder), new profiles created through HTTP while other clients search, then every new profile
looked up through search. Reported: requests, 5xx answers, new profiles findable by a filter (SQL side)
and by their own topic (vector side: a profile without a vector cannot come first on similarity).

The server is started from the current directory's code, so the same script measures any checkout.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

# Distinct, well-separated topics: the profile created with topic i must come first when searching topic i.
TOPICS = (
    "underwater welding", "competitive beekeeping", "vintage typewriter repair", "sourdough bread baking",
    "rock climbing in Yosemite", "retro arcade restoration", "orchid cultivation", "marathon training plans",
    "ice sculpture carving", "bonsai tree styling", "amateur astronomy", "blacksmith knife forging",
    "salsa dancing lessons", "chess opening theory", "urban beekeeping", "skateboard deck design",
    "wild mushroom foraging", "classic car detailing", "origami paper folding", "falconry and birds of prey",
    "sailing the Caribbean", "pottery wheel throwing", "k-pop dance covers", "home coffee roasting",
    "tarot card reading", "scuba diving reefs", "beatboxing tutorials", "woodturning bowls",
    "stand-up comedy clips", "calligraphy lettering", "aquarium aquascaping", "drone cinematography",
    "mechanical keyboards", "ballet technique", "crossfit workouts", "vegan pastry recipes",
    "stock market investing", "piano covers of film scores", "cosplay armor crafting", "dog agility training",
    "tiny house living", "medieval history explainers", "electric guitar pedals", "knitting sweaters",
    "tea ceremony traditions", "parkour freerunning", "watch collecting", "hot sauce reviews",
)
MIN_FOLLOWERS = 9_000_000  # above any generated profile: a filter that matches the new profiles only


@dataclass
class Tally:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, response: httpx.Response | None, error: str | None = None) -> None:
        with self.lock:
            self.requests += 1
            if response is not None:
                self.statuses[response.status_code] += 1
                if response.status_code >= 500 and len(self.errors) < 5:
                    self.errors.append(f"{response.status_code} {response.text[:200]}")
            elif error:
                self.statuses[0] += 1
                self.errors.append(error)

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500 or code == 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{root / 'app.db'}",
        CHROMA_PATH=str(root / "chroma"),
        OUTBOX_DIR=str(root / "outbox"),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        ANONYMIZED_TELEMETRY="False",
        RATE_LIMIT_DEFAULT="100000 per minute",
    )
    env.pop("CHROMA_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    return env


def _cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "api", *args], env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"python -m api {' '.join(args)} failed: {out.stderr[-2000:]}")
    return out.stdout


@contextmanager
def running_server(root: Path, workers: int, seed_count: int) -> Iterator[tuple[str, str]]:
    """(base URL, admin API key) of `python -m api serve` on a free port; stopped (TERM, then KILL) on exit."""
    env = _env(root)
    _cli(env, "migrate")
    _cli(env, "create-org", "bench")
    _cli(env, "seed", "--count", str(seed_count), "--org", "bench")
    key = _cli(env, "create-key", "--org", "bench", "--role", "admin").strip().splitlines()[-1]
    port = free_port()
    env["WEB_CONCURRENCY"] = str(workers)
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, root / "server.log")
        yield base, key
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log_path: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("server did not become ready")


def new_profile(i: int, run: str, niches: list[str] | None = None) -> dict[str, Any]:
    """Profile i; `niches`: what the query parser reads into its topic (a niche filter must not exclude it)."""
    topic = TOPICS[i % len(TOPICS)]
    handle = f"mw{run}{i}"
    return {
        "name": f"Multiworker Creator {i}",
        "handle": handle,
        "bio": f"All about {topic}.",
        "niches": sorted({"lifestyle", *(niches or [])}),
        "topics": [topic],
        "platforms": [{"platform": "youtube", "handle": handle, "followers": MIN_FOLLOWERS + i,
                       "engagement_rate": 3.0}],
        "recent_posts": [{"platform": "youtube", "text": f"My week of {topic}", "posted_at": "2026-11-01T10:00:00Z"}],
    }


def search(client: httpx.Client, tally: Tally, query: str, limit: int = 20) -> dict[str, Any] | None:
    try:
        response = client.post("/api/v1/search", json={"query": query, "limit": limit})
    except httpx.HTTPError as exc:
        tally.add(None, f"{type(exc).__name__}: {exc}")
        return None
    tally.add(response)
    return response.json() if response.status_code == 200 else None


def exercise(base: str, key: str, creates: int, searches_per_create: int, threads: int = 4) -> dict[str, Any]:
    """`creates` new profiles from `threads` clients, each create followed by searches; then look them all up."""
    tally = Tally()
    run = os.urandom(3).hex()
    created: dict[int, str] = {}
    queries = ("beauty creators in Los Angeles", "fitness creators with 50K+ followers", "vegan recipes",
               f"creators with {MIN_FOLLOWERS // 1_000_000}M+ followers")
    headers = {"Authorization": f"Bearer {key}"}

    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        niches = {i: client.post("/api/v1/search/parse", json={"query": TOPICS[i % len(TOPICS)]}).json()
                  ["parsed"].get("niches") or [] for i in range(creates)}

    def client_loop(worker: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            for i in range(worker, creates, threads):
                try:
                    response = client.post("/api/v1/influencers", json=new_profile(i, run, niches[i]))
                    tally.add(response)
                    if response.status_code == 201:
                        created[i] = response.json()["id"]
                except httpx.HTTPError as exc:
                    tally.add(None, f"{type(exc).__name__}: {exc}")
                for j in range(searches_per_create):
                    search(client, tally, queries[(i + j) % len(queries)])

    pool = [threading.Thread(target=client_loop, args=(w,)) for w in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"tally": tally, "created": created, "headers": headers}


def findable(base: str, headers: dict[str, str], created: dict[int, str], tally: Tally) -> tuple[int, int]:
    """(found by the follower filter, first on their own topic) over the created profiles."""
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        listed = search(client, tally, f"creators with {MIN_FOLLOWERS // 1_000_000}M+ followers", limit=200)
        by_filter = {r["influencer"]["id"] for r in (listed or {}).get("results", [])}
        first_on_topic = 0
        for i, influencer_id in created.items():
            got = search(client, tally, f"{MIN_FOLLOWERS // 1_000_000}M+ followers {TOPICS[i % len(TOPICS)]}")
            results = (got or {}).get("results") or []
            first_on_topic += bool(results) and results[0]["influencer"]["id"] == influencer_id
    return len(by_filter & set(created.values())), first_on_topic


def run(workers: int = 3, creates: int = 48, searches_per_create: int = 3, seed_count: int = 300,
        settle_s: float = 3.0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-multiworker-") as tmp:
        root = Path(tmp)
        with running_server(root, workers, seed_count) as (base, key):
            out = exercise(base, key, creates, searches_per_create)
            time.sleep(settle_s)  # the refresh interval (1 s) plus embedding time
            tally: Tally = out["tally"]
            during = tally.requests, tally.server_errors
            by_filter, by_topic = findable(base, out["headers"], out["created"], tally)
            log = (root / "server.log").read_text(errors="replace")
    return {
        "workers": workers,
        "requests_during_writes": during[0],
        "server_errors_during_writes": during[1],
        "requests": tally.requests,
        "server_errors": tally.server_errors,
        "statuses": dict(sorted(tally.statuses.items())),
        "created": len(out["created"]),
        "findable_by_filter": by_filter,
        "first_on_own_topic": by_topic,
        "error_samples": tally.errors,
        "tracebacks_in_log": log.count("Traceback"),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
