"""The negotiation policy: decides every offer, acceptance, walk-away and escalation. No language model here.

Strategy: a Boulware time curve that also answers the other side (after Faratin, Sierra & Jennings 1998, and
the ANAC agents that do well against people: relative tit-for-tat bounded by a time-dependent curve). People
read a counterpart that does not move while they do as stonewalling, and a sudden jump to the top of the budget
as money left on the table; this policy does neither. Every number is Decimal and the whole policy is
deterministic: the same state and message give the same decision.

* **Opening.** The first counter is the brand's anchor (the target, pulled down toward the fair-price estimate
  of the package when the creator's market value is lower), raised to `opening_ask_share` (0.7) of the
  creator's ask or listed package rate when the fair-price estimate says they are worth that much, and never
  above `opening_cap_share` (0.65) of the ceiling. People walk from a first offer far under their ask (on
  CraigslistBargain the deal rate falls from 0.94 to 0.75 when the first offer is under 60 % of the listing; our
  proud creators leave at 55-70 %): half an ask, the old share, lost a quarter of them. The price: against a
  creator who only mirrors our moves the deal lands nearer the middle of the two openings, so a higher opening
  costs surplus there (`evals simulate --human`, reciprocal row). The cap sets that trade: 0.7 left the
  reciprocal row under split-the-difference (agreement × surplus 0.48 against 0.515 over seeds 7, 1, 2, 3);
  0.65 puts it above (0.53) at the cost of some proud creators (their agreement 0.79 → 0.73, agreement ×
  surplus still well above split's 0.29); 0.6 lost too many of them (agreement 0.61).
  The raise applies only when that capped opening reaches `respect_reach_share` (0.6) of their ask at all: an
  ask far above the ceiling finds any opening we can make low, so the raise would only cost (over seeds 7, 1, 2,
  3: reciprocal agreement × surplus 0.448 → 0.474, agreement 0.882 → 0.883, surplus 0.560 → 0.569; proud,
  impatient, lever_trading and slow_ghoster up too, bundle 0.457 → 0.446).
* **Each later counter** is the larger of two offers, then bounded:
  - time: offer(t) = opening + (limit − opening)·(t/T)^(1/e), e = `boulware_e` (0.4: slow early, fast near the
    deadline T = max_rounds − `deadline_slack` counters − one per "let me think about it" from the creator,
    since a creator who stalls may not come back);
  - behaviour: last offer + `reciprocity` (1.0) × the creator's last concession (tit-for-tat: a creator who
    holds gets no reciprocal step, one who moves gets a like move back; half of it, tried first, only slowed both
    sides down against creators who match moves: `evals simulate --human`);
  - bounds: no step closes more than `max_step_share` (0.5) of the gap between our last offer and the nearer
    of their ask and our limit; while the creator moves, at least `min_step_share` (0.1) of that gap and at
    least one price step, so the same number is never sent more than twice in a row while they move;
  - `limit` is the package ceiling, tightened to `floor_margin` (1 %, rounded up) above the creator's predicted floor
    (their asks extrapolated as geometrically shrinking concessions; no prediction while their steps do not
    shrink, since steady steps say nothing of where they stop). The limit bounds the curve and the reciprocal
    step, never the minimum step owed to a creator who moves;
  - once their last two concessions shrink faster than the steps of ours they answered (`slowing_on_their_own`),
    one step may go straight to the limit (up to `floor_step_share`, 0.9, of the gap; a step short of ours by
    less than their price step is a rounded match, not a slowdown): that number is where
    their own concessions say they stop, so the move is informed, unlike a jump to the ceiling, and it closes
    before an impatient creator leaves. A creator who mirrors us shrinks their steps because we shrank ours;
    jumping to that "floor" paid them what they would have come down from (over seeds 7, 1, 2, 3 of
    `evals simulate --human`, surplus share 0.546 → 0.560, agreement 0.880 → 0.878).
* **A rebuff** ("that's a lowball, I'll pass": a refusal naming no price, before our best and final) is answered
  with the biggest step the bounds allow, `max_step_share` of the gap, not a repeated or inched-up number: the
  creator said the number ends the talk (CraigslistBargain sellers quit after lowballs). Over seeds 7, 1, 2, 3 of
  `evals simulate --human`: agreement 0.878 → 0.881, surplus 0.560 → 0.556.
* **Closing.** Accept an ask at or below our last offer, within `accept_tolerance` (3 %) of our next offer, or
  within `target_tolerance` (5 %) of the brand's target for the package ("$1,800 works for me" under a $2,000
  target is a yes: haggling over the last 5 % of what the brand planned to pay risks the creator for crumbs,
  while 5 % above a late offer near the ceiling is real money). Accept a creator who holds firm at a price
  within the ceiling (twice without moving, or once after three counters, first answered with one best-and-final
  offer between us). A hold that answers a number we had just repeated mirrors our own hold, not firmness
  (`holding.firmness_of`): a creator who matches moves waits for ours, and reading the mutual hold as firm
  accepted their ask, or sent the ceiling, with no step between (over seeds 7, 1, 2, 3 of `evals simulate
  --human`: reciprocal agreement × surplus 0.413 → 0.448, agreement 0.881 → 0.882, firm 0.795 → 0.788).
* **Above the ceiling.** A creator asking more than the ceiling who still moves (or holds once, or holds while
  we have not conceded yet and is within `restate_margin` of it) gets a step of `max_step_share` of the way to
  the ceiling while at least three rounds remain; the ceiling comes as the best and final once they hold twice
  (against moves of ours) or the rounds run short.
* **Best and final** (at the deadline): placed above the predicted floor by 1/(1 + rounds left) of the room to
  the ceiling; with no predicted floor, halfway (rounded down) between the planned offer and their ask; the
  ceiling only when the floor or that midpoint is beyond it; never below the planned offer. After a best and
  final at the ceiling, a creator within `restate_margin` (30 %), or coming down at a pace that reaches it in
  the rounds left, hears it again (never a third time after two moves of theirs); then come levers that cost
  the brand no money (one deliverable fewer, shorter organic usage, the product on top), then a polite
  walk-away.
* **Creator-proposed terms** (`levers.py`, priced in `policy_terms.py`): dropping, adding or swapping
  deliverables and shorter or longer usage change the package; its ceiling scales with its fair value against
  the package first proposed, down but never up, past offers scale down with it and the creator's past asks
  are restated in its terms (so a lower price for less is no concession, and a real one is answered). More
  content for more than the ceiling ("I can add a story if we say $12,100") is declined: the budget does not
  grow with the package, so we stay on ours (`keep_package`) and read their price in its terms (over seeds 7, 1,
  2, 3: lever_trading agreement × surplus 0.46 → 0.58, overall agreement 0.883 → 0.892).
  Exclusivity beyond the brand's allowance, timeline changes, unreadable usage and product-in-lieu without a
  product go to a person with the reason.
* Low confidence in the understanding and too many rounds (`max_rounds`) also go to a person, except rounds
  running out on a creator who answers our standing best and final with a price still above the ceiling: a
  walk-away (in `evals simulate --human`, seed 7, the no_zone persona was handed to a person 12 times in 50).

`guard` refuses any decision above the package ceiling, so no message can move the budget. Each decision
carries `rationale`: the ceiling, limit, predicted floor, Boulware offer and reciprocal step behind it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from agent.deal_probability.reference import listed_package_price
from agent.negotiation.concession import (
    Plan,
    boulware,
    next_offer,
    opening_offer,
    placed_final,
    predicted_floor,
    running_minimum,
)
from agent.negotiation.holding import firmness_of, may_restate, moved
from agent.negotiation.levers import (
    LEVERS,
    Terms,
    drop_one_unit,
    proposed_terms,
    shorter_usage_lever,
    undecidable_terms,
)
from agent.negotiation.policy_terms import (
    DEFAULT_CONFIG,
    BudgetViolation,
    Package,
    PolicyConfig,
    asked_price,
    beyond_budget_for_more,
    deadline,
    guard,
    initial_state,
    package,
    restated,
)
from agent.negotiation.pricing import round_down
from agent.negotiation.state_machine import Event, NegotiationState
from agent.negotiation.types import Action, Decision, Intent, Understanding
from data.types import to_money

__all__ = [
    "DEFAULT_CONFIG",
    "BudgetViolation",
    "Package",
    "PolicyConfig",
    "PolicyResult",
    "boulware",
    "deadline",
    "decide",
    "guard",
    "initial_state",
    "open_decision",
    "package",
    "predicted_floor",
]

@dataclass(frozen=True)
class PolicyResult:
    decision: Decision
    event: Event
    act: str
    """The wording act (template family): opening, counter, final_offer, lever_deliverables, accept, …"""
    state: NegotiationState


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
    if u.intent == Intent.DELAY and state.agent_offers:
        # A creator who stalls mid-negotiation may not come back: the deadline comes one counter closer.
        state = state.copy(delays=state.delays + 1)
    if u.intent in (Intent.OUT_OF_OFFICE, Intent.DELAY):
        return _result(state, Action.ASK, Event.WAIT, "wait", "the creator is away: no change")
    state = state.copy(round=state.round + 1)
    if u.confidence < config.min_confidence:
        return _result(state, Action.ESCALATE, Event.ESCALATE, "escalate", "unsure what the creator meant")
    problem = undecidable_terms(state, u)
    if problem:
        return _result(state, Action.ESCALATE, Event.ESCALATE, "escalate", problem)

    terms = proposed_terms(state, u)
    changed = terms.deliverables != state.deliverables or terms.usage_rights != state.usage_rights
    previous = package(state, state.deliverables, state.usage_rights, config)
    product = terms.product_included or _product_in_deal(state)
    pkg = package(state, terms.deliverables, terms.usage_rights, config, product_included=product)
    proposed_ask = asked_price(u, pkg)
    kept = changed and beyond_budget_for_more(proposed_ask, previous, pkg)
    if kept and proposed_ask is not None:
        # More content for more money than the budget holds: the budget does not grow with the package, so we
        # stay on ours and read their price for the bigger one in its terms.
        u = restated(u, proposed_ask, pkg, previous)
        terms, changed = Terms(list(state.deliverables), state.usage_rights, terms.product_included), False
        pkg = package(state, terms.deliverables, terms.usage_rights, config, product_included=product)
    if changed:
        # A smaller package scales our past offers down; a bigger one does not raise them (more for the same).
        shrink = min(Decimal(1), pkg.value / previous.value) if previous.value else Decimal(1)
        scaled = [round_down(o * shrink) for o in state.agent_offers]
        final = None if state.final_offer_usd is None else round_down(state.final_offer_usd * shrink)
        # Their past asks in the new package's terms, so a lower price for less is not mistaken for a concession
        # and a real one is answered.
        ratio = pkg.value / previous.value if previous.value else Decimal(1)
        asks = [to_money(a * ratio) for a in state.creator_asks]
        state = state.copy(deliverables=terms.deliverables, usage_rights=terms.usage_rights, agent_offers=scaled,
                           creator_asks=asks, final_offer_usd=final)
    if terms.product_included and "product" not in state.levers_used:
        state = state.copy(levers_used=[*state.levers_used, "product"])

    ask = asked_price(u, pkg)
    result = _decide_on_price(state, u, pkg, ask, config, changed)
    if kept and result.act == "counter":
        result = dataclasses.replace(result, act="keep_package")
    max_rounds = int(state.setup.get("max_rounds", 8))
    if result.decision.action in (Action.COUNTER, Action.ASK) and state.round > max_rounds:
        asks = running_minimum(result.state.creator_asks)
        answered = ask is not None or u.intent == Intent.REJECT
        if answered and result.state.final_offer_usd is not None and asks and asks[-1] > pkg.ceiling:
            # Our best and final stood and they answered it with a price still above the ceiling (or a no): no
            # zone, and nothing for a person to decide; a polite walk-away, not a hand-over. A question still
            # goes to a person.
            return _result(result.state, Action.REJECT, Event.WALK_AWAY, "walk_away",
                           f"no zone of agreement after {max_rounds} rounds", pkg=pkg)
        return _result(result.state, Action.ESCALATE, Event.ESCALATE, "escalate",
                       f"no agreement after {max_rounds} rounds")
    return result


def _product_in_deal(state: NegotiationState) -> bool:
    return "product" in state.levers_used and bool(state.setup.get("product"))


def _reference_price(state: NegotiationState, pkg: Package, ask: Decimal | None) -> Decimal | None:
    """What a respectful opening is measured against: the creator's ask, else their listed package rate."""
    if ask is not None:
        return ask
    return listed_package_price(state.setup.get("listed_rates_usd"), pkg.deliverables)


def _decide_on_price(state: NegotiationState, u: Understanding, pkg: Package, ask: Decimal | None,
                     config: PolicyConfig, changed: bool) -> PolicyResult:
    last_offer = state.last_offer
    if u.intent == Intent.ACCEPT and ask is None:
        if last_offer is not None:
            return _accept(state, pkg, last_offer, "the creator accepted our offer")
        opening = opening_offer(pkg.anchor, pkg.value, pkg.ceiling, _reference_price(state, pkg, None),
                                config.concession)
        return _counter(state, pkg, opening, "counter", "the creator is in: propose our price")
    if u.intent == Intent.ACCEPT_WITH_CONDITION and ask is None and last_offer is not None:
        return _accept(state, pkg, min(last_offer, round_down(pkg.ceiling)), "the creator accepted with our terms")

    if ask is not None:
        state = state.copy(creator_asks=[*state.creator_asks, ask])
        if last_offer is not None and ask <= last_offer:
            return _accept(state, pkg, ask, "the creator's ask is at or below our offer")
    elif u.intent in (Intent.GREET, Intent.INQUIRE, Intent.OFF_TOPIC) or (changed and last_offer is not None):
        act = "answer" if last_offer is not None else "ask_rate"
        if changed and last_offer is not None:
            return _counter(state, pkg, min(last_offer, round_down(pkg.ceiling)), "counter_package",
                            "the creator changed the package: our offer for it")
        return _result(state, Action.ASK, Event.ASK, act, "answer and restate", offer=last_offer, pkg=pkg)
    elif u.intent == Intent.COUNTER and last_offer is None and not state.creator_asks:
        return _result(state, Action.ASK, Event.ASK, "ask_rate", "no price named yet", pkg=pkg)

    horizon = deadline(state, config)
    at_deadline = state.counters + 1 >= horizon
    asks = running_minimum(state.creator_asks)
    current_ask = asks[-1] if asks else None
    firmness = firmness_of(state, u, asks, ask, config)
    opening = state.agent_offers[0] if state.agent_offers else opening_offer(
        pkg.anchor, pkg.value, pkg.ceiling, _reference_price(state, pkg, current_ask), config.concession)
    plan = next_offer(opening=opening, last_offer=last_offer, ceiling=pkg.ceiling, asks=asks, t=state.counters,
                      horizon=horizon, config=config.concession, offers=state.agent_offers,
                      rebuffed=u.intent == Intent.REJECT and ask is None and state.final_offer_usd is None)
    planned = plan.offer
    rationale = plan.rationale(pkg.ceiling)
    best = round_down(pkg.ceiling)

    if current_ask is not None and ask is not None:
        # What we would pay anyway: our next offer, or the brand's target for this package, whichever is more.
        acceptable = min(pkg.ceiling, max(planned * (1 + config.accept_tolerance),
                                          pkg.target * (1 + config.target_tolerance)))
        if current_ask <= acceptable:
            return _accept(state, pkg, current_ask, "the ask is within what we would offer anyway", rationale)
        if current_ask <= pkg.ceiling and (firmness >= 2 or (firmness == 1 and state.final_offer_usd is not None)):
            return _accept(state, pkg, current_ask, "the creator holds firm at a price within budget", rationale)
        if current_ask <= pkg.ceiling and firmness == 1:
            between = round_down(max(planned, (planned + current_ask) / 2))
            if between > (last_offer or Decimal(0)) and between < current_ask:
                return _final(state, pkg, between, "best and final: the creator is holding", rationale)
            return _accept(state, pkg, current_ask, "the creator holds at a price within budget", rationale)

    made_final = last_offer is not None and last_offer >= best
    if current_ask is not None and current_ask > pkg.ceiling and (made_final or firmness or at_deadline):
        if made_final:
            if may_restate(state, current_ask, pkg.ceiling, config):
                return _counter(state, pkg, last_offer, "final_offer", "the creator is close: our best stands",
                                rationale)
            return _lever_or_walk_away(state, pkg, config)
        rounds_left = int(state.setup.get("max_rounds", 8)) - state.round
        # A creator close above our budget who holds while we have not conceded yet (a tit-for-tat counterpart
        # waits for our move) gets a step, not the ceiling at once; one far above it gets our best and final.
        stalled_start = (len(set(state.agent_offers)) == 1
                         and current_ask <= pkg.ceiling * (1 + config.restate_margin))
        if ((firmness < 2 or stalled_start) and (not at_deadline or moved(asks)) and rounds_left >= 3
                and last_offer is not None):
            # Above our budget but not holding firm: a bounded step toward it, not the whole ceiling at once (a
            # creator who still moves gets steps until the rounds run short).
            step = round_down(max(planned, last_offer + (best - last_offer) * config.concession.max_step_share))
            if last_offer < step < best:
                return _counter(state, pkg, step, "counter", "the creator holds above our budget: a bounded step",
                                rationale)
        return _final(state, pkg, best, "best and final: the ask is above our ceiling", rationale)
    if current_ask is None and made_final and u.intent == Intent.REJECT:
        return _lever_or_walk_away(state, pkg, config)
    if at_deadline and state.final_offer_usd is None:
        rounds_left = int(state.setup.get("max_rounds", 8)) - state.round
        final = placed_final(next_plan=plan, ceiling=pkg.ceiling, rounds_left=rounds_left, ask=current_ask)
        if current_ask is not None and final >= current_ask:
            return _accept(state, pkg, current_ask, "our best and final would reach the ask", rationale)
        return _final(state, pkg, final, "deadline reached: best and final placed from the predicted floor",
                      rationale)
    if current_ask is not None and planned >= current_ask:
        return _accept(state, pkg, current_ask, "our next offer would reach the ask", rationale)
    act = "counter_package" if changed else "counter"
    return _counter(state, pkg, planned, act, _counter_reason(plan), rationale)


def _counter_reason(plan: Plan) -> str:
    if plan.reciprocal is not None and plan.reciprocal > plan.boulware:
        return "reciprocal concession: answering the creator's move"
    return "Boulware concession"


def _lever_or_walk_away(state: NegotiationState, pkg: Package, config: PolicyConfig) -> PolicyResult:
    """Trade terms that cost the brand no money before walking away."""
    setup = state.negotiation_setup()
    for lever in LEVERS:
        if lever in state.levers_used:
            continue
        state = state.copy(levers_used=[*state.levers_used, lever])
        if lever == "deliverables":
            smaller = drop_one_unit(pkg.deliverables, setup)
            if smaller is None:
                continue
            new_pkg = package(state, smaller, pkg.usage_rights, config, product_included=pkg.product_included)
        elif lever == "usage":
            shorter = shorter_usage_lever(pkg.usage_rights, config.shorter_usage)
            if shorter is None:
                continue
            new_pkg = package(state, pkg.deliverables, shorter, config, product_included=pkg.product_included)
        else:
            if not setup.product:
                continue
            new_pkg = package(state, pkg.deliverables, pkg.usage_rights, config, product_included=True)
        state = state.copy(deliverables=new_pkg.deliverables, usage_rights=new_pkg.usage_rights)
        return _counter(state, new_pkg, round_down(new_pkg.ceiling), f"lever_{lever}",
                        f"lever: {lever} instead of more money", {"ceiling": float(new_pkg.ceiling)})
    return _result(state, Action.REJECT, Event.WALK_AWAY, "walk_away", "no zone of agreement", pkg=pkg)


def _accept(state: NegotiationState, pkg: Package, price: Decimal, reason: str,
            rationale: dict[str, str | float] | None = None) -> PolicyResult:
    return _result(state, Action.ACCEPT, Event.ACCEPT, "accept", reason, offer=to_money(price), pkg=pkg,
                   rationale=rationale)


def _final(state: NegotiationState, pkg: Package, offer: Decimal, reason: str,
           rationale: dict[str, str | float] | None = None) -> PolicyResult:
    result = _counter(state, pkg, offer, "final_offer", reason, {**(rationale or {}), "final": float(offer)})
    return PolicyResult(result.decision, result.event, result.act, result.state.copy(final_offer_usd=to_money(offer)))


def _counter(state: NegotiationState, pkg: Package, offer: Decimal, act: str, reason: str,
             rationale: dict[str, str | float] | None = None) -> PolicyResult:
    offer = to_money(offer)
    state = state.copy(agent_offers=[*state.agent_offers, offer], counters=state.counters + 1)
    return _result(state, Action.COUNTER, Event.COUNTER, act, reason, offer=offer, pkg=pkg, rationale=rationale)


def _result(state: NegotiationState, action: Action, event: Event, act: str, reason: str, *,
            offer: Decimal | None = None, pkg: Package | None = None,
            rationale: dict[str, str | float] | None = None) -> PolicyResult:
    deliverables = pkg.deliverables if pkg else state.deliverables
    usage = pkg.usage_rights if pkg else state.usage_rights
    product = pkg.product_included if pkg else _product_in_deal(state)
    decision = Decision(action=action, offer_usd=offer, deliverables=list(deliverables), usage_rights=usage,
                        reason=reason, product_included=product, rationale=dict(rationale or {}))
    return PolicyResult(decision, event, act, state)
