"""Replay throughput (`python -m bench replay`): 1,000 CraigslistBargain dialogues against the bare engine loop.

Both sides get the same transcripts (read once, before timing) and the same engine calls:
- baseline: the bare loop production runs per message: `open_negotiation`, then `take_turn` on each recorded
  creator message (a creator turn recorded without words is taken from its recorded understanding) until the
  negotiation closes. Nothing is kept.
- ours: `evals.replay.replayer.replay_all` (the same loop plus the per-turn comparison with the recording, the
  deal-probability points of both sides scored in one batch) and then the report laid out (`report_dict`:
  set metrics, AUC/Brier, per-turn rows).
Reported: creator turns replayed per CPU second for each, the ratio ours / baseline (target >= 0.8), where the
replay's extra time goes (the comparison alone, i.e. `replay_transcript` without deal-probability points; the
points' feature rows and model batch; the report layout), and the peak Python memory (tracemalloc, a separate
untimed pass) of each side. Within each timed pass the sides alternate every 100 dialogues (see `_timed`), best of
`reps` passes kept, because the machine is shared. The dev split holds 596 readable dialogues, so the 1,000
are the split cycled (dialogues 597+ repeat the first ones).
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from agent.negotiation.engine import NegotiationClosed, open_negotiation, take_turn
from agent.negotiation.types import Understanding
from evals.replay.readers import read_path
from evals.replay.replayer import START, engine_setup, replay_all, replay_transcript
from evals.replay.report import report_dict
from evals.replay.transcript import Transcript

_DEV = Path("shared") / "datasets" / "craigslistbargain" / "dev.json"


def dev_split() -> Path:
    """The CB dev split in `../shared/` beside the checkout (looked up from here, so a worktree finds it too)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / _DEV).is_file():
            return parent / _DEV
    raise FileNotFoundError(f"no {_DEV} in any folder above {Path(__file__).parent}")


def bare_loop(transcripts: list[Transcript]) -> int:
    """The engine alone on every creator turn; returns the turns taken."""
    taken = 0
    for t in transcripts:
        now = START
        state, _, _ = open_negotiation(engine_setup(t.setup), now=now)
        for turn in t.turns:
            if turn.role != "creator" or state.is_closed:
                continue
            now += timedelta(hours=1)
            kwargs: dict[str, Any] = {"now": now}
            if not turn.text:
                u = Understanding.model_validate(turn.understood or {})
                kwargs["understander"] = lambda _text, _state, u=u: u
            try:
                state = take_turn(state, turn.text or "", **kwargs).new_state
            except NegotiationClosed:
                break
            taken += 1
    return taken


def comparison_only(transcripts: list[Transcript]) -> int:
    """The replay's per-turn comparison without deal-probability points (no scorer)."""
    replays = [replay_transcript(t) for t in transcripts]
    return sum(1 for r in replays for x in r.turns if x.replayed is not None)


def full_replay(transcripts: list[Transcript]) -> int:
    replays = replay_all(transcripts)
    report_dict(replays)
    return sum(1 for r in replays for x in r.turns if x.replayed is not None)


Side = Callable[[list[Transcript]], int]


def _timed(sides: dict[str, Side], transcripts: list[Transcript], reps: int,
           chunk: int = 100) -> dict[str, tuple[float, int, float]]:
    """Best (CPU seconds, turns, wall seconds) per side over `reps` passes over the set.

    The ratio is taken on CPU time (`time.process_time`): both sides are single-threaded Python, so CPU time is
    the work done, while wall time on this shared 2-core machine also counts other processes' turns. Within a
    pass the sides alternate every `chunk` dialogues (each side replays the set as consecutive sets of
    `chunk`): this host's slow spells last seconds, and alternating whole 1.5 s passes let one land on one side
    only (ratios from 0.64 to 0.80 in one hour, measured), where 0.15 s slices share it."""
    best: dict[str, tuple[float, int, float]] = {}
    slices = [transcripts[i:i + chunk] for i in range(0, len(transcripts), chunk)]
    for _ in range(reps):
        totals = {name: [0.0, 0, 0.0] for name in sides}
        for part in slices:
            for name, fn in sides.items():
                gc.collect()
                cpu, wall = time.process_time(), time.perf_counter()
                turns = fn(part)
                total = totals[name]
                total[0] += time.process_time() - cpu
                total[1] += turns
                total[2] += time.perf_counter() - wall
        for name, (cpu, turns, wall) in totals.items():
            if name not in best or cpu < best[name][0]:
                best[name] = (cpu, turns, wall)
    return best


def _peak_mb(fn: Callable[[list[Transcript]], int], transcripts: list[Transcript]) -> float:
    gc.collect()
    tracemalloc.start()
    fn(transcripts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(peak / 2**20, 1)


def run(count: int = 1000, reps: int = 2, path: Path | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    read = read_path(path or dev_split())
    if not read.transcripts:
        raise SystemExit(f"no readable dialogue in {path or dev_split()}: {read.errors[:3]}")
    readable = read.transcripts
    transcripts = [readable[i % len(readable)] for i in range(count)]
    read_s = time.perf_counter() - started
    full_replay(transcripts[:20])  # warm-up: model load, template compilation
    bare_loop(transcripts[:20])
    timed = _timed({"bare": bare_loop, "replay": full_replay, "comparison": comparison_only}, transcripts, reps)
    (bare_s, bare_turns, bare_wall), (ours_s, ours_turns, ours_wall) = timed["bare"], timed["replay"]
    comparison_s = timed["comparison"][0]
    result = {
        "dialogues": count, "distinct_dialogues": len(readable), "unreadable": len(read.errors),
        "recorded_turns": sum(len(t.turns) for t in transcripts),
        "creator_turns_replayed": ours_turns, "read_s": round(read_s, 2),
        "baseline_bare_take_turn": {"cpu_seconds": round(bare_s, 3), "wall_seconds": round(bare_wall, 3),
                                    "turns": bare_turns,
                                    "turns_per_s": round(bare_turns / bare_s, 1),
                                    "peak_python_mb": _peak_mb(bare_loop, transcripts)},
        "replay": {"cpu_seconds": round(ours_s, 3), "wall_seconds": round(ours_wall, 3), "turns": ours_turns,
                   "turns_per_s": round(ours_turns / ours_s, 1),
                   "peak_python_mb": _peak_mb(full_replay, transcripts)},
    }
    result["replay_time_split_s"] = {
        "engine_and_comparison": round(comparison_s, 3),
        "deal_probability_points_and_report": round(max(0.0, ours_s - comparison_s), 3)}
    result["ratio_comparison_only"] = round(bare_s / comparison_s, 3)
    bare = result["baseline_bare_take_turn"]["turns_per_s"]
    result["ratio_turns_per_s"] = round(result["replay"]["turns_per_s"] / bare, 3)
    result["target_ratio"] = 0.8
    result["whole_run_s"] = round(time.perf_counter() - started, 1)
    return result
