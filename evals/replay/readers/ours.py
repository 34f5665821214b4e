"""Our own recordings: the transcript export (GET /api/v1/negotiations/{id}/transcript, one object, a list, an
object with `transcripts`, or JSONL) and the negotiation export (`python -m api export-negotiations`, JSONL of
acts and prices without text, replayed from the recorded understanding).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evals.replay.readers.common import merged_setup
from evals.replay.transcript import (
    Annotation,
    Outcome,
    ReadError,
    ReadResult,
    RecordedDecision,
    RecordedTurn,
    Setup,
    Transcript,
    describe_validation_error,
)


class Gate(BaseModel):
    passed: bool | None = None
    problems: list[str] = Field(default_factory=list)


class ExportTurn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    turn: int | None = None
    role: Literal["agent", "influencer", "creator"]
    text: str | None = None
    channel: str | None = None
    at: str | None = None
    understood: dict[str, Any] | None = None
    decision: RecordedDecision | None = None
    deal_probability: float | None = None
    gate: Gate | None = None
    annotations: list[Annotation] = Field(default_factory=list)


class ExportTranscript(BaseModel):
    model_config = ConfigDict(extra="ignore")

    negotiation_id: str
    status: str | None = None
    setup: dict[str, Any]
    terms: dict[str, Any] = Field(default_factory=dict)
    turns: list[ExportTurn]


class ExportRow(BaseModel):
    """One line of `python -m api export-negotiations` (agent.deal_probability.agent_dialogues.dialogue_row)."""

    key: str
    status: str
    budget_max: Decimal = Field(gt=0)
    deliverables: list[str] = Field(min_length=1)
    listed_rates: dict[str, Decimal] = Field(default_factory=dict)
    turns: list[tuple[Literal["agent", "creator"], str, str | None, float]]


def looks_like_transcript(data: Any) -> bool:
    return isinstance(data, dict) and "turns" in data and "negotiation_id" in data


def looks_like_export_row(data: Any) -> bool:
    return isinstance(data, dict) and "key" in data and "budget_max" in data and "turns" in data


def read_items(items: list[tuple[str, Any]], defaults: dict[str, Any] | None = None) -> ReadResult:
    """(origin, parsed JSON) pairs of either kind; a bad one is reported with its origin, the rest read."""
    result = ReadResult()
    for origin, item in items:
        try:
            if looks_like_export_row(item):
                result.transcripts.append(export_row(ExportRow.model_validate(item), origin, defaults))
            elif looks_like_transcript(item):
                result.transcripts.append(transcript(ExportTranscript.model_validate(item), origin))
            else:
                raise ValueError("neither a transcript (negotiation_id, setup, turns) nor an export row "
                                 "(key, budget_max, turns)")
        except ValidationError as exc:
            result.errors.append(ReadError(origin=origin, message=describe_validation_error(exc)))
        except ValueError as exc:
            result.errors.append(ReadError(origin=origin, message=str(exc)))
    return result


def transcript(data: ExportTranscript, origin: str) -> Transcript:
    setup = Setup.model_validate(data.setup)
    turns: list[RecordedTurn] = []
    annotations: list[Annotation] = []
    for t in data.turns:
        turns.append(RecordedTurn(
            role="agent" if t.role == "agent" else "creator", text=t.text, seq=t.turn, channel=t.channel, at=t.at,
            understood=t.understood, decision=t.decision if t.role == "agent" else None,
            deal_probability=t.deal_probability, gate=None if t.gate is None else list(t.gate.problems)))
        annotations.extend(t.annotations)
    price = data.terms.get("price_usd")
    return Transcript(id=data.negotiation_id, source="ours", origin=origin, setup=setup, turns=turns,
                      outcome=Outcome(status=data.status, price_usd=None if price is None else Decimal(str(price))),
                      annotations=annotations)


def export_row(row: ExportRow, origin: str, defaults: dict[str, Any] | None = None) -> Transcript:
    setup = Setup.model_validate(merged_setup(
        {"max_usd": row.budget_max, "deliverables": row.deliverables, "listed_rates_usd": row.listed_rates},
        {k: v for k, v in (defaults or {}).items() if k not in ("max_usd", "deliverables")}))
    turns: list[RecordedTurn] = []
    for number, (role, act, price, sentiment) in enumerate(row.turns, start=1):
        if role == "creator":
            understood: dict[str, Any] = {"intent": act, "sentiment": sentiment}
            if price is not None:
                understood["price_usd"] = float(price)
            turns.append(RecordedTurn(role="creator", seq=number, understood=understood))
        else:
            decision = RecordedDecision.model_validate({"action": act, "offer_usd": price})
            turns.append(RecordedTurn(role="agent", seq=number, decision=decision))
    agreed = next((t.decision.offer_usd for t in reversed(turns) if t.decision and t.decision.action == "accept"),
                  None)
    return Transcript(id=row.key, source="export", origin=origin, setup=setup, turns=turns,
                      outcome=Outcome(status=row.status, price_usd=agreed if row.status == "agreed" else None))
