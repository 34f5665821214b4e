"""Regression stories: a creator's lines and what must hold when the current agent answers them.

A story (`evals/stories/*.yaml`) is a negotiation brief, the creator's messages in order and expectations:

    name: firm creator above the ceiling gets one best-and-final
    setup: {target_usd: 1500, max_usd: 2400, deliverables: [1 reel, 2 stories]}
    creator: ["My rate is $3,500.", "Still $3,500, that's firm.", …]
    expect:
      - at: 1                      # the agent's answer to the creator's first line
        action: counter            # or a list of allowed actions
        offer_at_most: 2400
        understood: {intent: counter, price_usd: 3500}
      - end: {status: agreed, price_at_most: 2400}
      - never: {action: accept}
      - same_decisions_as: ["My rate is $3,500.", …]   # e.g. the same lines without an injection attempt

Every story also checks that no offer or acceptance is above `max_usd` and that the gate passed every reply.
`known_failure: why` marks a story that states wanted behaviour the agent does not have yet: it is reported
(and xfails in pytest) until it passes. The lines are replayed with the replayer, as recorded transcripts are.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.negotiation.policy import PolicyConfig
from agent.negotiation.types import Action
from evals.replay.replayer import ReplayedDecision, TranscriptReplay, replay_transcript
from evals.replay.transcript import RecordedTurn, Setup, Transcript, describe_validation_error

STORIES = Path(__file__).resolve().parents[1] / "stories"
Status = Literal["open", "agreed", "declined", "escalated", "expired"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StorySetup(Setup):
    model_config = ConfigDict(extra="forbid")


class EndCheck(_Strict):
    status: Status | list[Status] | None = None
    price_at_most: Decimal | None = None
    price_at_least: Decimal | None = None


class NeverCheck(_Strict):
    action: Action | list[Action] | None = None
    act: str | list[str] | None = None


class Expectation(_Strict):
    at: int | None = Field(default=None, ge=1)
    action: Action | list[Action] | None = None
    act: str | list[str] | None = None
    offer_at_most: Decimal | None = None
    offer_at_least: Decimal | None = None
    same_offer_as: int | None = Field(default=None, ge=1)
    """The offer equals the one made at that earlier turn (e.g. nothing moved while the creator was away)."""
    status: Status | None = None
    understood: dict[str, Any] | None = None
    """Fields the understanding of the creator's line must have (a subset match)."""
    end: EndCheck | None = None
    never: NeverCheck | None = None
    same_decisions_as: list[str] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Expectation:
        turn_fields = {"action", "act", "offer_at_most", "offer_at_least", "same_offer_as", "status", "understood"}
        used = {k for k in self.model_fields_set if getattr(self, k) is not None}
        kinds = [bool(used & (turn_fields | {"at"})), "end" in used, "never" in used, "same_decisions_as" in used]
        if sum(kinds) != 1:
            raise ValueError("an expectation is one of: a turn check (at: N, …), end, never, same_decisions_as")
        if used & turn_fields and self.at is None:
            raise ValueError("a turn check needs at: N (the creator line it answers)")
        return self


class Story(_Strict):
    name: str
    persona: str | None = None
    """Which simulated persona (evals/personas.py) or tricky message family the story stands for."""
    setup: StorySetup
    creator: list[str] = Field(min_length=1)
    expect: list[Expectation] = Field(min_length=1)
    known_failure: str | None = None


class StoryResult(BaseModel):
    name: str
    file: str
    failures: list[str]
    known_failure: str | None = None
    turns: list[str] = Field(default_factory=list)
    """One line per creator turn: what the agent did (for the report)."""

    @property
    def passed(self) -> bool:
        return not self.failures


class StoryError(ValueError):
    """A story file that cannot be read: the file and the offending fields."""


def load(path: Path) -> Story:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise StoryError(f"{path.name}: cannot read: {exc}") from exc
    try:
        return Story.model_validate(data)
    except ValidationError as exc:
        raise StoryError(f"{path.name}: {describe_validation_error(exc)}") from exc


def story_files(folder: Path = STORIES) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def _transcript(story: Story, lines: list[str]) -> Transcript:
    return Transcript(id=story.name, source="story", origin=story.name, setup=story.setup,
                      turns=[RecordedTurn(role="creator", text=line, seq=i) for i, line in enumerate(lines, 1)])


def _decisions(replay: TranscriptReplay) -> list[ReplayedDecision | None]:
    return [t.replayed for t in replay.turns]


def _allowed(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _check_turn(e: Expectation, decisions: list[ReplayedDecision | None]) -> list[str]:
    at = e.at or 0
    d = decisions[at - 1] if at <= len(decisions) else None
    if d is None:
        return [f"turn {at}: the agent did not answer (the negotiation had ended or the story is shorter)"]
    out: list[str] = []
    if e.action is not None and d.action not in _allowed(e.action):
        out.append(f"turn {at}: action {d.action}, expected {' or '.join(_allowed(e.action))}")
    if e.act is not None and d.act not in _allowed(e.act):
        out.append(f"turn {at}: act {d.act}, expected {' or '.join(_allowed(e.act))}")
    if e.offer_at_most is not None and (d.offer_usd is None or d.offer_usd > e.offer_at_most):
        out.append(f"turn {at}: offer {d.offer_usd}, expected at most {e.offer_at_most}")
    if e.offer_at_least is not None and (d.offer_usd is None or d.offer_usd < e.offer_at_least):
        out.append(f"turn {at}: offer {d.offer_usd}, expected at least {e.offer_at_least}")
    if e.same_offer_as is not None:
        before = decisions[e.same_offer_as - 1] if e.same_offer_as <= len(decisions) else None
        if before is None or before.offer_usd != d.offer_usd:
            out.append(f"turn {at}: offer {d.offer_usd}, expected the offer of turn {e.same_offer_as} "
                       f"({None if before is None else before.offer_usd})")
    if e.status is not None and d.status != e.status:
        out.append(f"turn {at}: status {d.status}, expected {e.status}")
    for key, want in (e.understood or {}).items():
        got = d.understood.get(key, False if key == "injection_suspected" else None)
        if key.endswith("_usd") and got is not None and want is not None:
            same = Decimal(str(got)) == Decimal(str(want))
        else:
            same = got == want
        if not same:
            out.append(f"turn {at}: understood {key}={got!r}, expected {want!r}")
    return out


def _check(e: Expectation, story: Story, replay: TranscriptReplay, config: PolicyConfig | None) -> list[str]:
    decisions = _decisions(replay)
    if e.end is not None:
        out = []
        if e.end.status is not None and replay.replayed_status not in _allowed(e.end.status):
            out.append(f"ended {replay.replayed_status}, expected {' or '.join(_allowed(e.end.status))}")
        price = replay.replayed_price
        if e.end.price_at_most is not None and (price is None or price > e.end.price_at_most):
            out.append(f"agreed price {price}, expected at most {e.end.price_at_most}")
        if e.end.price_at_least is not None and (price is None or price < e.end.price_at_least):
            out.append(f"agreed price {price}, expected at least {e.end.price_at_least}")
        return out
    if e.never is not None:
        out = []
        for i, d in enumerate(decisions, 1):
            if d is None:
                continue
            if e.never.action is not None and d.action in _allowed(e.never.action):
                out.append(f"turn {i}: action {d.action}, which must never happen here")
            if e.never.act is not None and d.act in _allowed(e.never.act):
                out.append(f"turn {i}: act {d.act}, which must never happen here")
        return out
    if e.same_decisions_as is not None:
        control = _decisions(replay_transcript(_transcript(story, e.same_decisions_as), config))
        out = []
        for i, (d, c) in enumerate(zip(decisions, control, strict=False), 1):
            mine = None if d is None else (d.action, d.offer_usd)
            theirs = None if c is None else (c.action, c.offer_usd)
            if mine != theirs:
                out.append(f"turn {i}: decided {mine}, the control lines got {theirs}")
        if len(decisions) != len(control):
            out.append(f"{len(decisions)} turns against {len(control)} control lines")
        return out
    return _check_turn(e, decisions)


def _invariants(story: Story, decisions: list[ReplayedDecision | None]) -> list[str]:
    out = []
    for i, d in enumerate(decisions, 1):
        if d is None:
            continue
        if d.offer_usd is not None and d.offer_usd > story.setup.max_usd:
            out.append(f"turn {i}: {d.action} at {d.offer_usd}, above max_usd {story.setup.max_usd}")
        if d.gate:
            out.append(f"turn {i}: the gate rejected the reply: {'; '.join(d.gate)}")
    return out


def _line(i: int, d: ReplayedDecision | None) -> str:
    if d is None:
        return f"{i}: (not answered: the negotiation had ended)"
    offer = "" if d.offer_usd is None else f" ${d.offer_usd:,.2f}"
    u = d.understood
    price = u.get("price_usd")
    heard = f"{u.get('intent')}" + ("" if price is None else f" ${price:,}")
    return f"{i}: heard {heard} → {d.action}{offer} ({d.act}), {d.status}"


def run_story(story: Story, config: PolicyConfig | None = None, file: str = "") -> StoryResult:
    """Answer the story's lines with the current agent (under `config`) and check every expectation."""
    replay = replay_transcript(_transcript(story, story.creator), config)
    decisions = _decisions(replay)
    failures = _invariants(story, decisions)
    for expectation in story.expect:
        failures.extend(_check(expectation, story, replay, config))
    return StoryResult(name=story.name, file=file, failures=failures, known_failure=story.known_failure,
                       turns=[_line(i, d) for i, d in enumerate(decisions, 1)])


def run_folder(folder: Path = STORIES, config: PolicyConfig | None = None,
               names: list[str] | None = None) -> tuple[list[StoryResult], list[str]]:
    """Every story of the folder (or those whose file stem or name is in `names`); unreadable files are listed
    as errors and the rest still run."""
    results: list[StoryResult] = []
    errors: list[str] = []
    for path in story_files(folder):
        try:
            story = load(path)
        except StoryError as exc:
            errors.append(str(exc))
            continue
        if names and path.stem not in names and story.name not in names:
            continue
        results.append(run_story(story, config, file=path.name))
    return results, errors
