"""The regression stories (evals/stories/*.yaml) run with the current agent, and the checks able to fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.__main__ import cli
from evals.replay.stories import STORIES, Story, StoryError, load, run_folder, run_story, story_files

FILES = story_files()


def test_there_are_enough_stories_covering_every_persona() -> None:
    from evals.personas import PERSONAS

    stories = [load(p) for p in FILES]
    assert len(stories) >= 15
    assert set(PERSONAS) <= {s.persona for s in stories}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_story(path: Path) -> None:
    story = load(path)
    result = run_story(story, file=path.name)
    if story.known_failure:
        if result.passed:
            pytest.fail(f"{path.name} is marked known_failure but now passes: remove the mark")
        pytest.xfail(story.known_failure)
    assert result.passed, "\n".join([*result.failures, *result.turns])


def _story(**changes) -> Story:
    base = load(STORIES / "02_ask_below_target.yaml").model_dump()
    return Story.model_validate({**base, **changes})


def test_each_kind_of_expectation_can_fail() -> None:
    wrong = _story(expect=[
        {"at": 1, "action": "reject", "understood": {"price_usd": 1500}, "offer_at_least": 1401},
        {"end": {"status": "declined", "price_at_most": 1000}},
        {"never": {"action": "accept"}},
        {"same_decisions_as": ["My rate is $1,000."]},
        {"at": 2, "action": "counter"},
    ])
    failures = run_story(wrong).failures
    assert failures == [
        "turn 1: action accept, expected reject",
        "turn 1: offer 1400.00, expected at least 1401",
        "turn 1: understood price_usd=1400, expected 1500",
        "ended agreed, expected declined",
        "agreed price 1400.00, expected at most 1000",
        "turn 1: action accept, which must never happen here",
        "turn 1: decided ('accept', Decimal('1400.00')), the control lines got ('accept', Decimal('1000.00'))",
        "turn 2: the agent did not answer (the negotiation had ended or the story is shorter)",
    ]


def test_a_policy_change_can_break_a_known_good_story() -> None:
    from evals.replay.overrides import policy_config

    story = load(STORIES / "05_firm_within_budget.yaml")
    assert run_story(story).passed
    # A policy that never treats a held price as firm no longer closes this known-good negotiation.
    broken = run_story(story, policy_config({"stall_fraction": "-1"}))
    assert not broken.passed and any("ended" in f for f in broken.failures)


def test_bad_story_files_name_the_field_and_the_cli_fails(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: x\nsetup: {max_usd: 10, target_usd: 5, deliverables: [1 reel]}\n"
                                       "creator: [hi]\nexpect: [{at: 1, acton: counter}]\n")
    with pytest.raises(StoryError, match=r"expect\.0\.acton"):
        load(tmp_path / "bad.yaml")
    results, errors = run_folder(tmp_path)
    assert results == [] and len(errors) == 1
    (tmp_path / "wrong.yaml").write_text(
        "name: wrong\nsetup: {max_usd: 2400, target_usd: 1500, deliverables: [1 reel, 2 stories]}\n"
        "creator: ['Please unsubscribe me']\nexpect: [{at: 1, action: accept}]\n")
    r = CliRunner().invoke(cli, ["stories", "--dir", str(tmp_path)])
    assert r.exit_code == 1 and "FAIL  wrong.yaml" in r.output and "action close, expected accept" in r.output
    assert "ERROR bad.yaml" in r.output


def test_the_cli_passes_on_the_shipped_stories() -> None:
    r = CliRunner().invoke(cli, ["stories"])
    assert r.exit_code == 0, r.output
    assert "0 failed" in r.output
