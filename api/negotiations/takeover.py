"""Human takeover of a negotiation: a person pauses the agent, writes replies themselves, hands back.

While a person holds it (`state["takeover"]`), creator messages are recorded without an agent turn
(`agent.negotiation.service.NegotiationPaused`). A person's reply goes through the same guard as the agent's:
its price may not exceed the package's ceiling under the budget, and its text must say that price and nothing
the decision does not hold (`agent.negotiation.gate.validate`). Accepting or walking away ends the negotiation as
the agent's would; an escalated negotiation can be taken over to approve or reject what the agent escalated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from agent.negotiation import gate, policy
from agent.negotiation.service import _next_seq, _record_probability, _sync_columns, taken_over
from agent.negotiation.state_machine import NegotiationState, Phase, iso
from agent.negotiation.types import Action, Decision
from data.models import Negotiation, NegotiationMessage, Offer
from data.statuses import NegotiationStatus


class TakeoverError(Exception):
    """The request does not fit the negotiation's state; `field` names the offending input, if any."""

    def __init__(self, message: str, *, status: int = 409, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.field = field


@dataclass(frozen=True)
class PersonReply:
    text: str
    action: Action
    offer_usd: Decimal | None


def ceiling(state: NegotiationState, deliverables: list[str] | None = None) -> Decimal:
    """The most any offer may be for this package: the policy's package ceiling, never above max_usd."""
    package = policy.package(state, list(deliverables or state.deliverables), state.usage_rights)
    return min(Decimal(package.ceiling), state.max_usd)


def take_over(neg: Negotiation, actor: str, now: datetime | None = None) -> None:
    if taken_over(neg):
        raise TakeoverError(f"already taken over by {taken_over(neg)['by']}")
    if neg.status not in (NegotiationStatus.OPEN, NegotiationStatus.ESCALATED):
        raise TakeoverError(f"this negotiation is {neg.status}; there is nothing to take over")
    neg.state = {**(neg.state or {}), "takeover": {"by": actor, "at": iso(now or datetime.now(UTC)),
                                                   "status_before": neg.status}}


def resume(neg: Negotiation) -> None:
    """Hand back to the agent. An escalation the person did not settle goes back to negotiating."""
    held = taken_over(neg)
    if not held:
        raise TakeoverError("nobody has taken this negotiation over")
    state = dict(neg.state)
    state.pop("takeover", None)
    if neg.status == NegotiationStatus.ESCALATED:
        phase = Phase.COUNTERING if state.get("agent_offers") else Phase.AWAITING_REPLY
        state.update(phase=phase.value, status=NegotiationStatus.OPEN.value)
        neg.status = NegotiationStatus.OPEN
        neg.closed_at = None
    neg.state = state


def _decision(state: NegotiationState, reply: PersonReply) -> Decision:
    return Decision(action=reply.action, offer_usd=reply.offer_usd, deliverables=list(state.deliverables),
                    usage_rights=state.usage_rights, reason="written by a person")


def check(state: NegotiationState, reply: PersonReply) -> Decision:
    """The guard a person's reply passes before it is stored: the ceiling, then the gate on the words."""
    if reply.action in (Action.COUNTER, Action.ACCEPT) and reply.offer_usd is None:
        raise TakeoverError(f"a {reply.action.value} needs offer_usd", status=422, field="offer_usd")
    if reply.action in (Action.REJECT, Action.ASK) and reply.offer_usd is not None:
        raise TakeoverError(f"a {reply.action.value} carries no offer", status=422, field="offer_usd")
    decision = _decision(state, reply)
    try:
        policy.guard(decision, state)  # the very check every agent offer passes
    except policy.BudgetViolation:
        raise TakeoverError(f"{reply.offer_usd} is above the ceiling of {ceiling(state)} for this package",
                            status=422, field="offer_usd") from None
    problems = gate.validate(reply.text, decision, product_allowed=bool(state.setup.get("product")))
    if problems:
        raise TakeoverError("the reply does not match its terms: " + "; ".join(problems), status=422, field="text")
    return decision


def _next_state(state: NegotiationState, decision: Decision) -> NegotiationState:
    after = state.copy(last_action=decision.action.value, last_act="person")
    if decision.offer_usd is not None and decision.action == Action.COUNTER:
        after.agent_offers.append(decision.offer_usd)
        after.counters += 1
    if decision.action == Action.ACCEPT:
        after = after.copy(phase=Phase.AGREED.value, status=NegotiationStatus.AGREED.value,
                           agreed_price_usd=decision.offer_usd)
    elif decision.action == Action.REJECT:
        after = after.copy(phase=Phase.DECLINED.value, status=NegotiationStatus.DECLINED.value)
    elif decision.action == Action.COUNTER and Phase(after.phase) in (Phase.AWAITING_REPLY, Phase.ESCALATED):
        after = after.copy(phase=Phase.COUNTERING.value, status=NegotiationStatus.OPEN.value)
    return after


def send(session: Session, neg: Negotiation, reply: PersonReply, actor: str,
         now: datetime | None = None) -> NegotiationMessage:
    """Store a person's reply as the agent side's next message (flushes; the caller commits and sends it)."""
    held = taken_over(neg)
    if not held:
        raise TakeoverError("take the negotiation over before writing to the creator")
    if neg.status not in (NegotiationStatus.OPEN, NegotiationStatus.ESCALATED):
        raise TakeoverError(f"this negotiation is {neg.status}; it takes no more messages")
    moment = now or datetime.now(UTC)
    state = NegotiationState.from_dict(neg.state)
    decision = check(state, reply)
    after = _next_state(state, decision)
    seq = _next_seq(session, NegotiationMessage, neg.id)
    record: dict[str, Any] = {**decision.model_dump(mode="json"), "act": "person", "wording_source": "person",
                              "author": actor, "gate": {"passed": True, "problems": []}}
    message = NegotiationMessage(negotiation_id=neg.id, seq=seq, role="agent", channel=neg.channel,
                                 text=reply.text, action=decision.action.value, at=moment, decision=record)
    session.add(message)
    if decision.offer_usd is not None:
        session.add(Offer(negotiation_id=neg.id, seq=seq, role="agent", amount_usd=decision.offer_usd,
                          deliverables=list(after.deliverables), at=moment))
    _sync_columns(neg, after)
    if after.is_closed:  # a deal or a walk-away ends the takeover with the negotiation
        neg.state = {k: v for k, v in neg.state.items() if k != "takeover"}
    else:
        neg.state = {**neg.state, "takeover": held}
    _record_probability(session, neg, moment)
    message.decision = {**record, "deal_probability": neg.deal_probability}
    return message
