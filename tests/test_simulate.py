"""The negotiation simulation: personas, targets for the policy, baselines, and the click command."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from agent.negotiation.types import Action, Decision
from evals.personas import PERSONAS, in_words, make_scenarios, persona_for
from evals.simulate import AcceptFirstAsk, PolicyAgent, overall, run_scenario, simulate
from evals.simulate_cli import command


def test_scenarios_are_reproducible_and_labelled() -> None:
    first = make_scenarios("flexible", 5, seed=3)
    assert first == make_scenarios("flexible", 5, seed=3)
    assert first != make_scenarios("flexible", 5, seed=4)
    assert all(s.floor_usd < s.max_usd for s in make_scenarios("flexible", 30) if s.zone)
    assert all(s.zone is False and s.floor_usd > s.max_usd for s in make_scenarios("no_zone", 10))
    assert all(s.target_usd <= s.max_usd for p in PERSONAS for s in make_scenarios(p, 5))


def test_personas_write_text_the_way_their_script_says() -> None:
    assert in_words(Decimal("7250")) == "seven thousand two hundred fifty"
    words = persona_for(make_scenarios("words", 1)[0])
    text = words.first()
    assert text is not None and "$" not in text
    injection = persona_for(make_scenarios("injection", 1)[0]).first()
    assert injection is not None and any(k in injection.lower() for k in ("ignore", "system", "developer mode"))
    silent = persona_for(make_scenarios("silent", 1)[0])
    assert silent.reply(Decision(action=Action.COUNTER, offer_usd=Decimal("100"))) is None


def test_policy_meets_the_targets_and_beats_accept_first() -> None:
    summaries = simulate(per_persona=12, seed=5)
    policy, naive = overall(summaries, "policy"), overall(summaries, "accept_first")
    assert policy["budget_violations"] == 0 and policy["deals_without_zone"] == 0
    assert policy["agreement_rate_zone"] is not None and policy["agreement_rate_zone"] >= 0.9
    assert policy["surplus_share"] is not None and policy["surplus_share"] >= 0.5
    assert naive["surplus_share"] is not None and policy["surplus_share"] > naive["surplus_share"]
    silent = next(s for s in summaries if s.persona == "silent" and s.agent == "policy")
    assert silent.statuses == {"expired": 12}


def test_no_zone_never_ends_in_a_deal() -> None:
    for scenario in make_scenarios("no_zone", 8, seed=9):
        outcome = run_scenario(scenario, PolicyAgent())
        assert outcome.status == "declined" and not outcome.violation
        assert run_scenario(scenario, AcceptFirstAsk()).status != "agreed"


def test_command_prints_a_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "sim.json"
    result = CliRunner().invoke(command, ["--per-persona", "3", "--persona", "flexible", "--persona", "firm",
                                          "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "flexible" in result.output and "split" in result.output
    payload = json.loads(out.read_text())
    assert {(r["persona"], r["agent"]) for r in payload["rows"]} == {
        (p, a) for p in ("flexible", "firm") for a in ("policy", "accept_first", "split")}
    assert payload["overall"]["policy"]["budget_violations"] == 0


def test_policy_overrides_change_the_policy_agent_only_and_bad_ones_are_named(tmp_path: Path) -> None:
    runs = {}
    for name, extra in (("default", []), ("low_opening", ["--policy", "opening_cap_share=0.5",
                                                          "--policy", "opening_ask_share=0.4"])):
        out = tmp_path / f"{name}.json"
        result = CliRunner().invoke(command, ["--per-persona", "8", "--persona", "flexible", "--json", str(out),
                                              *extra])
        assert result.exit_code == 0, result.output
        runs[name] = {r["agent"]: r for r in json.loads(out.read_text())["rows"]}
    assert json.loads((tmp_path / "low_opening.json").read_text())["policy"] == {
        "opening_cap_share": "0.5", "opening_ask_share": "0.4"}
    assert runs["default"]["split"] == runs["low_opening"]["split"]
    assert runs["default"]["policy"] != runs["low_opening"]["policy"]
    bad = CliRunner().invoke(command, ["--per-persona", "1", "--persona", "flexible", "--policy", "boulware=2"])
    assert bad.exit_code == 2 and "boulware" in bad.output
