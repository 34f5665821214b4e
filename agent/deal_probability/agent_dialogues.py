"""The real agent's negotiations as Turns: simulated (`python -m evals.deal_training_data`) or recorded in
production (`python -m api export-negotiations`), one JSONL format for both (`dialogue_row`).

Each line holds one dialogue exactly as production persists it (see `agent.negotiation.service._turns`) and its
final status; the label is a deal (status "agreed"). `ask` is the creator's listed price for the package, from
their rate card exactly as production computes it (None when a kind of the package is not listed).
Production computes a probability after the agent's opening and after every agent reply while the
negotiation is open, so those prefixes are the ones this source offers for training and scoring
(`open_prefixes`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent.deal_probability.features import Turn
from agent.deal_probability.reference import listed_package_price

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "simulated_agent.jsonl"
_CLOSING_ACTIONS = frozenset({"accept", "reject", "close", "escalate"})


@dataclass(frozen=True)
class AgentDialogue:
    key: str
    persona: str
    status: str
    turns: list[Turn]
    budget_max: Decimal
    deal: bool
    ask: Decimal | None = None

    @property
    def open_prefixes(self) -> list[int]:
        """Lengths k of the prefixes production scores: each ends with an agent turn that left it open."""
        out = []
        for k, turn in enumerate(self.turns, start=1):
            if turn.role != "agent":
                continue
            if turn.act in _CLOSING_ACTIONS:
                break
            out.append(k)
        return out


def dialogue_row(*, key: str, persona: str, status: str, budget_max: Decimal, deliverables: Sequence[str],
                 listed_rates: Mapping[str, Any] | None, turns: Sequence[Turn]) -> dict[str, Any]:
    """One line of the file, as `load_dialogues` reads it back (money as strings, no message text)."""
    return {
        "key": key,
        "persona": persona,
        "status": status,
        "deal": status == "agreed",
        "budget_max": str(budget_max),
        "deliverables": list(deliverables),
        "listed_rates": {k: str(v) for k, v in (listed_rates or {}).items()},
        "turns": [[t.role, t.act, None if t.price is None else str(t.price), t.sentiment] for t in turns],
    }


def _turn(row: list) -> Turn:
    role, act, price, sentiment = row
    return Turn(role=role, act=act, price=None if price is None else Decimal(price), sentiment=float(sentiment))


def load_dialogues(path: Path | str = DEFAULT_PATH) -> list[AgentDialogue]:
    dialogues = []
    for line in Path(path).read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            dialogues.append(AgentDialogue(key=r["key"], persona=r["persona"], status=r["status"],
                                           turns=[_turn(t) for t in r["turns"]], budget_max=Decimal(r["budget_max"]),
                                           deal=bool(r["deal"]),
                                           ask=listed_package_price(r.get("listed_rates"), r.get("deliverables"))))
    return dialogues
