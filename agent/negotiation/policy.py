"""The negotiation policy: decides every offer, acceptance, walk-away and escalation. No language model here.

Strategy (time-dependent Boulware with a model of the creator's concessions):

* The first counter is anchored at the brand's target, pulled down toward the fair-price estimate of the
  package when the creator's market value is lower than the target.
* Each later counter concedes along a Boulware curve, offer(t) = anchor + (limit − anchor)·(t/T)^(1/e) with
  e < 1 (slow early, fast near the deadline T), where `limit` is the package ceiling, tightened to the
  creator's predicted floor while their concessions shrink geometrically.
* The creator's ask is accepted as soon as it is at or below what the agent would offer next (at the
  deadline: at or below the package ceiling), or when a firm creator holds a price within budget.
* A creator holding above the ceiling gets one best-and-final offer, then levers that cost the brand no
  money (fewer deliverables, shorter usage rights, product on top), then a polite walk-away.
* Low confidence in the understanding, terms the policy may not decide, and too many rounds go to a person.

The package ceiling is `max_usd`, scaled down when the creator shrinks the package and never scaled up;
`guard` refuses any decision above it, so no message can move the budget.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from itertools import pairwise

from agent.negotiation.pricing import (
    format_deliverables,
    is_paid_usage,
    normalize_deliverables,
    package_value,
    parse_deliverables,
    round_down,
    usage_months,
)
from agent.negotiation.state_machine import Event, NegotiationSetup, NegotiationState
from agent.negotiation.types import Action, Decision, Intent, Understanding
from data.types import to_money

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PolicyConfig:
    boulware_e: Decimal = Decimal("0.4")
    """Concession exponent e < 1: the agent concedes little early and most near the deadline."""
    deadline_slack: int = 3
    """Rounds kept after the Boulware deadline for levers and the walk-away: T = max_rounds − slack."""
    min_confidence: float = 0.5
    stall_fraction: Decimal = Decimal("0.01")
    """A creator who moves less than this share of their ask is holding firm."""
    accept_tolerance: Decimal = Decimal("0.02")
    """Accept an ask this close above the agent's next offer instead of haggling over crumbs."""
    anchor_fair_share: Decimal = Decimal("0.9")
    anchor_min_target_share: Decimal = Decimal("0.75")
    shorter_usage: str = "3 months organic"


DEFAULT_CONFIG = PolicyConfig()


class BudgetViolation(AssertionError):
    """The policy produced an offer or acceptance above the package ceiling (a bug, never sent)."""


@dataclass(frozen=True)
class PolicyResult:
    decision: Decision
    event: Event
    act: str
    """The wording act (template family): opening, counter, final_offer, lever_deliverables, accept, …"""
    state: NegotiationState


@dataclass(frozen=True)
class Package:
    deliverables: list[str]
    usage_rights: str | None
    value: Decimal
    ceiling: Decimal
    target: Decimal
    anchor: Decimal


# --- package arithmetic --------------------------------------------------------------------------------------


def package(state: NegotiationState, deliverables: list[str], usage_rights: str | None,
            config: PolicyConfig = DEFAULT_CONFIG) -> Package:
    """Value, ceiling, target and anchor of a package relative to the one first proposed."""
    setup = state.negotiation_setup()
    value = package_value(deliverables, setup.metrics, usage_rights=usage_rights)
    base = state.base_value_usd or value
    ratio = value / base if base > 0 else Decimal("1")
    ceiling = min(state.max_usd, (state.max_usd * ratio).quantize(CENT, rounding=ROUND_DOWN))
    target = min(ceiling, state.target_usd * ratio)
    fair_anchor = max(value * config.anchor_fair_share, target * config.anchor_min_target_share)
    anchor = round_down(min(target, fair_anchor))
    return Package(list(deliverables), usage_rights, value, ceiling, to_money(target), anchor)


def initial_state(setup: NegotiationSetup) -> NegotiationState:
    value = package_value(setup.deliverables, setup.metrics, usage_rights=setup.usage_rights)
    return NegotiationState(
        status="open", phase="opening", round=0, target_usd=setup.target_usd, max_usd=setup.max_usd,
        fair_price_usd=value, deliverables=list(setup.deliverables), usage_rights=setup.usage_rights,
        exclusivity=None, base_value_usd=value, setup=setup.to_dict(),
    )


def deadline(state: NegotiationState, config: PolicyConfig = DEFAULT_CONFIG) -> int:
    max_rounds = int(state.setup.get("max_rounds", 8))
    return max(2, max_rounds - config.deadline_slack)


def boulware(anchor: Decimal, limit: Decimal, t: int, horizon: int, e: Decimal) -> Decimal:
    """anchor + (limit − anchor)·(t/T)^(1/e), clamped to [anchor, limit]."""
    if limit <= anchor or horizon <= 0:
        return anchor
    fraction = min(Decimal(1), Decimal(max(t, 0)) / Decimal(horizon))
    return anchor + (limit - anchor) * (fraction ** (Decimal(1) / e) if fraction > 0 else Decimal(0))


def predicted_floor(asks: list[Decimal]) -> Decimal | None:
    """Where the creator's asks are heading if their concessions keep shrinking at the latest ratio."""
    if len(asks) < 2:
        return None
    last = asks[-2] - asks[-1]
    if last <= 0:
        return asks[-1]
    ratio = Decimal("0.5")
    if len(asks) >= 3 and (before := asks[-3] - asks[-2]) > 0:
        ratio = min(Decimal("0.9"), max(Decimal("0"), last / before))
    return asks[-1] - last * ratio / (1 - ratio)


def running_minimum(asks: list[Decimal]) -> list[Decimal]:
    out: list[Decimal] = []
    for ask in asks:
        out.append(min(ask, out[-1]) if out else ask)
    return out


def stall_streak(asks: list[Decimal], config: PolicyConfig = DEFAULT_CONFIG) -> int:
    """How many consecutive replies the creator has (almost) not moved."""
    streak = 0
    for previous, current in reversed(list(pairwise(asks))):
        if previous - current < previous * config.stall_fraction:
            streak += 1
        else:
            break
    return streak


# --- the guard ------------------------------------------------------------------------------------------------


def guard(decision: Decision, state: NegotiationState) -> Decision:
    """Refuse any offer or acceptance above the ceiling of the package it is for."""
    if decision.offer_usd is None:
        return decision
    deliverables = decision.deliverables or state.deliverables
    ceiling = package(state, deliverables, decision.usage_rights).ceiling
    if decision.offer_usd > ceiling or decision.offer_usd > state.max_usd:
        raise BudgetViolation(f"{decision.action} at {decision.offer_usd} exceeds the ceiling {ceiling}")
    if decision.offer_usd <= 0:
        raise BudgetViolation(f"{decision.action} at a non-positive amount {decision.offer_usd}")
    return decision


# --- deciding -------------------------------------------------------------------------------------------------


def open_decision(state: NegotiationState) -> PolicyResult:
    """The opening: propose the package and ask for the creator's rate (no number, so they name theirs)."""
    decision = Decision(action=Action.ASK, deliverables=list(state.deliverables), usage_rights=state.usage_rights,
                        reason="opening: invite the creator's rate for the package")
    return PolicyResult(decision, Event.OPEN, "opening", state.apply(Event.OPEN).copy(last_action="ask",
                                                                                        last_act="opening"))


def decide(state: NegotiationState, u: Understanding, config: PolicyConfig = DEFAULT_CONFIG) -> PolicyResult:
    """The decision for one creator message. `u.injection_suspected` changes nothing, by design."""
    if state.is_closed:
        raise ValueError(f"negotiation is {state.status}")
    result = _decide(state, u, config)
    guard(result.decision, result.state)
    new_state = result.state.apply(result.event).copy(last_action=result.decision.action.value, last_act=result.act)
    if result.decision.action == Action.ACCEPT:
        new_state.agreed_price_usd = result.decision.offer_usd
    return PolicyResult(result.decision, result.event, result.act, new_state)


def _decide(state: NegotiationState, u: Understanding, config: PolicyConfig) -> PolicyResult:
    if u.intent == Intent.STOP:
        return _result(state, Action.CLOSE, Event.STOP, "close", "the creator asked to stop")
    if u.intent in (Intent.OUT_OF_OFFICE, Intent.DELAY):
        return _result(state, Action.ASK, Event.WAIT, "wait", "the creator is away: no change")
    state = state.copy(round=state.round + 1)
    if u.confidence < config.min_confidence:
        return _result(state, Action.ESCALATE, Event.ESCALATE, "escalate", "unsure what the creator meant")
    problem = _undecidable_terms(state, u)
    if problem:
        return _result(state, Action.ESCALATE, Event.ESCALATE, "escalate", problem)

    deliverables = normalize_deliverables(u.deliverables) if u.deliverables else state.deliverables
    usage = u.usage_rights if u.usage_rights and _shorter_usage(u.usage_rights, state.usage_rights) \
        else state.usage_rights
    changed = deliverables != state.deliverables or usage != state.usage_rights
    previous = package(state, state.deliverables, state.usage_rights, config)
    pkg = package(state, deliverables, usage, config)
    if changed:
        # A smaller package scales our past offers down; a bigger one does not raise them (more for the same).
        shrink = min(Decimal(1), pkg.value / previous.value) if previous.value else Decimal(1)
        scaled = [round_down(o * shrink) for o in state.agent_offers]
        state = state.copy(deliverables=deliverables, usage_rights=usage, agent_offers=scaled, creator_asks=[])

    ask = _ask(u, pkg)
    result = _decide_on_price(state, u, pkg, ask, config)
    max_rounds = int(state.setup.get("max_rounds", 8))
    if result.decision.action in (Action.COUNTER, Action.ASK) and state.round > max_rounds:
        return _result(result.state, Action.ESCALATE, Event.ESCALATE, "escalate",
                       f"no agreement after {max_rounds} rounds")
    return result


def _decide_on_price(state: NegotiationState, u: Understanding, pkg: Package, ask: Decimal | None,
                     config: PolicyConfig) -> PolicyResult:
    last_offer = state.last_offer
    if u.intent == Intent.ACCEPT and ask is None:
        if last_offer is not None:
            return _accept(state, pkg, last_offer, "the creator accepted our offer")
        return _counter(state, pkg, pkg.anchor, "counter", "the creator is in: propose our price")
    if u.intent == Intent.ACCEPT_WITH_CONDITION and ask is None and last_offer is not None:
        return _accept(state, pkg, min(last_offer, round_down(pkg.ceiling)), "the creator accepted with our terms")

    if ask is not None:
        state = state.copy(creator_asks=[*state.creator_asks, ask])
        if last_offer is not None and ask <= last_offer:
            return _accept(state, pkg, ask, "the creator's ask is at or below our offer")
    elif u.intent in (Intent.GREET, Intent.INQUIRE, Intent.OFF_TOPIC):
        act = "answer" if last_offer is not None else "ask_rate"
        return _result(state, Action.ASK, Event.ASK, act, "answer and restate", offer=last_offer, pkg=pkg)
    elif u.intent == Intent.COUNTER and last_offer is None and not state.creator_asks:
        return _result(state, Action.ASK, Event.ASK, "ask_rate", "no price named yet", pkg=pkg)

    horizon = deadline(state, config)
    at_deadline = state.counters + 1 >= horizon
    # A creator who raises their price is held to their lowest ask so far (a retraction is not a concession).
    asks = running_minimum(state.creator_asks)
    current_ask = asks[-1] if asks else None
    firm = stall_streak(asks, config) >= 2 or (stall_streak(asks, config) >= 1 and state.counters >= 3)
    if u.intent == Intent.REJECT and ask is None and current_ask is not None:
        firm = firm or state.counters >= 2

    floor = predicted_floor(asks)
    limit = pkg.ceiling if floor is None else min(pkg.ceiling, max(floor, pkg.anchor))
    next_offer = round_down(boulware(pkg.anchor, limit, state.counters, horizon, config.boulware_e))
    if last_offer is not None:
        next_offer = max(next_offer, last_offer)
    next_offer = min(next_offer, round_down(pkg.ceiling))

    if current_ask is not None and ask is not None:
        acceptable = pkg.ceiling if at_deadline else min(pkg.ceiling, next_offer * (1 + config.accept_tolerance))
        if current_ask <= acceptable:
            return _accept(state, pkg, current_ask, "the ask is within what we would offer")
        if firm and current_ask <= pkg.ceiling:
            return _accept(state, pkg, current_ask, "the creator holds firm at a price within budget")

    best = round_down(pkg.ceiling)
    made_final = last_offer is not None and last_offer >= best
    if current_ask is not None and current_ask > pkg.ceiling and (made_final or firm or at_deadline):
        if not made_final:
            return _counter(state, pkg, best, "final_offer", "best and final: the ask is above our ceiling")
        return _lever_or_walk_away(state, pkg, config)
    if current_ask is None and made_final and u.intent == Intent.REJECT:
        return _lever_or_walk_away(state, pkg, config)
    if at_deadline:
        return _counter(state, pkg, best, "final_offer", "deadline reached: best and final")
    if current_ask is not None and next_offer >= current_ask:
        return _accept(state, pkg, current_ask, "our next offer would reach the ask")
    return _counter(state, pkg, next_offer, "counter", "Boulware concession")


def _lever_or_walk_away(state: NegotiationState, pkg: Package, config: PolicyConfig) -> PolicyResult:
    """Trade terms that cost the brand no money before walking away."""
    setup = state.negotiation_setup()
    for lever in ("deliverables", "usage", "product"):
        if lever in state.levers_used:
            continue
        state = state.copy(levers_used=[*state.levers_used, lever])
        if lever == "deliverables":
            smaller = _drop_one_unit(pkg.deliverables, setup)
            if smaller is None:
                continue
            new_pkg = package(state, smaller, pkg.usage_rights, config)
        elif lever == "usage":
            months = usage_months(pkg.usage_rights)
            shorter = config.shorter_usage
            if months is not None and months <= (usage_months(shorter) or 0) and not is_paid_usage(pkg.usage_rights):
                continue
            new_pkg = package(state, pkg.deliverables, shorter, config)
        else:
            if not setup.product:
                continue
            new_pkg = pkg
        state = state.copy(deliverables=new_pkg.deliverables, usage_rights=new_pkg.usage_rights)
        return _counter(state, new_pkg, round_down(new_pkg.ceiling), f"lever_{lever}",
                        f"lever: {lever} instead of more money")
    return _result(state, Action.REJECT, Event.WALK_AWAY, "walk_away", "no zone of agreement")


def _drop_one_unit(deliverables: list[str], setup: NegotiationSetup) -> list[str] | None:
    bundle = parse_deliverables(deliverables)
    if sum(bundle.values()) < 2:
        return None
    metrics = setup.metrics
    costliest = max(bundle, key=lambda kind: package_value([f"1 {kind}"], metrics))
    smaller: Counter[str] = Counter(bundle)
    smaller[costliest] -= 1
    return format_deliverables(+smaller)


def _ask(u: Understanding, pkg: Package) -> Decimal | None:
    if u.price_usd is not None and u.price_usd > 0:
        return to_money(u.price_usd)
    if u.unit_price_usd is not None and u.unit_price_usd > 0:
        units = sum(parse_deliverables(pkg.deliverables).values()) or 1
        return to_money(u.unit_price_usd * units)
    return None


def _shorter_usage(asked: str, current: str | None) -> bool:
    """Usage the creator limits (fewer months or no paid usage) is a term we can take and price in."""
    asked_months, current_months = usage_months(asked), usage_months(current)
    if asked_months is None or current_months is None:
        return False
    return asked_months <= current_months and (not is_paid_usage(asked) or is_paid_usage(current))


def _undecidable_terms(state: NegotiationState, u: Understanding) -> str | None:
    """Terms outside what the brand allowed; a person decides those."""
    if u.exclusivity:
        allowed = state.setup.get("exclusivity")
        asked_months, allowed_months = usage_months(u.exclusivity), usage_months(allowed)
        if not allowed or asked_months is None or allowed_months is None or asked_months > allowed_months:
            return f"exclusivity {u.exclusivity!r} is beyond what the brand allowed"
    if u.usage_rights and u.usage_rights != state.usage_rights:
        if usage_months(u.usage_rights) is None:
            return f"usage rights {u.usage_rights!r} need a person"
        if not _shorter_usage(u.usage_rights, state.usage_rights) and u.intent == Intent.ACCEPT_WITH_CONDITION:
            return f"usage rights {u.usage_rights!r} differ from the brief"
    return None


def _accept(state: NegotiationState, pkg: Package, price: Decimal, reason: str) -> PolicyResult:
    return _result(state, Action.ACCEPT, Event.ACCEPT, "accept", reason, offer=to_money(price), pkg=pkg)


def _counter(state: NegotiationState, pkg: Package, offer: Decimal, act: str, reason: str) -> PolicyResult:
    offer = to_money(offer)
    state = state.copy(agent_offers=[*state.agent_offers, offer], counters=state.counters + 1)
    return _result(state, Action.COUNTER, Event.COUNTER, act, reason, offer=offer, pkg=pkg)


def _result(state: NegotiationState, action: Action, event: Event, act: str, reason: str, *,
            offer: Decimal | None = None, pkg: Package | None = None) -> PolicyResult:
    deliverables = pkg.deliverables if pkg else state.deliverables
    usage = pkg.usage_rights if pkg else state.usage_rights
    decision = Decision(action=action, offer_usd=offer, deliverables=list(deliverables), usage_rights=usage,
                        reason=reason)
    return PolicyResult(decision, event, act, state)
