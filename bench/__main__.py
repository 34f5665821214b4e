"""`python -m bench [all|search|launch|deal|replay|voice|multiworker|load|import|embed]`: `make bench` runs `all`
(search at 10k and 100k, launch, deal, and load when a PostgreSQL URL is set: BENCH_DATABASE_URL or
TEST_DATABASE_URL)."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmarks (results under bench/results/).")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("all", help="search (10k, 100k), launch (200 creators), deal: what `make bench` runs")
    deal = sub.add_parser("deal", help="deal-probability cost per turn vs scikit-learn's own predict")
    deal.add_argument("--calls", type=int, default=2000)
    launch = sub.add_parser("launch", help="campaign launch throughput over SMTP vs a raw SMTP send loop")
    launch.add_argument("--count", type=int, default=200)
    launch.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    rp = sub.add_parser("replay", help="replay of 1,000 CraigslistBargain dialogues vs the bare take_turn loop")
    rp.add_argument("--count", type=int, default=1000)
    rp.add_argument("--reps", type=int, default=2, help="timed passes per side (best kept)")
    mw = sub.add_parser("multiworker", help="search while creating profiles on a real multi-worker server (issue 10)")
    mw.add_argument("--workers", type=int, default=3)
    mw.add_argument("--creates", type=int, default=48)
    ld = sub.add_parser("load", help="locust against the production topology: search, refine, negotiation turns, "
                        "influencer writes and health at each concurrency (needs PostgreSQL, redis-server)")
    ld.add_argument("--users", default="20,50", help="comma-separated concurrency levels (default 20,50)")
    ld.add_argument("--seconds", type=float, default=30.0, help="measured seconds per level")
    ld.add_argument("--profiles", type=int, default=1000, help="generated profiles to search (MiniLM vectors, cached)")
    ld.add_argument("--database-url", default=None, help="default: BENCH_DATABASE_URL or TEST_DATABASE_URL")
    imp = sub.add_parser("import", help="import parsing of a messy CSV with and without content sniffing vs DictReader")
    imp.add_argument("--count", type=int, default=100_000)
    imp.add_argument("--reps", type=int, default=2)
    em = sub.add_parser("embed", help="query embedder memory and latency: onnxruntime vs sentence-transformers/torch")
    em.add_argument("--reps", type=int, default=3, help="fresh processes per backend (alternating)")
    em.add_argument("--queries", type=int, default=100, help="distinct query texts per process")
    em.add_argument("--batch", type=int, default=256, help="profile texts for the batch encode rate (0: skip)")
    em.add_argument("--server", action="store_true", help="also a real gunicorn worker's RSS per backend")
    sub.add_parser("voice", help="custom-LLM time to first byte / last chunk over 200 turns vs an SSE echo")
    s = sub.add_parser("search", help="search latency, recall@10, build rate and memory vs a chroma-where baseline")
    s.add_argument("--sizes", default="10000,100000", help="comma-separated profile counts (default 10000,100000)")
    s.add_argument("--quick", action="store_true", help="10k only, fewer repetitions, no build-rate run")
    s.add_argument(
        "--embed-limit",
        type=int,
        default=int(os.environ.get("BENCH_EMBED_LIMIT", "10000")),
        help="profiles embedded with MiniLM (cached under var/bench/); the rest reuse vectors",
    )
    s.add_argument("--reps", type=int, default=20, help="passes over the query mix for our search")
    s.add_argument("--baseline-reps", type=int, default=5, help="passes over the query mix for the baseline")
    s.add_argument("--shared", action="store_true",
                   help="search over the shared memory-mapped snapshot (no SQL/chroma; bench/scale_bench.py)")
    s.add_argument("--build-subset", type=int, default=256, help="profiles for the build-rate comparison (0: skip)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if args.command in (None, "all"):
        failed = main(["search"]) or main(["launch"]) or main(["deal"])
        if failed or not _postgres_url():
            print("load: skipped (set BENCH_DATABASE_URL to a PostgreSQL database to run it)", file=sys.stderr)
            return failed
        return main(["load"])
    if args.command == "load":
        from bench.load_run import print_table
        from bench.load_run import run as load_run

        result = load_run([int(x) for x in args.users.split(",") if x.strip()], args.seconds, args.profiles,
                          args.database_url)
        _report("load", result)
        print_table(result)
        return 0 if result["met"] else 1
    if args.command == "multiworker":
        from bench.multiworker import run as multiworker_run

        return _report("multiworker", multiworker_run(workers=args.workers, creates=args.creates))
    if args.command == "import":
        from bench.import_bench import run as import_run

        result = import_run(args.count, args.reps)
        _report("import", result)
        return 0 if result["meets_target"] else 1
    if args.command == "embed":
        from bench.embed_bench import print_table
        from bench.embed_bench import run as embed_run

        result = embed_run(args.reps, args.queries, args.batch)
        if args.server:
            from bench.embed_bench import worker_rss

            result["server"] = [worker_rss(b, args.queries) for _ in range(args.reps) for b in ("onnx", "torch")]
        _report("embed", result)
        print_table(result)
        return 0
    if args.command == "voice":
        from bench.voice_bench import main as voice_main

        return voice_main()
    if args.command == "launch":
        return _launch(args.count, args.database_url)
    if args.command == "replay":
        from bench.replay_bench import run as replay_run

        result = replay_run(args.count, args.reps)
        _report("replay", result)
        return 0 if result["ratio_turns_per_s"] >= result["target_ratio"] else 1
    if args.command == "deal":
        from bench.deal_bench import run

        return _report("deal", run(args.calls))
    from bench.search_bench import main as search_main

    if args.quick:
        return search_main([10_000], quick=True, embed_limit=min(args.embed_limit, 10_000), reps=5, baseline_reps=2)
    sizes = [int(x.replace("_", "")) for x in args.sizes.split(",") if x.strip()]
    if args.shared:
        from bench.scale_bench import main as shared_main

        return shared_main(sizes, embed_limit=args.embed_limit, reps=args.reps)
    return search_main(
        sizes,
        embed_limit=args.embed_limit,
        reps=args.reps,
        baseline_reps=args.baseline_reps,
        build_subset=args.build_subset,
    )


def _postgres_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    return url if url and url.startswith("postgresql") else None


def _launch(count: int, database_url: str | None) -> int:
    from bench.launch_bench import run

    result = run(count, database_url)
    _report("launch", result)
    return 0 if result["delivered"] == count else 1


def _report(name: str, result: dict) -> int:
    """Print the result and keep it as bench/results/<name>_<time>.json."""
    import json
    import time
    from pathlib import Path

    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / f"{name}_{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
