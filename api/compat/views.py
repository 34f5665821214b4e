"""InfluAI seed compatibility (README "InfluAI compatibility"): the legacy unauthenticated routes, acting for
one organization.

Active only when INFLUAI_COMPAT_ORG names an organization (its name or id); otherwise every route is 404.
Browsers may call them from the origins in INFLUAI_COMPAT_ORIGINS (comma-separated; "*" allows any).
Requests are read leniently (api/compat/requests.py), creators and campaigns mapped onto ours
(api/compat/profiles.py), conversations run on our negotiations (api/compat/conversations.py), search answers in
the InfluAI shape (api/compat/search.py) and errors are `{"error": "message"}` (api/compat/errors.py).
/end-conversation ends an open negotiation as `expired` (ended by us without a deal); one that already ended
keeps its status.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from pydantic import ValidationError
from sqlalchemy import or_, select

from agent.negotiation import service
from agent.negotiation.state_machine import Event, InvalidTransition, NegotiationState
from api.compat import conversations as conv
from api.compat.errors import NotConfigured, register
from api.compat.links import retrying
from api.compat.requests import ConversationIn, EndIn, NegotiateIn
from api.compat.search import SearchArgs, legacy_results
from api.http.errors import ApiError, fields_from_validation
from api.http.extensions import current_settings, db_session
from api.http.openapi import answers
from api.http.validation import parse_json_body, refuse_nul
from data.models import AuditLog, Organization, utcnow

bp = Blueprint("influai_compat", __name__)
register(bp)


def compat_org() -> Organization | None:
    name = (current_settings().influai_compat_org or "").strip()
    if not name:
        return None
    return db_session().scalar(select(Organization).where(or_(Organization.name == name, Organization.id == name)))


def _allowed_origin(origin: str) -> str | None:
    raw = current_settings().influai_compat_origins or ""
    allowed = [o.strip().rstrip("/") for o in str(raw).split(",") if o.strip()]
    if "*" in allowed:
        return "*"
    return origin if origin and origin.rstrip("/") in allowed else None


@bp.before_request
def _require_configured() -> None:
    if compat_org() is None:
        raise NotConfigured()


@bp.after_request
def _cors(response: Response) -> Response:
    origin = _allowed_origin(request.headers.get("Origin", ""))
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept, Idempotency-Key"
        response.headers["Access-Control-Max-Age"] = "600"
    response.vary.add("Origin")
    return response


def _org_id() -> str:
    org = compat_org()
    if org is None:
        raise NotConfigured()
    return org.id


LEGACY_ERROR = {"type": "object", "required": ["error"],
                "properties": {"error": {"type": "string"}, "fields": {"type": "object"}}}
"""The InfluAI service's error body: the frontend shows `error` as text."""


_NOT_CONFIGURED = "the InfluAI routes are off (INFLUAI_COMPAT_ORG is not set)"
_DOWN = "the database is unavailable; retry after Retry-After"


@bp.post("/negotiate")
@answers({404: _NOT_CONFIGURED, 409: "the creator asked not to be contacted again", 503: _DOWN},
         error_schema=LEGACY_ERROR, body=NegotiateIn)
def negotiate() -> dict[str, Any]:
    """Find or create the creator and campaign, open (or reuse) the negotiation, answer its opening email."""
    org_id = _org_id()
    body: NegotiateIn = parse_json_body(NegotiateIn)
    session = db_session()
    deal = conv.deal_of(body.influencerData, body.campaignDetails)
    neg_id = conv.open_contact(session, org_id, body.influencerData, deal, body.userPrompt)
    return conv.negotiate_response(session, neg_id)


@bp.post("/negotiate-conversation")
@answers({404: _NOT_CONFIGURED, 409: "the conversation has ended", 503: _DOWN},
         error_schema=LEGACY_ERROR, body=ConversationIn)
def negotiate_conversation() -> dict[str, Any]:
    """The creator's message in, the agent's answer out (a redelivery with the same Idempotency-Key: once)."""
    org_id = _org_id()
    body: ConversationIn = parse_json_body(ConversationIn)
    session = db_session()
    neg = conv.resolve(session, org_id, body.conversationId, body.influencerData, body.campaignDetails)
    dedupe = request.headers.get("Idempotency-Key", "").strip()[:200] or None
    answer = conv.take_message(session, org_id, neg.id, body.userMessage, dedupe)
    return {"response": answer.pop("response"), "conversationId": body.conversationId, **answer}


@bp.post("/end-conversation")
@answers({404: _NOT_CONFIGURED, 503: _DOWN}, error_schema=LEGACY_ERROR, body=EndIn)
def end_conversation() -> dict[str, Any]:
    org_id = _org_id()
    body: EndIn = parse_json_body(EndIn)
    session = db_session()
    neg_id = conv.resolve(session, org_id, body.conversationId).id

    def attempt() -> Any:
        neg = service.lock(session, org_id, neg_id)
        if neg.status == "open":
            state = NegotiationState.from_dict(neg.state)
            try:
                state = state.apply(Event.EXPIRE)
            except InvalidTransition:
                state = state.copy(status="expired", phase="expired")
            neg.state = state.copy(last_act="expired").to_dict()
            neg.status, neg.closed_at, neg.deal_probability = "expired", utcnow(), 0.0
            session.add(AuditLog(org_id=org_id, api_key_id=None, actor=conv.ACTOR, action="end",
                                 entity_type="negotiation", entity_id=neg.id, changes={"status": "expired"}))
        session.commit()
        return neg

    neg = retrying(session, attempt, "ending this conversation")
    session.refresh(neg, ["messages", "offers"])
    offer = conv.current_offer(neg)
    offer = f"{offer:,}" if offer is not None else None
    status = conv.status_of(neg)
    outcome = {"agreed": f"agreed at ${offer}", "ended": "ended without a deal", "declined": "declined by the creator",
               "no_deal": "ended by us without a deal", "escalated": "handed to a person"}.get(status, status)
    summary = f"Conversation {outcome} after {len(neg.messages)} messages"
    if neg.status != "agreed" and offer is not None:
        summary += f"; our last offer was ${offer}"
    return {"conversationId": body.conversationId, "status": neg.status, "negotiationStatus": status,
            "message": "Conversation ended", "summary": summary + "."}


@bp.post("/search")
@answers({404: _NOT_CONFIGURED, 413: "a JSON body too large", 503: _DOWN}, error_schema=LEGACY_ERROR,
         query=SearchArgs)
def legacy_search() -> dict[str, Any]:
    """InfluAI's search: `POST /search?prompt=…&limit=…` (a JSON body with the same fields works too)."""
    from api.discovery.views import run_search

    org_id = _org_id()
    raw: dict[str, Any] = dict(request.args)
    if request.is_json and isinstance(request.get_json(silent=True), dict):
        raw = {**request.get_json(silent=True), **raw}
    refuse_nul(raw)
    try:
        args = SearchArgs.model_validate(raw)
    except ValidationError as exc:
        raise ApiError(422, "the search needs a prompt", fields=fields_from_validation(exc)) from None
    return legacy_results(args.prompt, run_search(org_id, args.prompt, None, args.limit))
