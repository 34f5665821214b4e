"""The custom-LLM stream on a phone line: a slow turn speaks a filler first (before the turn is done), a failed turn
asks the creator to repeat instead of cutting the line, and neither takes a second turn."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from api.calls import voice_views
from tests.builders import make_campaign, seed_creators
from voice.spoken import to_spoken

SECRET = "dev-voice-llm-secret"
HISTORY = [{"role": "system", "content": "x"}, {"role": "assistant", "content": "Hi, this is Glow."}]


@pytest.fixture()
def settings(app: Any) -> Iterator[None]:
    before = app.extensions["settings"]
    app.extensions["settings"] = before.model_copy(update={"voice_filler_after_ms": 50.0, "voice_llm_secret": SECRET})
    yield
    app.extensions["settings"] = before


def _negotiation(client: Any, tenant: Any, database_url: str) -> str:
    [inf] = seed_creators(database_url, tenant.org_id, 1, domain=f"{os.urandom(4).hex()}.example",
                          phone="+13105550100")
    campaign = make_campaign(client, tenant)
    r = client.post("/api/v1/negotiations", headers=tenant.headers("manager"), json={
        "campaign_id": campaign["id"], "influencer_id": inf, "channel": "voice", "target_usd": 2000,
        "max_usd": 3000, "deliverables": ["1 reel", "3 stories"]})
    assert r.status_code == 201, r.json
    return r.json["id"]


def _body(neg: str, said: str, stream: bool = True) -> dict[str, Any]:
    return {"model": "x", "stream": stream, "messages": [*HISTORY, {"role": "user", "content": said}],
            "elevenlabs_extra_body": {"negotiation_id": neg},
            "tools": [{"type": "function", "function": {"name": "end_call"}}]}


def _post(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/voice/llm/chat/completions", json=body, buffered=False,
                       headers={"Authorization": f"Bearer {SECRET}"})


def _content(event: bytes | str) -> str:
    text = event.decode() if isinstance(event, bytes) else event
    return "".join(json.loads(part[6:])["choices"][0]["delta"].get("content") or ""
                   for part in text.split("\n\n") if part.startswith("data: {"))


def _influencer_turns(client: Any, tenant: Any, neg: str) -> list[str]:
    state = client.get(f"/api/v1/negotiations/{neg}", headers=tenant.headers("manager")).json
    return [m["text"] for m in state["messages"] if m["role"] == "influencer"]


def test_a_slow_turn_streams_a_filler_before_the_reply(client: Any, tenant: Any, database_url: str, settings: None,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    neg = _negotiation(client, tenant, database_url)
    release, started = threading.Event(), threading.Event()
    real = voice_views.take_voice_turn

    def slow_turn(*args: Any) -> Any:
        started.set()
        assert release.wait(10), "the test never released the turn"
        return real(*args)

    monkeypatch.setattr(voice_views, "take_voice_turn", slow_turn)
    said = "Hi! My rate is four thousand dollars."
    response = _post(client, _body(neg, said))
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    chunks = iter(response.response)
    opening, filler = next(chunks), next(chunks)
    assert started.is_set() and not release.is_set()  # both came while the turn was still running
    assert json.loads(opening.decode()[6:])["choices"][0]["delta"]["role"] == "assistant"
    assert _content(filler) == voice_views.FILLER
    release.set()
    rest = b"".join(chunks).decode()
    assert rest.endswith("data: [DONE]\n\n")
    reply = _content(rest)
    assert "dollars" in reply and "$" not in reply
    assert _influencer_turns(client, tenant, neg) == [said]
    # ElevenLabs retries the same request: the stored reply comes back at once, with no filler and no new turn.
    monkeypatch.setattr(voice_views, "take_voice_turn", real)
    again = _post(client, _body(neg, said))
    events = list(again.response)
    assert _content(b"".join(events)) == reply
    assert all(_content(event) != voice_views.FILLER for event in events)
    assert _influencer_turns(client, tenant, neg) == [said]


def test_a_fast_turn_has_no_filler(client: Any, tenant: Any, database_url: str, app: Any) -> None:
    neg = _negotiation(client, tenant, database_url)
    before = app.extensions["settings"]
    app.extensions["settings"] = before.model_copy(update={"voice_filler_after_ms": 5000.0})
    try:
        events = list(_post(client, _body(neg, "Hi! My rate is four thousand dollars.")).response)
    finally:
        app.extensions["settings"] = before
    text = _content(b"".join(events))
    assert text and not text.startswith(voice_views.FILLER.strip())


@pytest.mark.parametrize("stream", [True, False])
def test_a_broken_turn_asks_to_repeat_and_stores_nothing(client: Any, tenant: Any, database_url: str,
                                                         settings: None, monkeypatch: pytest.MonkeyPatch,
                                                         stream: bool) -> None:
    neg = _negotiation(client, tenant, database_url)

    def broken(*args: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception("the database went away"))

    monkeypatch.setattr(voice_views, "take_voice_turn", broken)
    said = "My rate is three thousand five hundred."
    r = _post(client, _body(neg, said, stream=stream))
    assert r.status_code == 200
    if stream:
        raw = b"".join(r.response).decode()
        assert raw.endswith("data: [DONE]\n\n") and _content(raw) == voice_views.MISSED
    else:
        message = json.loads(b"".join(r.response))["choices"][0]["message"]
        assert message["content"] == voice_views.MISSED and "tool_calls" not in message
    assert _influencer_turns(client, tenant, neg) == []
    monkeypatch.undo()
    r = _post(client, _body(neg, said, stream=False))
    assert r.status_code == 200 and _influencer_turns(client, tenant, neg) == [said]


def test_an_unknown_negotiation_is_404_before_streaming(client: Any, settings: None) -> None:
    r = _post(client, _body("no-such-negotiation", "hello there, my rate is two thousand"))
    assert r.status_code == 404


def _reply(client: Any, body: dict[str, Any]) -> tuple[str, bool]:
    raw = b"".join(_post(client, body).response).decode()
    return _content(raw).strip(), '"tool_calls"' in raw


def test_a_spoken_opt_out_ends_the_call_and_every_later_one(client: Any, tenant: Any, database_url: str,
                                                            settings: None) -> None:
    neg = _negotiation(client, tenant, database_url)
    text, ended = _reply(client, _body(neg, "Please stop calling me, I'm not interested."))
    assert ended and text
    r = client.post(f"/api/v1/negotiations/{neg}/calls", json={}, headers=tenant.headers("manager"))
    assert r.status_code == 422 and r.json["error"]["code"] == "do_not_call", r.json
    other = client.post(f"/api/v1/negotiations/{neg}/calls", json={"to_number": "+1 310 555 0100"},
                        headers=tenant.headers("manager"))
    assert other.status_code == 422  # the same number written another way


def test_the_opening_and_a_request_after_our_own_line(client: Any, tenant: Any, database_url: str,
                                                      settings: None) -> None:
    neg = _negotiation(client, tenant, database_url)
    opening = client.get(f"/api/v1/negotiations/{neg}", headers=tenant.headers("manager")).json["messages"][0]
    body = _body(neg, "unused")
    body["messages"] = [{"role": "system", "content": "x"}]
    text, ended = _reply(client, body)  # no first message on the agent: ours opens the call
    assert not ended and text == to_spoken(opening["text"]).strip() and "$" not in text
    body["messages"] = [*HISTORY, {"role": "user", "content": "Hi!"}, {"role": "assistant", "content": "Hi there."}]
    text, _ = _reply(client, body)  # asked again after our own line, with nothing new from the creator
    assert text == "I'm still here whenever you're ready."
    assert _influencer_turns(client, tenant, neg) == []


def test_header_only_turns_of_two_calls_do_not_collide(client: Any, tenant: Any, database_url: str,
                                                       settings: None) -> None:
    from api.calls.records import create_call
    from data.db import session_scope
    from data.models import Call, Negotiation

    neg = _negotiation(client, tenant, database_url)

    def live_call() -> str:
        with session_scope(database_url) as s:
            for old in s.query(Call).filter(Call.negotiation_id == neg):
                old.status = "completed"
            call = create_call(s, s.get(Negotiation, neg), provider="elevenlabs", to_number=None, max_attempts=1)
            call.status = "in_progress"
            return call.id

    def say(text: str) -> str:
        body = _body(neg, text)
        del body["elevenlabs_extra_body"]
        r = client.post("/voice/llm/chat/completions", json=body,
                        headers={"Authorization": f"Bearer {SECRET}", "X-Negotiation-Id": neg})
        assert r.status_code == 200
        return _content(r.get_data(as_text=True)).removeprefix(voice_views.FILLER)  # a slow first turn

    live_call()
    first = say("Hi! My rate is four thousand dollars.")
    assert say("Hi! My rate is four thousand dollars.") == first  # a retry on the same call
    live_call()  # the next call: the same positions in a new conversation
    say("Hi again. I could do three thousand five hundred.")
    assert _influencer_turns(client, tenant, neg) == ["Hi! My rate is four thousand dollars.",
                                                      "Hi again. I could do three thousand five hundred."]
