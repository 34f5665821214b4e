"""/api/v1/negotiations (README "Negotiations"): start, send the creator's words, read the whole persisted state."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from flask import Blueprint, request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from agent.llm import get_provider
from agent.negotiation import service
from api.campaigns.views import load_campaign
from api.http.audit import audit
from api.http.auth import current_org_id, require_role
from api.http.errors import ApiError, not_found
from api.http.extensions import db_session
from api.http.openapi import answers
from api.http.pagination import PageQuery, page_response, paginate
from api.http.validation import validated
from api.influencers.views import load_influencer
from api.negotiations.summaries import page_extras
from data.models import Negotiation, NegotiationMessage
from data.types import UsdAmount

bp = Blueprint("negotiations", __name__, url_prefix="/api/v1/negotiations")

Money = Annotated[UsdAmount, Field(gt=0, le=Decimal("100000000"), decimal_places=2)]


class NegotiationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    campaign_id: str
    influencer_id: str
    channel: Literal["email", "voice", "chat"] = "chat"
    target_usd: Money
    max_usd: Money
    deliverables: Annotated[list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                                  max_length=100)]],
                            Field(max_length=20)] | None = None
    usage_rights: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None

    @model_validator(mode="after")
    def _target_within_max(self) -> NegotiationCreate:
        if self.target_usd > self.max_usd:
            raise ValueError("target_usd cannot be above max_usd")
        return self


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
    channel: Literal["email", "voice", "chat"] | None = None


class NegotiationListQuery(PageQuery):
    campaign_id: str | None = None
    influencer_id: str | None = None
    status: Literal["open", "agreed", "declined", "escalated", "expired"] | None = None
    channel: Literal["email", "voice", "chat"] | None = None


def _load(negotiation_id: str, *, for_update: bool = False) -> Negotiation:
    session = db_session()
    neg = (service.lock(session, current_org_id(), negotiation_id) if for_update else session.scalar(
        select(Negotiation).where(Negotiation.id == negotiation_id, Negotiation.org_id == current_org_id())))
    if neg is None:
        raise not_found("negotiation")
    return neg


@bp.post("")
@require_role("manager")
@answers({404: "the campaign or the influencer is not found", 409: "an open negotiation with this creator exists"})
@validated(body=NegotiationCreate, status=201)
def create(body: NegotiationCreate) -> tuple[dict[str, Any], int]:
    """Start a negotiation; the agent's opening message is in the answer."""
    campaign = load_campaign(body.campaign_id)
    influencer = load_influencer(body.influencer_id)
    deliverables = body.deliverables if body.deliverables is not None else list(campaign.deliverables or [])
    if not deliverables:
        raise ApiError(422, "say what the creator should deliver", code="validation_error",
                       fields={"deliverables": "required when the campaign has none"})
    session = db_session()
    existing = session.scalar(select(Negotiation).where(
        Negotiation.campaign_id == campaign.id, Negotiation.influencer_id == influencer.id,
        Negotiation.status == "open"))
    if existing is not None:
        raise ApiError(409, f"an open negotiation with this creator exists for this campaign: {existing.id}",
                       fields={"influencer_id": f"open negotiation {existing.id}"})
    try:
        neg = service.start(session, org_id=current_org_id(), campaign=campaign, influencer=influencer,
                            channel=body.channel, target_usd=body.target_usd, max_usd=body.max_usd,
                            deliverables=deliverables, usage_rights=body.usage_rights, provider=get_provider())
    except ValueError as exc:  # the engine refuses a setup it cannot negotiate (e.g. unknown deliverables)
        raise ApiError(422, str(exc), code="validation_error", fields={"deliverables": str(exc)}) from None
    audit(session, "create", "negotiation", neg.id, {"campaign_id": campaign.id, "influencer_id": influencer.id})
    session.commit()
    return {"id": neg.id, "status": neg.status,
            "messages": [{"role": m.role, "text": m.text} for m in neg.messages],
            "deal_probability": neg.deal_probability}, 201


@bp.post("/<negotiation_id>/messages")
@require_role("manager")
@answers({202: "a person has taken the negotiation over: the message is kept for them, `reply` is null",
          409: "the negotiation is closed"})
@validated(body=MessageIn)
def post_message(negotiation_id: str, body: MessageIn) -> Any:
    """The creator's words in, the agent's reply out. A redelivery with the same Idempotency-Key is answered once."""
    session = db_session()
    dedupe = request.headers.get("Idempotency-Key", "").strip()[:200] or None
    for attempt in range(2):
        neg = _load(negotiation_id, for_update=True)
        try:
            outcome = service.take_message(session, neg, body.text, channel=body.channel, dedupe_key=dedupe,
                                           provider=get_provider())
            session.commit()
            break
        except service.NegotiationPaused:  # a person holds it: the message is kept for them, no agent reply
            session.commit()
            return {"reply": None, "status": neg.status, "deal_probability": neg.deal_probability,
                    "taken_over": service.taken_over(neg), "terms": service.terms_dict(neg)}, 202
        except service.NegotiationClosed:
            raise ApiError(409, f"this negotiation is {neg.status}; it takes no more messages") from None
        except IntegrityError:
            # A simultaneous message took this turn's number (SQLite has no row lock), or the same
            # redelivery won: take the turn again after it, or answer with the winner's reply.
            session.rollback()
            if attempt:
                raise
    understood = outcome.understood or {}
    return {
        "reply": service.reply_dict(neg, outcome.reply),
        "status": neg.status,
        "deal_probability": neg.deal_probability,
        "sentiment": outcome.sentiment,
        "understood": understood,
        "terms": service.terms_dict(neg),
        "replayed": outcome.replayed,
    }


@bp.get("/<negotiation_id>")
@require_role("manager", "evaluator")
def get_one(negotiation_id: str) -> dict[str, Any]:
    """The whole persisted state: messages, offers, terms and the deal probability after every turn."""
    return service.negotiation_to_dict(load_negotiation_state(negotiation_id))


def load_negotiation_state(negotiation_id: str) -> Negotiation:
    """This organization's negotiation with its messages, offers and probabilities loaded, or 404."""
    neg = db_session().scalar(
        select(Negotiation).where(Negotiation.id == negotiation_id, Negotiation.org_id == current_org_id())
        .options(selectinload(Negotiation.messages), selectinload(Negotiation.offers),
                 selectinload(Negotiation.probabilities)))
    if neg is None:
        raise not_found("negotiation")
    return neg


@bp.get("")
@require_role("manager", "evaluator")
@validated(query=NegotiationListQuery)
def list_negotiations(query: NegotiationListQuery) -> dict[str, Any]:
    stmt = select(Negotiation).where(Negotiation.org_id == current_org_id())
    for column in ("campaign_id", "influencer_id", "status", "channel"):
        if getattr(query, column):
            stmt = stmt.where(getattr(Negotiation, column) == getattr(query, column))
    session = db_session()
    rows = list(session.scalars(paginate(stmt, Negotiation, query)))
    # The page's last messages in one query, not one per negotiation.
    latest = (select(NegotiationMessage.negotiation_id, func.max(NegotiationMessage.seq).label("seq"))
              .where(NegotiationMessage.negotiation_id.in_([n.id for n in rows]))
              .group_by(NegotiationMessage.negotiation_id).subquery())
    last_text = dict(session.execute(
        select(NegotiationMessage.negotiation_id, NegotiationMessage.text).join(
            latest, (NegotiationMessage.negotiation_id == latest.c.negotiation_id)
            & (NegotiationMessage.seq == latest.c.seq))).tuples().all())

    extras = page_extras(session, rows)

    def summary(neg: Negotiation) -> dict[str, Any]:
        return {"id": neg.id, "campaign_id": neg.campaign_id, "influencer_id": neg.influencer_id,
                "channel": neg.channel, "status": neg.status, "deal_probability": neg.deal_probability,
                "terms": service.terms_dict(neg), "last_message": last_text.get(neg.id),
                "taken_over": service.taken_over(neg) is not None, **extras[neg.id]}

    return page_response(rows, query, summary)
