"""Outreach through the HTTP API (README "Campaigns, outreach and follow-ups"):
drafts, launch, unsubscribe page, inbound replies, follow-ups.

Mail goes to a file outbox in a temporary directory (one .eml per Message-ID), read back to check headers.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from agent.outreach import Fact, fact_holds
from api import jobs
from api.outreach.followups import send_due_followups
from api.outreach.inbound_mail import sign_inbound
from api.outreach.send_limits import LocalBucket, RedisBucket, parse_rate
from api.outreach.sending import SendResult, send_row
from data.db import session_scope
from data.models import Negotiation, NegotiationMessage, OutreachEmail, Suppression
from tests.builders import (
    BASE_URL,
    INBOUND_SECRET,
    PRICING,
    launch_to,
    make_campaign,
    make_outreach_app,
    members,
    post_inbound,
    read_outbox,
    seed_creators,
    service_url,
    to,
)
from tests.payloads import CAMPAIGN


@pytest.fixture()
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture()
def oapp(database_url: str, outbox: Path) -> Any:
    app = make_outreach_app(database_url, MAIL_TRANSPORT=f"outbox:{outbox}", INBOUND_EMAIL_SECRET=INBOUND_SECRET)
    yield app
    jobs.wait_idle()


@pytest.fixture()
def oclient(oapp: Any) -> Any:
    """The outreach app's client; the test body runs in that app's context, as its tasks do."""
    with oapp.app_context():
        yield oapp.test_client()


# ---------------------------------------------------------------- drafts


def test_draft_facts_are_true_and_variants_offered(oclient, tenant, database_url):
    [inf_id] = seed_creators(database_url, tenant.org_id, 1)
    campaign = make_campaign(oclient, tenant)
    r = oclient.post(f"/api/v1/campaigns/{campaign['id']}/drafts", json={"influencer_id": inf_id},
                     headers=tenant.headers("marketer"))
    assert r.status_code == 200, r.json
    body = r.json
    assert len(set(body["subject_variants"])) >= 2 and body["subject"] in body["subject_variants"]
    profile = oclient.get(f"/api/v1/influencers/{inf_id}", headers=tenant.headers("marketer")).json
    assert body["facts"], "a personal email relies on at least one fact"
    for fact in body["facts"]:
        assert fact_holds(Fact(field=fact["field"], value=fact["value"]), profile), fact
    assert CAMPAIGN["sender"]["postal_address"] in body["body_text"]
    assert f"{BASE_URL}/u/" in body["body_text"] and "{{" not in body["body_text"]
    assert body["problems"] == []


def test_draft_tenancy_and_roles(oclient, tenant, other_tenant, database_url):
    [mine] = seed_creators(database_url, tenant.org_id, 1)
    [theirs] = seed_creators(database_url, other_tenant.org_id, 1)
    campaign = make_campaign(oclient, tenant)
    foreign_campaign = make_campaign(oclient, other_tenant)
    url = f"/api/v1/campaigns/{campaign['id']}/drafts"
    assert oclient.post(url, json={"influencer_id": theirs}, headers=tenant.headers("manager")).status_code == 404
    r = oclient.post(f"/api/v1/campaigns/{foreign_campaign['id']}/drafts", json={"influencer_id": mine},
                     headers=tenant.headers("manager"))
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    r = oclient.post(url, json={"influencer_id": mine}, headers=tenant.headers("evaluator"))
    assert r.status_code == 403
    r = oclient.post(url, json={}, headers=tenant.headers("marketer"))
    assert r.status_code == 422 and "influencer_id" in r.json["error"]["fields"]


# ---------------------------------------------------------------- launch


def test_launch_sends_opens_negotiations_and_replays_by_key(oclient, tenant, database_url, outbox):
    ids = seed_creators(database_url, tenant.org_id, 3)
    campaign = make_campaign(oclient, tenant)
    first = launch_to(oclient, tenant, campaign["id"], ids, key="launch-1")
    assert first.status_code == 202, first.json
    again = launch_to(oclient, tenant, campaign["id"], ids, key="launch-1")
    assert again.status_code == 202 and again.json == first.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    jobs.wait_idle()
    job = oclient.get(f"/api/v1/jobs/{first.json['job_id']}", headers=tenant.headers("manager")).json
    assert job["status"] == "done" and job["progress"] == 1.0 and job["processed"] == 3 and job["failed"] == 0
    sent = read_outbox(outbox)
    assert sorted(str(m["To"]) for m in sent) == ["c0@creators.example", "c1@creators.example", "c2@creators.example"]
    for message in sent:
        assert message["List-Unsubscribe"].startswith(f"<{BASE_URL}/u/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert CAMPAIGN["sender"]["postal_address"] in message.get_body(("plain",)).get_content()
    state = members(database_url, campaign["id"])
    assert {m.status for m in state.values()} == {"sent"}
    assert all(m.next_followup_at is not None for m in state.values())
    with session_scope(database_url) as s:
        negs = list(s.scalars(select(Negotiation).where(Negotiation.campaign_id == campaign["id"])))
        assert len(negs) == 3
        assert {(n.channel, n.target_usd, n.max_usd) for n in negs} == {("email", 2000, 3000)}
        assert all(n.deliverables for n in negs)
        rows = list(s.scalars(select(OutreachEmail).where(OutreachEmail.campaign_id == campaign["id"])))
        assert {r.status for r in rows} == {"sent"} and all(r.negotiation_id for r in rows)


def test_launch_validation_roles_and_tenancy(oclient, tenant, other_tenant, database_url):
    [mine] = seed_creators(database_url, tenant.org_id, 1)
    [theirs] = seed_creators(database_url, other_tenant.org_id, 1)
    campaign = make_campaign(oclient, tenant)
    url = f"/api/v1/campaigns/{campaign['id']}/launch"
    body = {"influencer_ids": [mine], "pricing": PRICING}
    assert oclient.post(url, json=body, headers=tenant.headers("marketer")).status_code == 403
    r = oclient.post(url, json={**body, "influencer_ids": [mine, theirs]}, headers=tenant.headers("manager"))
    assert r.status_code == 404 and r.json["error"]["fields"] == {"influencer_ids.1": "not found"}
    r = oclient.post(url, json={**body, "pricing": {"target_usd": 5000, "max_usd": 3000}},
                     headers=tenant.headers("manager"))
    assert r.status_code == 422
    no_sender = make_campaign(oclient, tenant, sender=None)
    r = oclient.post(f"/api/v1/campaigns/{no_sender['id']}/launch", json=body, headers=tenant.headers("manager"))
    assert r.status_code == 422 and "campaign.sender.postal_address" in r.json["error"]["fields"]


def test_voice_launch_opens_voice_negotiation_without_email(oclient, tenant, database_url, outbox):
    [inf_id] = seed_creators(database_url, tenant.org_id, 1)
    campaign = make_campaign(oclient, tenant)
    r = launch_to(oclient, tenant, campaign["id"], [inf_id], channel="voice")
    assert r.status_code == 202
    jobs.wait_idle()
    assert read_outbox(outbox) == []
    assert members(database_url, campaign["id"])[inf_id].status == "negotiating"
    with session_scope(database_url) as s:
        neg = s.scalars(select(Negotiation).where(Negotiation.campaign_id == campaign["id"])).one()
        assert neg.channel == "voice"


def test_a_sending_row_left_by_a_dead_worker_is_resent_with_the_same_message_id(oclient, tenant, database_url,
                                                                                outbox):
    [inf_id] = seed_creators(database_url, tenant.org_id, 1)
    campaign = make_campaign(oclient, tenant)
    launch_to(oclient, tenant, campaign["id"], [inf_id])
    jobs.wait_idle()
    [first] = read_outbox(outbox)
    with session_scope(database_url) as s:  # as if the worker died after the server took it, before "sent"
        row = s.scalars(select(OutreachEmail).where(OutreachEmail.influencer_id == inf_id)).one()
        row.status, row.claimed_at, row.sent_at = "sending", datetime.now(UTC) - timedelta(minutes=10), None
        row_id = row.id
    assert send_row(row_id) is SendResult.SENT
    again = read_outbox(outbox)
    assert len(again) == 1 and again[0]["Message-ID"] == first["Message-ID"]  # the outbox dedupes by Message-ID
    assert send_row(row_id) is SendResult.ALREADY_SENT
    with session_scope(database_url) as s:  # a fresh claim by a live worker is left alone
        row = s.get(OutreachEmail, row_id)
        row.status, row.claimed_at, row.sent_at = "sending", datetime.now(UTC), None
    assert send_row(row_id) is SendResult.IN_FLIGHT


# ---------------------------------------------------------------- unsubscribe page


def test_unsubscribe_page_confirms_then_post_suppresses(oclient, tenant, database_url, outbox):
    ids = seed_creators(database_url, tenant.org_id, 2)
    campaign = make_campaign(oclient, tenant)
    launch_to(oclient, tenant, campaign["id"], ids)
    jobs.wait_idle()
    [message] = to(read_outbox(outbox), "c0@creators.example")
    path = message["List-Unsubscribe"].strip("<>").removeprefix(BASE_URL)
    page = oclient.get(path)
    assert page.status_code == 200 and b"<form method=\"post\"" in page.data and b"c0@creators.example" in page.data
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(Suppression)
                        .where(Suppression.org_id == tenant.org_id)) == 0
    done = oclient.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and b"unsubscribed" in done.data
    assert oclient.post(path).status_code == 200  # twice is fine
    with session_scope(database_url) as s:
        rows = list(s.scalars(select(Suppression).where(Suppression.org_id == tenant.org_id)))
        assert [(r.email, r.reason) for r in rows] == [("c0@creators.example", "unsubscribe")]
    state = members(database_url, campaign["id"])
    assert state[ids[0]].status == "unsubscribed" and state[ids[0]].next_followup_at is None
    assert state[ids[1]].status == "sent"
    assert oclient.get(path[:-3] + "xyz").status_code == 404


# ---------------------------------------------------------------- inbound replies


def _launched_one(oclient, tenant, database_url, outbox, domain: str = "creators.example",
                  ) -> tuple[str, dict[str, Any], EmailMessage]:
    [inf_id] = seed_creators(database_url, tenant.org_id, 1, domain=domain)
    campaign = make_campaign(oclient, tenant)
    launch_to(oclient, tenant, campaign["id"], [inf_id])
    jobs.wait_idle()
    [message] = read_outbox(outbox)
    return inf_id, campaign, message


def _reply(message: EmailMessage, text: str, message_id: str) -> dict[str, Any]:
    return {"from": f"Creator 0 <{str(message['To']).upper()}>", "to": "maya@lumen.example.com",
            "subject": f"Re: {message['Subject']}", "text": text, "in_reply_to": message["Message-ID"],
            "message_id": message_id}


def test_signed_reply_reaches_negotiation_and_answer_is_threaded(oclient, tenant, database_url, outbox):
    inf_id, campaign, initial = _launched_one(oclient, tenant, database_url, outbox)
    payload = _reply(initial, "Thanks for reaching out! I'm interested, my rate for this would be $2,800.",
                     "<reply-1@creators.example>")
    r = post_inbound(oclient, payload)
    assert r.status_code == 200, r.json
    assert r.json["classification"] == "interested" and r.json["reply_message_id"]
    jobs.wait_idle()
    with session_scope(database_url) as s:
        neg = s.scalars(select(Negotiation).where(Negotiation.influencer_id == inf_id)).one()
        assert r.json["negotiation_id"] == neg.id
        creator_turns = [m for m in neg.messages if m.role == "influencer"]
        assert [m.text for m in creator_turns] == [payload["text"]] and creator_turns[0].channel == "email"
        stored = s.scalars(select(OutreachEmail).where(OutreachEmail.direction == "in")).one()
        assert stored.status == "received" and stored.message_id == "<reply-1@creators.example>"
    [answer] = [m for m in read_outbox(outbox) if m["Message-ID"] == r.json["reply_message_id"]]
    assert answer["In-Reply-To"] == "<reply-1@creators.example>"
    assert answer["References"].split() == [initial["Message-ID"], "<reply-1@creators.example>"]
    assert answer["Subject"] == f"Re: {initial['Subject']}" and str(answer["To"]) == "c0@creators.example"
    assert answer["List-Unsubscribe"]
    assert CAMPAIGN["sender"]["postal_address"] in answer.get_body(("plain",)).get_content()
    assert members(database_url, campaign["id"])[inf_id].status == "negotiating"

    again = post_inbound(oclient, payload)  # the provider delivers the same email twice
    assert again.status_code == 200 and again.json["reply_message_id"] == r.json["reply_message_id"]
    assert again.json["replayed"] is True
    jobs.wait_idle()
    assert len(read_outbox(outbox)) == 2
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(NegotiationMessage).where(
            NegotiationMessage.negotiation_id == r.json["negotiation_id"],
            NegotiationMessage.role == "influencer")) == 1


def test_inbound_signature_freshness_and_configuration(oclient, tenant, database_url, outbox):
    _inf_id, _campaign, initial = _launched_one(oclient, tenant, database_url, outbox)
    payload = _reply(initial, "Sounds good", "<reply-2@creators.example>")
    assert post_inbound(oclient, payload, secret="wrong").status_code == 401
    raw = json.dumps(payload).encode()
    unsigned = oclient.post("/api/v1/email/inbound", data=raw, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401 and unsigned.json["error"]["code"] == "unauthorized"
    stale = post_inbound(oclient, payload, timestamp=int(time.time()) - 3600)
    assert stale.status_code == 401
    headers = {"Content-Type": "application/json", **sign_inbound(INBOUND_SECRET, raw)}
    tampered = oclient.post("/api/v1/email/inbound", data=raw.replace(b"Sounds", b"Sound"), headers=headers)
    assert tampered.status_code == 401
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(OutreachEmail).where(
            OutreachEmail.direction == "in", OutreachEmail.org_id == tenant.org_id)) == 0
    nobody = post_inbound(oclient, {"from": "stranger@nowhere.example", "to": "x@y.example", "subject": "hi",
                                    "text": "hello", "message_id": "<s@nowhere.example>"})
    assert nobody.status_code == 202 and nobody.json == {"matched": False}


def test_inbound_without_secret_is_503(database_url):
    app = make_outreach_app(database_url, INBOUND_EMAIL_SECRET="")
    r = post_inbound(app.test_client(), {"from": "a@b.example", "text": "x"})
    assert r.status_code == 503


def test_unsubscribe_reply_suppresses_and_gets_no_answer(oclient, tenant, database_url, outbox):
    inf_id, campaign, initial = _launched_one(oclient, tenant, database_url, outbox)
    r = post_inbound(oclient, _reply(initial, "Please unsubscribe me and stop emailing me.", "<stop@c.example>"))
    assert r.status_code == 200 and r.json["classification"] == "unsubscribe"
    assert r.json["reply_message_id"] is None
    jobs.wait_idle()
    assert len(read_outbox(outbox)) == 1
    with session_scope(database_url) as s:
        assert s.scalar(select(Suppression.reason).where(Suppression.org_id == tenant.org_id,
                                                         Suppression.email == "c0@creators.example")) == "unsubscribe"
    assert members(database_url, campaign["id"])[inf_id].status == "unsubscribed"


def test_reply_matched_by_sender_when_thread_headers_are_missing(oclient, tenant, database_url, outbox):
    domain = f"{tenant.org_id}.example"  # the sender alone identifies one open negotiation
    inf_id, _campaign, initial = _launched_one(oclient, tenant, database_url, outbox, domain=domain)
    payload = {**_reply(initial, "What would the timeline be?", "<q@c.example>"), "in_reply_to": None}
    r = post_inbound(oclient, payload)
    assert r.status_code == 200 and r.json["matched"] is True
    assert r.json["classification"] == "needs_info"
    with session_scope(database_url) as s:
        neg = s.scalars(select(Negotiation).where(Negotiation.influencer_id == inf_id)).one()
        assert r.json["negotiation_id"] == neg.id


# ---------------------------------------------------------------- follow-ups


def test_followups_sent_when_due_and_stopped_by_reply_unsubscribe_or_closed_negotiation(
        oclient, tenant, database_url, outbox):
    ids = seed_creators(database_url, tenant.org_id, 4)
    campaign = make_campaign(oclient, tenant, followups_max=2, followup_interval_days=3)
    launch_to(oclient, tenant, campaign["id"], ids)
    jobs.wait_idle()
    start = datetime.now(UTC)
    initial = read_outbox(outbox)
    assert len(initial) == 4
    # creator 1 replies, creator 2 unsubscribes, creator 3's negotiation is closed; creator 0 stays silent
    [to_c1] = to(initial, "c1@creators.example")
    assert post_inbound(oclient, _reply(to_c1, "Interested! Can you share more details?", "<r@c1>")).status_code == 200
    [to_c2] = to(initial, "c2@creators.example")
    assert oclient.post(to_c2["List-Unsubscribe"].strip("<>").removeprefix(BASE_URL)).status_code == 200
    with session_scope(database_url) as s:
        neg = s.scalars(select(Negotiation).where(Negotiation.influencer_id == ids[3])).one()
        neg.status = "declined"
    jobs.wait_idle()
    before = len(read_outbox(outbox))

    assert send_due_followups(start + timedelta(days=1), org_id=tenant.org_id)["due"] == 0
    counts = send_due_followups(start + timedelta(days=3, hours=1), org_id=tenant.org_id)
    assert counts.get("sent") == 1 and counts.get("stopped") == 1  # creator 3: closed negotiation
    assert send_due_followups(start + timedelta(days=3, hours=2), org_id=tenant.org_id)["due"] == 0
    after_first = read_outbox(outbox)
    new = [m for m in after_first if m["Message-ID"] not in {x["Message-ID"] for x in initial}
           and m["In-Reply-To"] is not None and str(m["To"]) == "c0@creators.example"]
    [followup] = new
    [to_c0] = to(initial, "c0@creators.example")
    assert followup["Subject"] == f"Re: {to_c0['Subject']}"
    assert followup["In-Reply-To"] == to_c0["Message-ID"] and followup["References"] == to_c0["Message-ID"]
    assert followup["List-Unsubscribe"]
    assert len(after_first) == before + 1

    assert send_due_followups(start + timedelta(days=6, hours=2), org_id=tenant.org_id).get("sent") == 1
    assert send_due_followups(start + timedelta(days=30), org_id=tenant.org_id)["due"] == 0  # max reached
    final = read_outbox(outbox)
    assert len(to(final, "c0@creators.example")) == 3
    with session_scope(database_url) as s:
        followups = list(s.scalars(select(OutreachEmail.to_addr).where(
            OutreachEmail.campaign_id == campaign["id"], OutreachEmail.kind == "followup")))
    assert followups == ["c0@creators.example", "c0@creators.example"]
    state = members(database_url, campaign["id"])
    assert state[ids[0]].followups_sent == 2 and state[ids[0]].next_followup_at is None
    assert state[ids[1]].status == "negotiating" and state[ids[2]].status == "unsubscribed"


# ---------------------------------------------------------------- rate limit


def test_local_token_bucket_limits_per_domain():
    now = [0.0]
    bucket = LocalBucket(2.0, clock=lambda: now[0])
    assert [bucket.take("a.example") for _ in range(2)] == [0.0, 0.0]
    assert bucket.take("a.example") == pytest.approx(0.5)
    assert bucket.take("b.example") == 0.0  # another sending domain has its own bucket
    now[0] = 0.5
    assert bucket.take("a.example") == 0.0
    assert parse_rate("10/s") == 10 and parse_rate("600/m") == 10 and parse_rate("0") is None
    with pytest.raises(ValueError):
        parse_rate("10/fortnight")


def test_redis_token_bucket_is_shared():
    url = service_url("TEST_REDIS_URL")
    prefix = f"test-send-rate-{time.time_ns()}:"
    first, second = RedisBucket(3.0, url, prefix=prefix), RedisBucket(3.0, url, prefix=prefix)
    waits = [first.take("x.example"), second.take("x.example"), first.take("x.example"), second.take("x.example")]
    assert waits[:3] == [0.0, 0.0, 0.0] and 0 < waits[3] <= 1 / 3 + 0.05
