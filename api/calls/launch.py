"""A campaign launch with `"channel": "voice"`: one call per creator, placed once however often the launch runs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.calls.records import create_call
from api.calls.rules import CallNotAllowed
from api.calls.tasks import schedule
from api.jobs import task_settings
from data.models import Call, Negotiation
from data.statuses import CallStatus


def launch_call(s: Session, neg: Negotiation) -> Call:
    """The negotiation's launch call: the open one when a redelivered launch task comes back, else a new one
    (flushes). Raises LookupError with the reason when the creator cannot be called (no phone, do-not-call)."""
    existing = s.scalar(select(Call).where(Call.negotiation_id == neg.id, Call.to_number.is_not(None), Call.status.in_(
        [CallStatus.QUEUED, CallStatus.DIALING, CallStatus.IN_PROGRESS, CallStatus.COMPLETED])).limit(1))
    # (a browser voice session has no number: it is not the launch's phone call)
    if existing is not None:
        return existing
    settings = task_settings()
    try:
        return create_call(s, neg, provider=settings.voice_provider, to_number=None,
                           max_attempts=settings.voice_max_call_attempts)
    except CallNotAllowed as exc:
        raise LookupError(exc.message) from None


def start_launch_call(call: Call) -> None:
    """After the launch committed: dial now, or when the creator's calling hours begin."""
    if call.status == CallStatus.QUEUED and call.attempts == 0:
        schedule(call.id, call.not_before)
