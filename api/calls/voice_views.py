"""What ElevenLabs calls: the custom LLM (`POST /voice/llm/chat/completions`) and the post-call webhook.

The custom LLM answers SSE `chat.completion.chunk`s when asked to stream: the role chunk at once, a short filler
when the turn takes longer than VOICE_FILLER_AFTER_MS, then the reply and, when the negotiation ended or the creator
opted out, the `end_call` tool call (if the agent offers it). A turn that fails (a broken database, a bug) is
answered with a request to repeat, never a 500 or a cut stream: nothing was stored, so the creator's next words
are a new turn, and what they said is added from the post-call transcript. The webhook is verified on the raw body
before anything is read or written.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from flask import Blueprint, Response, current_app, request, stream_with_context
from pydantic import ValidationError

from api.calls.reconcile import find_call, record_failure, store_conversation
from api.calls.tasks import schedule
from api.calls.turns import UnknownNegotiation, find_target, take_voice_turn
from api.http.errors import ApiError, fields_from_validation
from api.http.extensions import current_settings, limiter
from api.http.openapi import answers
from api.http.validation import refuse_nul
from data.db import get_sessionmaker
from voice.chat_wire import ChatRequest, Reply, Stream, completion
from voice.simulated import TurnAnswer
from voice.webhooks import (
    SIGNATURE_HEADER,
    Conversation,
    InitiationFailure,
    InvalidSignature,
    MalformedEvent,
    parse_event,
    verify,
)

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/voice")
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="voice-turn")
FILLER = "One moment. "
MISSED = "Sorry, I missed that. Could you say it again?"


def _turn(app: Any, database_url: str, req: ChatRequest, header_id: str | None) -> TurnAnswer:
    with app.app_context(), get_sessionmaker(database_url)() as s:
        return take_voice_turn(s, find_target(s, req, header_id), req)


def _settled(future: Future[TurnAnswer], timeout: float | None = None) -> TurnAnswer | None:
    """The turn's answer, None while it is still running after `timeout`; UnknownNegotiation is raised, any other
    failure becomes a request to repeat (no turn was stored)."""
    done, _ = wait([future], timeout=timeout)
    if not done:
        return None
    error = future.exception()
    if error is None:
        return future.result()
    if isinstance(error, UnknownNegotiation):
        raise error
    log.error("a voice turn failed; asking the creator to repeat", exc_info=error)
    return TurnAnswer(Reply(MISSED), None)


@bp.post("/llm/chat/completions")
@answers({401: "missing or wrong bearer (VOICE_LLM_SECRET)", 404: "no negotiation matches the call"},
         body=ChatRequest, never=(415,))  # the body is read as JSON whatever its Content-Type says
@limiter.exempt
def chat_completions() -> Any:
    """Custom LLM for ElevenLabs agents (OpenAI Chat Completions wire format; bearer VOICE_LLM_SECRET)."""
    settings = current_settings()
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not settings.voice_llm_secret or not hmac.compare_digest(token.encode(), settings.voice_llm_secret.encode()):
        raise ApiError(401, "a valid bearer token (VOICE_LLM_SECRET) is required", code="unauthorized")
    payload = request.get_json(force=True, silent=False)
    refuse_nul(payload, "body")
    try:
        req = ChatRequest.model_validate(payload)
    except ValidationError as exc:
        raise ApiError(422, "not a chat completions request", code="validation_error",
                       fields=fields_from_validation(exc, prefix="body.")) from None
    header_id = request.headers.get("X-Negotiation-Id")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    future = _pool.submit(_turn, app, settings.database_url, req, header_id)
    end_call = req.offers_tool("end_call")
    try:  # a missing negotiation is a 404 before any byte is streamed
        answer_now = _settled(future, None if not req.stream else settings.voice_filler_after_ms / 1000)
    except UnknownNegotiation as exc:
        raise ApiError(404, str(exc), code="not_found") from None
    if not req.stream:
        assert answer_now is not None
        return completion(answer_now.reply, model=req.model, end_call=end_call)
    stream = Stream(req.model)

    def events() -> Iterator[str]:
        yield stream.opening()
        answer = answer_now
        if answer is None:
            yield stream.content(FILLER)
            try:
                answer = _settled(future)
            except UnknownNegotiation:
                answer = None
            answer = answer or TurnAnswer(Reply(MISSED), None)
        yield from stream.reply(answer.reply, end_call=end_call)

    return Response(stream_with_context(events()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@bp.post("/webhooks/elevenlabs")
@answers({401: "bad, stale or missing ElevenLabs-Signature", 400: "not an ElevenLabs webhook event",
          413: "body too large", 503: "the database is unavailable; ElevenLabs retries the webhook"})
@limiter.exempt
def elevenlabs_webhook() -> Any:
    """ElevenLabs post-call webhook (HMAC-signed): transcripts and call initiation failures."""
    raw = request.get_data(cache=False)
    try:
        verify(raw, request.headers.get(SIGNATURE_HEADER), current_settings().elevenlabs_webhook_secret)
    except InvalidSignature as exc:
        raise ApiError(401, f"webhook signature rejected: {exc}", code="unauthorized") from None
    try:
        event = parse_event(raw)
    except MalformedEvent as exc:
        raise ApiError(400, str(exc), code="bad_request") from None
    if not isinstance(event, Conversation | InitiationFailure):
        log.info("ignored ElevenLabs webhook of type %s", event.type)
        return {"status": "ignored"}
    from api.http.extensions import db_session

    session = db_session()
    call = find_call(session, event.conversation_id, event.call_id)
    if call is None:
        log.warning("ElevenLabs webhook for an unknown call (conversation %s)", event.conversation_id)
        return {"status": "unknown_call"}
    if isinstance(event, Conversation):
        stored = store_conversation(session, call, event)
        session.commit()
        return {"status": "stored" if stored else "duplicate", "call_id": call.id}
    retry = record_failure(session, call, event)
    session.commit()
    if retry:
        schedule(call.id, call.not_before)
    return {"status": str(call.status), "call_id": call.id, "retry_at": call.not_before.isoformat()
            if call.not_before else None}
