"""Training data for the deal-probability model: the real agent negotiating with simulated creators.

The creators are the scripted personas with a human temper and a rate card (`evals.human_creators`): they
sometimes go silent, quit or walk away from a lowball, as CraigslistBargain's human sellers do; and the
creators that negotiate like people (`evals.human_personas`: reciprocal, impatient, lever_trading, proud,
slow_ghoster). Every scenario
runs through `open_negotiation` / `take_turn` (text understanding, policy, wording) exactly
as in `evals.simulate`, and each dialogue is recorded as the turns production's `service._turns` builds
from persisted rows: agent turns carry the decision's action and offer, creator turns the understanding's
intent, price and sentiment. The output is a small committed JSONL that `agent.deal_probability.train`
reads, so agent/ never imports evals/.

    python -m evals.deal_training_data [--per-persona 80] [--seed 11] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent.deal_probability.agent_dialogues import dialogue_row
from agent.deal_probability.features import Turn
from agent.negotiation.engine import NegotiationState, open_negotiation, take_turn
from agent.negotiation.state_machine import expire_if_stale
from agent.negotiation.types import Decision, Understanding
from evals.human_creators import HumanCreator, human_creator_for, with_rate_card
from evals.human_personas import HUMAN_PERSONAS, HumanPersona, human_persona_for, make_human_scenarios
from evals.personas import PERSONAS, Scenario, make_scenarios
from evals.simulate import MAX_TURNS, START, _setup

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "agent" / "deal_probability" / "data" / "simulated_agent.jsonl"
PER_PERSONA = 80
SEED = 11  # not evals.simulate's default seed 7, so the simulation report runs on dialogues never trained on


def agent_turn(decision: Decision) -> Turn:
    """As service._turns reads an agent message: its action, and the offer recorded with it if any."""
    return Turn(role="agent", act=decision.action.value, price=decision.offer_usd)


def creator_turn(u: Understanding) -> Turn:
    """As service._turns reads a creator message: the stored understanding (price through its JSON form)."""
    stored = u.model_dump(mode="json", exclude_none=True)
    price = stored.get("price_usd")
    return Turn(role="creator", act=stored.get("intent", "off_topic"),
                price=None if price is None else Decimal(str(price)), sentiment=float(stored.get("sentiment", 0.0)))


def run_dialogue(scenario: Scenario) -> dict[str, Any]:
    """One negotiation, agent vs a human-tempered persona with a rate card, as turns plus its final status."""
    if scenario.persona in HUMAN_PERSONAS:  # these come with their rate card
        persona: HumanCreator | HumanPersona = human_persona_for(scenario)
    else:
        scenario = with_rate_card(scenario)
        persona = human_creator_for(scenario)
    now = START
    state, decision, _ = open_negotiation(_setup(scenario), now=now)
    turns = [agent_turn(decision)]
    text = persona.first()
    rounds = 0
    while not state.is_closed and rounds < MAX_TURNS:
        if text is None:
            state = expire_if_stale(state, now + timedelta(days=30))
            break
        rounds += 1
        now += timedelta(hours=20)
        result = take_turn(NegotiationState.from_dict(json.loads(json.dumps(state.to_dict()))), text, now=now)
        state = result.new_state
        turns += [creator_turn(result.understanding), agent_turn(result.decision)]
        if state.is_closed:
            break
        text = persona.reply(result.decision)
    return dialogue_row(key=f"{scenario.persona}-{scenario.seed}", persona=scenario.persona, status=state.status,
                        budget_max=scenario.max_usd, deliverables=scenario.deliverables,
                        listed_rates=scenario.listed_rates, turns=turns)


def generate(per_persona: int = PER_PERSONA, seed: int = SEED,
             personas: Sequence[str] = PERSONAS + HUMAN_PERSONAS) -> list[dict]:
    return [run_dialogue(s) for p in personas
            for s in (make_human_scenarios if p in HUMAN_PERSONAS else make_scenarios)(p, per_persona, seed)]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-persona", type=int, default=PER_PERSONA)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = generate(args.per_persona, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rows))
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    print(f"{len(rows)} dialogues → {args.out}: {statuses}")


if __name__ == "__main__":
    main()
