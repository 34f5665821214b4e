"""The negotiation policy: concessions, acceptance, levers, walk-away, escalation and the budget ceiling."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.negotiation.concession import Plan, next_offer, placed_final
from agent.negotiation.holding import firmness_of, may_restate
from agent.negotiation.policy import (
    DEFAULT_CONFIG,
    BudgetViolation,
    PolicyResult,
    boulware,
    deadline,
    decide,
    guard,
    initial_state,
    open_decision,
    package,
    predicted_floor,
)
from agent.negotiation.pricing import (
    CreatorMetrics,
    deliverable_price,
    package_value,
    round_down,
    usage_months,
)
from agent.negotiation.state_machine import NegotiationSetup, NegotiationState
from agent.negotiation.types import Action, Decision, Intent, Understanding

D = Decimal


def _setup(**changes: object) -> NegotiationSetup:
    values: dict[str, object] = {"target_usd": D("4000"), "max_usd": D("6500"), "deliverables": ["1 reel", "2 stories"],
                                 "usage_rights": "6 months organic", "followers": 250_000,
                                 "engagement_rate": D("4.2"), "max_rounds": 8}
    values.update(changes)
    return NegotiationSetup(**values)  # type: ignore[arg-type]


def _opened(**changes: object) -> NegotiationState:
    return open_decision(initial_state(_setup(**changes))).state


def _ask(price: str | None, intent: Intent = Intent.COUNTER, **fields: object) -> Understanding:
    return Understanding(intent=intent, price_usd=None if price is None else D(price), **fields)  # type: ignore[arg-type]


def _play(state: NegotiationState, *messages: Understanding) -> list[PolicyResult]:
    results = []
    for u in messages:
        result = decide(state, u)
        results.append(result)
        state = result.state
    return results


# --- fair price -------------------------------------------------------------------------------------------------


def test_fair_price_grows_with_audience_and_blends_listed_rates() -> None:
    small = CreatorMetrics(followers=20_000, engagement_rate=D("3.5"))
    big = CreatorMetrics(followers=800_000, engagement_rate=D("2.2"))
    assert deliverable_price("post", big) > deliverable_price("post", small)
    assert deliverable_price("reel", small) > deliverable_price("post", small) > deliverable_price("story", small)
    market = deliverable_price("post", small)
    listed = CreatorMetrics(followers=20_000, engagement_rate=D("3.5"), listed_rates={"post": market + 1000})
    assert deliverable_price("post", listed) == market + 500
    youtube = CreatorMetrics(platform="youtube", followers=20_000, engagement_rate=D("3.5"))
    assert deliverable_price("post", youtube) > market


def test_package_value_counts_units_and_usage() -> None:
    m = CreatorMetrics(followers=100_000)
    one = package_value(["1 story"], m)
    assert package_value(["3 stories"], m) == 3 * one
    assert package_value(["1 story"], m, usage_rights="12 months organic") > package_value(
        ["1 story"], m, usage_rights="3 months organic")
    assert usage_months("6 months organic") == 6 and usage_months("1 year paid") == 12
    assert usage_months("whatever you like") is None


def test_offers_round_down_to_sensible_steps() -> None:
    assert round_down(D("4637.20")) == D("4600.00")
    assert round_down(D("987")) == D("975.00")
    assert round_down(D("23456")) == D("23400.00")


# --- concession strategy ---------------------------------------------------------------------------------------


def test_boulware_concedes_little_early_and_reaches_the_limit() -> None:
    anchor, limit = D("1000"), D("2000")
    curve = [boulware(anchor, limit, t, 5, D("0.4")) for t in range(6)]
    assert curve[0] == anchor and curve[-1] == limit
    assert all(a <= b for a, b in pairwise(curve))
    assert curve[2] - anchor < (limit - anchor) / 5  # 40 % of the time, under 20 % of the range


def test_predicted_floor_extrapolates_shrinking_concessions() -> None:
    assert predicted_floor([D("8000")]) is None
    assert predicted_floor([D("8000"), D("7000"), D("6500")]) == D("6000")
    assert predicted_floor([D("7000"), D("7000")]) == D("7000")


def test_a_predicted_floor_is_met_in_one_step_never_beyond_it() -> None:
    # Asks 8,000 → 7,000 → 6,500 predict a floor of 6,000: from 4,000 the next counter goes to just above it (the
    # half-the-gap cap alone would allow 5,250), and stays under their ask, just above the 1 % margin.
    asks = [D("8000"), D("7000"), D("6500")]
    plan = next_offer(opening=D("3500"), last_offer=D("4000"), ceiling=D("9000"), asks=asks, t=2, horizon=5)
    assert plan.predicted_floor == D("6000")
    assert D("6060") <= plan.offer <= D("6100")  # the 1 % margin, rounded up to the $50 step
    # Two asks predict nothing yet: the usual bounded step.
    early = next_offer(opening=D("3500"), last_offer=D("4000"), ceiling=D("9000"), asks=asks[:2], t=1, horizon=5)
    assert early.offer <= D("4000") + (D("7000") - D("4000")) / 2


def test_a_step_across_a_coarser_price_grid_is_not_rounded_away() -> None:
    # From 195 a creator's 25-dollar move earns about 25 back; rounding 220 down on the 25-dollar grid that starts
    # at 200 would send 200, a 5-dollar step that reads as stonewalling.
    plan = next_offer(opening=D("195"), last_offer=D("195"), ceiling=D("300"), asks=[D("325"), D("300")], t=1,
                      horizon=5, offers=[D("195")])
    assert plan.offer == D("225")
    # 975 + a matched 50 is 1,025; the $50 grid from 1,000 would send 1,000, half the step: 1,050 it is.
    half = next_offer(opening=D("875"), last_offer=D("975"), ceiling=D("1350"), asks=[D("1400"), D("1300"),
                      D("1250")], t=2, horizon=5, offers=[D("875"), D("975")])
    assert half.offer == D("1050")
    # On one grid rounding still goes down (the buyer's side): the 10 %-of-the-gap minimum, 5,322, is 5,300.
    same = next_offer(opening=D("5200"), last_offer=D("5200"), ceiling=D("8000"), asks=[D("6500"), D("6420")],
                      t=1, horizon=5, offers=[D("5200")])
    assert same.offer == D("5300")


def test_just_above_a_predicted_floor_survives_rounding() -> None:
    # Asks 24,800 → 22,100 → 20,500 slow on their own (2,700 then 1,600 against our 2,700): floor ≈ 18,173, limit
    # 1 % above it, 18,354. Rounded down to the $100 grid that would be 18,300, under the limit: it goes up.
    plan = next_offer(opening=D("13100"), last_offer=D("15800"), ceiling=D("20300"),
                      asks=[D("24800"), D("22100"), D("20500")], t=2, horizon=5, offers=[D("13100"), D("15800")])
    assert plan.predicted_floor is not None and plan.offer >= plan.limit > plan.predicted_floor
    assert plan.offer == D("18400")


def test_a_match_rounded_to_their_price_step_is_not_a_slowdown() -> None:
    # Our 75 answered with 50 on a $25 grid (a 0.8 match, rounded) is mirroring, not a creator nearing their floor:
    # no jump to the "floor" their asks seem to point at (1,200), just the reciprocal step.
    plan = next_offer(opening=D("925"), last_offer=D("1000"), ceiling=D("1450"),
                      asks=[D("1400"), D("1300"), D("1250")], t=2, horizon=5, offers=[D("925"), D("1000")])
    assert plan.offer == D("1050")


def test_meeting_halfway_at_the_deadline_rounds_down() -> None:
    plan = Plan(offer=D("475"), limit=D("500"), boulware=D("475"), reciprocal=None, step_cap=None,
                predicted_floor=None)
    assert placed_final(next_plan=plan, ceiling=D("500"), rounds_left=3, ask=D("500")) == D("475")  # 487.50 → 475
    assert placed_final(next_plan=plan, ceiling=D("800"), rounds_left=3, ask=D("600")) == D("525")  # 537.50 → 525


def test_a_creator_who_asks_for_time_brings_the_deadline_forward() -> None:
    state = decide(_opened(), _ask("7500")).state
    before = deadline(state)
    later = decide(state, _ask(None, Intent.DELAY)).state
    assert later.delays == 1 and deadline(later) == before - 1
    assert decide(_opened(), _ask(None, Intent.DELAY)).state.delays == 0  # before any offer: nothing to hurry


def test_first_counter_is_respectful_but_leaves_room_to_concede() -> None:
    # Ask 6,800 against a 4,000 target and a 6,500 ceiling, a creator worth more than the target: the first counter
    # is raised from the target toward 70 % of the ask (4,760), but stays at or under 65 % of the ceiling (4,225).
    result = decide(_opened(), _ask("6800"))
    assert result.decision.action == Action.COUNTER
    assert result.act == "counter"
    offer = result.decision.offer_usd
    assert offer is not None and D("4000") < offer <= D("6500") * D("0.65")
    assert result.state.status == "open" and result.state.phase == "countering"
    # Ask 7,500: 65 % of the ceiling is under 60 % of the ask, so any opening we can make reads low; the raise would
    # only cost, and the target it is.
    assert decide(_opened(), _ask("7500")).decision.offer_usd == D("4000.00")


def test_first_counter_is_the_target_when_the_ask_is_modest() -> None:
    # 70 % of a 5,000 ask is under the 4,000 target: the target it is (never above what the brand planned then).
    offer = decide(_opened(), _ask("5000")).decision.offer_usd
    assert offer == D("4000.00")


def test_an_ask_at_or_under_the_target_is_accepted_at_once() -> None:
    # "1,800 works for me" under a 2,000 target while the fair-price anchor is lower: we'd pay that anyway.
    state = _opened(target_usd=D("2000"), max_usd=D("3000"), followers=20_000, engagement_rate=D("2"))
    result = decide(state, _ask("1800", Intent.ACCEPT))
    assert result.decision.action == Action.ACCEPT and result.decision.offer_usd == D("1800.00")


def test_an_ask_just_above_the_target_is_a_yes_and_one_further_is_haggled() -> None:
    # Within target_tolerance (5 %) of the 4,000 the brand planned to pay: haggling over 150 risks the creator for
    # crumbs. 4,400 (10 % above) gets a counter.
    close = decide(_opened(), _ask("4150"))
    assert close.decision.action == Action.ACCEPT and close.decision.offer_usd == D("4150.00")
    further = decide(_opened(), _ask("4400"))
    assert further.decision.action == Action.COUNTER
    assert further.decision.offer_usd is not None and further.decision.offer_usd < D("4400")


def test_anchor_drops_toward_a_low_fair_price() -> None:
    state = _opened(followers=20_000, engagement_rate=D("2"))  # worth far less than the 4,000 target
    offer = decide(state, _ask("7500")).decision.offer_usd
    assert offer is not None and offer <= D("3000")


def test_concessions_are_monotone_and_accept_a_reachable_ask() -> None:
    results = _play(_opened(), _ask("7500"), _ask("7000"), _ask("6600"), _ask("6300"))
    offers = [r.decision.offer_usd for r in results if r.decision.action == Action.COUNTER]
    assert offers == sorted(offers)
    accepted = _play(_opened(), _ask("7500"), _ask("4050"))[-1]
    assert accepted.decision.action == Action.ACCEPT and accepted.decision.offer_usd == D("4050.00")
    assert accepted.state.status == "agreed" and accepted.state.agreed_price_usd == D("4050.00")


def test_deal_accepts_at_the_last_offer() -> None:
    first, deal = _play(_opened(), _ask("7500"), _ask(None, Intent.ACCEPT))
    assert deal.decision.action == Action.ACCEPT
    assert deal.decision.offer_usd == first.decision.offer_usd
    assert deal.state.status == "agreed"


def test_done_example_added_story_then_deal() -> None:
    rate, story, deal = _play(_opened(), _ask("7500"),
                              _ask("6000", deliverables=["1 reel", "3 stories"]), _ask(None, Intent.ACCEPT))
    assert rate.decision.action == Action.COUNTER
    assert story.decision.action == Action.COUNTER and story.decision.deliverables == ["1 reel", "3 stories"]
    assert deal.state.status == "agreed"
    assert deal.decision.offer_usd is not None and deal.decision.offer_usd <= D("6500")
    assert deal.decision.deliverables == ["1 reel", "3 stories"]


def test_more_content_for_more_than_the_budget_keeps_our_package() -> None:
    """'I can add a story if we say $7,200' over a $6,500 ceiling: the budget does not grow with the package, so we
    stay on ours (named in the reply) and read their price for the bigger one in our package's terms."""
    state = _opened()
    rate, more = _play(state, _ask("7500"), _ask("7200", deliverables=["1 reel", "3 stories"]))
    assert more.act == "keep_package"
    assert more.decision.deliverables == ["1 reel", "2 stories"]
    assert more.decision.offer_usd is not None and rate.decision.offer_usd is not None
    assert rate.decision.offer_usd <= more.decision.offer_usd <= D("6500")
    bigger = package(state, ["1 reel", "3 stories"], "6 months organic")
    ours = package(state, ["1 reel", "2 stories"], "6 months organic")
    restated = more.state.creator_asks[-1]
    assert restated == (D("7200") * ours.value / bigger.value).quantize(D("0.01")) and restated < D("7200")


def test_fewer_deliverables_lower_the_ceiling_and_the_offer() -> None:
    state = _opened()
    full = package(state, ["1 reel", "2 stories"], "6 months organic")
    smaller = package(state, ["1 reel"], "6 months organic")
    bigger = package(state, ["1 reel", "4 stories"], "6 months organic")
    assert smaller.ceiling < full.ceiling == D("6500") == bigger.ceiling
    first, second = _play(state, _ask("7500"), _ask("7000", deliverables=["1 reel"]))
    assert second.decision.deliverables == ["1 reel"]
    assert second.decision.offer_usd is not None and first.decision.offer_usd is not None
    assert second.decision.offer_usd < first.decision.offer_usd


def test_firm_creator_within_budget_gets_their_price() -> None:
    results = _play(_opened(), _ask("6000"), _ask("6000"), _ask("6000"), _ask("6000"))
    offers = [r.decision.offer_usd for r in results]
    # We held once while they held (tit-for-tat): their next hold answered ours, so a best and final between
    # comes before their price, and their price once they hold against it.
    assert offers[0] == offers[1] and results[2].act == "final_offer" and offers[1] < offers[2] < D("6000")
    assert results[-1].decision.action == Action.ACCEPT
    assert results[-1].decision.offer_usd == D("6000.00")


def test_hold_after_our_move_is_firmness_not_a_mirror() -> None:
    """Their two holds, the second answering a move of ours: firm (2). The same holds against a number we had
    just repeated: a mirror of our hold (1)."""
    state = _opened().copy(creator_asks=[D("6000"), D("5700"), D("5700")], counters=2)
    u = _ask("5700")
    moved = state.copy(agent_offers=[D("4200"), D("4500")])
    held = state.copy(agent_offers=[D("4500"), D("4500")])
    asks = [D("6000"), D("5700"), D("5700"), D("5700")]
    assert firmness_of(moved, u, asks, D("5700"), DEFAULT_CONFIG) == 2
    assert firmness_of(held, u, asks, D("5700"), DEFAULT_CONFIG) == 1


def test_best_and_final_is_restated_to_a_creator_still_coming_down() -> None:
    # Our best and final of 175 against 250, then they come down to 225: 29 % above it (beyond restate_margin), but
    # at that pace they reach it in the rounds left, so it is said once more before levers or a walk-away; never a
    # third time while they keep moving, and not to a creator whose pace would not get there.
    state = _opened(max_usd=D("175"), target_usd=D("125"))
    state = state.copy(agent_offers=[D("120"), D("145"), D("175")], creator_asks=[D("250"), D("250"), D("225")],
                       round=5)
    assert may_restate(state, D("225"), D("175"), DEFAULT_CONFIG)
    slow = state.copy(creator_asks=[D("250"), D("250"), D("240")])
    assert not may_restate(slow, D("240"), D("175"), DEFAULT_CONFIG)  # 15 a round, 3 rounds left: 195 > 175
    holding = state.copy(creator_asks=[D("250"), D("250"), D("250")])
    assert not may_restate(holding, D("250"), D("175"), DEFAULT_CONFIG)  # far above and not moving: levers next
    twice = state.copy(agent_offers=[D("145"), D("175"), D("175")], creator_asks=[D("260"), D("240"), D("225")])
    assert not may_restate(twice, D("225"), D("175"), DEFAULT_CONFIG)


def test_no_zone_final_offer_then_levers_then_polite_walk_away() -> None:
    state = _opened(product="the new serum kit")
    results = _play(state, *[_ask("9000") for _ in range(8)])
    acts = [r.act for r in results]
    # After one mutual hold a bounded step comes before the best and final (their hold answered ours).
    assert acts[:4] == ["counter", "counter", "counter", "final_offer"]
    assert acts[-4:] == ["lever_deliverables", "lever_usage", "lever_product", "walk_away"]
    final = results[acts.index("final_offer")].decision
    assert final.offer_usd == D("6500.00")
    lever = results[acts.index("lever_deliverables")].decision
    assert lever.deliverables == ["2 stories"] and lever.offer_usd is not None and lever.offer_usd < D("6500")
    assert results[-1].decision.action == Action.REJECT and results[-1].state.status == "declined"
    assert all(r.decision.offer_usd is None or r.decision.offer_usd <= D("6500") for r in results)


# --- other intents ----------------------------------------------------------------------------------------------


def test_out_of_office_changes_nothing() -> None:
    state = decide(_opened(), _ask("7500")).state
    result = decide(state, _ask(None, Intent.OUT_OF_OFFICE))
    assert result.act == "wait" and result.decision.action == Action.ASK and result.decision.offer_usd is None
    assert result.state.status == "open" and result.state.round == state.round
    assert result.state.agent_offers == state.agent_offers


def test_stop_closes_as_declined() -> None:
    result = decide(_opened(), _ask(None, Intent.STOP))
    assert result.decision.action == Action.CLOSE and result.state.status == "declined"


def test_low_confidence_escalates() -> None:
    result = decide(_opened(), _ask("5000", confidence=0.3))
    assert result.decision.action == Action.ESCALATE and result.state.status == "escalated"


def test_too_many_rounds_escalate() -> None:
    state = _opened(max_rounds=3)
    results = _play(state, _ask("9000"), _ask("8800"), _ask(None, Intent.INQUIRE), _ask(None, Intent.INQUIRE))
    assert results[-1].decision.action == Action.ESCALATE and results[-1].state.status == "escalated"


def test_rounds_running_out_above_the_ceiling_after_our_best_is_a_walk_away_not_a_hand_over() -> None:
    # Our best and final (the 6,500 ceiling) stood, and the creator keeps answering with prices above it until
    # the rounds run out: no zone, nothing for a person to decide, so a polite walk-away. (A question at that
    # point still goes to a person: test_too_many_rounds_escalate.)
    state = _opened(max_rounds=6)
    results = []
    for price in ("9000", "8800", "8600", "8500", "8450", "8400", "8350", "8300"):
        results.append(decide(state, _ask(price)))
        state = results[-1].state
        if state.is_closed:
            break
    last = results[-1]
    assert last.decision.action == Action.REJECT and last.act == "walk_away" and last.state.status == "declined"
    assert last.state.round > 6 and any(r.act == "final_offer" for r in results)


def test_exclusivity_beyond_the_allowance_escalates() -> None:
    asked = _ask("5000", Intent.ACCEPT_WITH_CONDITION, exclusivity="3 months exclusivity")
    assert decide(_opened(), asked).decision.action == Action.ESCALATE
    assert decide(_opened(exclusivity="6 months"), asked).decision.action != Action.ESCALATE


def test_question_restates_the_current_offer() -> None:
    state = decide(_opened(), _ask("7500")).state
    result = decide(state, _ask(None, Intent.INQUIRE))
    assert result.act == "answer" and result.decision.offer_usd == state.last_offer
    assert decide(_opened(), _ask(None, Intent.INQUIRE)).act == "ask_rate"


def test_injection_flag_changes_nothing() -> None:
    state = decide(_opened(), _ask("7500")).state
    clean = decide(state, _ask("6800"))
    flagged = decide(state, _ask("6800", injection_suspected=True, sentiment=0.0))
    assert flagged.decision == clean.decision and flagged.state == clean.state


def test_closed_negotiation_refuses_more_turns() -> None:
    done = decide(_opened(), _ask(None, Intent.STOP)).state
    with pytest.raises(ValueError):
        decide(done, _ask("100"))


def test_guard_refuses_decisions_above_the_ceiling() -> None:
    state = _opened()
    with pytest.raises(BudgetViolation):
        guard(Decision(action=Action.ACCEPT, offer_usd=D("6500.01"), deliverables=state.deliverables), state)
    with pytest.raises(BudgetViolation):  # a smaller package has a smaller ceiling
        guard(Decision(action=Action.COUNTER, offer_usd=D("6400"), deliverables=["1 story"]), state)
    at_max = Decision(action=Action.ACCEPT, offer_usd=D("6500"), usage_rights=state.usage_rights)
    assert guard(at_max, state).offer_usd == D("6500")


# --- the budget property -----------------------------------------------------------------------------------------

_BUNDLES = st.sampled_from([None, ["1 reel"], ["1 reel", "2 stories"], ["1 reel", "5 stories"], ["2 posts"],
                            ["1 video", "1 reel", "3 stories"]])
_MESSAGES = st.builds(
    Understanding,
    intent=st.sampled_from(list(Intent)),
    price_usd=st.one_of(st.none(), st.decimals(min_value=1, max_value=10**7, places=2)),
    unit_price_usd=st.one_of(st.none(), st.decimals(min_value=1, max_value=10**5, places=2)),
    deliverables=_BUNDLES,
    usage_rights=st.sampled_from([None, "3 months organic", "12 months paid", "forever", "1 month"]),
    exclusivity=st.sampled_from([None, None, "1 month", "12 months"]),
    confidence=st.floats(min_value=0, max_value=1),
    injection_suspected=st.booleans(),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(_MESSAGES, min_size=1, max_size=14),
       max_usd=st.decimals(min_value=100, max_value=50_000, places=0),
       target_share=st.decimals(min_value=D("0.3"), max_value=D("1"), places=2),
       exclusivity=st.sampled_from([None, "3 months"]))
def test_never_offers_or_accepts_above_max(messages: list[Understanding], max_usd: Decimal, target_share: Decimal,
                                          exclusivity: str | None) -> None:
    target = max(D("1"), (max_usd * target_share).quantize(D("1")))
    state = _opened(target_usd=target, max_usd=max_usd, exclusivity=exclusivity)
    for u in messages:
        if state.is_closed:
            break
        result = decide(state, u)
        offer = result.decision.offer_usd
        if offer is not None:
            assert offer <= max_usd
            assert offer <= package(state, result.decision.deliverables, result.decision.usage_rights).ceiling
        if result.decision.action == Action.ACCEPT:
            assert result.state.status == "agreed" and result.state.agreed_price_usd == offer
        state = result.state
    assert state.status in {"open", "agreed", "declined", "escalated"}


def test_timeline_changes_and_product_without_a_product_go_to_a_person_with_the_reason() -> None:
    from agent.negotiation.understanding import understand

    state = decide(_opened(), _ask("7500")).state
    moved = decide(state, understand("Could we push it to next month? Then $6,000 works."))
    assert moved.decision.action == Action.ESCALATE and "timeline" in moved.decision.reason
    product = decide(state, understand("If you can send the product too, $5,500 works."))
    assert product.decision.action == Action.ESCALATE and "product" in product.decision.reason
    with_product = decide(decide(_opened(product="the serum kit"), _ask("7500")).state,
                          understand("If you can send the product too, $5,500 works."))
    assert with_product.decision.action != Action.ESCALATE and with_product.decision.product_included


def test_a_rebuff_without_a_price_gets_a_clearly_better_number_not_a_repeat() -> None:
    # "That's a lowball, I'll pass" after our first counter: the biggest step the bounds allow, under the ceiling.
    first = decide(_opened(), _ask("7500"))
    offer = first.decision.offer_usd
    assert offer is not None
    answer = decide(first.state, _ask(None, Intent.REJECT)).decision
    assert answer.action == Action.COUNTER and answer.offer_usd is not None
    reach = min(D("7500"), D("6500"))
    assert offer + (reach - offer) / 2 - 100 <= answer.offer_usd <= D("6500")
