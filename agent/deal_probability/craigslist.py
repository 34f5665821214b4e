"""CraigslistBargain (He et al. 2018, parsed dev split) → Turn sequences for training and evaluation.

Mapping onto our product: the buyer is our agent (brand), the seller is the creator. The label is a deal:
outcome reward == 1 (an offer that was accepted). The buyer's private Target stands in for the brand's
budget_max (a soft ceiling in CB, a hard one in our product).

Three readings of the messages:
- "production" (default, what production knows): a seller message goes through our own
  `agent.negotiation.understanding.understand` and becomes a creator turn with the understood intent, price and
  sentiment, as in "understand"; a buyer message is read the same way for its act, but its price is CB's
  annotated one when the message has annotations. Production never reads the agent's price from text: it is
  the exact offer the policy made (service._turns takes it from the offers table), and CB's annotation is the
  nearest stand-in for that. A buyer message understood as a question that the annotation prices is a counter.
- "understand": every message, the buyer's too, read by our NLU alone (what dev.json, which has no
  annotations, allows).
- "annotated": CB's own parsed dialogue acts and prices (kept to measure what our NLU costs).
Formal `offer` events (no text) are a counter at the offered price in every reading.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from agent.deal_probability.features import Turn
from agent.negotiation.understanding import NegotiationContext, understand

# Relative to the repository root; overridable on the training command line.
DEFAULT_PATH = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "craigslistbargain" / "dev-parsed.json"
Reading = Literal["production", "understand", "annotated"]

# CB dialogue acts → our creator Intent values (seller) and agent Action values (buyer).
_SELLER_ACT = {
    "intro": "greet", "init-price": "counter", "counter-price": "counter", "vague-price": "counter",
    "insist": "counter", "inquiry": "inquire", "inform": "off_topic", "agree": "accept", "disagree": "reject",
    "unknown": "off_topic", "offer": "counter", "accept": "accept", "reject": "reject", "quit": "stop",
}
_BUYER_ACT = {
    "intro": "ask", "init-price": "counter", "counter-price": "counter", "vague-price": "counter",
    "insist": "counter", "inquiry": "ask", "inform": "ask", "agree": "accept", "disagree": "reject",
    "unknown": "ask", "offer": "counter", "accept": "accept", "reject": "reject", "quit": "close",
}
# An understood buyer message → the agent Action it amounts to (production's agent acts).
_INTENT_ACTION = {"counter": "counter", "accept": "accept", "accept_with_condition": "accept", "reject": "reject",
                  "stop": "close"}
TERMINAL_ACTIONS = frozenset({"accept", "reject", "quit"})

_POSITIVE = frozenset(
    {"great", "good", "deal", "thanks", "thank", "perfect", "awesome", "sure", "ok", "okay", "happy", "fair"}
    | {"love", "nice", "glad", "works", "cool", "yes", "excellent"}
)
_NEGATIVE = frozenset(
    {"no", "not", "sorry", "too", "can't", "cannot", "cant", "won't", "wont", "lowball", "ridiculous"}
    | {"unfortunately", "firm", "insult", "bye", "never", "expensive", "less", "lower"}
)
_WORD = re.compile(r"[a-z']+")
_NUMBER = re.compile(r"\$?\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(k\b)?", re.IGNORECASE)


@dataclass(frozen=True)
class CbDialogue:
    """One CB dialogue as Turns; `n_open` is how many leading turns precede the first final accept/reject/quit."""

    uuid: str
    turns: list[Turn]
    n_open: int
    ask: Decimal
    budget_max: Decimal | None
    deal: bool


def lexicon_sentiment(text: str) -> float:
    """A crude word-count polarity in [-1, 1], for the annotated reading (CB has no sentiment labels)."""
    words = _WORD.findall(text.lower())
    pos = sum(w in _POSITIVE for w in words)
    neg = sum(w in _NEGATIVE for w in words)
    return 0.0 if pos + neg == 0 else (pos - neg) / (pos + neg)


def _fallback_price(text: str, listing: Decimal) -> Decimal | None:
    """Some CB messages lack parsed metadata: take the last number plausibly a price for this item."""
    found = None
    for m in _NUMBER.finditer(text):
        value = Decimal(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        if listing * Decimal("0.2") <= value <= listing * 2:
            found = value
    return found


def _annotated_turn(event: dict, listing: Decimal) -> Turn:
    role = "agent" if int(event["agent"]) == 0 else "creator"
    acts = _BUYER_ACT if role == "agent" else _SELLER_ACT
    text = event["data"] if isinstance(event.get("data"), str) else ""
    meta = event.get("metadata") or {}
    price: Decimal | None = None
    intent = meta.get("intent")
    if meta.get("price") is not None:
        price = Decimal(str(meta["price"]))
    elif not meta:
        price = _fallback_price(text, listing)
    if intent is None:
        intent = "counter-price" if price is not None else ("inquiry" if "?" in text else "unknown")
    return Turn(role=role, act=acts.get(intent, acts["unknown"]), price=price, sentiment=lexicon_sentiment(text))


def _understood_turn(event: dict, last_price: dict[str, Decimal | None]) -> Turn:
    """A message read by our NLU, against the other side's last price (what 'your offer' refers to)."""
    role = "agent" if int(event["agent"]) == 0 else "creator"
    other = "creator" if role == "agent" else "agent"
    text = event["data"] if isinstance(event.get("data"), str) else ""
    u = understand(text, context=NegotiationContext(last_agent_offer_usd=last_price[other]))
    if role == "creator":
        return Turn(role="creator", act=u.intent.value, price=u.price_usd, sentiment=u.sentiment)
    act = _INTENT_ACTION.get(u.intent.value, "ask")
    return Turn(role="agent", act=act, price=u.price_usd if act in ("counter", "accept") else None)


def _production_turn(event: dict, last_price: dict[str, Decimal | None]) -> Turn:
    """The creator's message as our NLU reads it; the agent's with the price it actually named (see the module)."""
    turn = _understood_turn(event, last_price)
    meta = event.get("metadata")
    if turn.role == "creator" or not meta:
        return turn
    price = Decimal(str(meta["price"])) if meta.get("price") is not None else None
    act = "counter" if turn.act == "ask" and price is not None else turn.act
    return Turn(role="agent", act=act, price=price if act in ("counter", "accept") else None)


def _message_turn(event: dict, listing: Decimal, reading: Reading, last_price: dict[str, Decimal | None]) -> Turn:
    if reading == "annotated":
        return _annotated_turn(event, listing)
    return _production_turn(event, last_price) if reading == "production" else _understood_turn(event, last_price)


def dialogue_turns(events: list[dict], listing: Decimal, reading: Reading = "production") -> list[Turn]:
    """Every event of one CB dialogue as a Turn (agent 0 is the buyer in this split)."""
    turns: list[Turn] = []
    last_price: dict[str, Decimal | None] = {"agent": None, "creator": None}
    for event in events:
        role = "agent" if int(event["agent"]) == 0 else "creator"
        if event["action"] == "message":
            turn = _message_turn(event, listing, reading, last_price)
        else:
            action = event["action"]
            data = event.get("data")
            price = Decimal(str(data["price"])) if isinstance(data, dict) and data.get("price") is not None else None
            acts = _BUYER_ACT if role == "agent" else _SELLER_ACT
            turn = Turn(role=role, act=acts.get(action, acts["unknown"]), price=price)
        if turn.price is not None and turn.price > 0:
            last_price[role] = turn.price
        turns.append(turn)
    return turns


def load_dialogues(path: Path | str = DEFAULT_PATH, reading: Reading = "production") -> list[CbDialogue]:
    """Every dialogue with a positive listing price and the buyer as agent 0, sorted by uuid.

    The "production" and "annotated" readings need the annotations of dev-parsed.json: a file with none (dev.json)
    is refused rather than silently read another way."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"CraigslistBargain not found at {path}: download its dev split (README "
                                f"\"Evaluation\") and pass the path (--cb-path / --data)")
    raw = json.loads(Path(path).read_text())
    if reading != "understand" and not any(e.get("metadata") for d in raw for e in d["events"]):
        raise ValueError(f"{path} has no dialogue-act annotations: the {reading!r} reading needs dev-parsed.json")
    out = []
    for d in raw:
        kbs = d["scenario"]["kbs"]
        if kbs[0]["personal"]["Role"] != "buyer" or not kbs[0]["item"].get("Price"):
            continue
        listing = Decimal(str(kbs[0]["item"]["Price"]))
        if listing <= 0:
            continue
        target = kbs[0]["personal"].get("Target")
        events = d["events"]
        n_open = next((i for i, e in enumerate(events) if e["action"] in TERMINAL_ACTIONS), len(events))
        out.append(
            CbDialogue(
                uuid=d["uuid"],
                turns=dialogue_turns(events, listing, reading),
                n_open=n_open,
                ask=listing,
                budget_max=Decimal(str(target)) if target else None,
                deal=(d.get("outcome") or {}).get("reward") == 1,
            )
        )
    return sorted(out, key=lambda d: d.uuid)
