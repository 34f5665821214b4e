"""What is stored beside each agent message: the decision whole, the wording facts and the numbers behind it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from agent.negotiation.decision_record import decision_record
from agent.negotiation.engine import NegotiationSetup, open_negotiation, take_turn
from agent.negotiation.types import Decision

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _state():
    setup = NegotiationSetup(target_usd=Decimal(1500), max_usd=Decimal(2400), deliverables=["1 reel", "2 stories"],
                             usage_rights="6 months organic", followers=120_000, engagement_rate=Decimal("3.5"))
    return open_negotiation(setup, now=NOW)[0]


def test_fields_the_policy_adds_to_decision_are_stored_without_a_change_here() -> None:
    class WithRationale(Decision):
        rationale: dict[str, Any] = Field(default_factory=dict)

    state = _state()
    decision = WithRationale(action="counter", offer_usd=Decimal(1500), reason="Boulware concession",
                             rationale={"step": "0.02", "tactic": "boulware"})
    record = decision_record(decision, state, state, act="counter", wording_source="llm",
                             gate_problems=["price in text differs"])
    assert record["rationale"] == {"step": "0.02", "tactic": "boulware"}
    assert record["action"] == "counter" and record["offer_usd"] == 1500 and record["reason"] == "Boulware concession"
    assert record["wording_source"] == "llm" and record["gate"] == {"passed": False,
                                                                      "problems": ["price in text differs"]}


def test_the_numbers_follow_the_negotiation() -> None:
    state = _state()
    first = take_turn(state, "My rate is $3,000.", now=NOW)
    second = take_turn(first.new_state, "I could do $2,600.", now=NOW)
    numbers = decision_record(second.decision, first.new_state, second.new_state, act=second.act)["numbers"]
    assert numbers["max_usd"] == 2400 and numbers["target_usd"] == 1500
    assert 0 < numbers["package_ceiling_usd"] <= 2400
    assert numbers["creator_ask_usd"] == 2600 and numbers["round"] == 2
    assert Decimal(str(numbers["previous_offer_usd"])) == first.decision.offer_usd
    assert Decimal(str(numbers["concession_usd"])) == second.decision.offer_usd - first.decision.offer_usd
    # Two asks of 3,000 then 2,600: the floor they head to is below the last ask.
    assert numbers["predicted_floor_usd"] is not None and numbers["predicted_floor_usd"] < 2600
    assert numbers["boulware_deadline"] >= 2


def test_a_policy_without_those_helpers_still_records_the_decision(monkeypatch) -> None:
    from agent.negotiation import policy

    monkeypatch.delattr(policy, "predicted_floor")
    state = _state()
    record = decision_record(Decision(action="ask"), state, state, act="opening")
    assert record["numbers"] == {} and record["action"] == "ask" and record["gate"]["passed"] is True
