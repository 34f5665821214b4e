"""Creators who behave like people, not scripts: the scripted personas plus the ways real sellers stray.

The personas in `personas.py` always answer, never walk out and take any offer at or above their floor, so a
negotiation's outcome follows from the zone of agreement alone. Real counterparts are noisier. On the
CraigslistBargain dev split (597 human dialogues; README "Evaluation" says where to get it) a quarter end without a deal
although
the buyer's target was always under the listing price: 52 (8.7 %) simply stop mid-conversation, 51 quit and 43
reject the final offer, and the deal rate falls from 0.94 when the buyer's first offer is at least 80 % of the
listing price to 0.75 when it is under 60 %. `Temper` carries those tendencies, drawn per scenario around
those rates; `HumanCreator` applies them on top of any persona. Each creator also gets a rate card (what
production reads from the influencer's `rates_usd`), with one kind left out for some, as real profiles do.

Used for the deal-probability model's simulated training and test dialogues, and by `evals simulate --human`;
plain `evals simulate` keeps the scripted personas, whose outcomes measure the policy, not the creators' moods.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from decimal import Decimal

from agent.negotiation.pricing import package_value, parse_deliverables, to_money
from agent.negotiation.types import Action, Decision
from evals.personas import Persona, Scenario, persona_for

# Rates per creator message, drawn per scenario; centred on the CB figures in the module docstring
# (≈ 4 seller messages per dialogue: 8.7 % stopped → ≈ 2 % a message; 8.5 % quit → ≈ 2 % a message).
_GHOST_PER_REPLY = (0.0, 0.05)
_QUIT_PER_REPLY = (0.0, 0.04)
# Walking away from an offer far under the current ask: CB's deal rate drops by ≈ 0.2 under 60 % of the listing.
_LOWBALL_RATIO = (0.55, 0.75)
_WALK_PER_LOWBALL = (0.1, 0.4)
RATE_CARD_MISSING_PCT = 30  # creators whose rate card lacks one kind of the package (no listed package price)

_WALK_TEXTS = (
    "That's way below my rate, I'll pass. Thanks anyway.",
    "Sorry, that's too low for me. Not interested at that price.",
    "Honestly that doesn't work for me, I'll have to pass on this one.",
)
_QUIT_TEXTS = (
    "I don't think we're going to agree on this. Let's leave it here.",
    "Thanks, but I'll pass on this campaign.",
    "I've decided not to take this one on, good luck with the launch!",
)


@dataclass(frozen=True)
class Temper:
    """How far one creator strays from its script."""

    ghost_per_reply: float
    """Chance, at each of the agent's messages, that the creator never answers again."""
    quit_per_reply: float
    """Chance, from the second message on, that the creator loses interest and says so."""
    lowball_ratio: float
    """An offer under this share of the creator's current ask is a lowball."""
    walk_per_lowball: float
    """Chance that a lowball makes the creator walk away."""

    @classmethod
    def draw(cls, rng: random.Random) -> Temper:
        return cls(ghost_per_reply=rng.uniform(*_GHOST_PER_REPLY), quit_per_reply=rng.uniform(*_QUIT_PER_REPLY),
                   lowball_ratio=rng.uniform(*_LOWBALL_RATIO), walk_per_lowball=rng.uniform(*_WALK_PER_LOWBALL))


class HumanCreator:
    """A persona with a temper: same `first` / `reply` interface, sometimes silent, sometimes gone."""

    def __init__(self, persona: Persona, temper: Temper, rng: random.Random) -> None:
        self.persona = persona
        self.temper = temper
        self.rng = rng
        self.replies = 0

    def first(self) -> str | None:
        return None if self.rng.random() < self.temper.ghost_per_reply else self.persona.first()

    def reply(self, decision: Decision) -> str | None:
        self.replies += 1
        t = self.temper
        offer = decision.offer_usd
        if (decision.action == Action.COUNTER and offer is not None
                and offer < self.persona.ask * Decimal(str(round(t.lowball_ratio, 3)))
                and self.rng.random() < t.walk_per_lowball):
            return self.rng.choice(_WALK_TEXTS)
        if self.rng.random() < t.ghost_per_reply:
            return None
        if self.replies >= 2 and self.rng.random() < t.quit_per_reply:
            return self.rng.choice(_QUIT_TEXTS)
        return self.persona.reply(decision)


def with_rate_card(scenario: Scenario) -> Scenario:
    """The scenario with the creator's published rates: their opening ask spread over the package by fair value,
    ±15 % per kind; for RATE_CARD_MISSING_PCT % of creators one kind of the package is not listed."""
    rng = random.Random(scenario.seed * 31 + 5)
    metrics = scenario.metrics
    whole = package_value(scenario.deliverables, metrics)
    bundle = parse_deliverables(scenario.deliverables)
    rates: dict[str, Decimal] = {}
    for kind in sorted(bundle):
        share = package_value([f"1 {kind}"], metrics) / whole
        rates[kind] = to_money(scenario.opening_ask_usd * share * Decimal(str(round(rng.uniform(0.85, 1.15), 3))))
    if rng.randrange(100) < RATE_CARD_MISSING_PCT:
        del rates[rng.choice(sorted(rates))]
    return dataclasses.replace(scenario, listed_rates=rates)


def human_creator_for(scenario: Scenario) -> HumanCreator:
    rng = random.Random(scenario.seed * 17 + 3)
    return HumanCreator(persona_for(scenario), Temper.draw(rng), rng)
