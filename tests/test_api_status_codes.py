"""Every status the OpenAPI document lists for an operation is one the running app answers, and nothing else.

For each operation: the request that succeeds (tests/status_world.py), the blind probes derived from it
(tests/status_probes.py), the same request on an app whose database is down and on one past its rate limit,
and the route-specific scenarios below for what no blind probe reaches (a conflict the state causes, a signed
webhook's answers, ElevenLabs failing). Each status seen is recorded; the test fails on a documented status
nobody reached (remove it from the document or show how it happens) and on an answer the document does not list.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from data.db import session_scope
from data.models import IdempotencyRecord
from tests.builders import PRICING, make_outreach_app, make_tenant, module_database
from tests.fakes.elevenlabs_server import FakeElevenLabs
from tests.payloads import creator
from tests.status_probes import Operation, Request, body_of, error_probes, operations
from tests.status_world import (
    COMPAT_CREATOR,
    HAPPY,
    SECRETS,
    World,
    build,
    chat,
    idempotency_fingerprint,
    inbound,
    reply_to,
    transcript_event,
    webhook,
)

ORG = f"status-probe-{uuid.uuid4().hex[:8]}"  # the PostgreSQL database is shared with the suite's other tests
DEAD_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/nothing-listens-here"
MAX_BODY = 64 * 1024
LIMIT = 3


class Apps:
    """The app under test and its variants, all on the same settings except what each varies."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.config = {"DATABASE_URL": database_url, "CHROMA_PATH": str(folder / "chroma"),
                       "OUTBOX_DIR": str(folder / "outbox"), "INFLUAI_COMPAT_ORG": ORG, "MAX_CONTENT_LENGTH": MAX_BODY,
                       **SECRETS}
        self.main = make_outreach_app(database_url, **self.config)
        self.dead = make_outreach_app(database_url, **{**self.config, "DATABASE_URL": DEAD_DATABASE})
        # One Limiter serves every app of the process and keeps the first default limit it was given (3 per
        # minute in tests/test_api_service.py too): the same here, and the probe repeats until it is refused.
        self.limited = make_outreach_app(database_url, **self.config, RATELIMIT_ENABLED=True,
                                         RATELIMIT_DEFAULT=f"{LIMIT} per minute", RATELIMIT_STORAGE_URI="memory://")

    def variant(self, **changes: Any) -> Any:
        return make_outreach_app(self.config["DATABASE_URL"], **{**self.config, **changes})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Apps]]:
    """The same probes on SQLite and on PostgreSQL, which refuses some input SQLite stores."""
    folder = tmp_path_factory.mktemp("status")
    url = module_database(request.param, folder)
    tenant = make_tenant(url, ORG)
    apps = Apps(folder, url)
    w = World(apps.main.test_client(), tenant.keys, url, tenant.org_id, folder / "outbox")
    build(w)
    yield w, apps


Scenario = Callable[[World, Apps], Any]
"""A route-specific way to a status: returns the response."""


def _send(w: World, request: Request, client: Any = None) -> Any:
    return request.send(client or w.client, w.keys)


def _in_progress(w: World, apps: Apps, request: Request) -> Any:
    """The same request while a first one with its Idempotency-Key is still running (409)."""
    key = f"probe-{w.fresh()}"
    request = replace(request, headers={**request.headers, "Idempotency-Key": key})
    fingerprint = idempotency_fingerprint(apps.main, request, w.keys)
    with session_scope(w.database_url) as s:
        s.add(IdempotencyRecord(org_id=w.org_id, key=key, endpoint=request.url.partition("?")[0],
                                request_hash=fingerprint))
    return _send(w, request)


def _voice_session(w: World, apps: Apps, *, api_key: str, base_url: str) -> Any:
    app = apps.variant(VOICE_PROVIDER="elevenlabs", ELEVENLABS_API_KEY=api_key, ELEVENLABS_AGENT_ID="agent-1",
                       ELEVENLABS_BASE_URL=base_url, ELEVENLABS_TIMEOUT_S=5)
    return _send(w, Request("get", f"/api/v1/negotiations/{w.negotiation('voice')}/voice-session"), app.test_client())


def _refused_session(w: World, apps: Apps) -> Any:
    with FakeElevenLabs(api_key="the-right-key") as fake:  # ElevenLabs answers 401: retrying cannot help
        return _voice_session(w, apps, api_key="a-revoked-key", base_url=fake.base_url)


def _closed(w: World, channel: str = "email") -> str:
    neg = w.negotiation(channel)
    w.close(neg)
    return neg


def _ended_conversation(w: World) -> str:
    cid = w.post("/negotiate", {"influencerData": {**COMPAT_CREATOR, "name": "Ended Creator"}}, role=None)
    w.post("/end-conversation", {"conversationId": cid["conversationId"]}, role=None)
    return cid["conversationId"]


def _suppressed_creator(w: World) -> Any:
    email = "asked-not-to@creators.example"
    from agent.outreach.suppression import suppress

    with session_scope(w.database_url) as s:
        suppress(s, w.org_id, email, "unsubscribe")
    return _send(w, Request("post", "/negotiate", role=None, json_body={
        "influencerData": {**COMPAT_CREATOR, "name": "Quiet Creator", "email": email}}))


def _scenarios() -> Iterator[tuple[str, int, str, Scenario]]:
    yield "DELETE /api/v1/campaigns/{campaign_id}", 409, "a campaign whose outreach is running", lambda w, a: _send(
        w, Request("delete", f"/api/v1/campaigns/{_launching(w)}"))
    for label in [label for label in HAPPY if label.startswith("POST") and _idempotent(label)]:
        yield label, 409, "the same Idempotency-Key still in progress", lambda w, a, label=label: _in_progress(
            w, a, HAPPY[label](w))
    yield "POST /api/v1/influencers", 409, "an account another creator has", lambda w, a: _send(
        w, Request("post", "/api/v1/influencers", json_body=creator(w.creator_n, name="Someone Else")))
    yield "PATCH /api/v1/influencers/{influencer_id}", 409, "an account another creator has", lambda w, a: _send(
        w, Request("patch", f"/api/v1/influencers/{w.influencer()}",
                   json_body={"platforms": creator(w.creator_n)["platforms"]}))
    yield "POST /api/v1/influencers/import", 415, "a PDF", lambda w, a: _send(
        w, Request("post", "/api/v1/influencers/import", files={"file": (b"%PDF-1.7", "creators.pdf")}))
    yield "POST /api/v1/influencers/import/preview", 415, "a PDF", lambda w, a: _send(
        w, Request("post", "/api/v1/influencers/import/preview", files={"file": (b"%PDF-1.7", "creators.pdf")}))
    yield "POST /api/v1/negotiations", 404, "a campaign nobody has", lambda w, a: _send(w, Request(
        "post", "/api/v1/negotiations", json_body={"campaign_id": "missing", "influencer_id": w.ids["influencer_id"],
                                                   "channel": "chat", "target_usd": 2000, "max_usd": 3000}))
    yield "POST /api/v1/negotiations", 409, "a second open negotiation", lambda w, a: _send(w, Request(
        "post", "/api/v1/negotiations", json_body=_duplicate_negotiation(w)))
    for path in ("calls", "messages"):
        yield f"POST /api/v1/negotiations/{{negotiation_id}}/{path}", 409, "a closed negotiation", \
            lambda w, a, path=path: _send(w, Request("post", f"/api/v1/negotiations/{_closed(w, 'voice')}/{path}",
                                                     json_body={"text": "Hello"} if path == "messages" else {}))
    yield "POST /api/v1/negotiations/{negotiation_id}/messages", 202, "a negotiation a person took over", \
        lambda w, a: _send(w, Request("post", f"/api/v1/negotiations/{w.taken_over()}/messages",
                                      json_body={"text": "Any news?"}))
    yield "GET /api/v1/negotiations/{negotiation_id}/voice-session", 409, "a closed negotiation", lambda w, a: _send(
        w, Request("get", f"/api/v1/negotiations/{_closed(w, 'voice')}/voice-session"))
    yield "GET /api/v1/negotiations/{negotiation_id}/voice-session", 422, "ElevenLabs refuses", \
        _refused_session
    yield "GET /api/v1/negotiations/{negotiation_id}/voice-session", 502, "ElevenLabs fails", \
        lambda w, a: _voice_session(w, a, api_key="k", base_url="http://127.0.0.1:1")  # nothing listens
    yield "POST /api/v1/negotiations/{negotiation_id}/agent-messages", 409, "not taken over", lambda w, a: _send(
        w, Request("post", f"/api/v1/negotiations/{w.negotiation()}/agent-messages", json_body={"text": "Hi"}))
    yield "POST /api/v1/negotiations/{negotiation_id}/resume", 409, "not taken over", lambda w, a: _send(
        w, Request("post", f"/api/v1/negotiations/{w.negotiation()}/resume", json_body={}))
    yield "POST /api/v1/negotiations/{negotiation_id}/takeover", 409, "taken over already", lambda w, a: _send(
        w, Request("post", f"/api/v1/negotiations/{w.taken_over()}/takeover", json_body={}))
    yield "POST /api/v1/replays", 404, "a negotiation nobody has", lambda w, a: _send(
        w, Request("post", "/api/v1/replays", json_body={"negotiation_ids": ["missing"]}))
    yield "POST /api/v1/search", 404, "a session nobody has", lambda w, a: _send(
        w, Request("post", "/api/v1/search", json_body={"query": "and in Texas", "session_id": "missing"}))
    for label in ("POST /negotiate", "POST /negotiate-conversation", "POST /end-conversation", "POST /search"):
        yield label, 404, "the InfluAI routes switched off", lambda w, a, label=label: _send(
            w, HAPPY[label](w), a.variant(INFLUAI_COMPAT_ORG="").test_client())
    yield "POST /negotiate", 409, "a creator who unsubscribed", lambda w, a: _suppressed_creator(w)
    yield "POST /negotiate-conversation", 409, "an ended conversation", lambda w, a: _send(w, Request(
        "post", "/negotiate-conversation", role=None, json_body={"conversationId": _ended_conversation(w),
                                                                 "userMessage": "Still there?"}))
    yield from _signed_scenarios()


def _signed_scenarios() -> Iterator[tuple[str, int, str, Scenario]]:
    route = "POST /api/v1/email/inbound"
    unmatched = json.dumps({"from": "stranger@elsewhere.example", "text": "Who is this?",
                            "message_id": "<stranger@elsewhere.example>"}).encode()
    yield route, 202, "a reply to nothing we sent", lambda w, a: _send(w, inbound(unmatched))
    yield route, 400, "signed, not JSON", lambda w, a: _send(w, inbound(b'{"from": '))
    yield route, 415, "signed, not JSON either", lambda w, a: _send(w, inbound(b"from=x", content_type="text/plain"))
    yield route, 413, "signed, too large", lambda w, a: _send(w, inbound(b'{"text": "' + b"a" * MAX_BODY + b'"}'))
    yield route, 422, "signed, no text", lambda w, a: _send(w, inbound(b'{"from": "someone@creators.example"}'))
    yield route, 503, "signed, database down", lambda w, a: _send(
        w, inbound(reply_to(w.launched_email(), "Sounds good")), a.dead.test_client())
    route = "POST /voice/llm/chat/completions"
    yield route, 401, "a wrong bearer", lambda w, a: _send(w, replace(chat("x"), headers={"Authorization": "Bearer x"}))
    yield route, 400, "not JSON", lambda w, a: _send(w, replace(chat("x"), json_body=None, data=b'{"model'))
    yield route, 404, "a negotiation nobody has", lambda w, a: _send(w, chat("missing"))
    yield route, 413, "too large", lambda w, a: _send(w, chat(w.ids["voice_negotiation"], "a" * MAX_BODY))
    yield route, 422, "not a chat request", lambda w, a: _send(w, replace(chat("x"), json_body={"messages": "hi"}))
    route = "POST /voice/webhooks/elevenlabs"
    not_an_event = b'{"type": "post_call_transcription", "data": []}'
    yield route, 400, "signed, not an event", lambda w, a: _send(w, webhook(not_an_event))
    yield route, 413, "too large", lambda w, a: _send(w, webhook(b'{"x": "' + b"a" * MAX_BODY + b'"}'))
    yield route, 503, "signed, database down", lambda w, a: _send(w, webhook(transcript_event(w)), a.dead.test_client())


def _idempotent(label: str) -> bool:
    return label in {"POST /api/v1/campaigns/{campaign_id}/launch", "POST /api/v1/influencers/import",
                     "POST /api/v1/negotiations/{negotiation_id}/calls"}


def _launching(w: World) -> str:
    campaign = w.campaign()
    w.post(f"/api/v1/campaigns/{campaign}/launch", {"influencer_ids": [w.influencer()], "pricing": PRICING})
    return campaign


def _duplicate_negotiation(w: World) -> dict[str, Any]:
    body = {"campaign_id": w.campaign(), "influencer_id": w.influencer(), "channel": "chat", "target_usd": 2000,
            "max_usd": 3000, "deliverables": ["1 reel"]}
    w.post("/api/v1/negotiations", body)
    return body


def test_every_documented_status_is_reached_and_every_answer_is_documented(world: tuple[World, Apps]) -> None:
    w, apps = world
    document = w.client.get("/openapi.json").json
    seen: dict[str, dict[int, str]] = defaultdict(dict)
    ops = {op.label: op for op in operations(document)}
    assert len(ops) >= 45 and not set(ops) - set(HAPPY), f"no succeeding request for {sorted(set(ops) - set(HAPPY))}"

    def record(op: Operation, how: str, response: Any) -> None:
        seen[op.label].setdefault(response.status_code, f"{how}: {body_of(response)}")

    for op in ops.values():
        happy = HAPPY[op.label](w)
        record(op, "the request that succeeds", _send(w, happy))
        for how, probe in error_probes(op, happy, MAX_BODY):
            record(op, how, _send(w, probe))
        record(op, "the database down", _send(w, HAPPY[op.label](w), apps.dead.test_client()))
        limited = apps.limited.test_client()
        again = HAPPY[op.label](w)
        for _ in range(LIMIT + 1):
            last = _send(w, again, limited)
            if last.status_code == 429:
                break
        record(op, f"request {LIMIT + 1} in a minute", last)
    wanted: dict[tuple[str, int], str] = {}
    for label, status, how, scenario in _scenarios():
        response = scenario(w, apps)
        record(ops[label], how, response)
        if response.status_code != status:
            wanted[(label, status)] = f"{how} answered {response.status_code}: {body_of(response)}"

    unreached = {f"{label} {code}": op.spec["responses"][str(code)]["description"]
                 for label, op in ops.items() for code in sorted(op.documented - set(seen[label]))}
    undocumented = {f"{label} {code}": why for label, op in ops.items()
                    for code, why in sorted(seen[label].items()) if code not in op.documented}
    assert not wanted, "scenarios that missed their status:\n" + "\n".join(f"{k}: {v}" for k, v in wanted.items())
    assert not unreached, "documented but never answered:\n" + "\n".join(f"{k}: {v}" for k, v in unreached.items())
    assert not undocumented, "answered but not documented:\n" + "\n".join(f"{k} ({v})" for k, v in undocumented.items())
    assert sum(len(codes) for codes in seen.values()) >= 300


def test_the_document_lists_statuses_by_what_routes_take() -> None:
    """Spot checks of the derivation: a route every role may use has no 403, one without input no 422."""
    from api import create_app

    app = create_app({"DATABASE_URL": "sqlite://", "TESTING": True})
    paths = app.test_client().get("/openapi.json").json["paths"]
    assert set(paths["/api/v1/me"]["get"]["responses"]) == {"200", "401", "429", "503"}
    assert set(paths["/metrics"]["get"]["responses"]) == {"200"}
    launch = paths["/api/v1/campaigns/{campaign_id}/launch"]["post"]
    assert "409" in launch["responses"] and any(p["name"] == "Idempotency-Key" for p in launch["parameters"])
    assert "multipart/form-data" in paths["/api/v1/influencers/import"]["post"]["requestBody"]["content"]
