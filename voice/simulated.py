"""The simulated voice provider (the default): a creator persona plays the call, offline, with no keys.

It drives the same custom-LLM code path ElevenLabs calls (`converse`: a Chat Completions request body in, the
reply out), building the request the way ElevenLabs does: the whole conversation each turn. Speaking times give
the transcript its `t_s` timings, and the result is a post-call transcription event body, read by the same
webhook code as a real one. Personas are the evaluation personas (evals/personas.py), scaled to the
negotiation's own budget and package so the demo behaves like the simulations the agent is measured on.
They are imported with this module, not on first use: the `celery` command has the project on sys.path only
while it loads the app and its task modules, so a later first import of `evals` failed in a worker.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from agent.negotiation.types import Action, Decision
from evals.personas import PERSONAS, make_scenarios, persona_for
from voice.chat_wire import Reply
from voice.provider import CallRequest, PlacedCall, SignedSession, VoiceConfig
from voice.spoken import money_words
from voice.webhooks import Conversation, TranscriptLine, conversation_from

WORDS_PER_SECOND = 2.6
MAX_TURNS = 14
DEFAULT_PERSONA = "flexible"
FIRST_MESSAGE = "Hi {creator}, this is the {brand} team calling about {campaign}. Do you have a minute?"


@dataclass(frozen=True)
class Terms:
    """What the simulated creator needs to know about the negotiation to play its part."""

    target_usd: Decimal
    max_usd: Decimal
    deliverables: list[str]
    usage_rights: str | None
    followers: int = 50_000
    engagement_rate: Decimal = Decimal("3.5")


@dataclass(frozen=True)
class TurnAnswer:
    """What the custom-LLM code path answered to one request, with the decision behind it (None: no policy turn)."""

    reply: Reply
    decision: Decision | None


Converse = Callable[[dict[str, Any]], TurnAnswer]
LineSink = Callable[[TranscriptLine], None]


def personas() -> tuple[str, ...]:
    return PERSONAS


def make_creator(persona: str, seed: int, terms: Terms) -> Any:
    """An evals persona whose hidden floor and asks are scaled to this negotiation's budget and package."""
    if persona not in personas():
        raise ValueError(f"unknown persona {persona!r}; one of {', '.join(personas())}")
    base = make_scenarios(persona, 1, seed=seed)[0]
    scale = terms.max_usd / base.max_usd
    scenario = dataclasses.replace(
        base, target_usd=terms.target_usd, max_usd=terms.max_usd, floor_usd=(base.floor_usd * scale).quantize(
            Decimal("0.01")), opening_ask_usd=(base.opening_ask_usd * scale).quantize(Decimal("1")),
        deliverables=list(terms.deliverables), usage_rights=terms.usage_rights or base.usage_rights,
        followers=terms.followers, engagement_rate=terms.engagement_rate, bundle_change=None)
    return persona_for(scenario)


def _seconds(text: str) -> float:
    return round(max(0.6, len(text.split()) / WORDS_PER_SECOND), 1)


def _summary(last: Decision | None, turns: int) -> str:
    if last is None:
        return f"The creator did not negotiate; the call ended after {turns} exchanges."
    if last.action == Action.ACCEPT and last.offer_usd is not None:
        return f"Agreed on the call at {money_words(last.offer_usd)} after {turns} exchanges."
    if last.action == Action.ESCALATE:
        return f"Handed to a colleague after {turns} exchanges."
    if last.action in (Action.REJECT, Action.CLOSE):
        return f"No deal; the call ended after {turns} exchanges."
    offer = f" The last offer was {money_words(last.offer_usd)}." if last.offer_usd is not None else ""
    return f"The call ended with the negotiation still open after {turns} exchanges.{offer}"


class SimulatedProvider:
    name = "simulated"

    def __init__(self, config: VoiceConfig | None = None, *, converse: Converse | None = None,
                 terms: Callable[[CallRequest], Terms] | None = None, on_line: LineSink | None = None) -> None:
        self.config = config or VoiceConfig()
        self.converse = converse
        self.terms = terms
        self.on_line = on_line

    def signed_session(self, request: CallRequest) -> SignedSession:
        expires = datetime.now(UTC) + timedelta(seconds=self.config.signed_url_ttl_s)
        return SignedSession(signed_url=f"simulated://conversation?call_id={request.call_id}", expires_at=expires,
                             extra={"conversation_initiation_client_data": request.client_data()})

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        return None  # a simulated call is finished when place_call returns

    def place_call(self, request: CallRequest) -> PlacedCall:
        if self.converse is None or self.terms is None:
            raise RuntimeError("the simulated provider needs the custom-LLM code path and the negotiation terms")
        event = self.play(request)
        return PlacedCall(conversation_id=event["data"]["conversation_id"], provider_call_id=None,
                          finished=conversation_from(event["data"]))

    def play(self, request: CallRequest) -> dict[str, Any]:
        """Play the whole call; returns the post_call_transcription event body ElevenLabs would post."""
        assert self.converse is not None and self.terms is not None
        try:
            seed = int(request.call_id[:8], 16)
        except ValueError:
            seed = sum(map(ord, request.call_id))
        creator = make_creator(request.persona or DEFAULT_PERSONA, seed, self.terms(request))
        rng = random.Random(seed)
        started = datetime.now(UTC)
        clock = 0.0
        transcript: list[dict[str, Any]] = []
        messages: list[dict[str, Any]] = [{"role": "system", "content": "You negotiate for the brand."}]

        def say(role: str, text: str) -> None:
            nonlocal clock
            transcript.append({"role": role, "message": text, "time_in_call_secs": int(clock)})
            messages.append({"role": "assistant" if role == "agent" else "user", "content": text})
            if self.on_line is not None:  # the same whole seconds ElevenLabs (and the stored transcript) gives
                self.on_line(TranscriptLine(role="agent" if role == "agent" else "influencer", text=text,
                                            t_s=float(int(clock))))
            clock += _seconds(text) + rng.uniform(0.4, 1.2)

        say("agent", FIRST_MESSAGE.format(creator=request.creator_name or "there", brand=request.brand,
                                          campaign=request.campaign or "a paid collaboration"))
        utterances: list[str] = ["Hello?"] if rng.random() < 0.5 else []
        first = creator.first()
        utterances += [first] if first else []
        last: Decision | None = None
        exchanges = 0
        while utterances and exchanges < MAX_TURNS:
            text = utterances.pop(0)
            say("user", text)
            body = {"model": "influence-agent", "stream": True, "messages": list(messages),
                    "tools": [{"type": "function", "function": {"name": "end_call", "parameters": {}}}],
                    "elevenlabs_extra_body": request.client_data()["custom_llm_extra_body"]}
            answer = self.converse(body)
            exchanges += 1
            say("agent", answer.reply.text)
            if answer.decision is not None:
                last = answer.decision
            if answer.reply.end_call_reason:
                break
            if answer.decision is not None and not utterances:
                following = creator.reply(answer.decision)
                utterances += [following] if following else []
        duration = int(clock)
        return {
            "type": "post_call_transcription",
            "event_timestamp": int(started.timestamp()) + duration,
            "data": {
                "agent_id": "simulated", "conversation_id": f"sim_{request.call_id}", "status": "done",
                "transcript": transcript,
                "metadata": {"start_time_unix_secs": int(started.timestamp()), "call_duration_secs": duration},
                "analysis": {"call_successful": "success" if last and last.action == Action.ACCEPT else "failure",
                             "transcript_summary": _summary(last, exchanges)},
                "conversation_initiation_client_data": request.client_data(),
            },
        }
