"""How the creator is holding: firm, mirroring our own hold, or still moving; and whether our best and final may be
restated once more. Read by the policy (`policy.py`) before it places a number."""

from __future__ import annotations

from decimal import Decimal

from agent.negotiation.concession import running_minimum, stall_streak
from agent.negotiation.policy_terms import PolicyConfig
from agent.negotiation.state_machine import NegotiationState
from agent.negotiation.types import Intent, Understanding


def firmness_of(state: NegotiationState, u: Understanding, asks: list[Decimal], ask: Decimal | None,
                config: PolicyConfig) -> int:
    """0: moving; 1: a first sign of holding (one reply without moving after three counters, or a refusal
    without a price, or two holds against a number we had just repeated); 2: holding firm (twice without moving
    while we moved)."""
    streak = stall_streak(asks, config.concession)
    if streak >= 2:
        # Holding against a number we just repeated mirrors our own hold: not yet firmness. A counterpart who
        # matches moves waits for ours, and taking the mutual hold as firm accepted their ask (or sent the
        # ceiling) without a single step between; a best and final between comes first.
        offers = state.agent_offers
        return 1 if len(offers) >= 2 and offers[-1] == offers[-2] else 2
    if streak >= 1 and state.counters >= 3:
        return 1
    if u.intent == Intent.REJECT and ask is None and asks and state.counters >= 2:
        return 1
    return 0


def may_restate(state: NegotiationState, ask: Decimal, ceiling: Decimal, config: PolicyConfig) -> bool:
    """Hold our best-and-final once more for a creator within `restate_margin` of it, or one coming down fast
    enough to reach it in the rounds left, but never send one number a third time after they moved twice in a row."""
    offers, asks = state.agent_offers, running_minimum(state.creator_asks)
    if ask > ceiling * (1 + config.restate_margin) and not _within_reach(state, asks, ceiling):
        return False
    same = 0
    for offer in reversed(offers):
        if offer != offers[-1]:
            break
        same += 1
    if same >= 3:
        return False
    return same < 2 or len(asks) < 2 or asks[-1] >= asks[-2]


def moved(asks: list[Decimal]) -> bool:
    """The creator came down in their latest reply (running minimum of their asks)."""
    return len(asks) >= 2 and asks[-1] < asks[-2]


def _within_reach(state: NegotiationState, asks: list[Decimal], ceiling: Decimal) -> bool:
    """Their latest concession, repeated for every round left, would bring them down to `ceiling`."""
    if not moved(asks):
        return False
    rounds_left = int(state.setup.get("max_rounds", 8)) - state.round
    return asks[-1] - (asks[-2] - asks[-1]) * max(0, rounds_left) <= ceiling
