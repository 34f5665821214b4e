"""Human takeover routes (README "Negotiations"): take over, write as the brand, hand back. Managers; audited.

The person's reply is stored on the negotiation like an agent message; on an email negotiation it is also emailed
to the creator in the thread (api/negotiations/takeover_mail.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from agent.negotiation import service
from agent.negotiation.types import Action
from api.http.audit import audit
from api.http.auth import current, require_role
from api.http.errors import ApiError
from api.http.extensions import db_session
from api.http.openapi import answers
from api.http.validation import validated
from api.negotiations import takeover
from api.negotiations.takeover_mail import email_person_reply
from api.negotiations.views import _load
from data.types import UsdAmount

bp = Blueprint("takeover", __name__, url_prefix="/api/v1/negotiations")


class TakeoverIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class PersonMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1500)]
    offer_usd: Annotated[UsdAmount, Field(gt=0, le=Decimal("100000000"), decimal_places=2)] | None = None
    action: Literal["counter", "accept", "reject", "ask"] | None = None
    """Default: counter with an offer, ask without. accept approves a deal at offer_usd; reject walks away."""


def _state(neg: Any) -> dict[str, Any]:
    return {"id": neg.id, "status": neg.status, "taken_over": service.taken_over(neg),
            "deal_probability": neg.deal_probability, "terms": service.terms_dict(neg)}


def _fail(exc: takeover.TakeoverError) -> ApiError:
    fields = {exc.field: str(exc)} if exc.field else None
    return ApiError(exc.status, str(exc), code="validation_error" if exc.status == 422 else "conflict", fields=fields)


@bp.post("/<negotiation_id>/takeover")
@require_role("manager")
@answers({409: "the negotiation is not in a state that allows this (closed, or taken over or not)"})
@validated(body=TakeoverIn)
def take_over(negotiation_id: str, body: TakeoverIn) -> dict[str, Any]:
    """Pause the agent: a person answers the creator until the negotiation is handed back."""
    session = db_session()
    neg = _load(negotiation_id, for_update=True)
    try:
        takeover.take_over(neg, current().actor)
    except takeover.TakeoverError as exc:
        raise _fail(exc) from None
    audit(session, "takeover", "negotiation", neg.id, {"note": body.note} if body.note else None)
    session.commit()
    return _state(neg)


@bp.post("/<negotiation_id>/agent-messages")
@require_role("manager")
@answers({409: "the negotiation is not in a state that allows this (closed, or taken over or not)"})
@validated(body=PersonMessageIn, status=201)
def person_message(negotiation_id: str, body: PersonMessageIn) -> tuple[dict[str, Any], int]:
    """Send a reply written by a person; its price can never exceed the package's ceiling (422 otherwise)."""
    session = db_session()
    neg = _load(negotiation_id, for_update=True)
    action = Action(body.action or ("counter" if body.offer_usd is not None else "ask"))
    reply = takeover.PersonReply(text=body.text, action=action, offer_usd=body.offer_usd)
    try:
        message = takeover.send(session, neg, reply, current().actor)
    except takeover.TakeoverError as exc:
        raise _fail(exc) from None
    audit(session, "person_message", "negotiation", neg.id,
          {"action": action.value, "offer_usd": None if body.offer_usd is None else str(body.offer_usd)})
    session.commit()
    emailed = email_person_reply(session, neg, message)
    return {**_state(neg), "message": {"text": message.text, "action": message.action,
                                       "offer_usd": service.reply_dict(neg, message)["offer_usd"],
                                       "email_message_id": emailed}}, 201


@bp.post("/<negotiation_id>/resume")
@require_role("manager")
@answers({409: "the negotiation is not in a state that allows this (closed, or taken over or not)"})
@validated(body=TakeoverIn)
def resume(negotiation_id: str, body: TakeoverIn) -> dict[str, Any]:
    """Hand the negotiation back to the agent; it answers the creator's next message."""
    session = db_session()
    neg = _load(negotiation_id, for_update=True)
    try:
        takeover.resume(neg)
    except takeover.TakeoverError as exc:
        raise _fail(exc) from None
    audit(session, "resume", "negotiation", neg.id, {"note": body.note} if body.note else None)
    session.commit()
    return _state(neg)

