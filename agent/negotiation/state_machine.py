"""The negotiation's explicit state machine and the JSON-able state carried between turns.

Phases: opening → awaiting_reply → countering → agreed | declined | escalated | expired. Every change of
phase goes through `transition`, which consults `TRANSITIONS`; anything not in the table is a bug and
raises. The state is pure data (no database): the caller persists `to_dict()` and restores `from_dict()`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from agent.negotiation.pricing import CreatorMetrics, normalize_deliverables
from data.statuses import NegotiationStatus


class Phase(StrEnum):
    OPENING = "opening"
    AWAITING_REPLY = "awaiting_reply"
    COUNTERING = "countering"
    AGREED = "agreed"
    DECLINED = "declined"
    ESCALATED = "escalated"
    EXPIRED = "expired"


class Event(StrEnum):
    """What happened in a turn, as the state machine sees it."""

    OPEN = "open"  # the agent sent its opening message
    ASK = "ask"  # the agent asked or restated, no new offer
    WAIT = "wait"  # the creator is away; nothing changes
    COUNTER = "counter"  # the agent made a (new) offer
    ACCEPT = "accept"  # a deal at a price within budget
    WALK_AWAY = "walk_away"  # no zone of agreement: the agent declined politely
    STOP = "stop"  # the creator asked to stop
    ESCALATE = "escalate"  # a person takes over
    EXPIRE = "expire"  # the creator went silent past the deadline


_LIVE = (Phase.AWAITING_REPLY, Phase.COUNTERING)
_ENDINGS = {
    Event.ACCEPT: Phase.AGREED, Event.WALK_AWAY: Phase.DECLINED, Event.STOP: Phase.DECLINED,
    Event.ESCALATE: Phase.ESCALATED, Event.EXPIRE: Phase.EXPIRED,
}

TRANSITIONS: dict[tuple[Phase, Event], Phase] = {
    (Phase.OPENING, Event.OPEN): Phase.AWAITING_REPLY,
    (Phase.OPENING, Event.EXPIRE): Phase.EXPIRED,
    (Phase.AWAITING_REPLY, Event.ASK): Phase.AWAITING_REPLY,
    (Phase.AWAITING_REPLY, Event.WAIT): Phase.AWAITING_REPLY,
    (Phase.AWAITING_REPLY, Event.COUNTER): Phase.COUNTERING,
    (Phase.COUNTERING, Event.ASK): Phase.COUNTERING,
    (Phase.COUNTERING, Event.WAIT): Phase.COUNTERING,
    (Phase.COUNTERING, Event.COUNTER): Phase.COUNTERING,
    **{(phase, event): end for phase in _LIVE for event, end in _ENDINGS.items()},
}
"""(phase, event) → next phase. Terminal phases have no way out."""

PHASE_STATUS: dict[Phase, NegotiationStatus] = {
    Phase.OPENING: NegotiationStatus.OPEN, Phase.AWAITING_REPLY: NegotiationStatus.OPEN,
    Phase.COUNTERING: NegotiationStatus.OPEN, Phase.AGREED: NegotiationStatus.AGREED,
    Phase.DECLINED: NegotiationStatus.DECLINED, Phase.ESCALATED: NegotiationStatus.ESCALATED,
    Phase.EXPIRED: NegotiationStatus.EXPIRED,
}
TERMINAL = frozenset({Phase.AGREED, Phase.DECLINED, Phase.ESCALATED, Phase.EXPIRED})


class InvalidTransition(RuntimeError):
    """An event that the table does not allow in the current phase."""


def transition(phase: Phase | str, event: Event | str) -> Phase:
    key = (Phase(phase), Event(event))
    if key not in TRANSITIONS:
        raise InvalidTransition(f"no transition from {key[0].value!r} on {key[1].value!r}")
    return TRANSITIONS[key]


# --- setup and state -----------------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class NegotiationSetup:
    """Everything fixed when a negotiation starts. JSON-able via to_dict/from_dict."""

    target_usd: Decimal
    max_usd: Decimal
    deliverables: list[str]
    usage_rights: str | None = None
    exclusivity: str | None = None
    """Exclusivity the brand may grant if the creator asks; None means "decide with a person"."""
    platform: str = "instagram"
    followers: int | None = None
    engagement_rate: Decimal | None = None
    tier: str | None = None
    listed_rates_usd: dict[str, Decimal] = field(default_factory=dict)
    brand: str = "our brand"
    campaign: str = ""
    product: str | None = None
    """A product the brand can send; enables the "product on top of cash" lever."""
    creator_name: str | None = None
    sender_name: str | None = None
    max_rounds: int = 8
    language: str = "en"
    seed: int = 0
    expire_after_hours: int = 168

    def __post_init__(self) -> None:
        target, ceiling = Decimal(self.target_usd), Decimal(self.max_usd)
        if ceiling <= 0 or target <= 0:
            raise ValueError("target_usd and max_usd must be positive")
        if target > ceiling:
            raise ValueError("target_usd cannot exceed max_usd")
        if not self.deliverables:
            raise ValueError("a negotiation needs at least one deliverable")
        object.__setattr__(self, "target_usd", target)
        object.__setattr__(self, "max_usd", ceiling)
        object.__setattr__(self, "deliverables", normalize_deliverables(self.deliverables))
        object.__setattr__(self, "engagement_rate", _dec(self.engagement_rate))
        object.__setattr__(self, "listed_rates_usd", {k: Decimal(str(v)) for k, v in self.listed_rates_usd.items()
                                                      if v is not None})

    @property
    def metrics(self) -> CreatorMetrics:
        return CreatorMetrics(platform=self.platform, followers=self.followers, engagement_rate=self.engagement_rate,
                              tier=self.tier, listed_rates=dict(self.listed_rates_usd))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("target_usd", "max_usd", "engagement_rate"):
            data[key] = None if data[key] is None else str(data[key])
        data["listed_rates_usd"] = {k: str(v) for k, v in self.listed_rates_usd.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NegotiationSetup:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


_DECIMAL_FIELDS = ("target_usd", "max_usd", "fair_price_usd", "agreed_price_usd", "base_value_usd", "final_offer_usd")
_DECIMAL_LISTS = ("agent_offers", "creator_asks")


@dataclass
class NegotiationState:
    """Everything the agent needs between turns. JSON-able via to_dict/from_dict."""

    status: str
    phase: str
    round: int
    target_usd: Decimal
    max_usd: Decimal
    fair_price_usd: Decimal | None
    deliverables: list[str]
    usage_rights: str | None
    exclusivity: str | None
    agent_offers: list[Decimal] = field(default_factory=list)
    creator_asks: list[Decimal] = field(default_factory=list)
    agreed_price_usd: Decimal | None = None
    base_value_usd: Decimal | None = None
    """Fair value of the package as first proposed; bundle changes scale the budget against it."""
    levers_used: list[str] = field(default_factory=list)
    counters: int = 0
    """How many times the agent has countered (the Boulware clock)."""
    delays: int = 0
    """How often the creator asked for time ("let me think about it"): each one brings the deadline forward."""
    last_action: str | None = None
    last_act: str | None = None
    final_offer_usd: Decimal | None = None
    """The best-and-final offer once made (for the package it was made for)."""
    last_opener: str | None = None
    """How the agent's previous message opened (its first word), so the next one opens differently."""
    setup: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    last_activity_at: str | None = None
    expires_at: str | None = None

    @property
    def is_closed(self) -> bool:
        return Phase(self.phase) in TERMINAL

    @property
    def last_offer(self) -> Decimal | None:
        return self.agent_offers[-1] if self.agent_offers else None

    @property
    def last_ask(self) -> Decimal | None:
        return self.creator_asks[-1] if self.creator_asks else None

    def negotiation_setup(self) -> NegotiationSetup:
        return NegotiationSetup.from_dict(self.setup)

    def copy(self, **changes: Any) -> NegotiationState:
        clone = replace(self, agent_offers=list(self.agent_offers), creator_asks=list(self.creator_asks),
                        deliverables=list(self.deliverables), levers_used=list(self.levers_used),
                        setup=dict(self.setup))
        for key, value in changes.items():
            setattr(clone, key, value)
        return clone

    def apply(self, event: Event | str) -> NegotiationState:
        """A copy moved along the transition table (status follows the phase)."""
        phase = transition(self.phase, event)
        return self.copy(phase=phase.value, status=PHASE_STATUS[phase].value)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in _DECIMAL_FIELDS:
            data[key] = None if data[key] is None else str(data[key])
        for key in _DECIMAL_LISTS:
            data[key] = [str(v) for v in data[key]]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NegotiationState:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in _DECIMAL_FIELDS:
            values[key] = _dec(values.get(key))
        for key in _DECIMAL_LISTS:
            values[key] = [Decimal(str(v)) for v in values.get(key) or []]
        return cls(**values)


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def touch(state: NegotiationState, now: datetime) -> NegotiationState:
    """Record activity at `now` and push the silence deadline out."""
    hours = int(state.setup.get("expire_after_hours", 168))
    return state.copy(last_activity_at=iso(now), expires_at=iso(now + timedelta(hours=hours)))


def expire_if_stale(state: NegotiationState, now: datetime) -> NegotiationState:
    """Mark an open negotiation expired once the creator has been silent past its deadline; else unchanged."""
    if state.is_closed or state.expires_at is None:
        return state
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    if moment < parse_iso(state.expires_at):
        return state
    return state.apply(Event.EXPIRE).copy(last_action=None, last_act="expired")
