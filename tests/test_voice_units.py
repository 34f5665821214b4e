"""voice/ without a server: spoken wording and its gate, fragments, the chat wire format, webhook signatures,
calling rules and the simulated call."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.amounts import find_amounts
from agent.negotiation.types import Action, Decision
from voice.calling_rules import InvalidPhoneNumber, next_calling_time, to_e164, zones_for
from voice.chat_wire import ChatMessage, ChatRequest, Reply, Stream, completion, position_key, trailing_utterances
from voice.provider import CallRequest
from voice.simulated import SimulatedProvider, Terms, TurnAnswer
from voice.spoken import money_words, spoken_amounts, spoken_problems, to_spoken
from voice.utterances import fragment_reply, is_fragment, wants_no_calls
from voice.webhooks import InitiationFailure, InvalidSignature, UnknownEvent, parse_event, sign, verify

COUNTER = Decision(action=Action.COUNTER, offer_usd=Decimal("2400"), deliverables=["1 reel", "3 stories"],
                   usage_rights="6 months organic")


@given(st.integers(min_value=1, max_value=99_999_999))
def test_money_words_read_back_as_the_same_amount(dollars: int) -> None:
    [amount] = find_amounts(f"We can offer {money_words(Decimal(dollars))}.")
    assert amount.total == dollars and amount.currency == "USD"


def test_cents_are_spoken_and_read_back() -> None:
    text = f"We offer {money_words(Decimal('2400.50'))}."
    assert "and fifty cents" in text and spoken_amounts(text) == [Decimal("2400.50")]


def test_email_reply_becomes_speech() -> None:
    email = ("Hi Sarah,\n\nThanks for getting back to us! For 1 reel and 3 stories with 6 months organic usage "
             "rights, we can offer $2,400. Would that work for you?\n\nBest,\nAna")
    spoken = to_spoken(email)
    assert "$" not in spoken and "2,400" not in spoken and "\n" not in spoken
    assert "two thousand four hundred dollars" in spoken and not spoken.endswith("Ana")
    assert spoken_problems(spoken, COUNTER) == []


def test_a_unit_price_is_spoken_as_written_and_sentences_keep_their_capital() -> None:
    spoken = to_spoken("Thanks, Ana. $3,000 is our top for 1 reel. Or we trim it to 3 stories at $1,400.")
    assert spoken.startswith("Thanks, Ana. Three thousand dollars is our top for one reel.")
    assert "three stories at one thousand four hundred dollars" in spoken and "four thousand two" not in spoken


@pytest.mark.parametrize(("action", "opening"), [(Action.COUNTER, "Our offer is"), (Action.ACCEPT, "Great, we have")])
def test_a_restated_decision_names_the_package(action: Action, opening: str) -> None:
    from api.calls.turns import restatement, speakable

    trimmed = Decision(action=action, offer_usd=Decimal("1400"), deliverables=["3 stories"],
                       usage_rights="6 months organic")
    said = restatement(trimmed)
    assert said.startswith(opening) and spoken_problems(said, trimmed) == []
    assert "one thousand four hundred dollars for three stories, with six months organic usage rights" in said
    # the engine's wording spoken fails only the spoken gate: the restatement, with the trimmed package, is said
    assert speakable("That would be 3 stories at $1,400.", trimmed) == said
    assert speakable("We can do $1,400 for 3 stories.", trimmed) == "We can do one thousand four hundred dollars " \
        "for three stories."


def test_spoken_gate_catches_a_wrong_amount_digits_and_terms() -> None:
    assert spoken_problems("We can offer three thousand dollars.", COUNTER)
    assert any("digits" in p for p in spoken_problems("We can offer $2,400.", COUNTER))
    assert spoken_problems("Two thousand four hundred dollars for two reels.", COUNTER)
    assert spoken_problems("Two thousand four hundred dollars, exclusive for a year.", COUNTER)


@pytest.mark.parametrize("text", ["uh", "Um...", "Hello?", "hello? can you hear me?", "Sorry, what?", "who is this?"])
def test_fragments(text: str) -> None:
    assert is_fragment(text)
    assert fragment_reply(text, brand="Glow") == fragment_reply(text, brand="Glow")


@pytest.mark.parametrize("text", ["yes", "okay", "Deal.", "I want three thousand", "uh, my rate is 3k"])
def test_answers_are_not_fragments(text: str) -> None:
    assert not is_fragment(text)


def test_opt_out_phrases() -> None:
    assert wants_no_calls("Please stop calling me.") and wants_no_calls("take me off your list")
    assert wants_no_calls("Don't call me again") and not wants_no_calls("I don't call that a deal")


def _request(*turns: tuple[str, str]) -> ChatRequest:
    return ChatRequest(messages=[ChatMessage(role="system", content="x"),
                                 *[ChatMessage(role=r, content=t) for r, t in turns]])


def test_trailing_utterances_have_stable_positions() -> None:
    first = trailing_utterances(_request(("assistant", "Hi"), ("user", "Hello")).messages)
    retried = trailing_utterances(_request(("assistant", "Hi"), ("user", "Hello")).messages)
    later = trailing_utterances(_request(("assistant", "Hi"), ("user", "Hello"), ("assistant", "Rate?"),
                                         ("user", "Three"), ("user", "thousand")).messages)
    assert [position_key("c", u) for u in first] == [position_key("c", u) for u in retried] == ["voice:c:1:0"]
    assert [position_key("c", u) for u in later] == ["voice:c:2:0", "voice:c:2:1"]


def test_content_parts_and_extra_body() -> None:
    req = ChatRequest.model_validate({"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
                                      "elevenlabs_extra_body": {"negotiation_id": "n1"},
                                      "tools": [{"type": "function", "function": {"name": "end_call"}}]})
    assert req.messages[0].text == "hi" and req.extra("negotiation_id") == "n1" and req.offers_tool("end_call")


def test_stream_wire_format_with_end_call() -> None:
    stream = Stream("m")
    events = [stream.opening(), *stream.reply(Reply("Deal. Thanks!", "deal agreed"), end_call=True)]
    assert all(e.startswith("data: ") and e.endswith("\n\n") for e in events) and events[-1] == "data: [DONE]\n\n"
    chunks = [json.loads(e[6:]) for e in events[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == "Deal. Thanks!"
    calls = [c["choices"][0]["delta"]["tool_calls"][0] for c in chunks if "tool_calls" in c["choices"][0]["delta"]]
    assert calls[0]["function"]["name"] == "end_call" and chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    whole = completion(Reply("Deal.", "deal agreed"), model=None, end_call=False)
    assert whole["choices"][0]["finish_reason"] == "stop" and "tool_calls" not in whole["choices"][0]["message"]


def test_signature_good_bad_stale_future() -> None:
    raw = b'{"type": "post_call_transcription"}'
    now = 1_800_000_000
    verify(raw, sign(raw, "s3cret", now - 60), "s3cret", now=now)
    for header in (sign(raw, "other", now), sign(raw + b" ", "s3cret", now), sign(raw, "s3cret", now - 31 * 60),
                   sign(raw, "s3cret", now + 3600), "t=abc,v0=00", None):
        with pytest.raises(InvalidSignature):
            verify(raw, header, "s3cret", now=now)
    with pytest.raises(InvalidSignature):
        verify(raw, sign(raw, "s3cret", now), None, now=now)


def test_event_parsing() -> None:
    failure = parse_event(json.dumps({"type": "call_initiation_failure", "event_timestamp": 1, "data": {
        "agent_id": "a", "conversation_id": "conv_1", "failure_reason": "no-answer",
        "metadata": {"type": "twilio", "body": {"CallStatus": "no-answer"}}}}).encode())
    assert isinstance(failure, InitiationFailure) and failure.no_answer and failure.conversation_id == "conv_1"
    assert isinstance(parse_event(b'{"type": "post_call_audio", "data": {}}'), UnknownEvent)


def test_phone_numbers_and_zones() -> None:
    assert to_e164("(310) 555-0100", "US") == "+13105550100"
    with pytest.raises(InvalidPhoneNumber):
        to_e164("12345", "US")
    assert zones_for("Los Angeles", "California", "US") == ["America/Los_Angeles"]
    assert zones_for(None, None, None, "+442079460958") == ["Europe/London"]


def test_calling_hours_in_local_time() -> None:
    at_8_utc = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # midnight in Los Angeles, 8am in London
    assert next_calling_time(at_8_utc, ["America/Los_Angeles"]) == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    assert next_calling_time(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), ["Europe/London"]) is None


def test_simulated_call_plays_a_persona_through_the_converse_path() -> None:
    asked: list[dict[str, object]] = []

    def converse(body: dict[str, object]) -> TurnAnswer:
        asked.append(body)
        if len(asked) >= 3:
            return TurnAnswer(Reply("Deal at two thousand dollars.", "deal agreed"),
                              Decision(action=Action.ACCEPT, offer_usd=Decimal("2000")))
        return TurnAnswer(Reply("We can offer two thousand dollars."),
                          Decision(action=Action.COUNTER, offer_usd=Decimal("2000"), deliverables=["1 reel"]))

    terms = Terms(target_usd=Decimal("1500"), max_usd=Decimal("2500"), deliverables=["1 reel"], usage_rights=None)
    request = CallRequest(call_id="ab" * 16, negotiation_id="n" * 32, to_number="+13105550100",
                          creator_name="Sarah", brand="Glow", campaign="Summer")
    placed = SimulatedProvider(converse=converse, terms=lambda _: terms).place_call(request)
    assert placed.finished is not None and placed.finished.call_id == request.call_id
    times = [line.t_s for line in placed.finished.transcript]
    assert times == sorted(times) and placed.finished.duration_s and placed.finished.duration_s >= times[-1]
    assert all(body["elevenlabs_extra_body"] == {"negotiation_id": "n" * 32, "call_id": request.call_id}
               for body in asked)
    assert len(asked[-1]["messages"]) > len(asked[0]["messages"])  # the whole conversation each turn
