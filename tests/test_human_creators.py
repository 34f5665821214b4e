"""Human-tempered creators and rate cards: the deal-probability model's simulated counterparts."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from agent.deal_probability.reference import listed_package_price
from agent.negotiation.pricing import parse_deliverables
from agent.negotiation.types import Action, Decision, Intent
from agent.negotiation.understanding import understand
from evals import human_creators
from evals.human_creators import HumanCreator, Temper, human_creator_for, with_rate_card
from evals.personas import PERSONAS, make_scenarios, persona_for
from evals.simulate import overall, simulate

CALM = Temper(ghost_per_reply=0.0, quit_per_reply=0.0, lowball_ratio=0.6, walk_per_lowball=0.0)


def _counter(amount: str) -> Decision:
    return Decision(action=Action.COUNTER, offer_usd=Decimal(amount))


def test_a_calm_temper_answers_exactly_like_the_script() -> None:
    scenario = make_scenarios("flexible", 1, seed=3)[0]
    plain, calm = persona_for(scenario), HumanCreator(persona_for(scenario), CALM, random.Random(0))
    assert calm.first() == plain.first()
    for offer in ("900", "1200", "1500"):
        assert calm.reply(_counter(offer)) == plain.reply(_counter(offer))


def test_each_tendency_does_what_it_says() -> None:
    scenario = make_scenarios("flexible", 1, seed=3)[0]
    ghost = HumanCreator(persona_for(scenario), Temper(1.0, 0.0, 0.6, 0.0), random.Random(0))
    assert ghost.first() is None and ghost.reply(_counter("1000")) is None

    walker = HumanCreator(persona_for(scenario), Temper(0.0, 0.0, 0.6, 1.0), random.Random(0))
    walker.first()
    lowball = (walker.persona.ask * Decimal("0.3")).quantize(Decimal("1"))
    assert walker.reply(_counter(str(lowball))) in human_creators._WALK_TEXTS
    fair = HumanCreator(persona_for(scenario), Temper(0.0, 0.0, 0.6, 1.0), random.Random(0))
    fair.first()
    assert fair.reply(_counter(str(fair.persona.ask))) not in human_creators._WALK_TEXTS

    quitter = HumanCreator(persona_for(scenario), Temper(0.0, 1.0, 0.6, 0.0), random.Random(0))
    quitter.first()
    assert quitter.reply(_counter("1000")) not in human_creators._QUIT_TEXTS  # never on the first reply
    assert quitter.reply(_counter("1100")) in human_creators._QUIT_TEXTS


@pytest.mark.parametrize("text", human_creators._WALK_TEXTS + human_creators._QUIT_TEXTS)
def test_walking_away_reads_as_a_rejection(text: str) -> None:
    assert understand(text).intent is Intent.REJECT


def test_tempers_are_drawn_in_range_and_reproducibly() -> None:
    scenarios = [s for p in PERSONAS for s in make_scenarios(p, 10, seed=2)]
    tempers = [human_creator_for(s).temper for s in scenarios]
    assert tempers == [human_creator_for(s).temper for s in scenarios]
    assert len(set(tempers)) == len(tempers)
    for t in tempers:
        assert 0 <= t.ghost_per_reply <= 0.05 and 0 <= t.quit_per_reply <= 0.04
        assert 0.55 <= t.lowball_ratio <= 0.75 and 0.1 <= t.walk_per_lowball <= 0.4


def test_rate_cards_follow_the_opening_ask_and_some_lack_a_kind() -> None:
    scenarios = [s for p in PERSONAS for s in make_scenarios(p, 40, seed=4)]
    complete = 0
    for s in scenarios:
        card = with_rate_card(s).listed_rates
        assert card is not None and set(card) <= {"post", "story", "reel", "video"}
        listed = listed_package_price(card, s.deliverables)
        if listed is not None:
            complete += 1
            assert s.opening_ask_usd * Decimal("0.85") <= listed <= s.opening_ask_usd * Decimal("1.15")
        else:
            assert len(set(parse_deliverables(s.deliverables)) - set(card)) == 1  # exactly one kind unlisted
    missing_share = 1 - complete / len(scenarios)
    assert abs(missing_share - human_creators.RATE_CARD_MISSING_PCT / 100) < 0.08
    assert with_rate_card(scenarios[0]) == with_rate_card(scenarios[0])


def test_the_policy_keeps_its_guarantees_among_people() -> None:
    summaries = simulate(per_persona=12, seed=5, agents=("policy",), human=True)
    policy = overall(summaries, "policy")
    assert policy["budget_violations"] == 0 and policy["deals_without_zone"] == 0
    # creators who ghost or walk out cost deals the plain personas would have made, but not most of them
    assert policy["agreement_rate_zone"] is not None and 0.75 <= policy["agreement_rate_zone"] < 1.0
    plain = overall(simulate(per_persona=12, seed=5, agents=("policy",)), "policy")
    assert policy["agreement_rate_zone"] < plain["agreement_rate_zone"]
