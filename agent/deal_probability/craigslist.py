"""CraigslistBargain (He et al. 2018, parsed dev split) → Turn sequences for training and evaluation.

Mapping onto our product: the buyer is our agent (brand), the seller is the creator. The ask is the
listing price; the buyer's private Target stands in for the brand's budget_max (a soft ceiling in CB,
a hard one in our product). The label is a deal: outcome reward == 1 (an offer that was accepted).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from agent.deal_probability.features import Turn

# Relative to the repository root; overridable on the training command line.
DEFAULT_PATH = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "craigslistbargain" / "dev-parsed.json"

# CB dialogue acts → our creator Intent values (seller) and agent Action values (buyer).
_SELLER_ACT = {
    "intro": "greet",
    "init-price": "counter",
    "counter-price": "counter",
    "vague-price": "counter",
    "insist": "counter",
    "inquiry": "inquire",
    "inform": "off_topic",
    "agree": "accept",
    "disagree": "reject",
    "unknown": "off_topic",
    "offer": "counter",
    "accept": "accept",
    "reject": "reject",
    "quit": "stop",
}
_BUYER_ACT = {
    "intro": "ask",
    "init-price": "counter",
    "counter-price": "counter",
    "vague-price": "counter",
    "insist": "counter",
    "inquiry": "ask",
    "inform": "ask",
    "agree": "accept",
    "disagree": "reject",
    "unknown": "ask",
    "offer": "counter",
    "accept": "accept",
    "reject": "reject",
    "quit": "close",
}
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
    """A crude word-count polarity in [-1, 1]; CB has no sentiment labels and our NLU supplies its own."""
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


def _turn(event: dict, listing: Decimal) -> Turn:
    role = "agent" if int(event["agent"]) == 0 else "creator"
    acts = _BUYER_ACT if role == "agent" else _SELLER_ACT
    action = event["action"]
    text = event["data"] if isinstance(event.get("data"), str) else ""
    meta = event.get("metadata") or {}
    price: Decimal | None = None
    if action == "message":
        intent = meta.get("intent")
        if meta.get("price") is not None:
            price = Decimal(str(meta["price"]))
        elif not meta:
            price = _fallback_price(text, listing)
        if intent is None:
            intent = "counter-price" if price is not None else ("inquiry" if "?" in text else "unknown")
    else:
        intent = action
        if action == "offer" and isinstance(event.get("data"), dict) and event["data"].get("price") is not None:
            price = Decimal(str(event["data"]["price"]))
    return Turn(role=role, act=acts.get(intent, acts["unknown"]), price=price, sentiment=lexicon_sentiment(text))


def load_dialogues(path: Path | str = DEFAULT_PATH) -> list[CbDialogue]:
    """Every dialogue with a positive listing price; agent 0 is the buyer in this split."""
    raw = json.loads(Path(path).read_text())
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
                turns=[_turn(e, listing) for e in events],
                n_open=n_open,
                ask=listing,
                budget_max=Decimal(str(target)) if target else None,
                deal=(d.get("outcome") or {}).get("reward") == 1,
            )
        )
    return out
