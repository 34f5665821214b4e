"""Our own negotiations, read from the store: the transcript of one (README "Evaluation") and the sets a replay takes.

A transcript turn is one stored message, numbered from 1 in order (`turn`, the number annotations refer to):
the creator's words with what the agent understood, or the agent's words with the decision behind them (stored
by `agent.negotiation.decision_record`), its gate verdict and the deal probability after it. Messages stored
before decisions were recorded get the action, the offer and the probability point of their turn instead.
The dict is also what the `ours` reader takes back (`python -m evals replay export.json`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from data.models import Negotiation, NegotiationMessage, TurnAnnotation
from data.serialize import iso
from data.types import money_json
from evals.replay.readers import ours
from evals.replay.transcript import ReadError, ReadResult

_SETUP_KEYS = ("target_usd", "max_usd", "deliverables", "usage_rights", "platform", "followers", "engagement_rate",
               "listed_rates_usd", "max_rounds", "brand", "creator_name", "language", "tier", "campaign", "product",
               "sender_name", "exclusivity", "seed")


def _usd(value: Any) -> int | float:
    return money_json(Decimal(str(value)))


def _setup(neg: Negotiation) -> dict[str, Any]:
    """The set-up the negotiation started from (money as plain USD numbers, README "Conventions")."""
    stored = (neg.state or {}).get("setup") or {}
    setup = {k: stored[k] for k in _SETUP_KEYS if stored.get(k) is not None}
    setup["target_usd"] = _usd(setup.get("target_usd", neg.target_usd))
    setup["max_usd"] = _usd(setup.get("max_usd", neg.max_usd))
    setup.setdefault("deliverables", list(neg.deliverables or []))
    if "listed_rates_usd" in setup:
        setup["listed_rates_usd"] = {k: _usd(v) for k, v in setup["listed_rates_usd"].items()}
    if "engagement_rate" in setup:
        setup["engagement_rate"] = float(setup["engagement_rate"])
    return setup


def _annotation(a: TurnAnnotation) -> dict[str, Any]:
    return {"id": a.id, "turn": a.turn, "label": a.label, "note": a.note, "at": iso(a.at)}


def _agent_decision(msg: NegotiationMessage, offers: dict[int, Any]) -> dict[str, Any]:
    if msg.decision:
        return {k: v for k, v in msg.decision.items() if k not in ("gate", "deal_probability")}
    offer = offers.get(msg.seq)
    return {"action": msg.action, "offer_usd": None if offer is None else money_json(offer.amount_usd)}


def transcript_dict(neg: Negotiation, annotations: Iterable[TurnAnnotation] = ()) -> dict[str, Any]:
    """Every turn of one negotiation in order, with its annotations (GET /api/v1/negotiations/{id}/transcript)."""
    by_turn: dict[int, list[dict[str, Any]]] = {}
    for a in annotations:
        by_turn.setdefault(a.turn, []).append(_annotation(a))
    offers = {o.seq: o for o in neg.offers if o.role == "agent"}
    points = [p.value for p in neg.probabilities]
    agent_index = 0
    turns = []
    for number, msg in enumerate(neg.messages, start=1):
        turn: dict[str, Any] = {"turn": number, "role": msg.role, "text": msg.text, "channel": msg.channel,
                                "at": iso(msg.at), "understood": msg.understood, "decision": None,
                                "deal_probability": None, "gate": None, "annotations": by_turn.get(number, [])}
        if msg.role == "agent":
            turn["decision"] = _agent_decision(msg, offers)
            stored = msg.decision or {}
            turn["gate"] = stored.get("gate")
            probability = stored.get("deal_probability")
            if probability is None and not msg.decision and agent_index < len(points):
                probability = points[agent_index]
            turn["deal_probability"] = probability
            agent_index += 1
        turns.append(turn)
    price = neg.agreed_price_usd
    return {
        "negotiation_id": neg.id, "status": neg.status, "channel": neg.channel, "campaign_id": neg.campaign_id,
        "influencer_id": neg.influencer_id, "setup": _setup(neg),
        "terms": {"price_usd": None if price is None else money_json(price),
                  "deliverables": list(neg.deliverables or []), "usage_rights": neg.usage_rights},
        "deal_probability": neg.deal_probability, "turns": turns,
    }


def _query(org_id: str) -> Any:
    return (select(Negotiation).where(Negotiation.org_id == org_id)
            .options(selectinload(Negotiation.messages), selectinload(Negotiation.offers),
                     selectinload(Negotiation.probabilities)))


def annotations_for(session: Session, org_id: str, negotiation_ids: list[str]) -> dict[str, list[TurnAnnotation]]:
    out: dict[str, list[TurnAnnotation]] = {}
    if not negotiation_ids:
        return out
    rows = session.scalars(select(TurnAnnotation).where(
        TurnAnnotation.org_id == org_id, TurnAnnotation.negotiation_id.in_(negotiation_ids))
        .order_by(TurnAnnotation.at, TurnAnnotation.id))
    for a in rows:
        out.setdefault(a.negotiation_id, []).append(a)
    return out


def load_transcripts(session: Session, org_id: str, negotiation_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Transcript dicts of the org's negotiations (all of them, or these ids in this order; unknown ids skipped)."""
    stmt = _query(org_id)
    if negotiation_ids is not None:
        stmt = stmt.where(Negotiation.id.in_(negotiation_ids))
    else:
        stmt = stmt.order_by(Negotiation.created_at, Negotiation.id)
    rows = list(session.scalars(stmt))
    if negotiation_ids is not None:
        order = {nid: i for i, nid in enumerate(negotiation_ids)}
        rows.sort(key=lambda n: order[n.id])
    notes = annotations_for(session, org_id, [n.id for n in rows])
    return [transcript_dict(n, notes.get(n.id, [])) for n in rows]


def setup_lookup(session: Session, org_id: str) -> Callable[[str], dict[str, Any] | None]:
    """negotiation id → its set-up, for ElevenLabs conversations of our own calls (they name the negotiation)."""

    def find(negotiation_id: str) -> dict[str, Any] | None:
        neg = session.scalar(select(Negotiation).where(Negotiation.id == negotiation_id,
                                                       Negotiation.org_id == org_id))
        return None if neg is None else _setup(neg)

    return find


def read_negotiations(session: Session, org_id: str, negotiation_ids: list[str] | None = None) -> ReadResult:
    """The org's negotiations as replayable transcripts; an id the org does not have is reported, not raised."""
    dicts = load_transcripts(session, org_id, negotiation_ids)
    result = ours.read_items([(f"negotiation {d['negotiation_id']}", d) for d in dicts])
    if negotiation_ids is not None:
        found = {d["negotiation_id"] for d in dicts}
        result.errors.extend(ReadError(origin=f"negotiation {nid}", message="no such negotiation in this organization")
                             for nid in negotiation_ids if nid not in found)
    return result
