"""After the call: store a finished conversation on its call once, and record what the live turns missed.

A post-call transcript is stored once per conversation id (`transcript_received_at`); a redelivery changes
nothing. A creator utterance in the transcript that no live turn took (a dropped custom-LLM request) is added to
the negotiation as a voice message without a policy turn (the call is over; nobody would hear the reply). An
initiation failure marks the call failed or no_answer and schedules a retry while attempts remain.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.calls.rules import add_do_not_call
from data.models import Call, NegotiationMessage
from data.statuses import CallStatus
from voice.utterances import is_fragment, wants_no_calls
from voice.webhooks import Conversation, InitiationFailure

RETRY_AFTER = timedelta(minutes=15)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", text.lower()).strip()


def _missed_utterances(s: Session, call: Call, conversation: Conversation, now: datetime) -> int:
    taken = [_norm(m.text) for m in s.scalars(select(NegotiationMessage).where(
        NegotiationMessage.negotiation_id == call.negotiation_id, NegotiationMessage.role == "influencer",
        NegotiationMessage.dedupe_key.like(f"voice:{call.id}:%")))]
    added = 0
    for index, line in enumerate(conversation.transcript):
        if line.role != "influencer" or is_fragment(line.text):
            continue
        if wants_no_calls(line.text) and call.to_number:
            add_do_not_call(s, call.org_id, call.to_number)
        said = _norm(line.text)
        if any(said and said in text for text in taken):
            continue
        seq = (s.scalar(select(func.max(NegotiationMessage.seq)).where(
            NegotiationMessage.negotiation_id == call.negotiation_id)) or 0) + 1
        s.add(NegotiationMessage(negotiation_id=call.negotiation_id, seq=seq, role="influencer", channel="voice",
                                 text=line.text, understood=None, dedupe_key=f"voice:{call.id}:missed:{index}",
                                 at=now))
        added += 1
    return added


def store_conversation(s: Session, call: Call, conversation: Conversation, now: datetime | None = None) -> bool:
    """Store the finished call (flushes); False when this conversation was stored already."""
    if call.transcript_received_at is not None:
        return False
    moment = now or datetime.now(UTC)
    call.conversation_id = call.conversation_id or conversation.conversation_id
    call.transcript = [line.to_dict() for line in conversation.transcript]
    call.summary = conversation.summary
    call.duration_s = conversation.duration_s
    call.started_at = conversation.started_at or call.started_at or call.dialing_at
    if call.started_at is not None and conversation.duration_s is not None:
        call.ended_at = call.started_at + timedelta(seconds=conversation.duration_s)
    else:
        call.ended_at = moment
    if conversation.status == "failed":
        call.status, call.failure_reason = CallStatus.FAILED, conversation.termination_reason or "the call failed"
    else:
        call.status = CallStatus.COMPLETED
    call.transcript_received_at = moment
    call.not_before = None  # no recovery check left to run
    _missed_utterances(s, call, conversation, moment)
    s.flush()
    return True


def record_failure(s: Session, call: Call, failure: InitiationFailure, now: datetime | None = None) -> bool:
    """Mark the call failed/no_answer (flushes); True when a retry was scheduled (call.not_before)."""
    if call.status in (CallStatus.COMPLETED, CallStatus.CANCELED):
        return False
    moment = now or datetime.now(UTC)
    call.status = CallStatus.NO_ANSWER if failure.no_answer else CallStatus.FAILED
    call.failure_reason = f"call initiation failed: {failure.reason}"
    call.ended_at = moment
    retry = call.attempts < call.max_attempts
    call.not_before = moment + RETRY_AFTER if retry else None
    s.flush()
    return retry


def find_call(s: Session, conversation_id: str | None, call_id: str | None) -> Call | None:
    if conversation_id:
        call = s.scalar(select(Call).where(Call.conversation_id == conversation_id).with_for_update())
        if call is not None:
            return call
    return s.scalar(select(Call).where(Call.id == call_id).with_for_update()) if call_id else None
