"""One organization with something of everything, and for each operation of the API one request that succeeds.

tests/test_api_status_codes.py sends these to see every documented success status, and derives its other
probes from them (the same request without a key, with a refused role, against ids nobody has, with the
database down, past the rate limit). Requests that use something up (a delete, a takeover) make their own.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from api.outreach.inbound_mail import sign_inbound
from api.outreach.tokens import UnsubscribeClaim, make_unsubscribe_token
from data.db import session_scope
from data.models import Negotiation, OutreachEmail
from tests.builders import PRICING, awake_city, read_outbox, seed_creators, simulated_call
from tests.fakes.elevenlabs_server import conversation_body
from tests.payloads import CAMPAIGN, creator
from tests.status_probes import JSON, Request
from voice.webhooks import sign

SECRETS = {"INBOUND_EMAIL_SECRET": "probe-inbound", "ELEVENLABS_WEBHOOK_SECRET": "probe-webhook",
           "VOICE_LLM_SECRET": "probe-voice-llm", "SECRET_KEY": "probe-unsubscribe"}
COMPAT_CREATOR = {"name": "Aarav Mehta", "platform": "Instagram", "followers": 85000, "rate": 25000,
                  "engagement_rate": "3.5%", "location": "Mumbai, India",
                  "dealDetails": ["Budget: $5,000", "Deliverables: 2 Instagram Posts, 1 Story"]}


@dataclass
class World:
    client: Any
    keys: dict[str, str]
    database_url: str
    org_id: str
    outbox: Path
    ids: dict[str, str] = field(default_factory=dict)
    creator_n: int = 0
    """The creator number (tests/payloads.creator) of ids["influencer_id"]: its accounts are taken."""
    _n: Any = field(default_factory=lambda: itertools.count(100))

    def fresh(self) -> int:
        """A number nothing in the world uses yet (creator numbers, keys)."""
        return next(self._n)

    def post(self, path: str, body: Any, role: str = "admin", **headers: str) -> Any:
        r = Request("post", path, headers=headers, json_body=body, role=role).send(self.client, self.keys)
        assert r.status_code < 300, (path, r.status_code, r.get_data(as_text=True)[:500])
        return r.json

    def influencer(self, **changes: Any) -> str:
        return self.post("/api/v1/influencers", creator(self.fresh(), **changes))["id"]

    def campaign(self) -> str:
        return self.post("/api/v1/campaigns", CAMPAIGN)["id"]

    def negotiation(self, channel: str = "email", influencer: str | None = None) -> str:
        if influencer is None and channel == "voice":
            [influencer] = seed_creators(self.database_url, self.org_id, 1, start=self.fresh(),
                                         phone="+13105550100", location=awake_city())
        body = {"campaign_id": self.campaign(), "influencer_id": influencer or self.influencer(), "channel": channel,
                "target_usd": 2000, "max_usd": 3000, "deliverables": ["1 reel", "3 stories"]}
        return self.post("/api/v1/negotiations", body)["id"]

    def taken_over(self) -> str:
        neg = self.negotiation()
        self.post(f"/api/v1/negotiations/{neg}/takeover", {"note": "I'll take it from here"})
        return neg

    def close(self, negotiation_id: str, status: str = "agreed") -> None:
        with session_scope(self.database_url) as s:
            s.get(Negotiation, negotiation_id).status = status

    def key(self) -> str:
        return self.post("/api/v1/keys", {"role": "marketer", "label": "probe"})["id"]

    def launched_email(self) -> OutreachEmail:
        """The first email of a launched campaign, as sent (the inbound reply answers it)."""
        [inf] = seed_creators(self.database_url, self.org_id, 1, start=self.fresh(), domain="launch.example")
        campaign = self.campaign()
        self.post(f"/api/v1/campaigns/{campaign}/launch", {"influencer_ids": [inf], "pricing": PRICING})
        from api.jobs import wait_idle

        assert wait_idle(30)
        with session_scope(self.database_url) as s:
            row = s.scalars(select(OutreachEmail).where(OutreachEmail.campaign_id == campaign)).one()
            s.expunge(row)
        assert any(m["Message-ID"] == row.message_id for m in read_outbox(self.outbox))
        return row


def build(w: World) -> None:
    """The ids the happy requests and the path probes use."""
    w.creator_n = w.fresh()
    w.ids["influencer_id"] = w.post("/api/v1/influencers", creator(w.creator_n))["id"]
    w.ids["campaign_id"] = w.campaign()
    w.ids["negotiation_id"] = neg = w.negotiation()
    w.post(f"/api/v1/negotiations/{neg}/messages", {"text": "Thanks! My rate for this is $2,800."})
    replay = w.post("/api/v1/replays", {"negotiation_ids": [neg]})
    w.ids["replay_id"], w.ids["job_id"] = replay["replay_id"], replay["job_id"]
    w.ids["call_id"] = simulated_call(w.database_url, neg)
    w.ids["key_id"] = w.key()
    claim = UnsubscribeClaim(w.org_id, "someone@creators.example", w.ids["campaign_id"], w.ids["influencer_id"])
    w.ids["token"] = make_unsubscribe_token(SECRETS["SECRET_KEY"], claim)
    w.ids["voice_negotiation"] = w.negotiation("voice")


CSV = b"name,handle,platform,followers,email\nMira Sol,mirasol,instagram,42000,mira@sol.example\n"


def inbound(raw: bytes, secret: str = SECRETS["INBOUND_EMAIL_SECRET"], content_type: str = "application/json",
            ) -> Request:
    headers = {"Content-Type": content_type, **sign_inbound(secret, raw)}
    return Request("post", "/api/v1/email/inbound", headers=headers, data=raw, role=None)


def reply_to(row: OutreachEmail, text: str) -> bytes:
    return json.dumps({"from": row.to_addr, "to": "maya@lumen.example.com", "subject": f"Re: {row.subject}",
                       "text": text, "in_reply_to": row.message_id,
                       "message_id": f"<probe-{time.time_ns()}@creators.example>"}).encode()


def chat(negotiation_id: str, text: str = "Hi! My rate is $2,600.", **changes: Any) -> Request:
    body = {"model": "custom-llm", "stream": False, "messages": [{"role": "user", "content": text}],
            "elevenlabs_extra_body": {"negotiation_id": negotiation_id}, **changes}
    return Request("post", "/voice/llm/chat/completions", json_body=body, role=None,
                   headers={"Authorization": f"Bearer {SECRETS['VOICE_LLM_SECRET']}"})


def webhook(raw: bytes, secret: str = SECRETS["ELEVENLABS_WEBHOOK_SECRET"]) -> Request:
    return Request("post", "/voice/webhooks/elevenlabs", data=raw, role=None,
                   headers={"ElevenLabs-Signature": sign(raw, secret, int(time.time())), **JSON})


def transcript_event(w: World) -> bytes:
    """A post-call webhook body for the world's call, as ElevenLabs sends it."""
    neg, call = w.ids["negotiation_id"], w.ids["call_id"]
    lines = [{"role": "agent", "message": "Hi", "time_in_call_secs": 0},
             {"role": "user", "message": "My rate is $4,000.", "time_in_call_secs": 3}]
    data = conversation_body(f"conv_{call}", lines,
                             client_data={"custom_llm_extra_body": {"negotiation_id": neg, "call_id": call}},
                             summary="Asked for 4000.", start_unix=int(time.time()) - 60)
    return json.dumps({"type": "post_call_transcription", "event_timestamp": int(time.time()), "data": data}).encode()


def idempotency_fingerprint(app: Any, request: Request, keys: dict[str, str]) -> str:
    """What api/http/idempotency.py stores for `request`, computed by its own code."""
    from api.http.idempotency import _request_fingerprint

    kwargs = request.open_kwargs(keys)
    with app.test_request_context(request.url, **kwargs):
        return _request_fingerprint()


Happy = Callable[[World], Request]


def _get(path: str, role: str = "admin") -> Happy:
    return lambda w: Request("get", path.format(**w.ids), role=role)


HAPPY: dict[str, Happy] = {
    "GET /api/v1/calls": _get("/api/v1/calls"),
    "GET /api/v1/calls/{call_id}": _get("/api/v1/calls/{call_id}"),
    "GET /api/v1/campaigns": _get("/api/v1/campaigns"),
    "POST /api/v1/campaigns": lambda w: Request("post", "/api/v1/campaigns", json_body=CAMPAIGN),
    "DELETE /api/v1/campaigns/{campaign_id}": lambda w: Request("delete", f"/api/v1/campaigns/{w.campaign()}"),
    "GET /api/v1/campaigns/{campaign_id}": _get("/api/v1/campaigns/{campaign_id}"),
    "PATCH /api/v1/campaigns/{campaign_id}": lambda w: Request(
        "patch", f"/api/v1/campaigns/{w.ids['campaign_id']}", json_body={"goals": "Awareness, then sales"}),
    "POST /api/v1/campaigns/{campaign_id}/drafts": lambda w: Request(
        "post", f"/api/v1/campaigns/{w.ids['campaign_id']}/drafts",
        json_body={"influencer_id": w.ids["influencer_id"]}),
    "POST /api/v1/campaigns/{campaign_id}/influencers": lambda w: Request(
        "post", f"/api/v1/campaigns/{w.ids['campaign_id']}/influencers",
        json_body={"influencer_ids": [w.ids["influencer_id"]]}),
    "POST /api/v1/campaigns/{campaign_id}/launch": lambda w: Request(
        "post", f"/api/v1/campaigns/{w.campaign()}/launch",
        json_body={"influencer_ids": [w.influencer()], "pricing": PRICING}),
    "POST /api/v1/email/inbound": lambda w: inbound(reply_to(w.launched_email(), "Interested! My rate is $2,800.")),
    "GET /api/v1/influencers": _get("/api/v1/influencers"),
    "POST /api/v1/influencers": lambda w: Request("post", "/api/v1/influencers", json_body=creator(w.fresh())),
    "POST /api/v1/influencers/import": lambda w: Request("post", "/api/v1/influencers/import",
                                                         files={"file": (CSV, "creators.csv")}),
    "POST /api/v1/influencers/import/preview": lambda w: Request("post", "/api/v1/influencers/import/preview",
                                                                 files={"file": (CSV, "creators.csv")}),
    "DELETE /api/v1/influencers/{influencer_id}": lambda w: Request("delete", f"/api/v1/influencers/{w.influencer()}"),
    "GET /api/v1/influencers/{influencer_id}": _get("/api/v1/influencers/{influencer_id}"),
    "PATCH /api/v1/influencers/{influencer_id}": lambda w: Request(
        "patch", f"/api/v1/influencers/{w.ids['influencer_id']}", json_body={"bio": "Skincare, honestly."}),
    "GET /api/v1/influencers/{influencer_id}/similar": _get("/api/v1/influencers/{influencer_id}/similar"),
    "GET /api/v1/jobs/{job_id}": _get("/api/v1/jobs/{job_id}"),
    "GET /api/v1/keys": _get("/api/v1/keys"),
    "POST /api/v1/keys": lambda w: Request("post", "/api/v1/keys", json_body={"role": "evaluator"}),
    "DELETE /api/v1/keys/{key_id}": lambda w: Request("delete", f"/api/v1/keys/{w.key()}"),
    "GET /api/v1/me": _get("/api/v1/me"),
    "GET /api/v1/negotiations": _get("/api/v1/negotiations"),
    "POST /api/v1/negotiations": lambda w: Request("post", "/api/v1/negotiations", json_body={
        "campaign_id": w.campaign(), "influencer_id": w.influencer(), "channel": "chat", "target_usd": 2000,
        "max_usd": 3000, "deliverables": ["1 reel"]}),
    "GET /api/v1/negotiations/{negotiation_id}": _get("/api/v1/negotiations/{negotiation_id}"),
    "POST /api/v1/negotiations/{negotiation_id}/agent-messages": lambda w: Request(
        "post", f"/api/v1/negotiations/{w.taken_over()}/agent-messages",
        json_body={"text": "We can do $2,200 for the package.", "offer_usd": 2200}),
    "GET /api/v1/negotiations/{negotiation_id}/annotations": _get("/api/v1/negotiations/{negotiation_id}/annotations"),
    "POST /api/v1/negotiations/{negotiation_id}/annotations": lambda w: Request(
        "post", f"/api/v1/negotiations/{w.ids['negotiation_id']}/annotations",
        json_body={"turn": 1, "label": "good"}),
    "POST /api/v1/negotiations/{negotiation_id}/calls": lambda w: Request(
        "post", f"/api/v1/negotiations/{w.negotiation('voice')}/calls", json_body={}),
    "POST /api/v1/negotiations/{negotiation_id}/messages": lambda w: Request(
        "post", f"/api/v1/negotiations/{w.negotiation()}/messages", json_body={"text": "My rate is $2,900."}),
    "POST /api/v1/negotiations/{negotiation_id}/resume": lambda w: Request(
        "post", f"/api/v1/negotiations/{w.taken_over()}/resume", json_body={}),
    "POST /api/v1/negotiations/{negotiation_id}/takeover": lambda w: Request(
        "post", f"/api/v1/negotiations/{w.negotiation()}/takeover", json_body={}),
    "GET /api/v1/negotiations/{negotiation_id}/transcript": _get("/api/v1/negotiations/{negotiation_id}/transcript"),
    "GET /api/v1/negotiations/{negotiation_id}/voice-session": _get(
        "/api/v1/negotiations/{voice_negotiation}/voice-session"),
    "GET /api/v1/replays": _get("/api/v1/replays"),
    "POST /api/v1/replays": lambda w: Request("post", "/api/v1/replays",
                                              json_body={"negotiation_ids": [w.ids["negotiation_id"]]}),
    "GET /api/v1/replays/{replay_id}": _get("/api/v1/replays/{replay_id}"),
    "POST /api/v1/search": lambda w: Request("post", "/api/v1/search",
                                             json_body={"query": "beauty creators with 50K+ followers"}),
    "POST /api/v1/search/parse": lambda w: Request("post", "/api/v1/search/parse",
                                                   json_body={"query": "beauty creators in LA"}),
    "POST /end-conversation": lambda w: Request("post", "/end-conversation", role=None, json_body={
        "conversationId": w.post("/negotiate", {"influencerData": COMPAT_CREATOR}, role=None)["conversationId"]}),
    "GET /health": _get("/health", role=None),
    "GET /metrics": _get("/metrics", role=None),
    "POST /negotiate": lambda w: Request("post", "/negotiate", role=None, json_body={
        "userPrompt": "A friendly first email", "influencerData": {**COMPAT_CREATOR, "name": f"Creator {w.fresh()}"}}),
    "POST /negotiate-conversation": lambda w: Request("post", "/negotiate-conversation", role=None, json_body={
        "conversationId": f"probe-{w.fresh()}", "userMessage": "My rate is $4,000.",
        "influencerData": COMPAT_CREATOR}),
    "GET /openapi.json": _get("/openapi.json", role=None),
    "POST /search": lambda w: Request("post", "/search?prompt=beauty%20creators&limit=5", role=None),
    "GET /u/{token}": _get("/u/{token}", role=None),
    "POST /u/{token}": lambda w: Request("post", f"/u/{w.ids['token']}", role=None),
    "POST /voice/llm/chat/completions": lambda w: chat(w.ids["voice_negotiation"]),
    "POST /voice/webhooks/elevenlabs": lambda w: webhook(transcript_event(w)),
}
