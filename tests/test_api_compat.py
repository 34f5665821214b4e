"""InfluAI seed compatibility routes (README "InfluAI compatibility"):
/negotiate, /negotiate-conversation, /end-conversation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from data.db import session_scope
from data.models import Campaign, Influencer, Negotiation
from tests.builders import make_outreach_app

ORIGIN = "https://app.influai.example"

INFLUENCER = {
    "name": "Priya Sharma", "category": "Beauty & Lifestyle", "platform": "Instagram", "followers": 250000,
    "engagement": 4.2, "rate_inr": 150000, "age": 27, "gender": "female",
    "contact": {"email": "priya@creators.example", "phone": "+919800000000"},
}
CAMPAIGN = {"brand": "GlowUp Skincare", "product": "Vitamin C serum", "budget": 8000,
            "deliverables": ["1 reel", "3 stories"], "timeline": "3 weeks",
            "campaignGoals": "Product launch awareness"}


@pytest.fixture()
def compat_client(database_url: str, tenant: Any) -> Any:
    app = make_outreach_app(database_url, INFLUAI_COMPAT_ORG=tenant.name,
                            INFLUAI_COMPAT_ORIGINS=f"{ORIGIN}, https://other.example")
    return app.test_client()


def test_negotiate_then_converse_then_end(compat_client, tenant, database_url):
    r = compat_client.post("/negotiate", json={"userPrompt": "Negotiate a collab", "influencerData": INFLUENCER,
                                               "campaignDetails": CAMPAIGN}, headers={"Origin": ORIGIN})
    assert r.status_code == 200, r.json
    body = r.json
    assert set(body) == {"subject", "body", "conversationId", "negotiationStrategy", "personalizedElements"}
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert body["subject"] and "Priya" in body["body"]
    # rate 150000 INR = 1800 USD; max = min(8000, 1.25 × 1800) = 2250; target = 80 % = 1800
    assert body["negotiationStrategy"]["maxBudget"] == 2250
    assert body["negotiationStrategy"]["targetBudget"] == 1800
    assert body["negotiationStrategy"]["openingOffer"] <= 2250
    with session_scope(database_url) as s:
        inf = s.scalars(select(Influencer).where(Influencer.org_id == tenant.org_id)).one()
        assert (inf.email, inf.niches, inf.total_followers) == ("priya@creators.example", ["beauty", "lifestyle"],
                                                                250000)
        assert [(r.deliverable, r.amount_usd) for r in inf.rates] == [("post", Decimal("1800.00"))]
        neg = s.get(Negotiation, body["conversationId"])
        assert neg.org_id == tenant.org_id and neg.max_usd == Decimal("2250.00")
        assert s.scalars(select(Campaign).where(Campaign.org_id == tenant.org_id)).one().brand == "GlowUp Skincare"

    again = compat_client.post("/negotiate", json={"userPrompt": "again", "influencerData": INFLUENCER,
                                                   "campaignDetails": CAMPAIGN})
    assert again.json["conversationId"] == body["conversationId"]  # upserted, not duplicated

    turn = compat_client.post("/negotiate-conversation", json={
        "conversationId": body["conversationId"], "userMessage": "Thanks! My rate for this package is $2,600.",
        "influencerData": INFLUENCER, "campaignDetails": CAMPAIGN})
    assert turn.status_code == 200, turn.json
    assert set(turn.json) == {"response", "conversationId", "negotiationStatus", "currentOffer", "nextSteps",
                              "sentiment", "dealProbability"}
    assert turn.json["response"] and turn.json["nextSteps"]
    assert turn.json["sentiment"] in ("positive", "neutral", "negative")
    assert 0 <= turn.json["dealProbability"] <= 1
    assert turn.json["currentOffer"] is None or turn.json["currentOffer"] <= 2600

    ended = compat_client.post("/end-conversation", json={"conversationId": body["conversationId"]})
    assert ended.status_code == 200
    if turn.json["negotiationStatus"] == "in_progress":
        assert ended.json["status"] == "expired"
    assert ended.json["conversationId"] == body["conversationId"] and ended.json["summary"]
    closed = compat_client.post("/negotiate-conversation", json={"conversationId": body["conversationId"],
                                                                 "userMessage": "still there?"})
    assert closed.status_code == 409 and closed.json["error"]["code"] == "conflict"


def test_preflight_and_origins(compat_client):
    pre = compat_client.options("/negotiate", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    other = compat_client.options("/negotiate", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_validation_and_unknown_conversation(compat_client, other_tenant, database_url):
    r = compat_client.post("/negotiate", json={"influencerData": {"followers": 10}})
    assert r.status_code == 422 and "influencerData.name" in r.json["error"]["fields"]
    r = compat_client.post("/negotiate", json={"influencerData": {"name": "No Price"}, "campaignDetails": {}})
    assert r.status_code == 422 and "campaignDetails.budget" in r.json["error"]["fields"]
    r = compat_client.post("/negotiate-conversation", json={"conversationId": "nope", "userMessage": "hi"})
    assert r.status_code == 404
    theirs = make_outreach_app(database_url, INFLUAI_COMPAT_ORG=other_tenant.org_id).test_client()
    foreign = theirs.post("/negotiate", json={"influencerData": INFLUENCER, "campaignDetails": CAMPAIGN})
    assert foreign.status_code == 200  # the organization may be named by id too
    r = compat_client.post("/end-conversation", json={"conversationId": foreign.json["conversationId"]})
    assert r.status_code == 404  # another organization's conversation is not reachable


def test_routes_are_404_when_not_configured(database_url):
    client = make_outreach_app(database_url, INFLUAI_COMPAT_ORG="").test_client()
    r = client.post("/negotiate", json={"influencerData": INFLUENCER, "campaignDetails": CAMPAIGN})
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    assert client.post("/end-conversation", json={"conversationId": "x"}).status_code == 404


def test_legacy_search_answers_in_influai_shape(compat_client, tenant, database_url):
    from data.influencers import create_influencer
    from data.schemas import InfluencerIn
    from retrieval.sync import reindex_org
    from tests.payloads import SARAH

    with session_scope(database_url) as s:
        create_influencer(s, tenant.org_id, InfluencerIn.model_validate(SARAH))
    with session_scope(database_url) as s:
        reindex_org(s, tenant.org_id)
    r = compat_client.post("/search", query_string={"prompt": "beauty influencers in LA with 50K+ followers",
                                                    "limit": 5}, headers={"Origin": ORIGIN})
    assert r.status_code == 200, r.json
    body = r.json
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert body["prompt"] == "beauty influencers in LA with 50K+ followers"
    assert body["interpreted_criteria"]["niches"] == ["beauty"]
    assert "min_followers: 50000" in body["filters_applied"]
    assert body["total_matches"] == body["results_returned"] == 1
    sarah = body["influencers"][0]
    assert sarah["name"] == "Sarah Johnson" and sarah["platform"] == "Instagram" and sarah["category"] == "beauty"
    assert sarah["followers"] == 300000 and sarah["engagement"] == 4.5
    assert sarah["rate_inr"] == round(2500 / 0.012)  # $2,500 a post at the default FX table
    assert sarah["contact"] == {"email": "sarah@example.com", "phone": "+13105550100"}
    missing = compat_client.post("/search")
    assert missing.status_code == 422 and "prompt" in missing.json["error"]["fields"]
