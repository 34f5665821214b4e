"""CraigslistBargain dialogues (He et al. 2018, the raw `dev.json` form) as transcripts.

The seller is the creator and the buyer is our agent. The buyer's private Target is the brand's ceiling
(soft in CB: `budget_is_ceiling` is False for the recorded side), the listing price is the creator's listed
rate for a one-post package. Consecutive messages of one side are one turn; formal `offer`/`accept`/
`reject`/`quit` events are turns of their own, understood from the event itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from agent.negotiation.types import Action
from evals.replay.readers.common import TARGET_SHARE, Tracker
from evals.replay.transcript import (
    Outcome,
    ReadError,
    ReadResult,
    RecordedDecision,
    RecordedTurn,
    Setup,
    Transcript,
    describe_validation_error,
)

DELIVERABLES = ["1 post"]
_CREATOR_EVENT_INTENT = {"accept": "accept", "reject": "reject", "quit": "stop", "offer": "counter"}
_AGENT_EVENT_ACTION = {"accept": Action.ACCEPT, "reject": Action.REJECT, "quit": Action.CLOSE,
                       "offer": Action.COUNTER}


class CbEvent(BaseModel):
    action: Literal["message", "offer", "accept", "reject", "quit"]
    agent: Literal[0, 1]
    data: str | dict[str, Any] | None = None
    time: str | float | None = None


class CbPersonal(BaseModel):
    Role: Literal["buyer", "seller"]
    Target: float | None = None
    Bottomline: float | None = None


class CbItem(BaseModel):
    Price: float = Field(gt=0)
    Title: str = ""


class CbKb(BaseModel):
    personal: CbPersonal
    item: CbItem


class CbScenario(BaseModel):
    kbs: list[CbKb] = Field(min_length=2, max_length=2)


class CbDialogue(BaseModel):
    uuid: str
    scenario: CbScenario
    events: list[CbEvent] = Field(min_length=1)
    outcome: dict[str, Any] | None = None


def looks_like(data: Any) -> bool:
    return isinstance(data, list) and bool(data) and isinstance(data[0], dict) and "events" in data[0] \
        and "scenario" in data[0]


def read(data: list[Any], origin: str) -> ReadResult:
    """Every dialogue of a CB file; a malformed one is reported by its index and uuid, the rest are read."""
    result = ReadResult()
    for index, raw in enumerate(data):
        where = f"{origin} dialogue {index}"
        if isinstance(raw, dict) and raw.get("uuid"):
            where += f" ({raw['uuid']})"
        try:
            result.transcripts.append(dialogue(CbDialogue.model_validate(raw), where))
        except ValidationError as exc:
            result.errors.append(ReadError(origin=where, message=describe_validation_error(exc)))
        except ValueError as exc:
            result.errors.append(ReadError(origin=where, message=str(exc)))
    return result


def _price(event: CbEvent) -> Decimal | None:
    if isinstance(event.data, dict) and event.data.get("price") is not None:
        return Decimal(str(event.data["price"]))
    return None


def _setup(d: CbDialogue) -> tuple[Setup, int]:
    """The brief and which CB agent (0/1) is the seller."""
    roles = [kb.personal.Role for kb in d.scenario.kbs]
    if sorted(roles) != ["buyer", "seller"]:
        raise ValueError(f"scenario.kbs: expected one buyer and one seller, got {roles}")
    seller = roles.index("seller")
    buyer_kb, seller_kb = d.scenario.kbs[1 - seller], d.scenario.kbs[seller]
    if not buyer_kb.personal.Target or buyer_kb.personal.Target <= 0:
        raise ValueError(f"scenario.kbs.{1 - seller}.personal.Target: the buyer needs a positive target")
    ceiling = Decimal(str(buyer_kb.personal.Target))
    floor = seller_kb.personal.Bottomline
    return Setup(target_usd=(ceiling * TARGET_SHARE).quantize(Decimal("0.01")), max_usd=ceiling,
                 deliverables=DELIVERABLES, listed_rates_usd={"post": Decimal(str(seller_kb.item.Price))},
                 budget_is_ceiling=False, creator_floor_usd=Decimal(str(floor)) if floor else None), seller


def _groups(events: list[CbEvent]) -> list[tuple[int, list[tuple[int, CbEvent]]]]:
    """Runs of consecutive messages by one side; every formal event alone."""
    groups: list[tuple[int, list[tuple[int, CbEvent]]]] = []
    for i, event in enumerate(events):
        last = groups[-1] if groups else None
        if (event.action == "message" and last and last[0] == event.agent and last[1][-1][1].action == "message"):
            last[1].append((i, event))
        else:
            groups.append((event.agent, [(i, event)]))
    return groups


def dialogue(d: CbDialogue, origin: str) -> Transcript:
    setup, seller = _setup(d)
    tracker = Tracker(setup.deliverables)
    turns: list[RecordedTurn] = []
    for agent, group in _groups(d.events):
        first_index, first = group[0]
        if first.action == "message":
            text = " ".join(str(e.data or "").strip() for _, e in group).strip()
            if not text:
                raise ValueError(f"event {first_index}: a message needs text in data")
            turn = tracker.creator_turn(text, seq=first_index) if agent == seller \
                else tracker.agent_turn(text, seq=first_index)
        elif agent == seller:
            understood: dict[str, Any] = {"intent": _CREATOR_EVENT_INTENT[first.action]}
            if first.action == "offer":
                price = _price(first)
                if price is None:
                    raise ValueError(f"event {first_index}: an offer needs data.price")
                understood["price_usd"] = float(price)
            turn = tracker.creator_turn(None, understood, seq=first_index)
        else:
            action = _AGENT_EVENT_ACTION[first.action]
            offer = _price(first) if first.action == "offer" else None
            if first.action == "offer" and offer is None:
                raise ValueError(f"event {first_index}: an offer needs data.price")
            if action == Action.ACCEPT:
                offer = tracker.creator_ask
            turn = tracker.agent_turn(None, RecordedDecision(action=action, offer_usd=offer, read_from="event"),
                                      seq=first_index)
        turns.append(turn)
    outcome = d.outcome or {}
    deal = outcome.get("reward") == 1
    offer = outcome.get("offer") or {}
    price = Decimal(str(offer["price"])) if deal and offer.get("price") is not None else None
    return Transcript(id=d.uuid, source="craigslist", origin=origin, setup=setup, turns=turns,
                      outcome=Outcome(status="agreed" if deal else "declined", price_usd=price))
