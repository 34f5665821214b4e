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
from typing import Any

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
    """Queues feature rows for points without a stored value; `score()` fills them all in one model call."""

    def __init__(self, model: DealProbabilityModel | None = None) -> None:
        self.model = model or DealProbabilityModel.load()
        self._rows: list[tuple[float, ...]] = []
        self._points: list[ProbabilityPoint] = []

    def points(self, turns: Sequence[Turn], at: Sequence[tuple[int, int, float | None]], setup: Setup,
               budget_is_ceiling: bool, ask: Decimal | None) -> list[ProbabilityPoint]:
        """Queue the points after `turns[:end]` for each (end, creator_index, stored value) of `at` (ends
        ascending): a point with a stored value keeps it, the others get their feature rows in one pass. `ask` is
        the setup's `listed_ask` (computed once by the caller: both sides of a replay share it)."""
        out = [ProbabilityPoint(creator_index=creator_index, value=value) for _, creator_index, value in at]
        todo = [(end, point) for (end, _, value), point in zip(at, out, strict=True) if value is None]
        if todo:
            self._rows += prefix_features(turns, [end for end, _ in todo], ask=ask, budget_max=setup.max_usd,
                                          budget_is_ceiling=budget_is_ceiling)
            self._points += [point for _, point in todo]
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

    def score(self) -> None:
        if self._rows:
            width = len(self._rows[0])
            matrix = np.fromiter(chain.from_iterable(self._rows), dtype=np.float64,
                                 count=width * len(self._rows)).reshape(-1, width)
            values = self.model.predict_features(matrix).tolist()
            for point, value in zip(self._points, values, strict=True):
                point.value = round(value, 4)
        self._rows.clear()
        self._points.clear()
