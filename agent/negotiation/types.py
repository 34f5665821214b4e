"""Types shared by the negotiation parts: what a creator's message meant, and what the agent decided."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

from data.types import UsdAmount


class Intent(StrEnum):
    """The coarse dialogue act of a creator's message (after He et al. 2018)."""

    GREET = "greet"
    ACCEPT = "accept"
    ACCEPT_WITH_CONDITION = "accept_with_condition"
    REJECT = "reject"
    COUNTER = "counter"
    INQUIRE = "inquire"
    DELAY = "delay"
    OUT_OF_OFFICE = "out_of_office"
    STOP = "stop"
    OFF_TOPIC = "off_topic"


class Understanding(BaseModel):
    """What the agent understood of one creator message. Prices are USD after FX conversion."""

    intent: Intent
    price_usd: UsdAmount | None = None
    """The total the creator asks for the package, when the message names one."""
    unit_price_usd: UsdAmount | None = None
    """A per-deliverable price when the message gives one ("$500 per post for 3 posts")."""
    original_amount: str | None = None
    """The price as written, e.g. "€2k" or "seven thousand five hundred"."""
    currency: str | None = None
    deliverables: list[str] | None = None
    """A changed deliverable bundle, normalized like "1 reel", "3 stories"; None when not mentioned."""
    usage_rights: str | None = None
    exclusivity: str | None = None
    timeline: str | None = None
    """A change of dates the creator proposes ("push it to next month", "post in 3 weeks")."""
    product_in_lieu: bool = False
    """The creator asks for product instead of (part of) the fee."""
    sentiment: Annotated[float, Field(ge=-1, le=1)] = 0.0
    confidence: Annotated[float, Field(ge=0, le=1)] = 1.0
    injection_suspected: bool = False
    """The message tried to instruct the agent (ignore your budget, fake system text); it changes nothing."""


class Action(StrEnum):
    """What the agent does in reply (README "Negotiations" `reply.action`)."""

    COUNTER = "counter"
    ACCEPT = "accept"
    REJECT = "reject"
    ASK = "ask"
    ESCALATE = "escalate"
    CLOSE = "close"


class Decision(BaseModel):
    """The policy's decision for one turn; wording must say exactly this and nothing more."""

    action: Action
    offer_usd: UsdAmount | None = None
    deliverables: list[str] = Field(default_factory=list)
    usage_rights: str | None = None
    reason: str = ""
    product_included: bool = False
    """The brand's product is part of the deal (a lever, or the creator asked for product in lieu)."""
    rationale: dict[str, str | float] = Field(default_factory=dict)
    """The numbers behind the decision (ceiling, limit, predicted floor, Boulware offer, reciprocal step, …),
    for storing and showing next to the turn; never read back by the policy."""

