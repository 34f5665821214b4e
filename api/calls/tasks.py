"""Celery tasks for calls: ids in, idempotent, acks_late. `calls.place` dials one call, `calls.dispatch_due` starts
calls whose time has come (calling hours, retries), `calls.recover` fetches a conversation whose webhook never came.

Dialing is claimed first (status dialing, attempts + 1, committed) so a redelivered task never dials again; a
claim that outlived DIAL_LEASE without an answer is given up as unknown rather than redialed (it may have rung).
Only a failure the provider reported before anything rang (429, 5xx, unreachable) is retried, up to max_attempts.

A call in progress keeps its next recovery check in `not_before`: RECOVER_AFTER after dialing, and again after each
look that found the conversation unfinished, until RECOVER_GIVE_UP, when it is marked failed. `dispatch_due` runs
those checks too, so a lost countdown (a restart) delays a recovery but never drops it. With no broker there is
no beat: the serving process runs `dispatch_forever` on a thread instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from celery import Task
from flask import Flask
from sqlalchemy import select, update

from api import jobs
from api.calls.config import voice_config
from api.calls.reconcile import RETRY_AFTER, store_conversation
from api.calls.records import call_request, simulated_terms
from api.calls.rules import opted_out
from api.calls.turns import Target, take_voice_turn
from api.jobs import celery
from data.models import Call, Influencer, Negotiation
from data.statuses import CLOSED_NEGOTIATION, FINISHED_CALL, CallStatus
from voice.calling_rules import next_calling_time, zones_for
from voice.chat_wire import ChatRequest
from voice.provider import CallRequest, OutcomeUnknown, ProviderMisconfigured, VoiceError, VoiceProvider
from voice.simulated import LineSink, SimulatedProvider, TurnAnswer

log = logging.getLogger(__name__)
DIAL_LEASE = timedelta(minutes=10)
RECOVER_AFTER = timedelta(minutes=30)
RECOVER_GIVE_UP = timedelta(hours=24)


def _converse(call_id: str) -> Callable[[dict[str, object]], TurnAnswer]:
    """The custom-LLM code path, called in-process by the simulated provider (its own session per turn)."""
    def converse(body: dict[str, object]) -> TurnAnswer:
        req = ChatRequest.model_validate(body)
        with jobs.session() as s:
            call = s.get(Call, call_id)
            neg = s.scalar(select(Negotiation).where(Negotiation.id == call.negotiation_id).with_for_update()) \
                if call else None
            if call is None or neg is None:
                raise LookupError("the call or its negotiation is gone")
            return take_voice_turn(s, Target(negotiation=neg, call=call), req)
    return converse


def provider_for(call_id: str, on_line: LineSink | None = None) -> VoiceProvider:
    """The configured provider; ProviderMisconfigured (a VoiceError, so the call fails with the reason) when the
    settings cannot make one."""
    config = voice_config(jobs.task_settings())
    if config.provider == "elevenlabs":
        from voice.elevenlabs import ElevenLabsProvider  # the SDK's ~800 modules (~30 MB) load with the first call

        try:
            return ElevenLabsProvider(config)
        except ValueError as exc:
            raise ProviderMisconfigured(str(exc)) from None
    if config.provider != "simulated":
        raise ProviderMisconfigured(f"VOICE_PROVIDER must be simulated or elevenlabs, not {config.provider!r}")

    def terms(_: CallRequest) -> object:
        with jobs.session() as s:
            call = s.get(Call, call_id)
            neg = s.get(Negotiation, call.negotiation_id) if call else None
            inf = s.get(Influencer, neg.influencer_id) if neg and neg.influencer_id else None
            return simulated_terms(neg, inf)  # type: ignore[arg-type]

    return SimulatedProvider(config, converse=_converse(call_id), terms=terms, on_line=on_line)  # type: ignore[arg-type]


def _later(task: Task, call_id: str, at: datetime | None) -> None:
    """Run `task` now, or at `at` (countdown with a broker; a timer in-process, with dispatch_due behind both)."""
    delay = 0.0 if at is None else max(0.0, (at - datetime.now(UTC)).total_seconds())
    if delay <= 0:
        jobs.enqueue(task, call_id)
    elif not jobs.in_process():
        task.apply_async(args=(call_id,), countdown=delay)
    else:
        timer = threading.Timer(delay, jobs.enqueue, args=(task, call_id))
        timer.daemon = True
        timer.start()


def schedule(call_id: str, at: datetime | None) -> None:
    """Dial the call now, or at `at` (the creator's calling hours, a retry's backoff)."""
    _later(place_task, call_id, at)


def _claim(call_id: str, now: datetime, respect_hours: bool = True) -> tuple[CallRequest, datetime | None] | str:
    """Claim the call for dialing; the request to place, or why not (and when to look again)."""
    with jobs.session() as s:
        call = s.scalar(select(Call).where(Call.id == call_id).with_for_update())
        if call is None:
            return "missing"
        if call.status == CallStatus.DIALING:
            if call.dialing_at and now - call.dialing_at > DIAL_LEASE and not call.conversation_id:
                call.status, call.failure_reason = CallStatus.FAILED, "dial outcome unknown; not redialed"
                s.commit()
            return "claimed elsewhere"
        if call.status in (CallStatus.IN_PROGRESS, CallStatus.COMPLETED, CallStatus.CANCELED):
            return str(call.status)
        if call.status in FINISHED_CALL and call.not_before is None:
            return str(call.status)  # failed or no_answer without a retry due
        if call.not_before and call.not_before > now and respect_hours:
            return f"not before {call.not_before.isoformat()}"
        neg = s.get(Negotiation, call.negotiation_id)
        inf = s.get(Influencer, call.influencer_id) if call.influencer_id else None
        if neg is None or neg.status in CLOSED_NEGOTIATION:
            call.status, call.failure_reason = CallStatus.CANCELED, "the negotiation is closed"
            s.commit()
            return "canceled"
        if opted_out(s, call.org_id, inf, call.to_number):
            call.status, call.failure_reason = CallStatus.CANCELED, "the creator is on the do-not-call list"
            s.commit()
            return "canceled"
        zones = zones_for(inf.city if inf else None, inf.region if inf else None, inf.country if inf else None,
                          call.to_number)
        later = next_calling_time(now, zones) if respect_hours else None
        if later is not None:
            call.status, call.not_before = CallStatus.QUEUED, later
            s.commit()
            return f"outside calling hours until {later.isoformat()}"
        # compare-and-set: of two deliveries that both read this state (SQLite takes no row locks), one claims it
        claimed = s.execute(update(Call).where(Call.id == call_id, Call.status == call.status,
                                               Call.attempts == call.attempts).values(
            status=CallStatus.DIALING, attempts=Call.attempts + 1, dialing_at=now, not_before=None,
            failure_reason=None).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            s.rollback()
            return "claimed elsewhere"
        request = call_request(s, call, neg)
        s.commit()
        return request, None


def place(call_id: str, *, on_line: LineSink | None = None, now: datetime | None = None,
          respect_hours: bool = True) -> str:
    """Dial one call (idempotent); returns the call's status afterwards. `respect_hours=False` is for the CLI's
    simulated calls only (a demo at night)."""
    moment = now or datetime.now(UTC)
    claimed = _claim(call_id, moment, respect_hours)
    if isinstance(claimed, str):
        return claimed
    request, _ = claimed
    try:
        placed = provider_for(call_id, on_line).place_call(request)
    except VoiceError as exc:
        with jobs.session() as s:
            call = s.get(Call, call_id)
            assert call is not None
            call.status, call.failure_reason = CallStatus.FAILED, str(exc)[:2000]
            retry = exc.retryable and call.attempts < call.max_attempts
            call.not_before = moment + RETRY_AFTER if retry else None
            if isinstance(exc, OutcomeUnknown):
                call.failure_reason += " (not redialed: it may have rung)"
            s.commit()
            next_at = call.not_before
        if retry:
            schedule(call_id, next_at)
        return str(CallStatus.FAILED)
    except Exception as exc:  # the call broke off (a bug, the database mid-call): failed, never redialed
        log.exception("call %s broke off", call_id)
        with jobs.session() as s:
            call = s.get(Call, call_id)
            if call is not None and call.status == CallStatus.DIALING:
                call.status, call.failure_reason = CallStatus.FAILED, f"the call broke off: {exc}"[:2000]
                s.commit()
        return str(CallStatus.FAILED)
    with jobs.session() as s:
        call = s.scalar(select(Call).where(Call.id == call_id).with_for_update())
        assert call is not None
        call.conversation_id = placed.conversation_id or call.conversation_id  # a redial is a new conversation
        call.provider_call_id = placed.provider_call_id
        recover_at: datetime | None = None
        if placed.finished is not None:
            store_conversation(s, call, placed.finished)
        elif call.status == CallStatus.DIALING:
            call.status, call.started_at = CallStatus.IN_PROGRESS, moment
            call.not_before = recover_at = moment + RECOVER_AFTER
        s.commit()
        status = str(call.status)
    if recover_at is not None:
        _later(recover_task, call_id, recover_at)
    return status


def recover(call_id: str, now: datetime | None = None) -> str:
    """Fetch the conversation of a call whose post-call webhook never arrived; look again later while it is not
    finished (or the provider is down), and give the call up as failed after RECOVER_GIVE_UP."""
    moment = now or datetime.now(UTC)
    with jobs.session() as s:
        call = s.get(Call, call_id)
        if call is None or call.transcript_received_at is not None or not call.conversation_id:
            return "nothing to recover"
        conversation_id, since = call.conversation_id, call.dialing_at or call.created_at
    try:
        conversation = provider_for(call_id).get_conversation(conversation_id)
        unavailable = None
    except VoiceError as exc:
        conversation, unavailable = None, exc
    with jobs.session() as s:
        call = s.scalar(select(Call).where(Call.id == call_id).with_for_update())
        if call is None or call.transcript_received_at is not None:
            return "already stored"
        if conversation is not None:
            store_conversation(s, call, conversation)
            s.commit()
            return "recovered"
        if since is not None and moment - since > RECOVER_GIVE_UP:
            call.status, call.not_before, call.ended_at = CallStatus.FAILED, None, call.ended_at or moment
            call.failure_reason = (f"no transcript came from the provider within {RECOVER_GIVE_UP}"
                                   + (f" (last error: {unavailable})" if unavailable else ""))[:2000]
            s.commit()
            return "given up"
        call.not_before = moment + RECOVER_AFTER
        s.commit()
        next_at = call.not_before
    if unavailable is not None:
        log.warning("recovering call %s: %s; trying again at %s", call_id, unavailable, next_at.isoformat())
    _later(recover_task, call_id, next_at)
    return "provider unavailable" if unavailable else "not finished"


def dispatch_due(now: datetime | None = None) -> int:
    """Start every call whose scheduled time has come and look for the conversations of calls whose webhook is
    overdue (the worker's beat runs this); how many tasks it queued."""
    moment = now or datetime.now(UTC)
    with jobs.session() as s:
        due = list(s.scalars(select(Call.id).where(
            Call.status.in_([CallStatus.QUEUED, CallStatus.FAILED, CallStatus.NO_ANSWER]),
            Call.not_before.is_not(None), Call.not_before <= moment)))
        overdue = list(s.scalars(select(Call.id).where(
            Call.status == CallStatus.IN_PROGRESS, Call.transcript_received_at.is_(None),
            Call.not_before.is_not(None), Call.not_before <= moment)))
    for call_id in due:
        jobs.enqueue(place_task, call_id)
    for call_id in overdue:
        jobs.enqueue(recover_task, call_id)
    return len(due) + len(overdue)


DISPATCH_EVERY_S = 120.0


def dispatch_forever(app: Flask, every_s: float = DISPATCH_EVERY_S, stop: threading.Event | None = None) -> None:
    """What the beat does, for a process with no broker: `dispatch_due` every `every_s` until `stop` is set, so
    calls scheduled before a restart (their in-process timers gone with it) are still placed and recovered."""
    jobs.repeat_forever(app, lambda: dispatch_due(), every_s, "calls.dispatch_due", stop)


def start_in_process_dispatch(app: Flask) -> None:
    """Once per serving process with no broker (the first request starts it; not under tests)."""
    jobs.start_in_process_loop(app, "calls-dispatch", dispatch_forever)


@celery.task(name="calls.place", bind=True, acks_late=True, max_retries=0)
def place_task(self: Task, call_id: str) -> str:
    return place(call_id)


@celery.task(name="calls.recover", bind=True, acks_late=True, max_retries=0)
def recover_task(self: Task, call_id: str) -> str:
    return recover(call_id)


@celery.task(name="calls.dispatch_due", bind=True, acks_late=True, max_retries=0)
def dispatch_due_task(self: Task) -> int:
    return dispatch_due()


celery.conf.beat_schedule = {
    **(celery.conf.beat_schedule or {}),
    "calls.dispatch_due": {"task": "calls.dispatch_due", "schedule": 120.0},
}
