"""Creators who negotiate like people: they answer how the counterpart behaves, not only where its number is.

The scripted personas (`personas.py`) move a fixed share of the gap whatever the agent does. People do not
(the behaviour-dependent tactics of Faratin, Sierra & Jennings 1998; the ANAC human-agent findings). Each
persona below keeps the hidden floor and opening ask of its scenario and adds one human trait:

* **reciprocal**: matches the counterpart's concessions (its own step is 0.8-1.2x the agent's last step, plus a
  little); holds when the counterpart holds, and loses patience after the same number three times.
* **impatient**: concedes fast but has little patience: leaves after the same number twice in a row, or when
  rounds run out without a price at or above its floor.
* **lever_trading**: answers the first counter with a trade instead of only a price: shorter usage, one
  deliverable fewer, or one more story for more money; then haggles as usual on the new package.
* **proud**: takes offence at a lowball (a first offer under 55-70 % of its ask) and may leave; concedes
  slowly, and a counterpart that moves earns a bigger step back.
* **slow_ghoster**: sometimes answers "let me think about it" instead of a price, and the chance it never
  answers again grows with every round.

None accepts below its floor and, short of leaving (impatience, offence, silence), each takes an offer at or
above its floor once it stops expecting more, so a zone of agreement is the same notion as for the scripted
personas. Their parameters are drawn
per scenario from the seed; they are not fitted to the agent.

    python -m evals simulate --human
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from agent.negotiation.pricing import format_deliverables, parse_deliverables, usage_months
from agent.negotiation.types import Action, Decision
from agent.negotiation.wording import describe_deliverables
from evals.human_creators import with_rate_card
from evals.personas import Persona, Scenario, _round_up, make_scenarios

HUMAN_PERSONAS = ("reciprocal", "impatient", "lever_trading", "proud", "slow_ghoster")
_SEED_OFFSET = {name: 7_919 * (i + 1) for i, name in enumerate(HUMAN_PERSONAS)}

_DEAL = ("Deal.", "Deal!", "Sounds good, let's do it!", "That works for me.", "Ok, you've got a deal.")
_LEAVE = ("You keep sending the same number, so I'll pass. Thanks anyway.",
          "I don't think we're getting anywhere. Let's leave it here.",
          "Sorry, I don't have time for this back and forth. I'll pass.")
_OFFENDED = ("Honestly that's insulting for my work. I'll pass.",
             "That's way below my rate, not interested. Thanks anyway.",
             "Wow, that's a lowball. I'll pass on this one.")
_THINK = ("Let me think about it and get back to you.", "Let me check with my manager and get back to you.",
          "I need a few days to think about it.")


def make_human_scenarios(persona: str, count: int, seed: int = 7) -> list[Scenario]:
    """Scenarios drawn like the flexible persona's (about a fifth without a zone), on a seed of their own, with a
    rate card."""
    base = make_scenarios("flexible", count, seed * 13 + _SEED_OFFSET[persona])
    return [with_rate_card(dataclasses.replace(s, persona=persona)) for s in base]


class HumanPersona(Persona):
    """Shared bookkeeping: the agent's offers so far, and a deal at or above the floor once the creator is done."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.offers: list[Decimal] = []
        self.gone = False

    def repeats(self) -> int:
        """How many times in a row the agent has sent its latest number (1: it is new)."""
        count = 0
        for offer in reversed(self.offers):
            if self.offers and offer == self.offers[-1]:
                count += 1
            else:
                break
        return count

    def agent_step(self) -> Decimal:
        return self.offers[-1] - self.offers[-2] if len(self.offers) >= 2 else Decimal(0)

    def deal(self) -> str:
        return self.rng.choice(_DEAL)

    def leave(self, texts: tuple[str, ...] = _LEAVE) -> str:
        self.gone = True
        return self.rng.choice(texts)

    def reply(self, decision: Decision) -> str | None:
        if self.gone:
            return None
        if decision.action != Action.COUNTER or decision.offer_usd is None:
            return super().reply(decision)
        self.turn += 1
        self._follow_package(decision)
        self.offers.append(decision.offer_usd)
        return self.answer(decision.offer_usd, self.floor())

    def answer(self, offer: Decimal, floor: Decimal) -> str | None:
        raise NotImplementedError


class Reciprocal(HumanPersona):
    """Relative tit-for-tat: concedes what the counterpart conceded (times 0.8-1.2), holds when it holds."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.match = Decimal(str(round(self.rng.uniform(0.8, 1.2), 3)))
        self.first_share = Decimal(str(round(self.rng.uniform(0.1, 0.25), 3)))

    def answer(self, offer: Decimal, floor: Decimal) -> str | None:
        if offer >= floor and offer >= self.ask * Decimal("0.97"):
            return self.deal()
        if self.repeats() >= 3:
            return self.deal() if offer >= floor else self.leave()
        if len(self.offers) == 1:
            step = (self.ask - offer) * self.first_share  # a first, small sign of goodwill
        else:
            step = max(Decimal(0), self.agent_step()) * self.match
        next_ask = max(_round_up(floor), _round_up(self.ask - step))
        if next_ask <= offer:
            return self.deal()
        if self.turn > 8:
            return self.deal() if offer >= floor else self.leave()
        if next_ask >= self.ask:
            return self.rng.choice([f"I'm still at {self.money(self.ask)}.",
                                    f"If you can't move, I stay at {self.money(self.ask)}."])
        self.ask = next_ask
        return self.counter_text(next_ask)


class Impatient(HumanPersona):
    """Concedes a lot quickly, but leaves a counterpart that repeats itself or drags on."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.concession = self.rng.uniform(0.4, 0.6)
        self.patience = self.rng.randint(3, 4)

    def answer(self, offer: Decimal, floor: Decimal) -> str | None:
        next_ask = self.next_ask(offer, floor)
        if offer >= floor and offer >= next_ask * Decimal("0.95"):
            return self.deal()
        if self.repeats() >= 2:
            return self.deal() if offer >= floor else self.leave()
        if self.turn > self.patience:
            return self.deal() if offer >= floor else self.leave()
        self.ask = next_ask
        return self.counter_text(next_ask)


class LeverTrading(HumanPersona):
    """Trades terms for money once: shorter usage, one deliverable fewer, or one more story for more."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.traded = False

    def answer(self, offer: Decimal, floor: Decimal) -> str | None:
        if not self.traded:
            self.traded = True
            text = self._trade(offer)
            if text is not None:
                return text
        next_ask = self.next_ask(offer, floor)
        if offer >= floor and (offer >= next_ask * Decimal("0.97") or self.repeats() >= 2
                               or self.turn > self.patience + 1):
            return self.deal()
        if self.turn > self.patience + 3:
            return self.leave()
        self.ask = next_ask
        return self.counter_text(next_ask)

    def _trade(self, offer: Decimal) -> str | None:
        options = []
        months = usage_months(self.usage)
        if months and months > 3:
            options.append("usage")
        bundle = parse_deliverables(self.deliverables)
        if bundle.get("story", 0) >= 2 or sum(bundle.values()) >= 3:
            options.append("drop")
        options.append("add")
        choice = self.rng.choice(options)
        before = self.floor()
        if choice == "usage":
            self.usage = "3 months organic"
        elif choice == "drop":
            kind = "story" if bundle.get("story", 0) >= 1 else sorted(bundle)[0]
            bundle[kind] -= 1
            self.deliverables = format_deliverables(+bundle)
        else:
            bundle["story"] += 1
            self.deliverables = format_deliverables(bundle)
        ratio = self.floor() / before if before else Decimal(1)
        self.ask = self.next_ask(offer * ratio, self.floor()) if ratio <= 1 else _round_up(self.ask * ratio)
        price = self.money(self.ask)
        package = describe_deliverables(self.deliverables)
        if choice == "usage":
            return self.rng.choice([f"What if we shorten usage rights to 3 months? Then {price} works.",
                                    f"Could we do 3 months of usage instead? Then I can do {price}."])
        if choice == "drop":
            return self.rng.choice([f"I could drop one {kind}: {package} for {price}.",
                                    f"What if I drop one {kind}? Then {price} works."])
        return self.rng.choice([f"I can add a story if we say {price}.", f"Could you do {price} if I add a story?"])


class Proud(HumanPersona):
    """Offended by a lowball first offer; slow to concede, quicker with a counterpart that moves."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.pride = Decimal(str(round(self.rng.uniform(0.55, 0.7), 3)))
        self.walk_chance = self.rng.uniform(0.5, 0.9)
        self.concession = self.rng.uniform(0.15, 0.3)

    def answer(self, offer: Decimal, floor: Decimal) -> str | None:
        if len(self.offers) == 1 and offer < self.ask * self.pride and self.rng.random() < self.walk_chance:
            return self.leave(_OFFENDED)
        share = Decimal(str(round(self.concession, 3)))
        if self.agent_step() > 0:
            share = min(Decimal("0.6"), share * 2)
        gap = self.ask - max(offer, floor)
        next_ask = max(_round_up(floor), _round_up(self.ask - gap * share))
        if offer >= floor and (offer >= next_ask * Decimal("0.97") or self.repeats() >= 2 or self.turn > 7):
            return self.deal()
        if self.turn > 8:
            return self.leave()
        self.ask = next_ask
        return self.counter_text(next_ask)


class SlowGhoster(HumanPersona):
    """Answers slowly: sometimes 'let me think', and ever likelier to never answer again."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.think = self.rng.uniform(0.2, 0.4)
        self.ghost_step = self.rng.uniform(0.02, 0.06)
        self.thinking = False

    def reply(self, decision: Decision) -> str | None:
        if self.gone:
            return None
        if self.rng.random() < self.ghost_step * self.turn:
            self.gone = True
            return None
        if decision.action == Action.ASK and self.thinking and self.offers:
            self.thinking = False  # back after thinking it over: answer the offer that was on the table
            self.turn += 1
            return self.answer(self.offers[-1], self.floor())
        if decision.action == Action.COUNTER and self.turn >= 1 and self.rng.random() < self.think:
            self._follow_package(decision)
            self.offers.append(decision.offer_usd or Decimal(0))
            self.thinking = True
            return self.rng.choice(_THINK)
        return super().reply(decision)

    def answer(self, offer: Decimal, floor: Decimal) -> str | None:
        next_ask = self.next_ask(offer, floor)
        if offer >= floor and (offer >= next_ask * Decimal("0.97") or self.repeats() >= 2
                               or self.turn > self.patience + 1):
            return self.deal()
        self.ask = next_ask
        return self.counter_text(next_ask)


_CLASSES: dict[str, type[HumanPersona]] = {
    "reciprocal": Reciprocal, "impatient": Impatient, "lever_trading": LeverTrading, "proud": Proud,
    "slow_ghoster": SlowGhoster,
}


def human_persona_for(scenario: Scenario) -> HumanPersona:
    return _CLASSES[scenario.persona](scenario)
