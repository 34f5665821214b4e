"""The one shape every reader produces: a recorded negotiation, turn by turn, with the set-up it ran under.

A creator turn carries the creator's words (`text`) and, when the source recorded it, what was understood
then (`understood`); a turn without text (a CraigslistBargain `offer` event, a row of the negotiation export)
is replayed from its recorded understanding. An agent turn carries what was decided then (`decision`), when
the source knows it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agent.negotiation.types import Action
from data.types import UsdAmount

Role = Literal["creator", "agent"]
Label = Literal["good", "bad", "unsure"]


class RecordedDecision(BaseModel):
    """What the agent decided on a turn; numbers behind it (ceiling, floor, step, act…) ride along as extras."""

    model_config = ConfigDict(extra="allow")

    action: Action | None = None
    offer_usd: UsdAmount | None = None


class Annotation(BaseModel):
    turn: int
    label: Label
    note: str | None = None
    at: str | None = None


class RecordedTurn(BaseModel):
    role: Role
    text: str | None = None
    seq: int | None = None
    """The turn's number in its source (message seq, event index, line number) for the report."""
    channel: str | None = None
    at: str | None = None
    t_s: float | None = None
    understood: dict[str, Any] | None = None
    decision: RecordedDecision | None = None
    deal_probability: float | None = Field(default=None, ge=0, le=1)
    gate: list[str] | None = None
    """The gate's problems on this agent turn; None when the source did not record a verdict."""

    @model_validator(mode="after")
    def _creator_needs_words(self) -> RecordedTurn:
        if self.role == "creator" and not (self.text and self.text.strip()) and not self.understood:
            raise ValueError("a creator turn needs text or a recorded understanding")
        return self


class Setup(BaseModel):
    """The negotiation's brief: what the engine needs to start a fresh state."""

    target_usd: UsdAmount
    max_usd: UsdAmount
    deliverables: list[str] = Field(min_length=1)
    usage_rights: str | None = None
    platform: str = "instagram"
    followers: int | None = Field(default=None, ge=0)
    engagement_rate: Decimal | None = Field(default=None, ge=0)
    listed_rates_usd: dict[str, UsdAmount] = Field(default_factory=dict)
    max_rounds: int = Field(default=8, ge=1, le=100)
    brand: str = "our brand"
    creator_name: str | None = None
    language: str = "en"
    budget_is_ceiling: bool = True
    """False where the recorded buyer's budget was soft (CraigslistBargain's target)."""
    creator_floor_usd: UsdAmount | None = None
    """The creator's reservation price when the source records it (for the surplus share)."""
    tier: str | None = None
    campaign: str = ""
    product: str | None = None
    sender_name: str | None = None
    exclusivity: str | None = None
    seed: int | None = None
    """Our own negotiations record these too, so their replay starts from exactly the recorded set-up."""

    @field_validator("target_usd", "max_usd")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("must be positive")
        return value

    @model_validator(mode="after")
    def _target_within_max(self) -> Setup:
        if self.target_usd > self.max_usd:
            raise ValueError("target_usd cannot exceed max_usd")
        return self


class Outcome(BaseModel):
    status: str | None = None
    """agreed | declined | expired | escalated | open, or None when the source does not say."""
    price_usd: UsdAmount | None = None


class Transcript(BaseModel):
    id: str
    source: str
    """The reader that produced it: ours, export, elevenlabs, craigslist, text."""
    origin: str
    """Where it came from (file and position, or a negotiation id)."""
    setup: Setup
    turns: list[RecordedTurn]
    outcome: Outcome = Field(default_factory=Outcome)
    annotations: list[Annotation] = Field(default_factory=list)

    @property
    def creator_turns(self) -> int:
        return sum(1 for t in self.turns if t.role == "creator")


class ReadError(BaseModel):
    """One transcript that could not be read: where, and what is wrong with it."""

    origin: str
    message: str


class ReadResult(BaseModel):
    transcripts: list[Transcript] = Field(default_factory=list)
    errors: list[ReadError] = Field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.transcripts.extend(other.transcripts)
        self.errors.extend(other.errors)


def describe_validation_error(exc: Exception) -> str:
    """A pydantic error as "field.path: why; …" (the offending fields, not a traceback)."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = []
    for err in errors():
        where = ".".join(str(p) for p in err.get("loc", ())) or "(root)"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)
