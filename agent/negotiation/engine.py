"""The negotiation engine: understanding → policy → wording, one pure function per turn (no database).

The caller (the HTTP routes, the voice channel, the simulation) persists `NegotiationState.to_dict()`
between turns and passes it back; nothing else is remembered here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from agent.llm import LLMProvider
from agent.negotiation.policy import PolicyConfig, decide, initial_state, open_decision
from agent.negotiation.state_machine import (
    NegotiationSetup,
    NegotiationState,
    expire_if_stale,
    iso,
    touch,
)
from agent.negotiation.types import Decision, Understanding
from agent.negotiation.understanding import NegotiationContext, understand
from agent.negotiation.wording import Wording, WordingContext, opener, word

__all__ = [
    "NegotiationClosed",
    "NegotiationSetup",
    "NegotiationState",
    "TurnResult",
    "expire_if_stale",
    "open_negotiation",
    "take_turn",
]

Understander = Callable[[str, NegotiationState], Understanding]


class NegotiationClosed(RuntimeError):
    """A message arrived for a negotiation that already ended (the API answers 409)."""


@dataclass(frozen=True)
class TurnResult:
    new_state: NegotiationState
    understanding: Understanding
    decision: Decision
    reply_text: str
    status: str
    act: str
    """The wording act chosen by the policy (counter, final_offer, lever_usage, accept, walk_away, …)."""
    wording_source: str = "template"
    gate_problems: list[str] = field(default_factory=list)


def context_for(state: NegotiationState) -> NegotiationContext:
    return NegotiationContext(last_agent_offer_usd=state.last_offer, deliverables=tuple(state.deliverables))


def understand_message(text: str, state: NegotiationState) -> Understanding:
    """The default understanding: the offline rule-based reader, against the terms on the table."""
    return understand(text, context=context_for(state))


def _wording_context(state: NegotiationState, creator_text: str = "") -> WordingContext:
    setup = state.setup
    return WordingContext(
        language=setup.get("language", "en"), brand=setup.get("brand") or "our brand",
        campaign=setup.get("campaign") or "", creator_name=setup.get("creator_name"),
        sender_name=setup.get("sender_name"), product=setup.get("product"), seed=int(setup.get("seed", 0)),
        round=state.round, creator_text=creator_text, previous_opener=state.last_opener,
    )


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def open_negotiation(setup: NegotiationSetup, *, provider: LLMProvider | None = None,
                     now: datetime | None = None) -> tuple[NegotiationState, Decision, str]:
    """Start a negotiation: the state to persist, the opening decision and the opening message text."""
    moment = _now(now)
    state = initial_state(setup).copy(created_at=iso(moment))
    result = open_decision(state)
    wording: Wording = word(result.act, result.decision, _wording_context(result.state), provider=provider)
    state = result.state.copy(last_opener=opener(wording.text))
    return touch(state, moment), result.decision, wording.text


def take_turn(state: NegotiationState, text: str, *, provider: LLMProvider | None = None,
              now: datetime | None = None, understander: Understander | None = None,
              config: PolicyConfig | None = None) -> TurnResult:
    """One creator message in, the agent's decision and reply out. Raises NegotiationClosed when it ended."""
    if state.is_closed:
        raise NegotiationClosed(f"negotiation is {state.status}")
    understanding = (understander or understand_message)(text, state)
    result = decide(state, understanding, config) if config else decide(state, understanding)
    context = _wording_context(result.state.copy(last_opener=state.last_opener), text)
    wording = word(result.act, result.decision, context, provider=provider)
    new_state = touch(result.state.copy(last_opener=opener(wording.text)), _now(now))
    return TurnResult(new_state=new_state, understanding=understanding, decision=result.decision,
                      reply_text=wording.text, status=new_state.status, act=result.act,
                      wording_source=wording.source, gate_problems=list(wording.problems))
