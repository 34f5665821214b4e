"""Negotiations persisted in SQL: start one, take a creator's message, read the whole state back.

The engine is pure; this module is the one place that loads its state, runs a turn and writes the result
(messages, offers, terms, deal probability) in a single transaction. A message delivered twice (same
`dedupe_key`) is answered once: the second delivery gets the stored reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent.deal_probability.agent_dialogues import dialogue_row
from agent.deal_probability.features import Turn
from agent.llm import LLMProvider
from agent.negotiation.decision_record import decision_record
from agent.negotiation.engine import NegotiationClosed, NegotiationSetup, NegotiationState, open_negotiation, take_turn
from agent.negotiation.types import Understanding
from data.influencers import tier_for
from data.models import (
    Campaign,
    DealProbabilityPoint,
    Influencer,
    Negotiation,
    NegotiationMessage,
    Offer,
)
from data.serialize import iso
from data.statuses import CLOSED_NEGOTIATION, OUTCOMES
from data.types import optional_money_json as _money

__all__ = ["NegotiationClosed", "NegotiationPaused", "TurnOutcome", "negotiation_to_dict", "recorded_dialogue",
           "start", "take_message", "taken_over"]

"""Closed with a known outcome; an escalated negotiation waits for a person and may still end either way."""


class NegotiationPaused(NegotiationClosed):
    """A person has taken the negotiation over (api/negotiations/takeover.py): the creator's message is recorded
    (flushed, for the caller to commit) but the agent takes no turn until it is handed back."""


def taken_over(neg: Negotiation) -> dict[str, Any] | None:
    """Who took the negotiation over and when, while a person holds it."""
    return (neg.state or {}).get("takeover") or None


@dataclass(frozen=True)
class TurnOutcome:
    negotiation: Negotiation
    reply: NegotiationMessage
    understood: dict[str, Any] | None
    sentiment: float
    replayed: bool


def _primary_account(inf: Influencer) -> Any:
    return max(inf.platforms, key=lambda p: p.followers) if inf.platforms else None


def build_setup(campaign: Campaign | None, inf: Influencer, *, target_usd: Decimal, max_usd: Decimal,
                deliverables: list[str], usage_rights: str | None, exclusivity: str | None = None,
                max_rounds: int = 8) -> NegotiationSetup:
    """The engine's setup from stored rows: creator metrics for the fair price, campaign words for replies."""
    account = _primary_account(inf)
    languages = [lang for lang in (inf.languages or []) if lang in ("en", "es")]
    return NegotiationSetup(
        target_usd=target_usd,
        max_usd=max_usd,
        deliverables=deliverables,
        usage_rights=usage_rights,
        exclusivity=exclusivity,
        platform=account.platform if account else "instagram",
        followers=inf.total_followers,
        engagement_rate=None if inf.avg_engagement_rate is None else Decimal(str(inf.avg_engagement_rate)),
        tier=tier_for(inf.total_followers),
        listed_rates_usd={r.deliverable: r.amount_usd for r in inf.rates},
        brand=(campaign.brand if campaign else None) or "our brand",
        campaign=campaign.name if campaign else "",
        product=campaign.product if campaign else None,
        creator_name=(inf.name or "").split(" ")[0] or None,
        sender_name=campaign.sender_name if campaign else None,
        max_rounds=max_rounds,
        language=languages[0] if languages else "en",
        seed=int(inf.id[:8], 16) if inf.id else 0,
    )


def _next_seq(session: Session, model: Any, negotiation_id: str) -> int:
    current = session.scalar(select(func.max(model.seq)).where(model.negotiation_id == negotiation_id))
    return (current or 0) + 1


def _turns(neg: Negotiation) -> list[Turn]:
    """The dialogue so far as the deal-probability model reads it."""
    turns: list[Turn] = []
    offers = {o.seq: o for o in neg.offers}
    for msg in neg.messages:
        if msg.role == "agent":
            offer = offers.get(msg.seq)
            turns.append(Turn(role="agent", act=msg.action or "ask", price=offer.amount_usd if offer else None))
        else:
            u = msg.understood or {}
            price = u.get("price_usd")
            turns.append(Turn(role="creator", act=u.get("intent", "off_topic"),
                              price=None if price is None else Decimal(str(price)),
                              sentiment=float(u.get("sentiment", 0.0))))
    return turns


def deal_probability(neg: Negotiation) -> float:
    """1 when agreed, 0 when it ended without a deal, otherwise the model's estimate from the dialogue."""
    if neg.status == "agreed":
        return 1.0
    if neg.status in ("declined", "expired"):
        return 0.0
    from agent.deal_probability.model import DealProbabilityModel
    from agent.deal_probability.reference import listed_package_price

    # The listed price of the package as opened (CB's listing price); None when a rate is not listed.
    setup = (neg.state or {}).get("setup") or {}
    listed = listed_package_price(setup.get("listed_rates_usd"), setup.get("deliverables"))
    value = DealProbabilityModel.load().predict(_turns(neg), ask=listed, budget_max=neg.max_usd)
    return round(float(value), 4)


def recorded_dialogue(neg: Negotiation) -> dict[str, Any] | None:
    """A finished negotiation as a deal-probability training row (agent_dialogues format), None while its outcome
    is unknown. The turns, the budget and the listed package price are exactly what `deal_probability` read."""
    if neg.status not in OUTCOMES:
        return None
    setup = (neg.state or {}).get("setup") or {}
    return dialogue_row(key=neg.id, persona=f"recorded-{neg.channel}", status=neg.status, budget_max=neg.max_usd,
                        deliverables=setup.get("deliverables") or list(neg.deliverables or []),
                        listed_rates=setup.get("listed_rates_usd"), turns=_turns(neg))


def _record_probability(session: Session, neg: Negotiation, at: datetime) -> None:
    session.flush()
    session.refresh(neg, ["messages", "offers"])
    value = deal_probability(neg)
    neg.deal_probability = value
    session.add(DealProbabilityPoint(negotiation_id=neg.id, seq=_next_seq(session, DealProbabilityPoint, neg.id),
                                     value=value, at=at))


def _sync_columns(neg: Negotiation, state: NegotiationState) -> None:
    neg.status = state.status
    neg.state = state.to_dict()
    neg.deliverables = list(state.deliverables)
    neg.usage_rights = state.usage_rights
    neg.exclusivity = state.exclusivity
    neg.agreed_price_usd = state.agreed_price_usd
    if state.status in CLOSED_NEGOTIATION and neg.closed_at is None:
        neg.closed_at = datetime.now(UTC)


def start(session: Session, *, org_id: str, campaign: Campaign | None, influencer: Influencer, channel: str,
          target_usd: Decimal, max_usd: Decimal, deliverables: list[str], usage_rights: str | None,
          provider: LLMProvider | None = None, now: datetime | None = None) -> Negotiation:
    """Open a negotiation and write the agent's opening message (flushes; the caller commits)."""
    moment = now or datetime.now(UTC)
    setup = build_setup(campaign, influencer, target_usd=target_usd, max_usd=max_usd, deliverables=deliverables,
                        usage_rights=usage_rights)
    state, decision, text = open_negotiation(setup, provider=provider, now=moment)
    neg = Negotiation(org_id=org_id, campaign_id=campaign.id if campaign else None, influencer_id=influencer.id,
                      channel=channel, target_usd=setup.target_usd, max_usd=setup.max_usd,
                      timeline=campaign.timeline if campaign else None)
    _sync_columns(neg, state)
    session.add(neg)
    session.flush()
    opening = NegotiationMessage(negotiation_id=neg.id, seq=1, role="agent", channel=channel, text=text,
                                 action=decision.action.value, at=moment,
                                 decision=decision_record(decision, state, state, act="opening"))
    session.add(opening)
    if decision.offer_usd is not None:
        session.add(Offer(negotiation_id=neg.id, seq=1, role="agent", amount_usd=decision.offer_usd,
                          deliverables=list(decision.deliverables or state.deliverables), at=moment))
    _record_probability(session, neg, moment)
    opening.decision = {**(opening.decision or {}), "deal_probability": neg.deal_probability}
    return neg


def _understood_dict(u: Understanding) -> dict[str, Any]:
    return u.model_dump(mode="json", exclude_none=True)


def _replayed(session: Session, neg: Negotiation, dedupe_key: str) -> TurnOutcome | None:
    incoming = session.scalar(select(NegotiationMessage).where(
        NegotiationMessage.negotiation_id == neg.id, NegotiationMessage.dedupe_key == dedupe_key))
    if incoming is None:
        return None
    reply = session.scalar(select(NegotiationMessage).where(
        NegotiationMessage.negotiation_id == neg.id, NegotiationMessage.seq == incoming.seq + 1))
    if reply is None:  # recorded while a person held the negotiation, not answered yet
        raise NegotiationPaused("a person has taken over this negotiation")
    understood = incoming.understood or {}
    return TurnOutcome(negotiation=neg, reply=reply, understood=understood,
                       sentiment=float(understood.get("sentiment", 0.0)), replayed=True)


def lock(session: Session, org_id: str, negotiation_id: str) -> Negotiation | None:
    """The negotiation row, locked for this transaction where the database can (PostgreSQL FOR UPDATE)."""
    return session.scalar(select(Negotiation).where(Negotiation.id == negotiation_id, Negotiation.org_id == org_id)
                          .with_for_update())


def take_message(session: Session, neg: Negotiation, text: str, *, channel: str | None = None,
                 dedupe_key: str | None = None, provider: LLMProvider | None = None,
                 now: datetime | None = None) -> TurnOutcome:
    """Run one creator message through the agent and persist the turn (flushes; the caller commits).

    Raises NegotiationClosed when the negotiation already ended and this is not a redelivery.
    """
    if dedupe_key:
        replay = _replayed(session, neg, dedupe_key)
        if replay is not None:
            return replay
    moment = now or datetime.now(UTC)
    if taken_over(neg):
        _record_unanswered(session, neg, text, channel or neg.channel, dedupe_key, moment)
        raise NegotiationPaused("a person has taken over this negotiation")
    if neg.status in CLOSED_NEGOTIATION:
        raise NegotiationClosed(f"negotiation is {neg.status}")
    state = NegotiationState.from_dict(neg.state)
    result = take_turn(state, text, provider=provider, now=moment)
    seq = _next_seq(session, NegotiationMessage, neg.id)
    channel = channel or neg.channel
    understood = _understood_dict(result.understanding)
    session.add(NegotiationMessage(negotiation_id=neg.id, seq=seq, role="influencer", channel=channel, text=text,
                                   understood=understood, dedupe_key=dedupe_key, at=moment))
    if result.understanding.price_usd is not None:
        session.add(Offer(negotiation_id=neg.id, seq=seq, role="influencer", amount_usd=result.understanding.price_usd,
                          deliverables=list(result.understanding.deliverables or state.deliverables), at=moment))
    record = decision_record(result.decision, state, result.new_state, act=result.act,
                             wording_source=result.wording_source, gate_problems=result.gate_problems)
    reply = NegotiationMessage(negotiation_id=neg.id, seq=seq + 1, role="agent", channel=channel,
                               text=result.reply_text, action=result.decision.action.value, at=moment,
                               decision=record)
    session.add(reply)
    if result.decision.offer_usd is not None:
        session.add(Offer(negotiation_id=neg.id, seq=seq + 1, role="agent", amount_usd=result.decision.offer_usd,
                          deliverables=list(result.decision.deliverables or result.new_state.deliverables),
                          at=moment))
    _sync_columns(neg, result.new_state)
    _record_probability(session, neg, moment)
    reply.decision = {**record, "deal_probability": neg.deal_probability}
    return TurnOutcome(negotiation=neg, reply=reply, understood=understood,
                       sentiment=result.understanding.sentiment, replayed=False)


def _record_unanswered(session: Session, neg: Negotiation, text: str, channel: str, dedupe_key: str | None,
                       moment: datetime) -> None:
    """The creator's message, understood as usual, kept for the person who holds the negotiation."""
    from agent.negotiation.engine import understand_message

    understanding = understand_message(text, NegotiationState.from_dict(neg.state))
    seq = _next_seq(session, NegotiationMessage, neg.id)
    session.add(NegotiationMessage(negotiation_id=neg.id, seq=seq, role="influencer", channel=channel, text=text,
                                   understood=_understood_dict(understanding), dedupe_key=dedupe_key, at=moment))
    if understanding.price_usd is not None:
        session.add(Offer(negotiation_id=neg.id, seq=seq, role="influencer", amount_usd=understanding.price_usd,
                          deliverables=list(understanding.deliverables or neg.deliverables or []), at=moment))
        # The ask is the agent's to know once it is handed back, as if it had read the message itself.
        neg.state = {**neg.state, "creator_asks": [*neg.state.get("creator_asks", []), str(understanding.price_usd)]}
    session.flush()



def terms_dict(neg: Negotiation) -> dict[str, Any]:
    return {"price_usd": _money(neg.agreed_price_usd), "deliverables": list(neg.deliverables or []),
            "usage_rights": neg.usage_rights, "exclusivity": neg.exclusivity, "timeline": neg.timeline}


def reply_dict(neg: Negotiation, reply: NegotiationMessage) -> dict[str, Any]:
    offer = next((o for o in neg.offers if o.seq == reply.seq and o.role == "agent"), None)
    return {"text": reply.text, "action": reply.action, "offer_usd": _money(offer.amount_usd) if offer else None}


def _writer(message: NegotiationMessage) -> str:
    """Who wrote a message: the creator, the agent, or a person who took the negotiation over."""
    if message.role != "agent":
        return "creator"
    return "person" if (message.decision or {}).get("wording_source") == "person" else "agent"


def negotiation_to_dict(neg: Negotiation) -> dict[str, Any]:
    """The whole persisted state (README "Negotiations" GET)."""
    return {
        "id": neg.id,
        "campaign_id": neg.campaign_id,
        "influencer_id": neg.influencer_id,
        "channel": neg.channel,
        "status": neg.status,
        "phase": (neg.state or {}).get("phase"),
        "target_usd": _money(neg.target_usd),
        "max_usd": _money(neg.max_usd),
        "terms": terms_dict(neg),
        "messages": [{"role": m.role, "text": m.text, "channel": m.channel, "at": iso(m.at),
                      "action": m.action, "understood": m.understood, "written_by": _writer(m)} for m in neg.messages],
        "offers": [{"role": o.role, "amount_usd": _money(o.amount_usd), "deliverables": list(o.deliverables or []),
                    "at": iso(o.at)} for o in neg.offers],
        "deal_probability": neg.deal_probability,
        "taken_over": taken_over(neg),
        "deal_probability_history": [{"at": iso(p.at), "value": p.value} for p in neg.probabilities],
        "created_at": iso(neg.created_at),
        "updated_at": iso(neg.updated_at),
        "closed_at": iso(neg.closed_at),
    }
