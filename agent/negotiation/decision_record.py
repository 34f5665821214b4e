"""What is stored beside each agent message: what the policy decided, why, and the numbers behind it.

The decision is dumped whole (`Decision.model_dump`), so fields the policy adds later (a rationale, say) are
stored without a change here. Beside it: the wording act, the wording source (template or LLM), the gate's
verdict, and the numbers the policy worked from on that turn (ceiling of the package, predicted creator floor,
the concession from the previous offer, the round against the Boulware deadline). Read by the transcript
(README "Evaluation") and by the replay of our own negotiations.
"""

from __future__ import annotations

import logging
from typing import Any

from agent.negotiation import policy
from agent.negotiation.state_machine import NegotiationState
from agent.negotiation.types import Decision
from data.types import optional_money_json as _usd

log = logging.getLogger(__name__)



def numbers(decision: Decision, before: NegotiationState, after: NegotiationState) -> dict[str, Any]:
    """The figures behind a decision, from the state it was taken in and the state it left."""
    deliverables = decision.deliverables or after.deliverables
    ceiling = policy.package(after, list(deliverables), decision.usage_rights or after.usage_rights).ceiling
    previous = before.agent_offers[-1] if before.agent_offers else None
    concession = None
    if previous is not None and decision.offer_usd is not None:
        concession = decision.offer_usd - previous
    return {
        "max_usd": _usd(after.max_usd), "target_usd": _usd(after.target_usd),
        "package_ceiling_usd": _usd(ceiling), "fair_price_usd": _usd(after.fair_price_usd),
        "predicted_floor_usd": _usd(policy.predicted_floor(list(after.creator_asks))),
        "creator_ask_usd": _usd(after.creator_asks[-1]) if after.creator_asks else None,
        "previous_offer_usd": _usd(previous), "concession_usd": _usd(concession),
        "round": after.round, "boulware_deadline": policy.deadline(after), "phase": after.phase,
    }


def decision_record(decision: Decision, before: NegotiationState, after: NegotiationState, *, act: str,
                    wording_source: str = "template", gate_problems: list[str] | None = None) -> dict[str, Any]:
    """The JSON stored on the agent's message (`NegotiationMessage.decision`)."""
    problems = list(gate_problems or [])
    try:
        figures = numbers(decision, before, after)
    except (AttributeError, TypeError, ValueError, ArithmeticError):
        # The record explains a turn; it must never stop one (the policy's helpers may change shape).
        log.warning("decision numbers unavailable for this turn", exc_info=True)
        figures = {}
    return {**decision.model_dump(mode="json"), "act": act, "wording_source": wording_source,
            "gate": {"passed": not problems, "problems": problems}, "numbers": figures}
