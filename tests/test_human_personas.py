"""Creators that negotiate like people (evals/human_personas.py), the `simulate --human` report, and the concession
rules they exposed (agent/negotiation/concession.py)."""

from __future__ import annotations

from decimal import Decimal

from click.testing import CliRunner

from agent.negotiation.concession import next_offer, placed_final, predicted_floor, slowing_on_their_own
from agent.negotiation.types import Action, Decision, Intent
from agent.negotiation.understanding import NegotiationContext, understand
from evals.human_personas import HUMAN_PERSONAS, human_persona_for, make_human_scenarios
from evals.simulate import overall, repeated_while_moving, simulate
from evals.simulate_cli import command

D = Decimal


def _counter(amount: str, deliverables: list[str] | None = None, usage: str | None = None) -> Decision:
    return Decision(action=Action.COUNTER, offer_usd=D(amount), deliverables=deliverables or [], usage_rights=usage)


def _persona(name: str, index: int = 0):
    scenario = make_human_scenarios(name, index + 1, seed=3)[index]
    persona = human_persona_for(scenario)
    return scenario, persona


def test_scenarios_are_reproducible_and_their_own() -> None:
    a = make_human_scenarios("reciprocal", 5, seed=3)
    assert a == make_human_scenarios("reciprocal", 5, seed=3)
    assert [s.seed for s in a] != [s.seed for s in make_human_scenarios("proud", 5, seed=3)]
    assert all(s.persona == "reciprocal" and s.listed_rates for s in a)


def test_reciprocal_holds_when_the_agent_holds_and_moves_when_it_moves() -> None:
    scenario, p = _persona("reciprocal")
    p.first()
    low = (scenario.opening_ask_usd * D("0.4")).quantize(D(1))
    p.reply(_counter(str(low)))
    held_at = p.ask
    text = p.reply(_counter(str(low)))  # the same number again: no step back
    assert p.ask == held_at and str(int(held_at)) in text.replace(",", "")
    p.reply(_counter(str(low + 500)))
    assert p.ask < held_at  # the agent moved 500: the creator answers with a move of its own
    p.reply(_counter(str(low + 500)))
    last = p.reply(_counter(str(low + 500)))  # three times the same number
    assert understand(last).intent in (Intent.REJECT, Intent.ACCEPT)


def test_impatient_leaves_a_counterpart_that_repeats_itself_below_its_floor() -> None:
    scenario, p = _persona("impatient")
    p.first()
    low = str((scenario.floor_usd * D("0.5")).quantize(D(1)))
    p.reply(_counter(low))
    text = p.reply(_counter(low))
    assert understand(text).intent == Intent.REJECT
    assert p.reply(_counter(low)) is None


def test_proud_takes_offence_at_a_lowball_and_not_at_a_fair_offer() -> None:
    walked = 0
    for i in range(12):
        scenario, p = _persona("proud", i)
        p.first()
        text = p.reply(_counter(str((scenario.opening_ask_usd * D("0.3")).quantize(D(1)))))
        walked += understand(text).intent == Intent.REJECT
        _, fair = _persona("proud", i)
        fair.first()
        assert understand(fair.reply(_counter(str((scenario.opening_ask_usd * D("0.8")).quantize(D(1)))))).intent \
            != Intent.REJECT
    assert walked >= 6


def test_lever_trader_proposes_a_trade_the_agent_reads_as_other_terms() -> None:
    seen = set()
    for i in range(10):
        scenario, p = _persona("lever_trading", i)
        p.first()
        text = p.reply(_counter(str((scenario.opening_ask_usd * D("0.6")).quantize(D(1))), scenario.deliverables,
                                scenario.usage_rights))
        u = understand(text, context=NegotiationContext(deliverables=tuple(scenario.deliverables)))
        assert u.price_usd is not None
        changed = (u.deliverables and u.deliverables != scenario.deliverables) or u.usage_rights
        assert changed, text
        seen.add("usage" if u.usage_rights else "bundle")
    assert seen == {"usage", "bundle"}


def test_slow_ghoster_thinks_then_answers_the_offer_on_the_table() -> None:
    scenario, p = _persona("slow_ghoster")
    p.think, p.ghost_step = 1.0, 0.0
    p.first()
    offer = str((scenario.opening_ask_usd * D("0.6")).quantize(D(1)))
    assert understand(p.reply(_counter(offer))).intent == Intent.DELAY
    p.think = 0.0
    back = p.reply(Decision(action=Action.ASK, offer_usd=D(offer)))  # the agent's patient "take your time"
    assert back is not None and understand(back).intent in (Intent.COUNTER, Intent.ACCEPT)


def test_simulate_human_reports_every_human_persona_with_both_baselines() -> None:
    summaries = simulate(per_persona=8, seed=5, personas=HUMAN_PERSONAS, human=True)
    assert {(s.persona, s.agent) for s in summaries} == {(p, a) for p in HUMAN_PERSONAS
                                                          for a in ("policy", "accept_first", "split")}
    policy = overall(summaries, "policy")
    assert policy["budget_violations"] == 0 and policy["deals_without_zone"] == 0
    assert policy["repeated_offers"] == 0
    r = CliRunner().invoke(command, ["--human", "--per-persona", "3", "--persona", "proud"])
    assert r.exit_code == 0, r.output
    assert "proud" in r.output and "split" in r.output and "agree×surplus" in r.output


def test_repeated_while_moving_counts_only_a_third_repeat_while_the_creator_came_down() -> None:
    assert repeated_while_moving([(D(1), D(9)), (D(1), D(8)), (D(1), D(7))])
    assert not repeated_while_moving([(D(1), D(9)), (D(1), D(8)), (D(1), D(8))])
    assert not repeated_while_moving([(D(1), D(9)), (D(1), D(8)), (D(2), D(7))])


def test_steady_concessions_predict_no_floor_and_shrinking_ones_do() -> None:
    assert predicted_floor([D(3200), D(2800), D(2400)]) is None  # 400 then 400: no sign of where they stop
    floor = predicted_floor([D(3200), D(2800), D(2600)])
    assert floor is not None and floor < D(2600)


def test_a_moving_creator_always_gets_a_step_back_within_their_ask_and_the_ceiling() -> None:
    plan = next_offer(opening=D(1500), last_offer=D(1500), ceiling=D(2500), asks=[D(3200), D(2800), D(2400)],
                      t=1, horizon=5)
    assert D(1500) < plan.offer <= D(2400)
    assert plan.offer - D(1500) <= (D(2400) - D(1500)) / 2 + 1  # bounded by half the gap
    matched = next_offer(opening=D(1500), last_offer=D(1500), ceiling=D(5000), asks=[D(3200), D(3000)],
                         t=1, horizon=5)
    assert matched.offer == D(1700)  # tit-for-tat: their 200 answered with 200


def test_a_final_without_a_predicted_floor_meets_them_halfway_not_at_the_ceiling() -> None:
    plan = next_offer(opening=D(7000), last_offer=D(8000), ceiling=D(12000), asks=[D(14000), D(12000), D(10000)],
                      t=3, horizon=5)
    final = placed_final(next_plan=plan, ceiling=D(12000), rounds_left=2, ask=D(10000))
    assert plan.offer < final < D(10000)


def test_a_floor_is_jumped_to_only_when_their_concessions_slow_faster_than_ours() -> None:
    # They came down 400 then 200 while we stepped 400 then 200: a mirror, no sign of where they stop.
    offers, asks = [D(1000), D(1400), D(1600)], [D(3000), D(2600), D(2400)]
    assert not slowing_on_their_own(offers, asks)
    mirrored = next_offer(opening=D(1000), last_offer=D(1600), ceiling=D(5000), asks=asks, t=2, horizon=5,
                          offers=offers)
    # Same asks against steady steps of ours: they slow on their own, and the next counter goes near the floor.
    steady = [D(1000), D(1300), D(1600)]
    assert slowing_on_their_own(steady, asks)
    informed = next_offer(opening=D(1000), last_offer=D(1600), ceiling=D(5000), asks=asks, t=2, horizon=5,
                          offers=steady)
    assert informed.predicted_floor is not None and informed.offer >= informed.predicted_floor > mirrored.offer
    assert informed.offer < D(2400)
