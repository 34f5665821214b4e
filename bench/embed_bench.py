"""`python -m bench embed`: the two query embedders side by side (issue 17 item 5, the worker's memory).

Each backend runs in a fresh child process (so neither sees the other's imports), `--reps` times, the
backends alternating: RSS after importing the embedder's libraries, after loading the model, after the
first query and after `--queries` distinct queries (none cached); query latency p50/p95 over those
queries (one thread, as `Embedder.encode_query` runs them); the batch `encode` rate over `--batch`
generated profile texts. Ratios are onnx / torch of the per-rep medians; the spread is min–max over reps.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("onnx", "torch")

_CHILD = r"""
import json, sys, time
def rss(field="VmRSS"):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith(field + ":"))
backend, queries, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = {"start_mb": rss()}
from retrieval import embeddings
out["retrieval_mb"] = rss()  # the service's own imports (numpy, chromadb, ...), before any embedder library
if backend == "onnx":
    import onnxruntime, tokenizers  # noqa: F401
else:
    import torch, sentence_transformers  # noqa: F401
out["import_mb"] = rss()
t = time.perf_counter()
e = embeddings.get_embedder()
out["load_s"], out["load_mb"], out["backend"] = time.perf_counter() - t, rss(), e.backend.name
e.encode_query("warm up")
out["first_query_mb"] = rss()
from bench.search_queries import QUERIES
from bench.search_queries import pct
from retrieval.search import semantic_text
base = [semantic_text(q) or "creators" for _, q in QUERIES]
texts = [f"{base[i % len(base)]} {i}" for i in range(queries)]  # distinct: the cache never answers
times = []
for text in texts:
    t = time.perf_counter()
    e.encode_query(text)
    times.append((time.perf_counter() - t) * 1000)
out["queries_mb"], out["p50_ms"], out["p95_ms"] = rss(), pct(times, 50), pct(times, 95)
out["embedder_mb"] = out["queries_mb"] - out["retrieval_mb"]  # what the embedder adds to a worker
out["queries_anon_mb"], out["queries_file_mb"] = rss("RssAnon"), rss("RssFile")  # file pages are shareable
out["torch_imported"] = "torch" in sys.modules
if batch:
    from data.generator import generate_profiles
    docs = [embeddings.embedding_text(p) for p in generate_profiles(batch, seed=11)]
    t = time.perf_counter()
    e.encode(docs)
    out["batch_texts_per_s"], out["batch_mb"] = batch / (time.perf_counter() - t), rss()
print(json.dumps(out))
"""


def _child(backend: str, queries: int, batch: int) -> dict[str, Any]:
    env = {**os.environ, "EMBEDDING_BACKEND": backend, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _CHILD, backend, str(queries), str(batch)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{backend} child failed: {done.stderr[-1500:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["backend"] != backend:
        raise RuntimeError(f"asked for {backend}, got {result['backend']} (see the log for why)")
    return result


_KEYS = ("retrieval_mb", "import_mb", "load_mb", "first_query_mb", "queries_mb", "embedder_mb", "queries_anon_mb",
         "queries_file_mb", "p50_ms", "p95_ms", "batch_texts_per_s", "batch_mb", "load_s")


def run(reps: int = 3, queries: int = 100, batch: int = 256) -> dict[str, Any]:
    from retrieval.embeddings import ensure_onnx_graph

    ensure_onnx_graph()  # export outside the timed children
    runs: dict[str, list[dict[str, Any]]] = {b: [] for b in BACKENDS}
    for rep in range(reps):
        for backend in BACKENDS if rep % 2 == 0 else BACKENDS[::-1]:
            runs[backend].append(_child(backend, queries, batch))
            print(f"  rep {rep + 1} {backend}: {runs[backend][-1]}", file=sys.stderr)
    summary: dict[str, Any] = {"reps": reps, "queries": queries, "batch": batch, "cpus": os.cpu_count(),
                               "loadavg_at_end": os.getloadavg()[0], "at": time.strftime("%Y-%m-%d %H:%M:%S")}
    for backend, rows in runs.items():
        summary[backend] = {
            key: {"median": statistics.median(r[key] for r in rows), "min": min(r[key] for r in rows),
                  "max": max(r[key] for r in rows)}
            for key in _KEYS if all(key in r for r in rows)
        }
        summary[backend]["torch_imported"] = any(r["torch_imported"] for r in rows)
    summary["ratio_onnx_over_torch"] = {
        key: summary["onnx"][key]["median"] / summary["torch"][key]["median"]
        for key in _KEYS if key in summary["onnx"] and key in summary["torch"] and summary["torch"][key]["median"]
    }
    return summary


def _status(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith(field + ":"))


def _server_pids(port: int) -> tuple[int, list[int]]:
    """(gunicorn master, its workers) of the `python -m api serve` listening on `port`, found through /proc."""
    mine = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                ppid = int(next(ln for ln in (entry / "status").read_text().splitlines() if ln.startswith("PPid:"))
                           .split()[1])
            except (OSError, StopIteration):
                continue
            if b"serve" in cmdline and str(port).encode() in cmdline:
                mine.append((int(entry.name), ppid))
    pids = {pid for pid, _ in mine}
    workers = [pid for pid, ppid in mine if ppid in pids]
    masters = [pid for pid, ppid in mine if ppid not in pids]
    return masters[0], workers


def worker_rss(backend: str, queries: int, profiles: int = 200) -> dict[str, Any]:
    """RSS of one real gunicorn worker (`python -m api serve --workers 1`, embedded stack) after `queries`
    distinct searches over the HTTP API: the embedder's cost as a web worker pays it (no snapshot at 1M)."""
    import tempfile

    import httpx

    from bench import multiworker

    os.environ["EMBEDDING_BACKEND"] = backend
    try:
        with tempfile.TemporaryDirectory() as tmp, multiworker.running_server(Path(tmp), 1, profiles) as (base, key):
            port = int(base.rsplit(":", 1)[1])
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                _, workers = _server_pids(port)
                before = _status(workers[0], "VmRSS")
                for i in range(queries):
                    answer = client.post("/api/v1/search", json={"query": f"vegan recipes and fitness tips {i}"})
                    answer.raise_for_status()
                _, workers = _server_pids(port)
                pid = workers[0]
                return {"backend": backend, "worker_rss_mb_before": before, "worker_rss_mb": _status(pid, "VmRSS"),
                        "worker_anon_mb": _status(pid, "RssAnon"), "worker_file_mb": _status(pid, "RssFile"),
                        "torch_in_worker": "torch" in Path(f"/proc/{pid}/maps").read_text()}
    finally:
        os.environ.pop("EMBEDDING_BACKEND", None)


def print_table(summary: dict[str, Any]) -> None:
    print("| figure | onnx median (min–max) | torch median (min–max) | onnx / torch |")
    print("| --- | --- | --- | --- |")
    for key in _KEYS:
        if key not in summary["onnx"] or key not in summary["torch"]:
            continue
        cells = [f"{s[key]['median']:.1f} ({s[key]['min']:.1f}–{s[key]['max']:.1f})"
                 for s in (summary["onnx"], summary["torch"])]
        print(f"| {key} | {cells[0]} | {cells[1]} | {summary['ratio_onnx_over_torch'][key]:.2f} |")
    for row in summary.get("server", []):
        print(f"| gunicorn worker, {row['backend']}: RSS before / after searches | {row['worker_rss_mb_before']:.0f} / "
              f"{row['worker_rss_mb']:.0f} MB (anon {row['worker_anon_mb']:.0f}, file {row['worker_file_mb']:.0f}) | "
              f"torch mapped: {row['torch_in_worker']} | |")
