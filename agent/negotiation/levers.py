"""Terms other than the price: the package the creator proposes, the levers the agent offers, and what needs a person.

A creator may trade terms for money ("3 months of usage instead of 6 and 7.2k works", "drop one story", "swap the
reel for a TikTok", "product instead of part of the fee"). `proposed_terms` turns such a message into the package
on the table: deliverables as the understanding resolved them, usage rights merged with the brief's kind
(organic/paid), and whether the brand's product is part of the deal. Pricing is `policy.package`: the ceiling
scales with the package's fair value relative to the one first proposed, down but never up. Terms the policy
cannot price (exclusivity beyond the brand's allowance, dates, usage it cannot read, product when the campaign
has none) go to a person with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from agent.negotiation.pricing import (
    format_deliverables,
    is_paid_usage,
    normalize_deliverables,
    package_value,
    parse_deliverables,
    usage_months,
)
from agent.negotiation.state_machine import NegotiationSetup, NegotiationState
from agent.negotiation.types import Intent, Understanding

LEVERS = ("deliverables", "usage", "product")
"""The agent's own levers, in the order it offers them once the cash cannot go higher."""


@dataclass(frozen=True)
class Terms:
    deliverables: list[str]
    usage_rights: str | None
    product_included: bool = False


def _months_text(months: int) -> str:
    return f"{months} month{'' if months == 1 else 's'}"


def merge_usage(asked: str, current: str | None) -> str:
    """The creator's usage term in the brief's words: "3 months usage" against "6 months organic" is
    "3 months organic"; "organic only" against "6 months paid usage" is "6 months organic"."""
    asked_months, current_months = usage_months(asked), usage_months(current)
    lowered = asked.lower()
    if re.search(r"organic only|no paid|no ads|no whitelisting", lowered):
        if current_months:
            return f"{_months_text(current_months)} organic"
        return "organic only"
    if asked_months is None:
        return asked
    paid = is_paid_usage(asked) or (is_paid_usage(current) and "organic" not in lowered)
    return f"{_months_text(asked_months)} {'paid usage' if paid else 'organic'}"


def readable_usage(usage: str | None) -> bool:
    return usage_months(usage) is not None


def proposed_terms(state: NegotiationState, u: Understanding) -> Terms:
    """The package the creator's message puts on the table (the current one when it names no change)."""
    deliverables = normalize_deliverables(u.deliverables) if u.deliverables else list(state.deliverables)
    usage = state.usage_rights
    if u.usage_rights and readable_usage(u.usage_rights):
        merged = merge_usage(u.usage_rights, state.usage_rights)
        if usage_months(merged) != usage_months(state.usage_rights) or \
                is_paid_usage(merged) != is_paid_usage(state.usage_rights):
            usage = merged
    product = bool(u.product_in_lieu and state.setup.get("product"))
    return Terms(deliverables, usage, product)


def undecidable_terms(state: NegotiationState, u: Understanding) -> str | None:
    """Terms outside what the policy may decide; a person decides those (the reason is shown to them)."""
    if u.exclusivity and u.exclusivity != "none":
        allowed = state.setup.get("exclusivity")
        asked_months, allowed_months = usage_months(u.exclusivity), usage_months(allowed)
        if not allowed or asked_months is None or allowed_months is None or asked_months > allowed_months:
            return f"exclusivity {u.exclusivity!r} is beyond what the brand allowed"
    if u.usage_rights and u.usage_rights != state.usage_rights and not readable_usage(u.usage_rights):
        return f"usage rights {u.usage_rights!r} need a person"
    if u.usage_rights and is_paid_usage(u.usage_rights) and not is_paid_usage(state.usage_rights) \
            and u.intent == Intent.ACCEPT_WITH_CONDITION:
        return f"paid usage {u.usage_rights!r} is not in the brief"
    if u.timeline:
        return f"the creator asks to change the timeline ({u.timeline!r}); the campaign dates are the brand's call"
    if u.product_in_lieu and not state.setup.get("product"):
        return "the creator asks for product in lieu of cash, and this campaign has no product to send"
    return None


def drop_one_unit(deliverables: list[str], setup: NegotiationSetup) -> list[str] | None:
    """The package minus one unit of its costliest kind; None for a single deliverable."""
    bundle = parse_deliverables(deliverables)
    if sum(bundle.values()) < 2:
        return None
    metrics = setup.metrics
    costliest = max(bundle, key=lambda kind: package_value([f"1 {kind}"], metrics))
    smaller: Counter[str] = Counter(bundle)
    smaller[costliest] -= 1
    return format_deliverables(+smaller)


def shorter_usage_lever(current: str | None, shorter: str) -> str | None:
    """The agent's usage lever (`shorter`, organic), or None when the brief's usage is already that short."""
    months = usage_months(current)
    if months is not None and months <= (usage_months(shorter) or 0) and not is_paid_usage(current):
        return None
    return shorter
