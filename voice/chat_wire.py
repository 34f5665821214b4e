"""The OpenAI Chat Completions wire format ElevenLabs speaks to a custom LLM, both ways.

In: a `chat.completions` request carrying the whole conversation so far (ElevenLabs resends all of it on every
turn and may retry a request), the tools the agent has (its `end_call` system tool among them) and, when the
agent allows it, `elevenlabs_extra_body` (the conversation's `custom_llm_extra_body`).
Out: Server-Sent Events of `chat.completion.chunk` objects ending in `data: [DONE]`, or one `chat.completion`.

A creator turn is identified by where it sits in the conversation: the user messages after the n-th assistant
message are group n, and each message of the group has position (n, j). A retried request has the same positions,
so a turn stored under its position key is answered again, never taken twice.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

END_CALL_TOOL = "end_call"


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str = Field(min_length=1, max_length=40)
    content: str | list[dict[str, Any]] | None = None

    @property
    def text(self) -> str:
        """The message's text, whether sent as a string or as content parts."""
        if isinstance(self.content, str):
            return self.content
        if not self.content:
            return ""
        return " ".join(str(part.get("text", "")) for part in self.content if part.get("type", "text") == "text")


class ChatRequest(BaseModel):
    """The fields of a Chat Completions request this service reads; the rest are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str | None = Field(default=None, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=2000)
    stream: bool = False
    tools: list[dict[str, Any]] | None = None
    elevenlabs_extra_body: dict[str, Any] | None = None
    user_id: str | None = Field(default=None, max_length=300)

    def extra(self, name: str) -> str | None:
        value = (self.elevenlabs_extra_body or {}).get(name)
        return str(value) if isinstance(value, str | int) and str(value) else None

    def offers_tool(self, name: str) -> bool:
        for tool in self.tools or []:
            function = tool.get("function") if isinstance(tool, dict) else None
            if isinstance(function, dict) and function.get("name") == name:
                return True
        return False


@dataclass(frozen=True)
class Utterance:
    group: int
    """How many assistant messages came before it."""
    index: int
    """Its place among the user messages of that group."""
    text: str


def trailing_utterances(messages: list[ChatMessage]) -> list[Utterance]:
    """The user messages after the last assistant message (the creator's newest turn), with their positions."""
    group = 0
    current: list[Utterance] = []
    for message in messages:
        if message.role == "assistant":
            group += 1
            current = []
        elif message.role == "user" and message.text.strip():
            current.append(Utterance(group=group, index=len(current), text=message.text.strip()))
    return current


def last_assistant_text(messages: list[ChatMessage]) -> str | None:
    for message in reversed(messages):
        if message.role == "assistant" and message.text.strip():
            return message.text.strip()
    return None


def position_key(scope: str, utterance: Utterance) -> str:
    return f"voice:{scope}:{utterance.group}:{utterance.index}"


# --- responses --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    text: str
    end_call_reason: str | None = None
    """Set when the agent asks ElevenLabs to hang up (its end_call tool) after saying `text`."""


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def _chunk(cid: str, created: int, model: str, delta: dict[str, Any], finish: str | None = None) -> str:
    body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body, separators=(',', ':'))}\n\n"


def end_call_call(reason: str) -> dict[str, Any]:
    return {"id": f"call_{uuid.uuid4().hex[:16]}", "type": "function",
            "function": {"name": END_CALL_TOOL, "arguments": json.dumps({"reason": reason})}}


def sentences(text: str) -> list[str]:
    """The text in speakable pieces (one SSE chunk each), each ending with the space that follows it."""
    pieces: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if char in ".?!" and (i + 1 == len(text) or text[i + 1] == " "):
            pieces.append(text[start:i + 2] if i + 1 < len(text) else text[start:])
            start = i + 2
    if start < len(text):
        pieces.append(text[start:])
    return [p for p in pieces if p]


class Stream:
    """One streamed completion: the role chunk first, then content, an optional end_call tool call, [DONE]."""

    def __init__(self, model: str | None) -> None:
        self.cid = completion_id()
        self.created = int(time.time())
        self.model = model or "influence-agent"

    def opening(self) -> str:
        return _chunk(self.cid, self.created, self.model, {"role": "assistant", "content": ""})

    def content(self, text: str) -> str:
        return _chunk(self.cid, self.created, self.model, {"content": text})

    def reply(self, reply: Reply, *, end_call: bool) -> Iterator[str]:
        for piece in sentences(reply.text):
            yield self.content(piece)
        if reply.end_call_reason and end_call:
            call = {"index": 0, **end_call_call(reply.end_call_reason)}
            yield _chunk(self.cid, self.created, self.model, {"tool_calls": [call]})
            yield _chunk(self.cid, self.created, self.model, {}, "tool_calls")
        else:
            yield _chunk(self.cid, self.created, self.model, {}, "stop")
        yield "data: [DONE]\n\n"


def completion(reply: Reply, *, model: str | None, end_call: bool) -> dict[str, Any]:
    """The non-streamed `chat.completion` for the same reply."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    finish = "stop"
    if reply.end_call_reason and end_call:
        message["tool_calls"] = [end_call_call(reply.end_call_reason)]
        finish = "tool_calls"
    return {"id": completion_id(), "object": "chat.completion", "created": int(time.time()),
            "model": model or "influence-agent",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 0, "completion_tokens": len(reply.text.split()),
                      "total_tokens": len(reply.text.split())}}
