"""How far the agent moves each round: the concession arithmetic behind every counter-offer (pure, Decimal).

The policy (`policy.py`) decides *whether* to counter, accept, use a lever or walk away; this module decides
*which number* a counter carries, and records the numbers behind it so they can be stored and shown
(`Plan.rationale`). The strategy and its parameters are documented in `policy.py`'s module docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from itertools import pairwise

from agent.negotiation.pricing import price_step, round_down

ZERO = Decimal(0)
MAX_FLOOR_RATIO = Decimal("0.8")
"""Creator concessions shrinking slower than this (step over previous step) predict no floor."""


@dataclass(frozen=True)
class ConcessionConfig:
    boulware_e: Decimal = Decimal("0.4")
    """Concession exponent e < 1: the time-dependent curve concedes little early and most near the deadline."""
    reciprocity: Decimal = Decimal("1")
    """Share of the creator's last concession the agent matches (tit-for-tat; bounded by the step caps). People
    answer a counterpart's move with a like move, so half of theirs only slows both sides down."""
    max_step_share: Decimal = Decimal("0.5")
    """No single step closes more than this share of the gap between our last offer and what we'd pay."""
    min_step_share: Decimal = Decimal("0.1")
    """While the creator moves, the agent moves at least this share of that gap (and at least one price step)."""
    opening_ask_share: Decimal = Decimal("0.7")
    """The first counter is at least this share of the creator's ask (or listed rate), up to the fair value."""
    opening_cap_share: Decimal = Decimal("0.65")
    """…but never above this share of the package ceiling, so there is room left to concede."""
    respect_reach_share: Decimal = Decimal("0.6")
    """The raise toward their ask applies only when the capped opening reaches this share of it (on
    CraigslistBargain first offers under 60 % of the listing lose deals): a raise that still reads as low only costs."""
    floor_margin: Decimal = Decimal("0.01")
    """The concession limit sits this far above the creator's predicted floor."""
    floor_step_share: Decimal = Decimal("0.9")
    """Once a floor is predicted below their ask, one step may close up to this share of the gap to reach just
    above it (an informed move to where they said they stop, unlike a jump to the ceiling)."""
    stall_fraction: Decimal = Decimal("0.01")
    """A creator who moves less than this share of their ask is holding firm."""


DEFAULT_CONCESSION = ConcessionConfig()


@dataclass(frozen=True)
class Plan:
    """The next counter-offer and the numbers it came from."""

    offer: Decimal
    limit: Decimal
    """The most this round's concession may reach: the ceiling, tightened to the creator's predicted floor."""
    boulware: Decimal
    reciprocal: Decimal | None
    step_cap: Decimal | None
    predicted_floor: Decimal | None

    def rationale(self, ceiling: Decimal) -> dict[str, str | float]:
        out: dict[str, str | float] = {"ceiling": float(ceiling), "limit": float(self.limit),
                                       "boulware": float(self.boulware), "offer": float(self.offer)}
        for name in ("reciprocal", "step_cap", "predicted_floor"):
            value = getattr(self, name)
            if value is not None:
                out[name] = float(value)
        return out


def boulware(anchor: Decimal, limit: Decimal, t: int, horizon: int, e: Decimal) -> Decimal:
    """anchor + (limit − anchor)·(t/T)^(1/e), clamped to [anchor, limit]."""
    if limit <= anchor or horizon <= 0:
        return anchor
    fraction = min(Decimal(1), Decimal(max(t, 0)) / Decimal(horizon))
    return anchor + (limit - anchor) * (fraction ** (Decimal(1) / e) if fraction > 0 else Decimal(0))


def predicted_floor(asks: list[Decimal]) -> Decimal | None:
    """Where the creator's asks are heading if their concessions keep shrinking at the latest ratio; None before
    their second ask or while their steps do not shrink."""
    if len(asks) < 2:
        return None
    last = asks[-2] - asks[-1]
    if last <= 0:
        return asks[-1]
    ratio = Decimal("0.5")
    if len(asks) >= 3 and (before := asks[-3] - asks[-2]) > 0:
        ratio = max(Decimal("0"), last / before)
        if ratio >= MAX_FLOOR_RATIO:
            return None  # concessions that do not shrink reveal no floor (a creator matching our steps)
    return asks[-1] - last * ratio / (1 - ratio)


def slowing_on_their_own(offers: list[Decimal], asks: list[Decimal]) -> bool:
    """Whether the creator's last two concessions shrink faster than the steps of ours they answered. A counterpart
    who mirrors us shrinks because we did; only a slowdown of their own says they near where they stop. The j-th
    latest ask answers the j-th latest counter."""
    if len(asks) < 3:
        return False
    before, last = asks[-3] - asks[-2], asks[-2] - asks[-1]
    if before <= 0 or last <= 0:
        return False  # two real concessions are needed to see a rate
    ours = [b - a for a, b in pairwise(offers[-3:])]
    step = ours[-1] if ours else ZERO
    if step <= 0:
        return last / before < MAX_FLOOR_RATIO  # they moved without a move of ours to answer
    if len(ours) < 2 or ours[-2] <= 0:
        # A step short of ours by less than one rounding grain is a match rounded to their price step.
        grain = price_step(asks[-1])
        return last + grain < step * MAX_FLOOR_RATIO and last / before < MAX_FLOOR_RATIO
    return last / before < MAX_FLOOR_RATIO * (step / ours[-2])


def running_minimum(asks: list[Decimal]) -> list[Decimal]:
    """A creator who raises their price is held to their lowest ask so far (a retraction is not a concession)."""
    out: list[Decimal] = []
    for ask in asks:
        out.append(min(ask, out[-1]) if out else ask)
    return out


def stall_streak(asks: list[Decimal], config: ConcessionConfig = DEFAULT_CONCESSION) -> int:
    """How many consecutive replies the creator has (almost) not moved."""
    streak = 0
    for previous, current in reversed(list(pairwise(asks))):
        if previous - current < previous * config.stall_fraction:
            streak += 1
        else:
            break
    return streak


def last_concession(asks: list[Decimal], config: ConcessionConfig = DEFAULT_CONCESSION) -> Decimal:
    """How much the creator moved in their latest reply (0 when they held, or before their second ask)."""
    if len(asks) < 2:
        return ZERO
    moved = asks[-2] - asks[-1]
    return moved if moved >= asks[-2] * config.stall_fraction else ZERO


def round_up(amount: Decimal) -> Decimal:
    """Up to the offer step of this size (for numbers placed just above a predicted floor)."""
    step = price_step(amount)
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def opening_offer(anchor: Decimal, fair_value: Decimal, ceiling: Decimal, reference: Decimal | None,
                  config: ConcessionConfig = DEFAULT_CONCESSION) -> Decimal:
    """The first counter: the brand's anchor, raised to a non-insulting share of the creator's ask or listed rate
    when the fair-price estimate says the creator is worth that much and the capped opening can reach a
    respectful share of it at all; never above a share of the ceiling."""
    offer = anchor
    cap = ceiling * config.opening_cap_share
    if reference is not None and reference > 0 and cap >= reference * config.respect_reach_share:
        respectful = min(reference * config.opening_ask_share, fair_value)
        offer = max(offer, respectful)
    return round_down(min(offer, cap, ceiling))


def concession_limit(ceiling: Decimal, anchor: Decimal, asks: list[Decimal],
                     config: ConcessionConfig = DEFAULT_CONCESSION) -> tuple[Decimal, Decimal | None]:
    """(limit, predicted floor): the ceiling, tightened to just above where the creator's asks are heading."""
    floor = predicted_floor(asks)
    if floor is None:
        return ceiling, None
    return min(ceiling, max(anchor, floor * (1 + config.floor_margin))), floor


def next_offer(*, opening: Decimal, last_offer: Decimal | None, ceiling: Decimal, asks: list[Decimal], t: int,
               horizon: int, config: ConcessionConfig = DEFAULT_CONCESSION,
               offers: list[Decimal] | None = None, rebuffed: bool = False) -> Plan:
    """The next counter: the larger of the Boulware curve and the reciprocal step, bounded both ways.

    `asks` are the creator's asks for the current package (running minimum), `t` the counters made so far,
    `offers` our counters so far (for the package; defaults to `last_offer` alone). `rebuffed`: the creator
    turned our number down without naming one ("that's a lowball, I'll pass"): the answer is the biggest step the
    bounds allow (`max_step_share` of the gap), since repeating or inching up a number they called insulting ends
    the conversation.
    """
    limit, floor = concession_limit(ceiling, opening, asks, config)
    curve = boulware(opening, limit, t, horizon, config.boulware_e)
    if last_offer is None:
        return Plan(round_down(min(max(curve, opening), ceiling)), limit, curve, None, None, floor)
    moved = last_concession(asks, config)
    reciprocal = last_offer + moved * config.reciprocity
    # The most we'd move toward: their ask within the ceiling. The predicted floor bounds the time curve and the
    # reciprocal step, but a creator who moves always gets at least the minimum step back (no stonewalling).
    reach = min(ceiling, asks[-1]) if asks else ceiling
    gap = max(ZERO, reach - last_offer)
    cap = last_offer + gap * config.max_step_share
    offer = min(max(curve, min(reciprocal, max(limit, last_offer)), last_offer), cap)
    if rebuffed:
        offer = max(offer, cap)
    above_floor = ZERO
    if floor is not None and limit < reach and slowing_on_their_own(offers or [last_offer], asks):
        # Their own shrinking concessions say where they stop: go to just above it, not beyond their ask.
        offer = max(offer, min(limit, last_offer + gap * config.floor_step_share))
        if offer >= limit:
            above_floor = limit  # "just above" must survive rounding
    if moved > 0 and gap > 0:
        least = last_offer + max(gap * config.min_step_share, price_step(last_offer))
        offer = max(offer, min(least, reach))
    offer = _rounded_step(last_offer, min(offer, ceiling), round_down(min(reach, ceiling)), above_floor)
    if moved > 0 and offer <= last_offer < round_down(reach):
        offer = min(last_offer + price_step(last_offer), round_down(reach))
    return Plan(max(offer, last_offer), limit, curve, reciprocal, cap, floor)


def _rounded_step(last_offer: Decimal, offer: Decimal, most: Decimal, least: Decimal = ZERO) -> Decimal:
    """The offer rounded down to its price step, but rounded up (never beyond `most`) when rounding down would eat
    half the step from `last_offer` or more where the grid coarsens (195 to 220 would send 200), or would fall under
    `least` (a number placed just above a predicted floor: 18,351 rounded down is 18,300, under a floor of 18,302)."""
    rounded = round_down(offer)
    coarser = price_step(offer) > price_step(last_offer)
    halved = coarser and offer > last_offer and rounded - last_offer <= (offer - last_offer) / 2
    if halved or rounded < least:
        up = min(round_up(max(offer, least)), most)
        if up > rounded:
            return up
    return rounded


def placed_final(*, next_plan: Plan, ceiling: Decimal, rounds_left: int, ask: Decimal | None = None) -> Decimal:
    """The best-and-final number: above the creator's predicted floor by a share of the room left to the ceiling
    that grows as the rounds run out (1/(1+rounds left)); never below the planned offer, never above the ceiling.
    With no predicted floor it meets the creator halfway between the planned offer and their ask (the ceiling only
    when that is beyond it): a creator who matches our moves takes the middle."""
    floor = next_plan.predicted_floor
    if floor is None and ask is not None:
        return round_down(min(ceiling, max(next_plan.offer, (next_plan.offer + ask) / 2)))
    if floor is None or floor >= ceiling:
        return round_down(ceiling)
    share = Decimal(1) / Decimal(1 + max(0, rounds_left))
    placed = round_up(floor + (ceiling - floor) * share)
    return round_down(min(ceiling, max(placed, next_plan.offer)))
