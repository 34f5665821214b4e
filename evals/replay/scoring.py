"""Deal probability along a replay: the stored value where the recording has one, else the shipped model's
estimate, computed for all points of a set in one batch (the model is vectorized over feature rows).

Points are taken where production takes them: after the agent's opening and after every agent turn that left
the negotiation open (see agent.deal_probability.agent_dialogues.AgentDialogue.open_prefixes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import Any, NamedTuple

import numpy as np

from agent.deal_probability.features import Turn, prefix_features
from agent.deal_probability.model import DealProbabilityModel
from agent.deal_probability.reference import listed_package_price
from evals.replay.transcript import Setup, Transcript

CLOSING = frozenset({"accept", "reject", "close", "escalate"})


@dataclass
class ProbabilityPoint:
    creator_index: int
    """How many creator turns precede the point (0: after the opening)."""
    value: float | None = None


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def recorded_dialogue_turns(transcript: Transcript) -> tuple[list[Turn], list[tuple[int, int]]]:
    """The recording as model Turns, and (position, creator turns before it) of each point to score."""
    turns: list[Turn] = []
    points: list[tuple[int, int]] = []
    creators = 0
    recorded = transcript.turns
    for position, t in enumerate(recorded):
        if t.role == "creator":
            creators += 1
            u = t.understood or {}
            turns.append(Turn(role="creator", act=str(u.get("intent", "off_topic")), price=_decimal(u.get("price_usd")),
                              sentiment=float(u.get("sentiment", 0.0))))
            continue
        action = t.decision.action.value if t.decision and t.decision.action else "ask"
        turns.append(Turn(role="agent", act=action, price=t.decision.offer_usd if t.decision else None))
        last_of_run = position + 1 >= len(recorded) or recorded[position + 1].role != "agent"
        if action in CLOSING:
            break
        if last_of_run:
            points.append((position, creators))
    return turns, points


def listed_ask(setup: Setup) -> Decimal | None:
    """The creator's listed price for the setup's package, the features' `ask`."""
    return listed_package_price(setup.listed_rates_usd, setup.deliverables)


class Scorer:
    """Queues the points of a set; `score()` computes the feature rows of those without a stored value and fills
    them all in one model call.

    The rows are computed in `score()`, in one loop after the replays, not as each replay queues its points:
    interleaved with the engine's turns the feature code ran cold (bench replay, 1,000 CB dialogues: ~40 ms of
    the ~130 ms the rows took went). A queue whose rows fail is reported by `score()`, not raised."""

    def __init__(self, model: DealProbabilityModel | None = None) -> None:
        self.model = model or DealProbabilityModel.load()
        self._queued: list[_Queued] = []

    def points(self, turns: Sequence[Turn], at: Sequence[tuple[int, int, float | None]], setup: Setup,
               budget_is_ceiling: bool, ask: Decimal | None, key: int) -> list[ProbabilityPoint]:
        """Queue the points after `turns[:end]` for each (end, creator_index, stored value) of `at` (ends
        ascending): a point with a stored value keeps it, the others are filled in by `score()`. `ask` is the
        setup's `listed_ask` (computed once by the caller: both sides of a replay share it); `key` names the
        points' owner in what `score()` returns."""
        out = [ProbabilityPoint(creator_index=creator_index, value=value) for _, creator_index, value in at]
        todo = [(end, point) for (end, _, value), point in zip(at, out, strict=True) if value is None]
        if todo:
            self._queued.append(_Queued(key, turns, [end for end, _ in todo], [point for _, point in todo], ask,
                                        setup.max_usd, budget_is_ceiling))
        return out

    @staticmethod
    def replay_turns(trace: Sequence[tuple[str, Any]]) -> list[Turn]:
        """A replay's (role, ReplayedDecision | Understanding) trace as model Turns (as production stores them)."""
        out: list[Turn] = []
        for role, item in trace:
            if role == "agent":
                out.append(Turn(role="agent", act=item.action, price=item.offer_usd))
            else:
                out.append(Turn(role="creator", act=item.intent.value, price=item.price_usd,
                                sentiment=float(item.sentiment)))
        return out

    def score(self) -> dict[int, ValueError | ArithmeticError]:
        """Fill in the queued points. Returns, by key, the error of each queue whose feature rows could not be
        computed (its points stay None; the other keys' points are filled in)."""
        rows: list[tuple[float, ...]] = []
        points: list[ProbabilityPoint] = []
        failed: dict[int, ValueError | ArithmeticError] = {}
        for q in self._queued:
            try:
                rows += prefix_features(q.turns, q.ends, ask=q.ask, budget_max=q.budget_max,
                                        budget_is_ceiling=q.budget_is_ceiling)
            except (ValueError, ArithmeticError) as exc:
                failed.setdefault(q.key, exc)
                continue
            points += q.points
        self._queued.clear()
        if rows:
            width = len(rows[0])
            matrix = np.fromiter(chain.from_iterable(rows), dtype=np.float64,
                                 count=width * len(rows)).reshape(-1, width)
            values = self.model.predict_features(matrix).tolist()
            for point, value in zip(points, values, strict=True):
                point.value = round(value, 4)
        return failed


class _Queued(NamedTuple):
    """The points of one dialogue (one side of a replay) waiting for their feature rows."""

    key: int
    turns: Sequence[Turn]
    ends: list[int]
    points: list[ProbabilityPoint]
    ask: Decimal | None
    budget_max: Decimal | None
    budget_is_ceiling: bool
