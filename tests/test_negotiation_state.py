"""The negotiation state machine: the transition table, terminal phases, JSON round trips, expiry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from agent.negotiation.policy import initial_state
from agent.negotiation.state_machine import (
    TERMINAL,
    TRANSITIONS,
    Event,
    InvalidTransition,
    NegotiationSetup,
    NegotiationState,
    Phase,
    expire_if_stale,
    touch,
    transition,
)


def _setup(**changes: object) -> NegotiationSetup:
    values: dict[str, object] = {"target_usd": Decimal("2000"), "max_usd": Decimal("3000"),
                                 "deliverables": ["1 reel", "3 stories"], "usage_rights": "6 months organic",
                                 "followers": 120_000, "engagement_rate": Decimal("3.1")}
    values.update(changes)
    return NegotiationSetup(**values)  # type: ignore[arg-type]


def test_happy_path_follows_the_table() -> None:
    phase = transition(Phase.OPENING, Event.OPEN)
    assert phase == Phase.AWAITING_REPLY
    phase = transition(phase, Event.ASK)
    assert phase == Phase.AWAITING_REPLY
    phase = transition(phase, Event.COUNTER)
    assert phase == Phase.COUNTERING
    assert transition(phase, Event.WAIT) == Phase.COUNTERING
    assert transition(phase, Event.ACCEPT) == Phase.AGREED


@pytest.mark.parametrize(("event", "end"), [(Event.ACCEPT, Phase.AGREED), (Event.WALK_AWAY, Phase.DECLINED),
                                            (Event.STOP, Phase.DECLINED), (Event.ESCALATE, Phase.ESCALATED),
                                            (Event.EXPIRE, Phase.EXPIRED)])
def test_every_live_phase_can_end(event: Event, end: Phase) -> None:
    for phase in (Phase.AWAITING_REPLY, Phase.COUNTERING):
        assert transition(phase, event) == end


def test_terminal_phases_have_no_way_out() -> None:
    for phase in TERMINAL:
        assert not [key for key in TRANSITIONS if key[0] == phase]
        with pytest.raises(InvalidTransition):
            transition(phase, Event.COUNTER)


def test_opening_cannot_be_skipped() -> None:
    with pytest.raises(InvalidTransition):
        transition(Phase.OPENING, Event.ACCEPT)


def test_state_status_follows_phase() -> None:
    state = initial_state(_setup()).apply(Event.OPEN)
    assert (state.phase, state.status) == ("awaiting_reply", "open")
    agreed = state.apply(Event.COUNTER).apply(Event.ACCEPT)
    assert (agreed.phase, agreed.status, agreed.is_closed) == ("agreed", "agreed", True)
    assert state.phase == "awaiting_reply"  # apply returns a copy


def test_state_round_trips_through_json_with_decimals() -> None:
    state = initial_state(_setup()).copy(agent_offers=[Decimal("1800.00")], creator_asks=[Decimal("2900.50")],
                                         agreed_price_usd=Decimal("2500.25"))
    restored = NegotiationState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert restored == state
    assert isinstance(restored.agent_offers[0], Decimal)
    assert restored.negotiation_setup() == _setup()


def test_setup_normalizes_and_validates() -> None:
    setup = _setup(deliverables=["3 Stories", "one reel"])
    assert setup.deliverables == ["1 reel", "3 stories"]
    assert NegotiationSetup.from_dict(json.loads(json.dumps(setup.to_dict()))) == setup
    with pytest.raises(ValueError):
        _setup(target_usd=Decimal("4000"))
    with pytest.raises(ValueError):
        _setup(deliverables=[])


def test_silence_past_the_deadline_expires_an_open_negotiation() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    state = touch(initial_state(_setup(expire_after_hours=48)).apply(Event.OPEN), now)
    assert expire_if_stale(state, now + timedelta(hours=47)).status == "open"
    expired = expire_if_stale(state, now + timedelta(hours=49))
    assert (expired.status, expired.phase) == ("expired", "expired")
    assert expire_if_stale(expired, now + timedelta(days=9)) == expired
