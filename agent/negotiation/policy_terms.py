"""The policy's terms: its configuration, what a package is worth and may cost, and the guard on every offer.

Split from `policy.py` (which decides) so each stays one job: this module prices a package relative to the one
first proposed (its ceiling scales with fair value, down but never up) and refuses any offer above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from agent.negotiation.concession import ConcessionConfig
from agent.negotiation.pricing import package_value, parse_deliverables, round_down
from agent.negotiation.state_machine import NegotiationSetup, NegotiationState
from agent.negotiation.types import Decision, Understanding
from data.types import to_money

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PolicyConfig:
    concession: ConcessionConfig = field(default_factory=ConcessionConfig)
    """Opening, Boulware curve, reciprocity and step bounds (see `concession.ConcessionConfig`)."""
    deadline_slack: int = 3
    """Rounds kept after the Boulware deadline for levers and the walk-away: T = max_rounds − slack."""
    min_confidence: float = 0.5
    accept_tolerance: Decimal = Decimal("0.03")
    """Accept an ask this close above the agent's next offer instead of haggling over crumbs."""
    target_tolerance: Decimal = Decimal("0.05")
    """Accept an ask this close above the brand's target for the package: the price it planned to pay."""
    anchor_fair_share: Decimal = Decimal("0.9")
    anchor_min_target_share: Decimal = Decimal("0.75")
    shorter_usage: str = "3 months organic"
    restate_margin: Decimal = Decimal("0.3")
    """After our best and final, a creator asking at most this much above it hears it again before any lever."""

    @property
    def boulware_e(self) -> Decimal:
        return self.concession.boulware_e


DEFAULT_CONFIG = PolicyConfig()


class BudgetViolation(AssertionError):
    """The policy produced an offer or acceptance above the package ceiling (a bug, never sent)."""


@dataclass(frozen=True)
class Package:
    deliverables: list[str]
    usage_rights: str | None
    value: Decimal
    ceiling: Decimal
    target: Decimal
    anchor: Decimal
    product_included: bool = False


# --- package arithmetic --------------------------------------------------------------------------------------


def package(state: NegotiationState, deliverables: list[str], usage_rights: str | None,
            config: PolicyConfig = DEFAULT_CONFIG, *, product_included: bool = False) -> Package:
    """Value, ceiling, target and anchor of a package relative to the one first proposed."""
    setup = state.negotiation_setup()
    value = package_value(deliverables, setup.metrics, usage_rights=usage_rights)
    base = state.base_value_usd or value
    ratio = value / base if base > 0 else Decimal("1")
    ceiling = min(state.max_usd, (state.max_usd * ratio).quantize(CENT, rounding=ROUND_DOWN))
    target = min(ceiling, state.target_usd * ratio)
    fair_anchor = max(value * config.anchor_fair_share, target * config.anchor_min_target_share)
    anchor = round_down(min(target, fair_anchor))
    return Package(list(deliverables), usage_rights, value, ceiling, to_money(target), anchor, product_included)


def initial_state(setup: NegotiationSetup) -> NegotiationState:
    value = package_value(setup.deliverables, setup.metrics, usage_rights=setup.usage_rights)
    return NegotiationState(
        status="open", phase="opening", round=0, target_usd=setup.target_usd, max_usd=setup.max_usd,
        fair_price_usd=value, deliverables=list(setup.deliverables), usage_rights=setup.usage_rights,
        exclusivity=None, base_value_usd=value, setup=setup.to_dict(),
    )


def deadline(state: NegotiationState, config: PolicyConfig = DEFAULT_CONFIG) -> int:
    max_rounds = int(state.setup.get("max_rounds", 8))
    return max(2, max_rounds - config.deadline_slack - state.delays)


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


# --- what the creator asks --------------------------------------------------------------------------------------


def asked_price(u: Understanding, pkg: Package) -> Decimal | None:
    """The total the creator asks for `pkg`: their price, or their unit price times its units."""
    if u.price_usd is not None and u.price_usd > 0:
        return to_money(u.price_usd)
    if u.unit_price_usd is not None and u.unit_price_usd > 0:
        units = sum(parse_deliverables(pkg.deliverables).values()) or 1
        return to_money(u.unit_price_usd * units)
    return None


def beyond_budget_for_more(ask: Decimal | None, current: Package, proposed: Package) -> bool:
    """The creator proposes a bigger package (one more story, longer usage) at a price above our ceiling."""
    return proposed.value > current.value and ask is not None and ask > proposed.ceiling


def restated(u: Understanding, ask: Decimal, proposed: Package, current: Package) -> Understanding:
    """The understanding with `ask`, their price for `proposed`, restated for `current` (by fair value)."""
    return u.model_copy(update={"price_usd": to_money(ask * current.value / proposed.value), "unit_price_usd": None})
