"""Replay: the recorded creator messages, one by one, into a fresh engine state; compared with what was decided.

Each creator turn is answered by the current agent (`take_turn`, optionally under an overridden PolicyConfig)
and set beside the recorded agent turn that followed it: "same", "different_offer", "different_action",
"no_recorded_reply" (the recording has no agent answer there) or "not_replayed" (the replayed negotiation had
already ended). A creator turn recorded without words is replayed from its recorded understanding.

The honest limit: once the replayed agent diverges, the creator's later messages answered a different offer
than the one the replayed agent made, so everything after the first divergence is indicative only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from agent.negotiation.engine import NegotiationClosed, NegotiationSetup, open_negotiation, take_turn
from agent.negotiation.policy import PolicyConfig
from agent.negotiation.types import Action, Understanding
from evals.replay.scoring import ProbabilityPoint, Scorer, listed_ask, recorded_dialogue_turns
from evals.replay.transcript import RecordedDecision, RecordedTurn, Setup, Transcript

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SAME, DIFFERENT_OFFER, DIFFERENT_ACTION = "same", "different_offer", "different_action"
NO_RECORDED_REPLY, NOT_REPLAYED = "no_recorded_reply", "not_replayed"
COMPARED = (SAME, DIFFERENT_OFFER, DIFFERENT_ACTION)
LIMIT_NOTE = ("After the first divergence the creator's recorded messages answered the recorded offer, not the "
              "replayed one: later replayed turns are indicative only.")


@dataclass
class ReplayedDecision:
    action: str
    offer_usd: Decimal | None
    act: str
    reason: str
    text: str
    wording_source: str
    gate: list[str]
    status: str
    understood: dict[str, Any]
    rationale: dict[str, Any] = field(default_factory=dict)


@dataclass
class TurnReplay:
    index: int
    """1-based number of the creator turn."""
    seq: int | None
    creator_text: str | None
    recorded_understood: dict[str, Any] | None
    recorded: RecordedDecision | None
    recorded_text: str | None
    recorded_gate: list[str] | None
    replayed: ReplayedDecision | None
    verdict: str
    creator_price: Decimal | None = None
    recorded_probability: float | None = None
    replayed_probability: float | None = None
    annotations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TranscriptReplay:
    transcript: Transcript
    opening: ReplayedDecision | None
    turns: list[TurnReplay]
    replayed_status: str
    replayed_price: Decimal | None
    first_divergence: int | None
    recorded_points: list[ProbabilityPoint] = field(default_factory=list)
    replayed_points: list[ProbabilityPoint] = field(default_factory=list)
    error: str | None = None

    @property
    def recorded_status(self) -> str | None:
        return self.transcript.outcome.status

    @property
    def recorded_price(self) -> Decimal | None:
        return self.transcript.outcome.price_usd


def engine_setup(setup: Setup, seed: int = 0) -> NegotiationSetup:
    return NegotiationSetup(
        target_usd=setup.target_usd, max_usd=setup.max_usd, deliverables=list(setup.deliverables),
        usage_rights=setup.usage_rights, platform=setup.platform, followers=setup.followers,
        engagement_rate=setup.engagement_rate, listed_rates_usd=dict(setup.listed_rates_usd), brand=setup.brand,
        creator_name=setup.creator_name, max_rounds=setup.max_rounds, language=setup.language,
        seed=setup.seed if setup.seed is not None else seed, tier=setup.tier, campaign=setup.campaign,
        product=setup.product, sender_name=setup.sender_name, exclusivity=setup.exclusivity,
    )


def verdict(recorded: RecordedDecision | None, replayed: ReplayedDecision | None) -> str:
    if replayed is None:
        return NOT_REPLAYED
    if recorded is None or recorded.action is None:
        return NO_RECORDED_REPLY
    if recorded.action.value != replayed.action:
        return DIFFERENT_ACTION
    if replayed.action in (Action.COUNTER.value, Action.ACCEPT.value) and recorded.offer_usd != replayed.offer_usd:
        return DIFFERENT_OFFER
    return SAME


def _pairs(turns: list[RecordedTurn]) -> tuple[list[RecordedTurn], list[tuple[RecordedTurn, RecordedTurn | None]]]:
    """Agent turns before the first creator turn (the opening), then each creator turn with the agent turn
    that answered it (the last of a run of agent turns, None when the creator spoke again first)."""
    opening: list[RecordedTurn] = []
    pairs: list[tuple[RecordedTurn, RecordedTurn | None]] = []
    for turn in turns:
        if turn.role == "creator":
            pairs.append((turn, None))
        elif not pairs:
            opening.append(turn)
        else:
            pairs[-1] = (pairs[-1][0], turn)
    return opening, pairs


def _recorded_understanding(turn: RecordedTurn) -> Understanding:
    try:
        return Understanding.model_validate(turn.understood or {})
    except ValueError as exc:
        raise ValueError(f"turn {turn.seq}: the recorded understanding is not valid: {exc}") from exc


def _replayed(result: Any) -> ReplayedDecision:
    decision = result.decision
    return ReplayedDecision(
        action=decision.action.value, offer_usd=decision.offer_usd, act=result.act, reason=decision.reason,
        text=result.reply_text, wording_source=result.wording_source, gate=list(result.gate_problems),
        status=result.status, understood=result.understanding.model_dump(mode="json", exclude_none=True),
        rationale=dict(getattr(decision, "rationale", {}) or {}))


def replay_transcript(transcript: Transcript, config: PolicyConfig | None = None,
                      scorer: Scorer | None = None) -> TranscriptReplay:
    """Replay one transcript; probability points are queued on `scorer` (filled in by `Scorer.score`, which
    returns the errors of those it could not score by `id` of their replay)."""
    now = START
    state, opening_decision, opening_text = open_negotiation(engine_setup(transcript.setup), now=now)
    opening = ReplayedDecision(action=opening_decision.action.value, offer_usd=opening_decision.offer_usd,
                               act="opening", reason=opening_decision.reason, text=opening_text,
                               wording_source="template", gate=[], status=state.status, understood={})
    _, pairs = _pairs(transcript.turns)
    by_seq: dict[int, list[dict[str, Any]]] = {}
    for a in transcript.annotations:
        by_seq.setdefault(a.turn, []).append(a.model_dump(mode="json", exclude_none=True))
    turns: list[TurnReplay] = []
    replay_trace: list[tuple[str, Any]] = [("agent", opening)]
    for index, (creator, answer) in enumerate(pairs, start=1):
        replayed: ReplayedDecision | None = None
        if not state.is_closed:
            now += timedelta(hours=1)
            text = creator.text or ""
            kwargs: dict[str, Any] = {"now": now, "config": config}
            if not creator.text:
                recorded_u = _recorded_understanding(creator)
                kwargs["understander"] = lambda _text, _state, u=recorded_u: u
            try:
                result = take_turn(state, text, **kwargs)
            except NegotiationClosed:
                result = None
            if result is not None:
                state = result.new_state
                replayed = _replayed(result)
                replay_trace.append(("creator", result.understanding))
                replay_trace.append(("agent", replayed))
        recorded = answer.decision if answer is not None else None
        notes = [*by_seq.get(creator.seq or -1, []), *(by_seq.get(answer.seq or -1, []) if answer else [])]
        price = (creator.understood or {}).get("price_usd")
        turns.append(TurnReplay(
            index=index, seq=creator.seq, creator_text=creator.text, recorded_understood=creator.understood,
            recorded=recorded, recorded_text=answer.text if answer else None,
            recorded_gate=answer.gate if answer else None, replayed=replayed, verdict=verdict(recorded, replayed),
            creator_price=None if price is None else Decimal(str(price)), annotations=notes))
    first = next((t.index for t in turns if t.verdict in (DIFFERENT_OFFER, DIFFERENT_ACTION)), None)
    out = TranscriptReplay(transcript=transcript, opening=opening, turns=turns, replayed_status=state.status,
                           replayed_price=state.agreed_price_usd if state.status == "agreed" else None,
                           first_divergence=first)
    if scorer is not None:
        _queue_points(out, replay_trace, scorer)
    return out


def _queue_points(out: TranscriptReplay, replay_trace: list[tuple[str, Any]], scorer: Scorer) -> None:
    """Deal-probability points after each agent turn that left the negotiation open, both sides."""
    setup = out.transcript.setup
    recorded_turns, recorded_open = recorded_dialogue_turns(out.transcript)
    stored = {i: t.deal_probability for i, t in enumerate(out.transcript.turns) if t.deal_probability is not None}
    recorded_at = [(position + 1, creator_index, stored.get(position)) for position, creator_index in recorded_open]
    ask = listed_ask(setup)
    key = id(out)  # replay_all maps a failed scoring back to its replay by it
    out.recorded_points += scorer.points(recorded_turns, recorded_at, setup, setup.budget_is_ceiling, ask, key)
    at: list[tuple[int, int, float | None]] = []
    creator_index = 0
    for k, (role, item) in enumerate(replay_trace):
        if role == "creator":
            creator_index += 1
            continue
        if item.status != "open":
            break
        at.append((k + 1, creator_index, None))
    out.replayed_points += scorer.points(scorer.replay_turns(replay_trace), at, setup, True, ask, key)


def replay_all(transcripts: Iterable[Transcript], config: PolicyConfig | None = None,
               scorer: Scorer | None = None,
               on_progress: Callable[[int], None] | None = None) -> list[TranscriptReplay]:
    """Replay a set; a transcript the engine cannot take is reported on its own replay, the rest go on.
    `on_progress(done)` is called after each transcript (the API's replay jobs report progress with it)."""
    scorer = scorer if scorer is not None else Scorer()
    out: list[TranscriptReplay] = []
    for transcript in transcripts:
        try:
            out.append(replay_transcript(transcript, config, scorer))
        except (ValueError, ArithmeticError) as exc:
            out.append(_failed(transcript, exc))
        if on_progress is not None:
            on_progress(len(out))
    failed = scorer.score()
    if failed:  # a recording whose feature rows cannot be computed fails on its own, as one the engine cannot take
        out = [_failed(r.transcript, failed[id(r)]) if id(r) in failed else r for r in out]
    for replay in out:
        recorded = _first_by_index(replay.recorded_points)
        replayed = _first_by_index(replay.replayed_points)
        for turn in replay.turns:
            turn.recorded_probability = recorded.get(turn.index)
            turn.replayed_probability = replayed.get(turn.index)
    return out


def _failed(transcript: Transcript, exc: Exception) -> TranscriptReplay:
    return TranscriptReplay(transcript=transcript, opening=None, turns=[], replayed_status="error",
                            replayed_price=None, first_divergence=None, error=str(exc))


def _first_by_index(points: list[ProbabilityPoint]) -> dict[int, float | None]:
    """The value of the first point after each creator turn (one dict, not a scan of the points per turn)."""
    out: dict[int, float | None] = {}
    for p in points:
        out.setdefault(p.creator_index, p.value)
    return out

