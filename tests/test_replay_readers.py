"""Replay readers and the replayer on fixtures written for the purpose (plain text, ElevenLabs) and on CB."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from evals.replay.readers import read_data, read_path
from evals.replay.replayer import DIFFERENT_OFFER, SAME, replay_all, verdict
from evals.replay.report import build_report
from evals.replay.transcript import RecordedDecision

FIXTURES = Path(__file__).parent / "fixtures" / "replay"
DEFAULTS = {"max_usd": "2500", "deliverables": ["1 reel", "2 stories"]}


def test_plain_text_reads_the_good_transcript_and_names_the_bad_line() -> None:
    result = read_path(FIXTURES / "two_negotiations.txt")
    assert [t.id for t in result.transcripts] == ["sarah-spring"]
    sarah = result.transcripts[0]
    assert sarah.setup.max_usd == Decimal(2400) and sarah.setup.deliverables == ["1 reel", "2 stories"]
    assert [t.role for t in sarah.turns] == ["agent", "creator"] * 3 + ["agent"]
    assert sarah.turns[2].decision.action == "counter" and sarah.turns[2].decision.offer_usd == Decimal(1500)
    assert sarah.outcome.status == "agreed" and sarah.outcome.price_usd == Decimal(2200)
    assert len(result.errors) == 1 and "line 16" in result.errors[0].message and "Bob" in result.errors[0].message


def test_elevenlabs_webhook_body_skips_tool_calls_and_merges_one_speaker() -> None:
    result = read_path(FIXTURES / "elevenlabs_webhook.json", DEFAULTS)
    assert not result.errors
    (conv,) = result.transcripts
    assert conv.id == "conv_fixture_1" and conv.source == "elevenlabs"
    assert [t.role for t in conv.turns] == ["agent", "creator", "agent", "creator"]
    assert conv.turns[1].understood["price_usd"] == 3000
    assert conv.turns[3].t_s == 18 and conv.turns[3].understood["injection_suspected"] is True
    assert conv.turns[3].understood["price_usd"] == 2400


def test_elevenlabs_get_conversation_needs_a_budget_and_validates_roles() -> None:
    body = json.loads((FIXTURES / "elevenlabs_webhook.json").read_text())["data"]
    assert "--max-usd" in read_data(body, "conv.json").errors[0].message
    bad = read_path(FIXTURES / "elevenlabs_bad.json", DEFAULTS)
    assert not bad.transcripts and "transcript.0.role" in bad.errors[0].message


def test_craigslist_bad_dialogue_is_reported_and_the_rest_read() -> None:
    good = {"uuid": "C_1", "outcome": {"reward": 1, "offer": {"price": 90}},
            "scenario": {"kbs": [{"personal": {"Role": "buyer", "Target": 100}, "item": {"Price": 120}},
                                 {"personal": {"Role": "seller", "Target": 120}, "item": {"Price": 120}}]},
            "events": [{"action": "message", "agent": 1, "data": "I'd take $110 for it"},
                       {"action": "message", "agent": 0, "data": "How about $90?"},
                       {"action": "offer", "agent": 1, "data": {"price": 90}},
                       {"action": "accept", "agent": 0, "data": None}]}
    bad = {**good, "uuid": "C_2", "events": [{"action": "shout", "agent": 1, "data": "x"}]}
    result = read_data([good, bad], "cb.json")
    assert [t.id for t in result.transcripts] == ["C_1"]
    assert "C_2" in result.errors[0].origin and "events.0.action" in result.errors[0].message
    cb = result.transcripts[0]
    assert cb.setup.max_usd == Decimal(100) and cb.setup.budget_is_ceiling is False
    assert cb.turns[1].decision.offer_usd == Decimal(90) and cb.turns[3].decision.action == "accept"


def test_replay_never_exceeds_the_ceiling_and_reports_per_turn_verdicts() -> None:
    transcripts = read_path(FIXTURES / "two_negotiations.txt").transcripts
    (replay,) = replay_all(transcripts)
    offers = [t.replayed.offer_usd for t in replay.turns if t.replayed and t.replayed.offer_usd is not None]
    assert offers and max(offers) <= Decimal(2400)
    assert replay.first_divergence == next(t.index for t in replay.turns if t.verdict != SAME)
    report = build_report(transcripts)
    assert report["metrics"]["replayed"]["violations"] == 0
    assert report["comparison"]["compared"] == 3


def test_verdicts() -> None:
    from evals.replay.replayer import ReplayedDecision

    now = ReplayedDecision(action="counter", offer_usd=Decimal(1500), act="counter", reason="", text="",
                           wording_source="template", gate=[], status="open", understood={})
    assert verdict(RecordedDecision(action="counter", offer_usd=Decimal(1500)), now) == SAME
    assert verdict(RecordedDecision(action="counter", offer_usd=Decimal(1600)), now) == DIFFERENT_OFFER
    assert verdict(RecordedDecision(action="accept", offer_usd=Decimal(1500)), now) == "different_action"
    assert verdict(None, now) == "no_recorded_reply" and verdict(None, None) == "not_replayed"


def test_policy_override_changes_the_replay_and_bad_keys_are_named() -> None:
    import pytest

    from evals.replay.overrides import OverrideError, policy_config

    transcripts = read_path(FIXTURES / "two_negotiations.txt").transcripts
    base = build_report(transcripts)["transcripts"][0]["turns"]
    low = {"anchor_fair_share": "0.5", "anchor_min_target_share": "0.5"}
    eager = build_report(transcripts, policy=low)["transcripts"][0]["turns"]
    assert [t["replayed"]["offer_usd"] for t in base] != [t["replayed"]["offer_usd"] for t in eager]
    with pytest.raises(OverrideError) as exc:
        policy_config({"no_such_knob": "1", "min_confidence": "abc"})
    assert set(exc.value.fields) == {"no_such_knob", "min_confidence"}
