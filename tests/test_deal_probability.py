"""Deal-probability model: features, the shipped artifact, its committed metrics and its training data."""

from __future__ import annotations

import json
from decimal import Decimal as D

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from agent.deal_probability import agent_dialogues, craigslist
from agent.deal_probability.features import FEATURE_NAMES, Turn, act_category, dialogue_features
from agent.deal_probability.model import DEFAULT_PATH, DealProbabilityModel
from agent.deal_probability.reference import listed_package_price
from agent.deal_probability.train import HIDE_LISTING_PCT, listing_hidden

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
    assert f["creator_sentiment_trend"] == pytest.approx(0.2)
    assert f["sentiment_last"] == 0.0  # the agent's own turn
    assert f["creator_price_moves"] == 1 and f["agent_price_moves"] == 1 and f["creator_repeats"] == 0
    assert f["turn_last_counter"] == 1 and f["turn_prev_counter"] == 1 and f["turn_prev_same_role"] == 0
    assert f["turns_since_creator_price_log"] == pytest.approx(np.log1p(1))
    assert f["prices_crossed"] == 0 and f["agent_at_budget"] == 0


def test_features_of_repeats_crossing_and_the_budget() -> None:
    f = _f(DIVERGING[:3], budget_max=D(1200))
    assert f["creator_repeats"] == 1 and f["creator_price_moves"] == 0 and f["creator_insists"] == 1
    assert f["agent_at_budget"] == 1.0
    crossed = _f([Turn("creator", "counter", D(900)), Turn("agent", "counter", D(1000)),
                  Turn("creator", "accept", None, 0.6)])
    assert crossed["prices_crossed"] == 1.0 and crossed["turn_last_accept"] == 1 and crossed["turn_prev_counter"] == 1


def test_features_without_ask_use_the_creators_first_price_and_empty_is_neutral() -> None:
    f = _f(CONVERGING[:3])
    assert f["has_reference"] == 1.0 and f["has_budget"] == 0.0 and f["has_listed_price"] == 0.0
    assert f["creator_last_rel"] == pytest.approx(2600 / 3000)
    # a listed price only adds the *_vs_listed features; the reference stays the creator's first price
    listed = _f(CONVERGING[:4], ask=D(4000), budget_max=BUDGET)
    unlisted = _f(CONVERGING[:4], budget_max=BUDGET)
    assert {n for n in FEATURE_NAMES if listed[n] != unlisted[n]} == {
        "has_listed_price", "budget_vs_listed", "agent_last_vs_listed", "creator_last_vs_listed"}
    assert listed["budget_vs_listed"] == pytest.approx(2500 / 4000)
    assert listed["agent_last_vs_listed"] == pytest.approx(2100 / 4000)
    assert listed["creator_last_vs_listed"] == pytest.approx(2600 / 4000)
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
    conv = model.predict(CONVERGING, budget_max=BUDGET)
    div = model.predict(DIVERGING, budget_max=BUDGET)
    opening = model.predict([Turn("agent", "ask")], budget_max=BUDGET)
    assert conv > div + 0.3
    assert conv > opening > div


def test_outputs_are_probabilities_and_empty_dialogue_is_the_base_rate(model: DealProbabilityModel) -> None:
    assert model.predict([]) == pytest.approx(METRICS["train"]["base_rate_weighted"], abs=1e-4)
    for d in agent_dialogues.load_dialogues()[::20]:
        for k in range(len(d.turns) + 1):
            p = model.predict(d.turns[:k], budget_max=d.budget_max)
            assert 0.0 <= p <= 1.0


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


def test_committed_metrics_are_what_the_shipped_model_achieves() -> None:
    """Floors just under the committed held-out figures, and the issue's Brier target on every source."""
    test = METRICS["test"]
    assert METRICS["model"]["export_max_abs_diff"] <= 1e-9
    for source in ("cb", "agent", "all"):
        m = test[source]
        assert m["brier"] <= 0.16
        assert m["brier"] < m["brier_constant_base_rate"]
        assert sum(row["count"] for row in m["reliability"]) == m["prefixes"]
        low, high = m["auc_ci95"]
        assert low < m["auc"] < high and m["brier_ci95"][0] < m["brier"] < m["brier_ci95"][1]
    # On human CB dialogues scored from their first message on, the model stays far below the 0.80 AUC target
    # (0.677; 0.733 held out once both sides named a price, 0.776 in grouped CV, retrained on the simulations of
    # the policy of 2026-12-04); these floors only catch regressions. The agent simulation includes the human-like
    # creators since issue 11 (reciprocal, ghosting, proud ones), harder to call than the scripted personas alone:
    # its held-out AUC went from 0.93 to 0.889 (0.920 after the retraining above).
    assert test["all"]["auc"] >= 0.83
    assert test["agent"]["auc"] >= 0.90
    # Raised from 0.64 when the buyer's price came from CB's annotation (production knows its own offer): held-out
    # CB AUC 0.645 → 0.669 (95 % interval 0.593–0.740), 0.682 once retrained on the new simulations (0.606–0.752).
    assert test["cb"]["auc"] >= 0.66
    assert test["cb_by_stage"]["last open prefix (just before the decision)"]["auc"] >= 0.84
    assert set(test["cb_by_listing"]) == {"listing price shown", "listing price hidden"}
    assert test["agent_by_stage"]["both sides named a price"]["auc"] >= 0.90
    assert METRICS["train"]["cb_dialogues"] > 400 and METRICS["train"]["agent_dialogues"] > 400
    # the cross-validated pipeline, every source and the pool, five folds each
    cv = METRICS["train"]["grouped_cv"]
    assert set(cv) == {"cb", "agent", "all"} and all(len(m["auc_by_fold"]) == 5 for m in cv.values())
    assert cv["all"]["auc"] >= 0.80 and cv["all"]["brier"] <= 0.14
    # the stage a manager reads, cross-validated on the training part (where modelling choices are made)
    cv_stage = METRICS["train"]["grouped_cv_by_stage"]
    assert set(cv_stage) == {"cb", "agent"}
    # 0.805 and 0.793 in the two trainings of 2026-12-03, 0.799 and 0.776 in those of 2026-12-04: only the
    # simulated dialogues changed between them (the policy did), the CB data did not, so a retrain alone moves
    # this slice by ~0.03. The floor sits under that spread: a regression of the features or the pipeline
    # fails, the noise of retraining on new simulations does not.
    assert cv_stage["cb"]["both sides named a price"]["auc"] >= 0.76


def test_each_budget_kind_is_calibrated_on_its_own_sigmoid(model: DealProbabilityModel) -> None:
    """Production's hard ceiling and CB's soft target share the trees but not the calibration."""
    artifact = json.loads(DEFAULT_PATH.read_text())
    assert set(artifact["calibration"]) == {"ceiling", "target"}
    assert _f(CONVERGING)["budget_is_ceiling"] == 1.0
    assert _f(CONVERGING, budget_max=BUDGET)["budget_is_ceiling"] == 1.0
    assert dict(zip(FEATURE_NAMES, dialogue_features(CONVERGING, budget_is_ceiling=False).tolist(),
                    strict=True))["budget_is_ceiling"] == 0.0
    x = np.vstack([dialogue_features(t, budget_max=BUDGET, budget_is_ceiling=c)
                   for t in (CONVERGING, DIVERGING) for c in (True, False)])
    raw = model.raw_scores(x)
    expected = []
    for r, row in zip(raw, x, strict=True):
        c = artifact["calibration"]["ceiling" if row[FEATURE_NAMES.index("budget_is_ceiling")] else "target"]
        expected.append(1 / (1 + np.exp(-(c["slope"] * r + c["intercept"]))))
    np.testing.assert_allclose(model.predict_features(x), np.clip(expected, *artifact["clip"]))
    assert all(c["slope"] > 0 for c in artifact["calibration"].values())  # a higher tree score is likelier a deal
    # the same dialogue, read on CB's scale, is likelier to end in a deal: CB's base rate is far higher
    assert model.predict(DIVERGING, budget_max=BUDGET, budget_is_ceiling=False) > model.predict(
        DIVERGING, budget_max=BUDGET)


def test_every_message_moves_the_probability(model: DealProbabilityModel) -> None:
    """No calibration plateaus: an ask far over budget, or a creator coming down, shows at once."""
    opening = [Turn("agent", "ask")]
    p_open = model.predict(opening, ask=D(5000), budget_max=D(6500))
    p_far = model.predict([*opening, Turn("creator", "counter", D(12000))], ask=D(5000), budget_max=D(6500))
    p_near = model.predict([*opening, Turn("creator", "counter", D(6000), 0.4)], ask=D(5000), budget_max=D(6500))
    assert p_far < p_open < p_near


def test_agent_training_data_is_what_production_persists() -> None:
    dialogues = agent_dialogues.load_dialogues()
    assert {d.persona for d in dialogues} >= {"flexible", "firm", "no_zone", "bundle", "words", "injection", "silent"}
    assert 0.3 < np.mean([d.deal for d in dialogues]) < 0.8
    for d in dialogues:
        assert d.turns[0].role == "agent" and d.deal == (d.status == "agreed")
        assert all(t.role == "agent" for t in d.turns[0::2]) and all(t.role == "creator" for t in d.turns[1::2])
        assert all(t.act in {"counter", "accept", "reject", "ask", "escalate", "close"} for t in d.turns[0::2])
        assert all(t.sentiment == 0.0 for t in d.turns[0::2])
        assert all(t.price is None or t.price <= d.budget_max for t in d.turns[0::2])  # never above max_usd
        ks = d.open_prefixes
        assert ks and ks[0] == 1 and all(d.turns[k - 1].role == "agent" for k in ks)
        if d.deal:
            assert d.turns[-1].act == "accept" and len(d.turns) not in ks
    # rate cards: most creators list every kind of their package, some do not (no listed package price)
    listed = np.mean([d.ask is not None for d in dialogues])
    assert 0.6 < listed < 0.8
    # tempers: some creators who would have answered (not the silent persona) stopped, quit or walked away
    scripted = [d for d in dialogues if d.persona in ("flexible", "firm", "words")]
    assert any(d.status == "expired" for d in scripted)
    assert any(t.role == "creator" and t.act == "reject" and t.price is None for d in scripted for t in d.turns)


def test_committed_training_data_is_what_the_generator_writes() -> None:
    """The first scenarios of each persona, regenerated now, give the committed rows (same code, same seed)."""
    from evals.deal_training_data import SEED, generate

    committed = [json.loads(line) for line in agent_dialogues.DEFAULT_PATH.read_text().splitlines()]
    by_key = {r["key"]: r for r in committed}
    fresh = generate(per_persona=2, seed=SEED)
    assert len(fresh) == 24  # 7 scripted personas with a temper and 5 human-like ones, 2 each
    for row in fresh:
        assert json.loads(json.dumps(row)) == by_key[row["key"]], "regenerate: python -m evals.deal_training_data"


def _spot(source: str) -> list[dict]:
    checks = [c for c in METRICS["spot_checks"] if c["source"] == source]
    assert len(checks) >= 8 and {c["deal"] for c in checks} == {True, False}
    return checks


def test_artifact_reproduces_held_out_agent_predictions(model: DealProbabilityModel) -> None:
    dialogues = {d.key: d for d in agent_dialogues.load_dialogues()}
    for c in _spot("agent"):
        d = dialogues[c["key"]]
        assert d.deal == c["deal"]
        got = model.predict(d.turns[: c["k"]], ask=d.ask, budget_max=d.budget_max)
        assert got == pytest.approx(c["prediction"], abs=1e-6)


@pytest.mark.skipif(not craigslist.DEFAULT_PATH.exists(), reason="shared CraigslistBargain data not present")
def test_artifact_reproduces_held_out_cb_predictions(model: DealProbabilityModel) -> None:
    dialogues = {d.uuid: d for d in craigslist.load_dialogues()}
    hidden = [listing_hidden(uuid) for uuid in dialogues]
    assert abs(np.mean(hidden) - HIDE_LISTING_PCT / 100) < 0.06
    for c in _spot("cb"):
        d = dialogues[c["key"]]
        assert d.deal == c["deal"]
        ask = None if listing_hidden(d.uuid) else d.ask
        got = model.predict(d.turns[: c["k"]], ask=ask, budget_max=d.budget_max, budget_is_ceiling=False)
        # CB turns come from understand(): an NLU change moves them. Then regenerate and retrain:
        # python -m evals.deal_training_data && python -m agent.deal_probability.train
        assert got == pytest.approx(c["prediction"], abs=1e-6), "NLU changed since training: retrain the model"


def test_production_reading_takes_the_buyers_price_from_the_annotation(tmp_path) -> None:
    """The seller's words go through our NLU; the buyer's price is the annotated one (production knows its own
    offer), a priced question is a counter, and a buyer message without annotations falls back to our NLU."""
    events = [
        {"action": "message", "agent": 1, "data": "I could do $150 for it.", "metadata": {"intent": "init-price",
                                                                                         "price": 140}},
        {"action": "message", "agent": 0, "data": "how about 17?", "metadata": {"intent": "counter-price",
                                                                                "price": 117}},
        {"action": "message", "agent": 0, "data": "Any scratches on it?", "metadata": {"intent": "inquiry",
                                                                                       "price": None}},
        {"action": "message", "agent": 0, "data": "I can do $120."},
        {"action": "offer", "agent": 0, "data": {"price": 125}},
    ]
    seller, priced_question, question, unannotated, offer = craigslist.dialogue_turns(events, D(160), "production")
    understood = craigslist.dialogue_turns(events, D(160), "understand")
    assert seller == understood[0] and seller.role == "creator" and seller.price == D(150)
    assert (priced_question.role, priced_question.act, priced_question.price) == ("agent", "counter", D(117))
    assert understood[1].price != D(117)
    assert question.price is None and question.act == "ask"
    assert unannotated == understood[3] and unannotated.price == D(120)
    assert offer == understood[4] == Turn("agent", "counter", D(125))
    plain = tmp_path / "dev.json"
    plain.write_text(json.dumps([{"uuid": "u", "events": [{k: v for k, v in e.items() if k != "metadata"}
                                                          for e in events],
                                  "scenario": {"kbs": [{"personal": {"Role": "buyer", "Target": 120},
                                                        "item": {"Price": 160}}]},
                                  "outcome": {"reward": 1}}]))
    with pytest.raises(ValueError, match="dev-parsed"):
        craigslist.load_dialogues(plain)
    assert len(craigslist.load_dialogues(plain, "understand")) == 1


def test_training_turns_match_what_production_reads_from_persisted_rows() -> None:
    from types import SimpleNamespace

    from agent.negotiation import service
    from agent.negotiation.types import Action, Decision
    from agent.negotiation.understanding import understand
    from evals.deal_training_data import agent_turn, creator_turn

    u = understand("Thanks! I could do $2,450 for the reel and stories, love the brand.")
    decision = Decision(action=Action.COUNTER, offer_usd=D("2100.00"))
    neg = SimpleNamespace(
        messages=[SimpleNamespace(role="agent", seq=1, action="ask"),
                  SimpleNamespace(role="influencer", seq=2, understood=service._understood_dict(u)),
                  SimpleNamespace(role="agent", seq=3, action=decision.action.value)],
        offers=[SimpleNamespace(seq=3, amount_usd=decision.offer_usd)],
    )
    opening = agent_turn(Decision(action=Action.ASK))
    assert service._turns(neg) == [opening, creator_turn(u), agent_turn(decision)]
    assert creator_turn(u).price == D(2450) and creator_turn(u).sentiment > 0


def test_listed_package_price_needs_every_kind_listed() -> None:
    rates = {"reel": D(900), "story": "150"}
    assert listed_package_price(rates, ["1 reel", "3 stories"]) == D(1350)
    assert listed_package_price(rates, ["1 reel", "1 post"]) is None  # the post has no listed rate
    assert listed_package_price({"reel": D(0)}, ["1 reel"]) is None
    assert listed_package_price({}, ["1 reel"]) is None and listed_package_price(rates, []) is None


def test_production_probability_uses_the_listed_package_price(model: DealProbabilityModel) -> None:
    from types import SimpleNamespace

    from agent.negotiation import service

    messages = [SimpleNamespace(role="agent", seq=1, action="ask"),
                SimpleNamespace(role="influencer", seq=2, understood={"intent": "counter", "price_usd": "2400",
                                                                      "sentiment": 0.2}),
                SimpleNamespace(role="agent", seq=3, action="counter")]
    offers = [SimpleNamespace(seq=3, amount_usd=D("1500.00"))]

    def neg(rates: dict[str, str]) -> SimpleNamespace:
        setup = {"listed_rates_usd": rates, "deliverables": ["1 reel", "2 stories"]}
        return SimpleNamespace(status="active", messages=messages, offers=offers, max_usd=D(2000),
                               state={"setup": setup})

    listed, unlisted = neg({"reel": "2000", "story": "300"}), neg({"reel": "2000"})
    turns = service._turns(listed)
    assert service.deal_probability(listed) == round(model.predict(turns, ask=D(2600), budget_max=D(2000)), 4)
    assert service.deal_probability(unlisted) == round(model.predict(turns, budget_max=D(2000)), 4)
    assert service.deal_probability(SimpleNamespace(status="agreed")) == 1.0


@pytest.mark.skipif(not craigslist.DEFAULT_PATH.exists(), reason="shared CraigslistBargain data not present")
def test_training_end_to_end_with_recorded_negotiations(tmp_path) -> None:
    """The training script on a slice of each source, recorded production negotiations as a third: it writes
    an artifact that loads and agrees with scikit-learn, and reports the new source everywhere."""
    from agent.deal_probability import train

    cb = json.loads(craigslist.DEFAULT_PATH.read_text())
    (tmp_path / "cb.json").write_text(json.dumps(cb[:80]))
    lines = agent_dialogues.DEFAULT_PATH.read_text().splitlines()
    (tmp_path / "agent.jsonl").write_text("\n".join(lines[::8]) + "\n")
    recorded = [json.loads(line) | {"persona": "recorded-email"} for line in lines[3::8]]
    (tmp_path / "recorded.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recorded))

    metrics = train.main(["--cb-path", str(tmp_path / "cb.json"), "--agent-path", str(tmp_path / "agent.jsonl"),
                          "--recorded", str(tmp_path / "recorded.jsonl"), "--out-dir", str(tmp_path / "out")])
    assert {"cb", "agent", "recorded", "all", "recorded_by_stage"} <= set(metrics["test"])
    assert set(metrics["train"]["grouped_cv"]) == {"cb", "agent", "recorded", "all"}
    assert metrics["model"]["export_max_abs_diff"] <= 1e-9
    weights = metrics["train"]["source_weights"]
    assert metrics["train"]["recorded_dialogues"] > 0 and set(weights) == {"cb", "agent", "recorded"}
    assert max(weights.values()) > 1.0 and min(weights.values()) == 1.0
    shipped = DealProbabilityModel.load(tmp_path / "out" / "model.json")
    assert 0.0 < shipped.predict(CONVERGING, budget_max=BUDGET) < 1.0
    assert "## recorded:" in (tmp_path / "out" / "reliability.md").read_text()


def test_bootstrap_resamples_whole_dialogues() -> None:
    from agent.deal_probability.report import bootstrap_ci

    # two dialogues of one source, each with several prefixes: perfect separation stays perfect in every draw
    # that holds both (and draws with one dialogue have one class, so they give no AUC)
    y = np.array([1, 1, 1, 0, 0])
    groups = np.array(["a", "a", "a", "b", "b"])
    ci = bootstrap_ci(y, np.array([0.9, 0.8, 0.7, 0.2, 0.1]), groups, np.array(["cb"] * 5), n=200)
    assert ci["auc_ci95"] == [1.0, 1.0] and ci["brier_ci95"][1] <= 0.09
    # forty dialogues of three prefixes, weakly informative scores: the interval is wide and holds the point AUC
    rng = np.random.default_rng(1)
    labels = np.repeat(np.arange(40) % 2, 3)
    scores = np.clip(0.5 + 0.15 * (labels - 0.5) + rng.normal(0, 0.2, 120), 0, 1)
    noisy = bootstrap_ci(labels, scores, np.repeat([f"d{i}" for i in range(40)], 3), np.array(["cb"] * 120), n=300)
    low, high = noisy["auc_ci95"]
    assert high - low > 0.1 and low < roc_auc_score(labels, scores) < high
