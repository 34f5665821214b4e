"""Calling rules with the store behind them: who may be called, on which number, and when.

The do-not-call list is the organization's suppression list (the one email unsubscribes and bounces go to):
a phone number opts out as a `tel:+E164` entry, and a creator whose email address is suppressed is not called
either. A creator who says "stop calling me" on a call is added to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.outreach.suppression import normalize_email
from data.models import Influencer, Suppression
from voice.calling_rules import InvalidPhoneNumber, next_calling_time, to_e164, zones_for

DO_NOT_CALL = "do_not_call"


class CallNotAllowed(Exception):
    """A call that must not be placed; `field` names the request field to blame (422)."""

    def __init__(self, code: str, message: str, field: str = "to_number") -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


@dataclass(frozen=True)
class CallPlan:
    to_number: str
    not_before: datetime | None
    """None: callable now; else the first moment inside the creator's calling hours."""
    zones: list[str]


def phone_key(number: str) -> str:
    return f"tel:{number}"


def opted_out(s: Session, org_id: str, influencer: Influencer | None, number: str | None) -> bool:
    keys = [phone_key(number)] if number else []
    if influencer is not None and influencer.email:
        keys.append(normalize_email(influencer.email))
    if not keys:
        return False
    return s.scalar(select(Suppression.id).where(Suppression.org_id == org_id, Suppression.email.in_(keys))
                    .limit(1)) is not None


def add_do_not_call(s: Session, org_id: str, number: str) -> None:
    """Never call this number again from this organization (idempotent, race-safe)."""
    key = phone_key(number)
    if s.scalar(select(Suppression.id).where(Suppression.org_id == org_id, Suppression.email == key)) is not None:
        return
    try:
        with s.begin_nested():
            s.add(Suppression(org_id=org_id, email=key, reason=DO_NOT_CALL))
    except IntegrityError:
        pass


def plan_call(s: Session, org_id: str, influencer: Influencer | None, to_number: str | None,
              now: datetime) -> CallPlan:
    """The E.164 number and when to dial it; CallNotAllowed when the creator cannot be called at all."""
    raw = to_number or (influencer.phone if influencer is not None else None)
    if not raw or not raw.strip():
        raise CallNotAllowed("no_phone_number", "this creator has no phone number; send to_number")
    country = influencer.country if influencer is not None else None
    try:
        number = to_e164(raw, country)
    except InvalidPhoneNumber as exc:
        raise CallNotAllowed("invalid_phone_number", str(exc)) from None
    if opted_out(s, org_id, influencer, number):
        raise CallNotAllowed("do_not_call", "this creator asked not to be contacted; they are never called")
    zones = zones_for(influencer.city if influencer else None, influencer.region if influencer else None,
                      country, number)
    return CallPlan(to_number=number, not_before=next_calling_time(now, zones), zones=zones)
