"""`python -m bench replay` measures like for like: both sides take the same creator turns (no timing asserted)."""

from __future__ import annotations

import json

import pytest

from bench import replay_bench


def test_the_baseline_and_the_replay_take_the_same_turns(tmp_path) -> None:
    try:
        dev = replay_bench.dev_split()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    path = tmp_path / "cb.json"
    path.write_text(json.dumps(json.loads(dev.read_text())[:20]))
    result = replay_bench.run(count=30, reps=1, path=path)
    bare, ours = result["baseline_bare_take_turn"], result["replay"]
    assert bare["turns"] == ours["turns"] == result["creator_turns_replayed"] > 0
    assert result["dialogues"] == 30 and result["recorded_turns"] > result["creator_turns_replayed"]
    assert set(result["replay_time_split_s"]) == {"engine_and_comparison", "deal_probability_points_and_report"}
