"""ElevenLabs Agents Platform conversations: the GET conversation response, or the post-call webhook body
(`{"type": "post_call_transcription", "data": <the same conversation>}`).

`transcript[]` entries have `role` user|agent, `message` (null for a tool call, skipped) and
`time_in_call_secs`. The user is the creator. The brief comes from the caller's defaults, or from the stored
negotiation named by `dynamic_variables.negotiation_id` when a lookup is given (our own calls carry it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from evals.replay.readers.common import Tracker, inferred_outcome, merged_setup
from evals.replay.transcript import (
    ReadError,
    ReadResult,
    RecordedTurn,
    Setup,
    Transcript,
    describe_validation_error,
)

SetupLookup = Callable[[str], dict[str, Any] | None]


class ElTranscriptEntry(BaseModel):
    role: Literal["user", "agent"]
    message: str | None = None
    time_in_call_secs: float | None = Field(default=None, ge=0)


class ElInitiation(BaseModel):
    dynamic_variables: dict[str, Any] = Field(default_factory=dict)


class ElConversation(BaseModel):
    conversation_id: str
    agent_id: str | None = None
    status: str | None = None
    transcript: list[ElTranscriptEntry]
    conversation_initiation_client_data: ElInitiation | None = None


def looks_like(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if data.get("type") == "post_call_transcription" and isinstance(data.get("data"), dict):
        return True
    return "transcript" in data and "conversation_id" in data


def read(data: dict[str, Any], origin: str, defaults: dict[str, Any] | None = None,
         lookup: SetupLookup | None = None) -> ReadResult:
    body = data["data"] if data.get("type") == "post_call_transcription" else data
    try:
        conversation = ElConversation.model_validate(body)
        return ReadResult(transcripts=[conversation_transcript(conversation, origin, defaults, lookup)])
    except ValidationError as exc:
        prefix = "data." if body is not data else ""
        message = "; ".join(f"{prefix}{part}" for part in describe_validation_error(exc).split("; "))
        return ReadResult(errors=[ReadError(origin=origin, message=message)])
    except ValueError as exc:
        return ReadResult(errors=[ReadError(origin=origin, message=str(exc))])


def _setup(conversation: ElConversation, defaults: dict[str, Any] | None, lookup: SetupLookup | None) -> Setup:
    variables = (conversation.conversation_initiation_client_data or ElInitiation()).dynamic_variables
    found: dict[str, Any] = {}
    negotiation_id = variables.get("negotiation_id")
    if lookup is not None and negotiation_id:
        found = lookup(str(negotiation_id)) or {}
    for key in ("max_usd", "target_usd", "creator_name", "brand"):
        if variables.get(key) not in (None, ""):
            found.setdefault(key, variables[key])
    setup = merged_setup(found, defaults)
    if setup.get("max_usd") is None:
        raise ValueError("no budget for this conversation: pass --max-usd (and --deliverables), or --org when it "
                         "is one of our calls")
    return Setup.model_validate(setup)


def conversation_transcript(conversation: ElConversation, origin: str, defaults: dict[str, Any] | None = None,
                            lookup: SetupLookup | None = None) -> Transcript:
    setup = _setup(conversation, defaults, lookup)
    groups: list[tuple[str, int, float | None, str]] = []
    for index, entry in enumerate(conversation.transcript):
        text = (entry.message or "").strip()
        if not text:
            continue  # a tool call or an empty ASR segment
        role = "creator" if entry.role == "user" else "agent"
        if groups and groups[-1][0] == role:
            last = groups[-1]
            groups[-1] = (role, last[1], last[2], f"{last[3]} {text}")
        else:
            groups.append((role, index, entry.time_in_call_secs, text))
    tracker = Tracker(setup.deliverables)
    turns: list[RecordedTurn] = []
    for role, index, t_s, text in groups:
        fields: dict[str, Any] = {"seq": index, "t_s": t_s, "channel": "voice"}
        turns.append(tracker.creator_turn(text, **fields) if role == "creator" else tracker.agent_turn(text, **fields))
    return Transcript(id=conversation.conversation_id, source="elevenlabs", origin=origin, setup=setup, turns=turns,
                      outcome=inferred_outcome(turns))
