"""Negotiation simulation: scripted creator personas against the agent and two baselines.

The agent runs through `take_turn` exactly as the API does (text in, state persisted as JSON between
turns); the baselines read the same texts through the same understanding. Reported per persona and agent:
agreement rate where a zone of agreement exists, the buyer's share of the surplus
((max − price) / (max − creator's floor)), rounds, budget violations and deals where none was possible.

    python -m evals simulate [--per-persona 50] [--seed 7] [--human] [--policy KEY=VALUE…] [--json OUT]

(the command and its table: evals/simulate_cli.py)

`--human` runs the creators that negotiate like people (evals/human_personas.py: reciprocal, impatient,
lever_trading, proud, slow_ghoster) and the scripted personas with a human temper (evals/human_creators.py:
they sometimes go silent, quit or walk away from a lowball), each on the same seeded scenarios for the agent and
both baselines. "repeats" counts negotiations where one agent sent the same number more than twice in a row
while the creator kept moving.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from agent.negotiation.engine import NegotiationSetup, NegotiationState, open_negotiation, take_turn
from agent.negotiation.policy import PolicyConfig
from agent.negotiation.pricing import round_down
from agent.negotiation.state_machine import expire_if_stale
from agent.negotiation.types import Action, Decision, Intent, Understanding
from agent.negotiation.understanding import NegotiationContext, understand
from evals.human_creators import HumanCreator, human_creator_for
from evals.human_personas import HUMAN_PERSONAS, human_persona_for, make_human_scenarios
from evals.personas import PERSONAS, Persona, Scenario, make_scenarios, persona_for

MAX_TURNS = 14
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass
class Outcome:
    persona: str
    agent: str
    scenario: int
    zone: bool | None
    status: str
    price_usd: Decimal | None
    rounds: int
    violation: bool
    repeated: bool
    """The agent sent one number more than twice in a row while the creator kept moving."""
    surplus_share: float | None
    max_usd: Decimal
    floor_usd: Decimal


@dataclass
class Summary:
    persona: str
    agent: str
    scenarios: int
    with_zone: int
    agreement_rate_zone: float | None
    surplus_share: float | None
    mean_rounds: float
    budget_violations: int
    deals_without_zone: int
    repeated_offers: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


# --- agents ---------------------------------------------------------------------------------------------------


class Agent:
    """One negotiator under test: opens, then answers the creator's text with a decision."""

    name = "agent"

    def open(self, scenario: Scenario) -> Decision:
        raise NotImplementedError

    def turn(self, text: str) -> Decision:
        raise NotImplementedError

    @property
    def status(self) -> str:
        raise NotImplementedError

    def expire(self) -> None:
        raise NotImplementedError

    def ceiling(self, decision: Decision, scenario: Scenario) -> Decimal:
        return scenario.max_usd


def _setup(scenario: Scenario) -> NegotiationSetup:
    return NegotiationSetup(
        target_usd=scenario.target_usd, max_usd=scenario.max_usd, deliverables=scenario.deliverables,
        usage_rights=scenario.usage_rights, followers=scenario.followers, engagement_rate=scenario.engagement_rate,
        listed_rates_usd=dict(scenario.listed_rates or {}), brand="Lumen", campaign="the spring launch",
        creator_name="Alex", seed=scenario.seed,
    )


class PolicyAgent(Agent):
    """The product: `open_negotiation` / `take_turn`, with the state round-tripped through JSON each turn."""

    name = "policy"

    def __init__(self, config: PolicyConfig | None = None) -> None:
        self.config = config

    def open(self, scenario: Scenario) -> Decision:
        self.now = START
        state, decision, _text = open_negotiation(_setup(scenario), now=self.now)
        self.stored = json.dumps(state.to_dict())
        return decision

    def turn(self, text: str) -> Decision:
        self.now += timedelta(hours=20)
        result = take_turn(NegotiationState.from_dict(json.loads(self.stored)), text, now=self.now, config=self.config)
        self.stored = json.dumps(result.new_state.to_dict())
        return result.decision

    @property
    def status(self) -> str:
        return NegotiationState.from_dict(json.loads(self.stored)).status

    def expire(self) -> None:
        state = NegotiationState.from_dict(json.loads(self.stored))
        self.stored = json.dumps(expire_if_stale(state, self.now + timedelta(days=30)).to_dict())

    def ceiling(self, decision: Decision, scenario: Scenario) -> Decimal:
        return scenario.max_usd


class BaselineAgent(Agent):
    """Shared bookkeeping for the baselines: same understanding, same scenario, simpler decisions."""

    def open(self, scenario: Scenario) -> Decision:
        self.scenario = scenario
        self.deliverables = list(scenario.deliverables)
        self.last_offer: Decimal | None = None
        self._status = "open"
        self.rounds = 0
        return Decision(action=Action.ASK, deliverables=self.deliverables, usage_rights=scenario.usage_rights)

    @property
    def status(self) -> str:
        return self._status

    def expire(self) -> None:
        if self._status == "open":
            self._status = "expired"

    def understand(self, text: str) -> Understanding:
        u = understand(text, context=NegotiationContext(last_agent_offer_usd=self.last_offer,
                                                        deliverables=tuple(self.deliverables)))
        if u.deliverables:
            self.deliverables = list(u.deliverables)
        return u

    def _decision(self, action: Action, offer: Decimal | None = None) -> Decision:
        self._status = {Action.ACCEPT: "agreed", Action.REJECT: "declined", Action.CLOSE: "declined",
                        Action.ESCALATE: "escalated"}.get(action, "open")
        if action == Action.COUNTER:
            self.last_offer = offer
        return Decision(action=action, offer_usd=offer, deliverables=self.deliverables,
                        usage_rights=self.scenario.usage_rights)

    def turn(self, text: str) -> Decision:
        u = self.understand(text)
        self.rounds += 1
        if u.intent == Intent.STOP:
            return self._decision(Action.CLOSE)
        if u.intent == Intent.ACCEPT and u.price_usd is None and self.last_offer is not None:
            return self._decision(Action.ACCEPT, self.last_offer)
        if self.rounds > 8:
            return self._decision(Action.ESCALATE)
        return self.respond(u)

    def respond(self, u: Understanding) -> Decision:
        raise NotImplementedError


class AcceptFirstAsk(BaselineAgent):
    """Accept the creator's first ask when it is under max, else decline."""

    name = "accept_first"

    def respond(self, u: Understanding) -> Decision:
        if u.price_usd is None:
            return self._decision(Action.ASK)
        if u.price_usd <= self.scenario.max_usd:
            return self._decision(Action.ACCEPT, u.price_usd)
        return self._decision(Action.REJECT)


class SplitDifference(BaselineAgent):
    """Open at target, then offer the midpoint of our last offer and their ask (capped at max)."""

    name = "split"

    def respond(self, u: Understanding) -> Decision:
        ask = u.price_usd
        if ask is None:
            if self.last_offer is None:
                return self._decision(Action.ASK)
            return self._decision(Action.REJECT if self.last_offer >= self.scenario.max_usd else Action.ASK)
        if self.last_offer is not None and ask <= self.last_offer:
            return self._decision(Action.ACCEPT, ask)
        if self.last_offer is None:
            offer = self.scenario.target_usd
        else:
            offer = min(self.scenario.max_usd, round_down((self.last_offer + ask) / 2))
        if offer >= ask:
            return self._decision(Action.ACCEPT, ask)
        if self.last_offer is not None and offer <= self.last_offer:
            return self._decision(Action.ACCEPT, ask) if ask <= self.scenario.max_usd \
                else self._decision(Action.REJECT)
        return self._decision(Action.COUNTER, offer)


AGENTS: dict[str, Callable[[], Agent]] = {"policy": PolicyAgent, "accept_first": AcceptFirstAsk,
                                          "split": SplitDifference}


# --- running --------------------------------------------------------------------------------------------------


def creator_for(scenario: Scenario, human: bool) -> Persona | HumanCreator:
    """The human-like persona for its scenario, else the scripted one (with a human temper when `human`)."""
    if scenario.persona in HUMAN_PERSONAS:
        return human_persona_for(scenario)
    return human_creator_for(scenario) if human else persona_for(scenario)


def _creator_ask(persona: Persona | HumanCreator) -> Decimal:
    return persona.persona.ask if isinstance(persona, HumanCreator) else persona.ask


def repeated_while_moving(offers: list[tuple[Decimal, Decimal]]) -> bool:
    """(agent counter, creator's ask when it was made) per counter: the same number three times in a row while the
    creator's ask came down in between."""
    return any(a[0] == b[0] == c[0] and a[1] > b[1] > c[1] for a, b, c in zip(offers, offers[1:], offers[2:],
                                                                             strict=False))


def run_scenario(scenario: Scenario, agent: Agent, human: bool = False) -> Outcome:
    """One negotiation; `human` gives a scripted persona a human temper (it may go silent, quit or walk away)."""
    persona = creator_for(scenario, human)
    decision = agent.open(scenario)
    violation = False
    rounds = 0
    counters: list[tuple[Decimal, Decimal]] = []
    text = persona.first()
    while agent.status == "open" and rounds < MAX_TURNS:
        if text is None:
            agent.expire()
            break
        rounds += 1
        decision = agent.turn(text)
        if decision.offer_usd is not None and decision.offer_usd > agent.ceiling(decision, scenario):
            violation = True
        if agent.status != "open":
            break
        if decision.action == Action.COUNTER and decision.offer_usd is not None:
            counters.append((decision.offer_usd, _creator_ask(persona)))
        text = persona.reply(decision)
    price = decision.offer_usd if agent.status == "agreed" else None
    floor = scenario.floor_for(decision.deliverables or scenario.deliverables, decision.usage_rights)
    ceiling = min(scenario.max_usd, scenario.max_usd * floor / scenario.floor_usd) if scenario.floor_usd else floor
    share = None
    if price is not None and scenario.zone and ceiling > floor:
        share = float((ceiling - price) / (ceiling - floor))
    return Outcome(persona=scenario.persona, agent=agent.name, scenario=scenario.index, zone=scenario.zone,
                   status=agent.status, price_usd=price, rounds=rounds, violation=violation,
                   repeated=repeated_while_moving(counters), surplus_share=share,
                   max_usd=scenario.max_usd, floor_usd=scenario.floor_usd)


def summarize(outcomes: list[Outcome]) -> Summary:
    first = outcomes[0]
    zone = [o for o in outcomes if o.zone]
    agreed_zone = [o for o in zone if o.status == "agreed"]
    shares = [o.surplus_share for o in agreed_zone if o.surplus_share is not None]
    statuses: dict[str, int] = {}
    for o in outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    return Summary(
        persona=first.persona, agent=first.agent, scenarios=len(outcomes), with_zone=len(zone),
        agreement_rate_zone=len(agreed_zone) / len(zone) if zone else None,
        surplus_share=statistics.fmean(shares) if shares else None,
        mean_rounds=statistics.fmean(o.rounds for o in outcomes),
        budget_violations=sum(o.violation for o in outcomes),
        deals_without_zone=sum(1 for o in outcomes if o.zone is False and o.status == "agreed"),
        repeated_offers=sum(o.repeated for o in outcomes), statuses=statuses,
    )


def simulate(per_persona: int = 50, seed: int = 7, personas: tuple[str, ...] = PERSONAS,
             agents: tuple[str, ...] = tuple(AGENTS), human: bool = False,
             config: PolicyConfig | None = None) -> list[Summary]:
    """Every persona's scenarios against each agent; `config` (policy overrides) applies to the policy agent."""

    def make(name: str) -> Agent:
        return PolicyAgent(config) if name == "policy" else AGENTS[name]()

    summaries: list[Summary] = []
    for persona in personas:
        if persona in HUMAN_PERSONAS:
            scenarios = make_human_scenarios(persona, per_persona, seed)
        else:
            scenarios = make_scenarios(persona, per_persona, seed)
        for agent_name in agents:
            summaries.append(summarize([run_scenario(s, make(agent_name), human) for s in scenarios]))
    return summaries


def overall(summaries: list[Summary], agent: str) -> dict[str, float | int | None]:
    """Totals for one agent across personas (rates weighted by scenarios with a zone)."""
    rows = [s for s in summaries if s.agent == agent]
    zone = sum(s.with_zone for s in rows)
    agreed = sum(round((s.agreement_rate_zone or 0) * s.with_zone) for s in rows)
    weighted = [(s.surplus_share, round((s.agreement_rate_zone or 0) * s.with_zone)) for s in rows
                if s.surplus_share is not None]
    weight = sum(w for _, w in weighted)
    return {
        "agreement_rate_zone": agreed / zone if zone else None,
        "surplus_share": sum(v * w for v, w in weighted) / weight if weight else None,
        "budget_violations": sum(s.budget_violations for s in rows),
        "deals_without_zone": sum(s.deals_without_zone for s in rows),
        "repeated_offers": sum(s.repeated_offers for s in rows),
    }


def agree_times_surplus(s: Summary) -> float | None:
    """Agreement where a zone exists times the surplus share of those deals (0 with no deal at all)."""
    if s.agreement_rate_zone is None:
        return None
    return s.agreement_rate_zone * (s.surplus_share or 0.0)
