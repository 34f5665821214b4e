"""/api/v1 calls (README "Voice"): place a call for a negotiation, read calls, open a browser voice session."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, current_app
from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select

from api.calls.config import voice_config
from api.calls.records import call_request, call_to_dict, call_turns, create_call
from api.calls.rules import CallNotAllowed
from api.calls.tasks import provider_for, schedule, start_in_process_dispatch
from api.http.auth import current_org_id, require_role
from api.http.errors import ApiError, not_found
from api.http.extensions import current_settings, db_session
from api.http.idempotency import idempotent
from api.http.openapi import answers
from api.http.pagination import PageQuery, page_response, paginate
from api.http.validation import validated
from data.models import Call, Negotiation
from data.serialize import iso
from data.statuses import CLOSED_NEGOTIATION
from voice.provider import ProviderMisconfigured, VoiceError

bp = Blueprint("calls", __name__, url_prefix="/api/v1")


@bp.before_app_request
def _dispatch_in_process() -> None:
    """Without a broker there is no beat: the serving process runs calls.dispatch_due itself (api.calls.tasks)."""
    start_in_process_dispatch(current_app._get_current_object())  # type: ignore[attr-defined]


class CallCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)] | None = None
    persona: Annotated[str, StringConstraints(max_length=40)] | None = None


class CallListQuery(PageQuery):
    negotiation_id: str | None = None


def _negotiation(negotiation_id: str) -> Negotiation:
    neg = db_session().scalar(select(Negotiation).where(Negotiation.id == negotiation_id,
                                                        Negotiation.org_id == current_org_id()))
    if neg is None:
        raise not_found("negotiation")
    return neg


@bp.post("/negotiations/<negotiation_id>/calls")
@require_role("manager")
@answers({409: "the negotiation is closed"})
@idempotent
@validated(body=CallCreate, status=202)
def place_call(negotiation_id: str, body: CallCreate) -> tuple[dict[str, Any], int]:
    """Call the creator (queued; outside their calling hours it is scheduled, not dropped)."""
    neg = _negotiation(negotiation_id)
    if neg.status in CLOSED_NEGOTIATION:
        raise ApiError(409, f"this negotiation is {neg.status}; there is nothing to call about")
    settings = current_settings()
    session = db_session()
    try:
        call = create_call(session, neg, provider=settings.voice_provider, to_number=body.to_number,
                           max_attempts=settings.voice_max_call_attempts, persona=body.persona)
    except CallNotAllowed as exc:
        raise ApiError(422, exc.message, code=exc.code, fields={exc.field: exc.message}) from None
    session.commit()
    schedule(call.id, call.not_before)
    return {"call_id": call.id, "status": "queued", "scheduled_for": iso(call.not_before)}, 202


@bp.get("/calls/<call_id>")
@require_role("manager", "evaluator")
def get_call(call_id: str) -> dict[str, Any]:
    """One call: status, timings, transcript and summary; the negotiation's outcome, and per turn the creator's
    words, the policy's decision and the deal probability after it."""
    session = db_session()
    call = session.scalar(select(Call).where(Call.id == call_id, Call.org_id == current_org_id()))
    if call is None:
        raise not_found("call")
    neg = session.get(Negotiation, call.negotiation_id)
    return {**call_to_dict(call), "negotiation_status": neg.status if neg else None,
            "deal_probability": neg.deal_probability if neg else None, "turns": call_turns(session, call)}


@bp.get("/calls")
@require_role("manager", "evaluator")
@validated(query=CallListQuery)
def list_calls(query: CallListQuery) -> dict[str, Any]:
    """Calls of the organization, oldest first; `negotiation_id` narrows to one negotiation."""
    stmt = select(Call).where(Call.org_id == current_org_id())
    if query.negotiation_id:
        stmt = stmt.where(Call.negotiation_id == query.negotiation_id)
    rows = list(db_session().scalars(paginate(stmt, Call, query)))
    return page_response(rows, query, call_to_dict)


@bp.get("/negotiations/<negotiation_id>/voice-session")
@require_role("manager")
@answers({409: "the negotiation is closed", 422: "ElevenLabs refused to sign the session (not worth a retry)",
          502: "ElevenLabs failed to sign the session; retry"})
def voice_session(negotiation_id: str) -> dict[str, Any]:
    """A signed URL for a browser voice call; pass `conversation_initiation_client_data` when starting it."""
    neg = _negotiation(negotiation_id)
    if neg.status in CLOSED_NEGOTIATION:
        raise ApiError(409, f"this negotiation is {neg.status}")
    settings = current_settings()
    session = db_session()
    call = Call(org_id=neg.org_id, negotiation_id=neg.id, influencer_id=neg.influencer_id,
                provider=voice_config(settings).provider, status="queued", to_number=None, transcript=[],
                max_attempts=1)
    session.add(call)
    session.flush()
    try:
        signed = provider_for(call.id).signed_session(call_request(session, call, neg))
    except ProviderMisconfigured as exc:
        raise ApiError(503, f"voice calls are not configured: {exc}", code="unavailable") from None
    except VoiceError as exc:
        raise ApiError(502 if exc.retryable else 422, str(exc)) from None
    session.commit()
    return {"signed_url": signed.signed_url, "expires_at": iso(signed.expires_at), "call_id": call.id, **signed.extra}
