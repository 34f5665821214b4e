"""What the readers share: reading recorded words with our understanding, and the brief a source lacks.

Sources other than our own store record words, not decisions. The agent side's decision is read back from
its words (a named price is a counter, "deal" an acceptance…) against the creator's last price, and the
creator's words are read against the agent's last offer, exactly as production reads a message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agent.negotiation.types import Action, Intent
from agent.negotiation.understanding import NegotiationContext, understand
from evals.replay.transcript import Outcome, RecordedDecision, RecordedTurn

TARGET_SHARE = Decimal("0.7")
"""A source that names only a budget ceiling: the brand's target is this share of it (the personas' middle)."""

_INTENT_ACTION = {
    Intent.COUNTER: Action.COUNTER, Intent.ACCEPT: Action.ACCEPT, Intent.ACCEPT_WITH_CONDITION: Action.ACCEPT,
    Intent.REJECT: Action.REJECT, Intent.STOP: Action.CLOSE,
}


class Tracker:
    """Follows the last price each side named while a reader walks a recorded dialogue."""

    def __init__(self, deliverables: list[str]) -> None:
        self.deliverables = tuple(deliverables)
        self.agent_offer: Decimal | None = None
        self.creator_ask: Decimal | None = None

    def creator_turn(self, text: str | None, understood: dict[str, Any] | None = None, **fields: Any) -> RecordedTurn:
        """A creator turn; the words are read against the agent's last offer unless an understanding is given."""
        if understood is None and text:
            u = understand(text, context=NegotiationContext(last_agent_offer_usd=self.agent_offer,
                                                            deliverables=self.deliverables))
            understood = u.model_dump(mode="json", exclude_none=True)
        price = (understood or {}).get("price_usd")
        if price is not None and Decimal(str(price)) > 0:
            self.creator_ask = Decimal(str(price))
        return RecordedTurn(role="creator", text=text, understood=understood, **fields)

    def agent_turn(self, text: str | None, decision: RecordedDecision | None = None, **fields: Any) -> RecordedTurn:
        """An agent turn; without a recorded decision the words are read as the act they amount to."""
        if decision is None and text:
            decision = self.decision_from_words(text)
        if decision is not None and decision.action == Action.COUNTER and decision.offer_usd is not None:
            self.agent_offer = decision.offer_usd
        return RecordedTurn(role="agent", text=text, decision=decision, **fields)

    def decision_from_words(self, text: str) -> RecordedDecision:
        u = understand(text, context=NegotiationContext(last_agent_offer_usd=self.creator_ask,
                                                        deliverables=self.deliverables))
        action = _INTENT_ACTION.get(u.intent, Action.ASK)
        if action == Action.COUNTER and u.price_usd is None:
            return RecordedDecision(action=Action.ASK, read_from="words")
        offer = None
        if action == Action.COUNTER:
            offer = u.price_usd
        elif action == Action.ACCEPT:
            offer = u.price_usd if u.price_usd is not None else self.creator_ask
        return RecordedDecision(action=action, offer_usd=offer, read_from="words")


def merged_setup(found: dict[str, Any], defaults: dict[str, Any] | None) -> dict[str, Any]:
    """The brief a source gives, completed by the caller's defaults (`--max-usd` …); a target defaults to
    TARGET_SHARE of the ceiling."""
    setup = {**(defaults or {}), **{k: v for k, v in found.items() if v not in (None, "", [])}}
    if setup.get("max_usd") is not None and setup.get("target_usd") is None:
        setup["target_usd"] = (Decimal(str(setup["max_usd"])) * TARGET_SHARE).quantize(Decimal("0.01"))
    return setup


def inferred_outcome(turns: list[RecordedTurn]) -> Outcome:
    """For sources that do not state an outcome: the agent's last decision, if it ended the negotiation."""
    last = next((t.decision for t in reversed(turns) if t.role == "agent" and t.decision is not None), None)
    if last is None or last.action is None:
        return Outcome()
    if last.action == Action.ACCEPT:
        return Outcome(status="agreed", price_usd=last.offer_usd)
    if last.action in (Action.REJECT, Action.CLOSE):
        return Outcome(status="declined")
    return Outcome(status="open")
