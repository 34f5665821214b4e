"""ElevenLabs post-call webhooks: the signature check and the events, read into plain records.

`ElevenLabs-Signature: t=<unix seconds>,v0=<hex>` where hex = HMAC-SHA256(secret, "<t>.<raw body>"). The check is
done here by hand on the raw bytes (the SDK helper takes a str and would sign a bytes object's repr), compared in
constant time, with a 30-minute tolerance for old timestamps and a small allowance for clock skew into the future.

Events (`type`): `post_call_transcription` (transcript, analysis summary, metadata with the duration) and
`call_initiation_failure` (`failure_reason`: busy, no-answer, unknown); anything else is returned as unknown.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SIGNATURE_HEADER = "ElevenLabs-Signature"
TOLERANCE_SECONDS = 30 * 60
FUTURE_SKEW_SECONDS = 60
NO_ANSWER_REASONS = frozenset({"busy", "no-answer", "no_answer", "noanswer", "voicemail", "machine"})


class InvalidSignature(ValueError):
    """The request is not a genuine, fresh ElevenLabs delivery (answered 401, nothing written)."""


def sign(raw: bytes, secret: str, timestamp: int) -> str:
    """The header value ElevenLabs would send for `raw` at `timestamp` (used by the simulated provider and fakes)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
    return f"t={timestamp},v0={mac}"


def verify(raw: bytes, header: str | None, secret: str | None, *, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> None:
    """Raise InvalidSignature unless `header` signs `raw` with `secret` within the tolerance."""
    if not secret:
        raise InvalidSignature("no webhook secret is configured")
    if not header:
        raise InvalidSignature(f"missing {SIGNATURE_HEADER} header")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    stamps, signatures = parts.get("t", []), parts.get("v0", [])
    if len(stamps) != 1 or not stamps[0].isdigit() or not signatures:
        raise InvalidSignature("malformed signature header")
    timestamp = int(stamps[0])
    current = time.time() if now is None else now
    if timestamp < current - tolerance:
        raise InvalidSignature("timestamp outside the tolerance")
    if timestamp > current + FUTURE_SKEW_SECONDS:
        raise InvalidSignature("timestamp in the future")
    expected = sign(raw, secret, timestamp).split("v0=", 1)[1]
    if not any(hmac.compare_digest(expected.encode(), candidate.encode()) for candidate in signatures):
        raise InvalidSignature("signature mismatch")


# --- events ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptLine:
    role: str
    """"agent" or "influencer"."""
    text: str
    t_s: float

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "text": self.text, "t_s": self.t_s}


@dataclass(frozen=True)
class Conversation:
    """A finished conversation, from a transcription webhook or a GET conversation response."""

    conversation_id: str
    status: str
    transcript: list[TranscriptLine]
    summary: str | None
    duration_s: int | None
    started_at: datetime | None
    call_id: str | None
    negotiation_id: str | None
    termination_reason: str | None = None


@dataclass(frozen=True)
class InitiationFailure:
    conversation_id: str | None
    reason: str
    no_answer: bool
    call_id: str | None
    negotiation_id: str | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UnknownEvent:
    type: str


Event = Conversation | InitiationFailure | UnknownEvent


class MalformedEvent(ValueError):
    """A signed body that is not an event this service can read."""


def _ids(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """(call_id, negotiation_id) from the conversation's initiation data (extra body first, then variables)."""
    client = data.get("conversation_initiation_client_data") or {}
    if not isinstance(client, dict):
        return None, None
    found: dict[str, str | None] = {"call_id": None, "negotiation_id": None}
    for source in (client.get("custom_llm_extra_body"), client.get("dynamic_variables")):
        if isinstance(source, dict):
            for name in found:
                value = source.get(name)
                if found[name] is None and isinstance(value, str) and value:
                    found[name] = value
    return found["call_id"], found["negotiation_id"]


def _line(item: dict[str, Any]) -> TranscriptLine | None:
    text = item.get("message") or item.get("original_message")
    if not isinstance(text, str) or not text.strip():
        return None  # tool-only turns
    role = "agent" if item.get("role") == "agent" else "influencer"
    t_s = item.get("time_in_call_secs")
    return TranscriptLine(role=role, text=text.strip(), t_s=float(t_s) if isinstance(t_s, int | float) else 0.0)


def conversation_from(data: dict[str, Any]) -> Conversation:
    """A GET-conversation shaped object (the webhook's `data`) as a Conversation."""
    conversation_id = data.get("conversation_id")
    if not isinstance(conversation_id, str) or not conversation_id:
        raise MalformedEvent("data.conversation_id is missing")
    items = data.get("transcript") or []
    if not isinstance(items, list):
        raise MalformedEvent("data.transcript is not a list")
    lines = [line for item in items if isinstance(item, dict) and (line := _line(item)) is not None]
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    analysis = data.get("analysis") if isinstance(data.get("analysis"), dict) else {}
    duration = metadata.get("call_duration_secs")
    start = metadata.get("start_time_unix_secs")
    call_id, negotiation_id = _ids(data)
    summary = analysis.get("transcript_summary")
    return Conversation(
        conversation_id=conversation_id, status=str(data.get("status") or "done"), transcript=lines,
        summary=summary if isinstance(summary, str) and summary else None,
        duration_s=int(duration) if isinstance(duration, int | float) else None,
        started_at=datetime.fromtimestamp(start, UTC) if isinstance(start, int | float) else None,
        call_id=call_id, negotiation_id=negotiation_id,
        termination_reason=metadata.get("termination_reason") if isinstance(metadata.get("termination_reason"),
                                                                           str) else None,
    )


def parse_event(raw: bytes) -> Event:
    """The event in a verified body; MalformedEvent when a known type lacks what it needs."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedEvent("the body is not JSON") from exc
    if not isinstance(body, dict):
        raise MalformedEvent("the body is not a JSON object")
    kind = body.get("type")
    data = body.get("data")
    if kind not in ("post_call_transcription", "call_initiation_failure"):
        return UnknownEvent(type=str(kind))
    if not isinstance(data, dict):
        raise MalformedEvent("data is not an object")
    if kind == "post_call_transcription":
        return conversation_from(data)
    reason = str(data.get("failure_reason") or "unknown")
    call_id, negotiation_id = _ids(data)
    conversation_id = data.get("conversation_id")
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return InitiationFailure(conversation_id=conversation_id if isinstance(conversation_id, str) else None,
                             reason=reason, no_answer=reason.lower() in NO_ANSWER_REASONS, call_id=call_id,
                             negotiation_id=negotiation_id, detail=metadata)
