"""Synthetic brand↔creator price negotiations, for training data CraigslistBargain cannot give us.

Each dialogue draws a creator ask and hidden floor, a brand budget (sometimes below the floor: no zone
of agreement) and an opening, then both sides concede on time-dependent curves of varying style
(Faratin et al. 1998: conceder, linear, boulware) until one accepts, the brand reaches its ceiling and
walks away, the creator runs out of patience, or the creator goes silent. Creators also ask questions,
push back without a price and show sentiment that tracks how far apart the sides are.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from agent.deal_probability.features import Turn

SimDialogue = tuple[list[Turn], Decimal, Decimal, bool]
_STYLES = (0.4, 1.0, 2.5)  # exponent of the concession curve: >1 concedes early, <1 holds out


def _money(x: float) -> Decimal:
    """Round to a price a person would write: whole dollars, tens above $1k."""
    step = Decimal(10) if x >= 1000 else Decimal(1)
    return (Decimal(str(x)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _curve(start: float, limit: float, t: int, deadline: int, style: float) -> float:
    frac = min(1.0, t / deadline) ** (1.0 / style)
    return start + (limit - start) * frac


def _one(rng: random.Random) -> SimDialogue:
    ask = rng.lognormvariate(7.4, 0.9)
    floor = ask * rng.uniform(0.55, 0.97)
    budget = ask * rng.uniform(0.65, 1.3)
    opening = min(budget * rng.uniform(0.55, 0.9), ask * rng.uniform(0.4, 0.85))
    a_style, c_style = rng.choice(_STYLES), rng.choice(_STYLES)
    a_deadline, c_deadline = rng.randint(2, 6), rng.randint(2, 7)
    patience = rng.randint(4, 10)  # creator rounds before giving up
    insult = rng.uniform(0.35, 0.6)  # an offer below this share of the ask may end the talk
    ghost = rng.uniform(0.0, 0.08)  # per-turn chance the creator just stops answering

    turns: list[Turn] = []
    if rng.random() < 0.5:
        turns.append(Turn("agent", "ask"))
        turns.append(Turn("creator", rng.choice(("greet", "inquire", "counter")), None, rng.uniform(0, 0.5)))
    creator_price = ask
    turns.append(Turn("creator", "counter", _money(ask), rng.uniform(-0.1, 0.5)))
    agent_price = opening
    for rnd in range(1, 12):
        # Agent's turn: accept an ask within reach, else counter or walk away at the ceiling.
        next_offer = _curve(opening, budget, rnd - 1, a_deadline, a_style)
        if creator_price <= max(next_offer * 1.03, agent_price) and creator_price <= budget:
            turns.append(Turn("agent", "accept", _money(creator_price)))
            return turns, _money(ask), _money(budget), True
        if agent_price >= budget * 0.999 and rnd > a_deadline:
            turns.append(Turn("agent", "close"))
            return turns, _money(ask), _money(budget), False
        agent_price = min(next_offer, budget)
        turns.append(Turn("agent", "counter", _money(agent_price)))

        # Creator's turn.
        if rng.random() < ghost:
            return turns, _money(ask), _money(budget), False
        reservation = _curve(ask, floor, rnd, c_deadline, c_style)
        mood = max(-1.0, min(1.0, 3.0 * (agent_price / creator_price - 0.75) + rng.gauss(0, 0.25)))
        if agent_price >= reservation * 0.98:
            turns.append(Turn("creator", "accept", _money(agent_price), mood))
            return turns, _money(ask), _money(budget), True
        if rnd >= patience or (agent_price < insult * ask and rng.random() < 0.25):
            turns.append(Turn("creator", "stop", None, min(mood, 0.0)))
            return turns, _money(ask), _money(budget), False
        roll = rng.random()
        if roll < 0.12:
            turns.append(Turn("creator", "inquire", None, mood))
        elif roll < 0.22:
            turns.append(Turn("creator", "reject", None, min(mood, 0.0)))
        else:
            creator_price = max(reservation, agent_price * 1.02)
            turns.append(Turn("creator", "counter", _money(creator_price), mood))
    return turns, _money(ask), _money(budget), False


def simulate_dialogues(n: int, seed: int) -> list[SimDialogue]:
    """`n` dialogues as (turns, ask, budget_max, deal); turns end with the decisive act when there is one."""
    rng = random.Random(seed)
    return [_one(rng) for _ in range(n)]
