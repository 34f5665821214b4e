"""Call rows: creating one under the calling rules, the API's view of it, and the provider request it becomes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.calls.rules import plan_call
from data.models import Call, Campaign, DealProbabilityPoint, Influencer, Negotiation, NegotiationMessage, Offer
from data.serialize import iso
from data.statuses import CallStatus
from data.types import money_json
from voice.provider import CallRequest
from voice.simulated import Terms


def create_call(s: Session, neg: Negotiation, *, provider: str, to_number: str | None, max_attempts: int,
                persona: str | None = None, now: datetime | None = None) -> Call:
    """A queued call for this negotiation (flushes), dialed at most the campaign's `call_attempts_max` times, else
    `max_attempts` (the service setting). Raises rules.CallNotAllowed when it may never be placed."""
    moment = now or datetime.now(UTC)
    influencer = s.get(Influencer, neg.influencer_id) if neg.influencer_id else None
    plan = plan_call(s, neg.org_id, influencer, to_number, moment)
    campaign = s.get(Campaign, neg.campaign_id) if neg.campaign_id else None
    attempts = (campaign.call_attempts_max if campaign is not None else None) or max_attempts
    call = Call(org_id=neg.org_id, negotiation_id=neg.id, influencer_id=neg.influencer_id, provider=provider,
                status=CallStatus.QUEUED, to_number=plan.to_number, persona=persona, max_attempts=attempts,
                not_before=plan.not_before, transcript=[])
    s.add(call)
    s.flush()
    return call


def call_to_dict(call: Call) -> dict[str, Any]:
    """README "Voice"'s call, plus scheduling and attempt details."""
    return {
        "id": call.id, "negotiation_id": call.negotiation_id, "provider": call.provider, "status": call.status,
        "conversation_id": call.conversation_id, "to_number": call.to_number,
        "started_at": iso(call.started_at), "ended_at": iso(call.ended_at), "duration_s": call.duration_s,
        "transcript": list(call.transcript or []), "summary": call.summary, "failure_reason": call.failure_reason,
        "attempts": call.attempts, "max_attempts": call.max_attempts,
        "scheduled_for": iso(call.not_before) if call.status != CallStatus.IN_PROGRESS else None,
        "persona": call.persona, "created_at": iso(call.created_at), "updated_at": iso(call.updated_at),
    }


def call_request(s: Session, call: Call, neg: Negotiation) -> CallRequest:
    influencer = s.get(Influencer, neg.influencer_id) if neg.influencer_id else None
    campaign = s.get(Campaign, neg.campaign_id) if neg.campaign_id else None
    return CallRequest(call_id=call.id, negotiation_id=neg.id, to_number=call.to_number or "",
                       creator_name=((influencer.name or "").split(" ")[0] if influencer else "") or "there",
                       brand=(campaign.brand if campaign else None) or "our brand",
                       campaign=(campaign.name if campaign else None) or "", persona=call.persona)


def simulated_terms(neg: Negotiation, influencer: Influencer | None) -> Terms:
    engagement = influencer.avg_engagement_rate if influencer is not None else None
    return Terms(target_usd=neg.target_usd, max_usd=neg.max_usd, deliverables=list(neg.deliverables or []),
                 usage_rights=neg.usage_rights,
                 followers=max(1000, influencer.total_followers if influencer is not None else 50_000),
                 engagement_rate=Decimal(str(engagement)) if engagement else Decimal("3.5"))


def call_turns(s: Session, call: Call) -> list[dict[str, Any]]:
    """The negotiation turns this call took, in order: what the creator said, what the policy decided and the
    deal probability after it (a creator line only the post-call transcript had has no decision)."""
    said = list(s.scalars(select(NegotiationMessage).where(
        NegotiationMessage.negotiation_id == call.negotiation_id, NegotiationMessage.role == "influencer",
        NegotiationMessage.dedupe_key.like(f"voice:{call.id}:%")).order_by(NegotiationMessage.seq)))
    if not said:
        return []
    seqs = [m.seq + 1 for m in said]
    replies = {m.seq: m for m in s.scalars(select(NegotiationMessage).where(
        NegotiationMessage.negotiation_id == call.negotiation_id, NegotiationMessage.role == "agent",
        NegotiationMessage.seq.in_(seqs)))}
    offers = {o.seq: o for o in s.scalars(select(Offer).where(
        Offer.negotiation_id == call.negotiation_id, Offer.role == "agent", Offer.seq.in_(seqs)))}
    points = {p.at: p.value for p in s.scalars(select(DealProbabilityPoint).where(
        DealProbabilityPoint.negotiation_id == call.negotiation_id))}  # a turn's point carries the turn's time
    turns = []
    for message in said:
        reply = replies.get(message.seq + 1)
        offer = offers.get(message.seq + 1)
        turns.append({
            "influencer": message.text, "understood": message.understood, "at": iso(message.at),
            "agent": reply.text if reply else None, "action": reply.action if reply else None,
            "offer_usd": money_json(offer.amount_usd) if offer else None,
            "deal_probability": points.get(reply.at) if reply else None,
        })
    return turns
