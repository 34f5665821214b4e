"""InfluAI seed compatibility (README "InfluAI compatibility"):
replaying the bodies its frontend sends and checking what it reads.

The frontend's dialog posts `{"userPrompt", "influencerData": {…, "dealDetails": ["Budget: $5,000", …]}}` to
/negotiate (no campaignDetails, `rate` instead of `rate_inr`, "3.5%" engagement) and reads `body` and
`conversationId`; /negotiate-conversation gets `{"conversationId", "userMessage", "influencerData"}` and only
`response` is read; the search page reads name, category, followers, engagement, age, gender and rate_inr.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from data.db import session_scope
from data.models import Campaign, Influencer, Negotiation, NegotiationMessage, Offer
from tests.builders import make_outreach_app

ORIGIN = "https://app.influai.example"
DEAL = ["Campaign: Summer Glow Launch", "Product: GlowUp Vitamin C Serum", "Budget: $5,000",
        "Deliverables: 2 Instagram Posts, 1 Story", "Deadline: July 15, 2026"]


def frontend_influencer(name: str = "Aarav Mehta", **changes: Any) -> dict[str, Any]:
    """influencerData as the dialog builds it: {name, ...the card's data, dealDetails}."""
    data = {"name": name, "platform": "Instagram", "followers": 85000, "rate": 25000, "engagement_rate": "3.5%",
            "languages": ["English", "Hindi"], "location": "Mumbai, India", "dealDetails": list(DEAL)}
    data.update(changes)
    return data


def negotiate_body(**changes: Any) -> dict[str, Any]:
    return {"userPrompt": "Write a friendly first email about our serum launch",
            "influencerData": frontend_influencer(**changes)}


def say(client: Any, conversation_id: str, text: str, influencer: dict[str, Any] | None = None) -> Any:
    return client.post("/negotiate-conversation", json={
        "conversationId": conversation_id, "userMessage": text,
        "influencerData": influencer or frontend_influencer()}, headers={"Origin": ORIGIN})


def assert_conversation_answer(r: Any, conversation_id: str) -> dict[str, Any]:
    assert r.status_code == 200, r.json
    body = r.json
    assert isinstance(body["response"], str) and body["response"].strip()  # the one field the frontend reads
    assert body["conversationId"] == conversation_id
    assert isinstance(body["negotiationStatus"], str) and isinstance(body["nextSteps"], list)
    assert body["sentiment"] in ("positive", "neutral", "negative") and 0 <= body["dealProbability"] <= 1
    return body


@pytest.fixture()
def compat_client(database_url: str, tenant: Any) -> Any:
    app = make_outreach_app(database_url, INFLUAI_COMPAT_ORG=tenant.name,
                            INFLUAI_COMPAT_ORIGINS=f"{ORIGIN}, https://other.example")
    return app.test_client()


def test_the_dialogs_negotiate_body_opens_a_negotiation_at_the_stated_budget(compat_client, tenant, database_url):
    r = compat_client.post("/negotiate", json=negotiate_body(), headers={"Origin": ORIGIN})
    assert r.status_code == 200, r.json
    body = r.json
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert isinstance(body["body"], str) and body["body"].strip()
    assert isinstance(body["conversationId"], str) and body["conversationId"]
    assert set(body) == {"subject", "body", "conversationId", "negotiationStrategy", "personalizedElements"}
    # the deal from dealDetails is in the email; no placeholder, no "<org> x Influencer: <org>"
    assert "Summer Glow Launch" in body["subject"] and "Aarav" in body["subject"]
    assert "GlowUp Vitamin C Serum" in body["body"] and "2 posts, 1 story" in body["body"]
    assert "July 15, 2026" in body["body"] and "Hi Aarav," in body["body"]
    assert "{{" not in body["body"] and f"I'm {tenant.name} from" not in body["body"]
    assert "reply \"unsubscribe\"" in body["body"]  # no email address: the opt-out is in this chat
    strategy = body["negotiationStrategy"]
    assert strategy["maxBudget"] == 5000  # the ceiling is the stated budget, not 1.25 × ₹25,000
    assert 0 < strategy["openingOffer"] <= strategy["targetBudget"] <= 4000
    assert strategy["expectedDeliverables"] == ["2 posts", "1 story"]
    with session_scope(database_url) as s:
        inf = s.scalars(select(Influencer).where(Influencer.org_id == tenant.org_id)).one()
        assert (inf.name, inf.city, inf.country, inf.languages) == ("Aarav Mehta", "Mumbai", "IN", ["en", "hi"])
        assert [(r.deliverable, r.amount_usd) for r in inf.rates] == [("post", Decimal("25000") * Decimal("0.012"))]
        assert inf.platforms[0].engagement_rate == 3.5 and inf.total_followers == 85000
        neg = s.get(Negotiation, body["conversationId"])
        assert neg.max_usd == Decimal("5000.00") and neg.target_usd == Decimal(str(strategy["targetBudget"]))
        campaign = s.get(Campaign, neg.campaign_id)
        assert (campaign.name, campaign.product, campaign.timeline) == (
            "Summer Glow Launch", "GlowUp Vitamin C Serum", "July 15, 2026")

    again = compat_client.post("/negotiate", json=negotiate_body())
    assert again.json == body  # a reopened dialog gets the same conversation and the same email


def test_three_turns_report_our_offer_and_never_decline_a_yes(compat_client, database_url):
    opened = compat_client.post("/negotiate", json=negotiate_body()).json
    cid = opened["conversationId"]
    first = assert_conversation_answer(say(compat_client, cid, "Thanks! For 2 posts and a story I charge $4,500."), cid)
    second = assert_conversation_answer(say(compat_client, cid, "Hmm, could you meet me at $4,200?"), cid)
    third = assert_conversation_answer(say(compat_client, cid, "OK, $5,000 works for me."), cid)
    with session_scope(database_url) as s:
        ours = [o.amount_usd for o in s.scalars(select(Offer).where(Offer.negotiation_id == cid, Offer.role == "agent")
                                                .order_by(Offer.seq))]
        neg = s.get(Negotiation, cid)
        agreed = neg.agreed_price_usd
    for turn in (first, second):
        assert turn["currentOffer"] not in (4500, 4200)  # our offer, never the creator's ask
    assert first["currentOffer"] is not None and Decimal(str(first["currentOffer"])) in ours
    assert third["negotiationStatus"] in ("in_progress", "agreed")  # a yes within budget is never "declined"
    if third["negotiationStatus"] == "agreed":
        assert Decimal(str(third["currentOffer"])) == agreed <= Decimal("5000")
    else:
        assert Decimal(str(third["currentOffer"])) == ours[-1] <= Decimal("5000")


def test_ok_5000_works_right_away_is_not_declined(compat_client):
    cid = compat_client.post("/negotiate", json=negotiate_body(name="Riya Kapoor")).json["conversationId"]
    answer = assert_conversation_answer(say(compat_client, cid, "OK, $5,000 works",
                                            frontend_influencer(name="Riya Kapoor")), cid)
    assert answer["negotiationStatus"] in ("in_progress", "agreed")
    assert answer["currentOffer"] is None or answer["currentOffer"] <= 5000


def _until_closed(client: Any, cid: str, text: str, influencer: dict[str, Any]) -> dict[str, Any]:
    for _ in range(14):
        answer = assert_conversation_answer(say(client, cid, text, influencer), cid)
        if answer["negotiationStatus"] != "in_progress":
            return answer
    raise AssertionError("the negotiation never ended")


def test_our_walk_away_is_not_the_creators_decline(compat_client, database_url):
    who = frontend_influencer(name="Kabir Rao")
    cid = compat_client.post("/negotiate", json=negotiate_body(name="Kabir Rao")).json["conversationId"]
    ended = _until_closed(compat_client, cid, "My rate is $60,000 and that is firm.", who)
    with session_scope(database_url) as s:
        neg = s.get(Negotiation, cid)
        last = s.scalars(select(NegotiationMessage).where(NegotiationMessage.negotiation_id == cid)
                         .order_by(NegotiationMessage.seq.desc())).first()
        status, action = neg.status, last.action
    assert (action, status, ended["negotiationStatus"]) == ("reject", "declined", "no_deal")  # we walked away
    assert ended["currentOffer"] is not None and ended["currentOffer"] <= 5000
    summary = compat_client.post("/end-conversation", json={"conversationId": cid}).json
    assert summary["negotiationStatus"] == "no_deal" and "by us" in summary["summary"]
    stop_who = frontend_influencer(name="Meera Iyer")
    cid2 = compat_client.post("/negotiate", json=negotiate_body(name="Meera Iyer")).json["conversationId"]
    stopped = assert_conversation_answer(say(compat_client, cid2, "Please stop contacting me.", stop_who), cid2)
    assert stopped["negotiationStatus"] == "declined"  # the creator asked to stop


def test_an_unknown_conversation_id_starts_a_conversation(compat_client, tenant, database_url):
    cid = str(uuid.uuid4())  # what the frontend makes up after a failed /negotiate
    assert_conversation_answer(say(compat_client, cid, "Hi! My rate for this is $3,000."), cid)
    assert_conversation_answer(say(compat_client, cid, "I could do $2,800."), cid)
    with session_scope(database_url) as s:
        negs = s.scalars(select(Negotiation).where(Negotiation.org_id == tenant.org_id)).all()
        assert len(negs) == 1 and negs[0].max_usd == Decimal("5000.00")
        said = s.scalars(select(NegotiationMessage.text).where(NegotiationMessage.negotiation_id == negs[0].id,
                                                               NegotiationMessage.role == "influencer")
                          .order_by(NegotiationMessage.seq)).all()
        assert said == ["Hi! My rate for this is $3,000.", "I could do $2,800."]
    # /negotiate for the same creator and deal now answers that same negotiation
    assert compat_client.post("/negotiate", json=negotiate_body()).json["conversationId"] == negs[0].id
    ended = compat_client.post("/end-conversation", json={"conversationId": cid})
    assert ended.status_code == 200 and ended.json["status"] == "expired"
    nothing = compat_client.post("/negotiate-conversation", json={"conversationId": str(uuid.uuid4()),
                                                                  "userMessage": "hi"})
    assert nothing.status_code == 404 and isinstance(nothing.json["error"], str)


def test_lenient_values(compat_client, database_url, tenant):
    body = negotiate_body(name="Zoya Khan", followers="1.2M", rate="₹1,50,000", engagement_rate="2.75 %",
                          languages="English, Hindi", platform="YouTube", gender="F", age="26")
    body["influencerData"]["dealDetails"] = ["Campaign: Diwali Drop", "Budget: ₹4,00,000",
                                             "Deliverables: 1 YouTube video and 2 stories"]
    r = compat_client.post("/negotiate", json=body)
    assert r.status_code == 200, r.json
    assert r.json["negotiationStrategy"]["maxBudget"] == float(Decimal("400000") * Decimal("0.012"))
    assert r.json["negotiationStrategy"]["expectedDeliverables"] == ["1 video", "2 stories"]
    with session_scope(database_url) as s:
        inf = s.scalars(select(Influencer).where(Influencer.org_id == tenant.org_id)).one()
        assert (inf.total_followers, inf.platforms[0].platform, inf.platforms[0].engagement_rate) == (
            1_200_000, "youtube", 2.75)
        assert inf.rates[0].amount_usd == Decimal("150000") * Decimal("0.012") and inf.gender == "female"
    with_details = compat_client.post("/negotiate", json={
        "influencerData": {"name": "Dev Patel", "rate_inr": 40000},
        "campaignDetails": {"brand": "Chai Co", "product": "Masala mix", "budget": "2500",
                            "deliverables": "1 reel"}})
    assert with_details.status_code == 200 and with_details.json["negotiationStrategy"]["maxBudget"] == 2500
    assert "Chai Co" in with_details.json["body"] and "Masala mix" in with_details.json["body"]
    card = {"name": "Lena Fox", "category": "Fitness", "content_type": "Reels & Posts", "platform": "Instagram",
            "followers": 42000, "engagement": 5.12, "rate_inr": 62000, "age": "N/A", "gender": "N/A",
            "contact": {"email": None, "phone": None}, "dealDetails": list(DEAL)}  # a search card, spread in
    from_card = compat_client.post("/negotiate", json={"userPrompt": "hi", "influencerData": card})
    assert from_card.status_code == 200, from_card.json
    with session_scope(database_url) as s:
        lena = s.scalars(select(Influencer).where(Influencer.org_id == tenant.org_id,
                                                  Influencer.name == "Lena Fox")).one()
        assert (lena.niches, lena.gender, lena.birth_year, lena.platforms[0].engagement_rate) == (
            ["fitness"], None, None, 5.12)
    no_price = compat_client.post("/negotiate", json={"influencerData": {"name": "Unpriced Creator"}})
    assert no_price.status_code == 200  # a market estimate of the package stands in for budget and rate
    assert no_price.json["negotiationStrategy"]["maxBudget"] > no_price.json["negotiationStrategy"]["targetBudget"]


def test_errors_are_strings_naming_the_fields(compat_client, other_tenant, database_url):
    cases = [
        ({"influencerData": {"followers": 10}}, "influencerData.name"),
        (negotiate_body(followers="lots"), "influencerData.followers"),
        (negotiate_body(engagement_rate="high"), "influencerData.engagement_rate"),
        (negotiate_body(followers=-5), "influencerData.followers"),
        (negotiate_body(rate="₹-100"), "influencerData.rate"),
        (negotiate_body(platform="Myspace"), "influencerData.platform"),
        ({"influencerData": frontend_influencer(dealDetails=["Budget: a lot"])}, "influencerData.dealDetails.0"),
    ]
    for payload, field in cases:
        r = compat_client.post("/negotiate", json=payload)
        assert r.status_code == 422, (payload, r.json)
        assert isinstance(r.json["error"], str) and field in r.json["error"], r.json
    not_json = compat_client.post("/negotiate", data="x", headers={"Content-Type": "text/plain"})
    assert not_json.status_code == 415 and isinstance(not_json.json["error"], str)
    theirs = make_outreach_app(database_url, INFLUAI_COMPAT_ORG=other_tenant.org_id).test_client()
    foreign = theirs.post("/negotiate", json=negotiate_body())
    assert foreign.status_code == 200  # the organization may be named by id too
    r = compat_client.post("/end-conversation", json={"conversationId": foreign.json["conversationId"]})
    assert r.status_code == 404 and isinstance(r.json["error"], str)  # another organization's conversation
    cid = compat_client.post("/negotiate", json=negotiate_body()).json["conversationId"]
    assert compat_client.post("/end-conversation", json={"conversationId": cid}).status_code == 200
    closed = say(compat_client, cid, "still there?")
    assert closed.status_code == 409 and isinstance(closed.json["error"], str) and "ended" in closed.json["error"]


def test_preflight_and_origins(compat_client):
    pre = compat_client.options("/negotiate", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    other = compat_client.options("/negotiate", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_routes_are_404_when_not_configured(database_url):
    client = make_outreach_app(database_url, INFLUAI_COMPAT_ORG="").test_client()
    r = client.post("/negotiate", json=negotiate_body())
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"  # like any unknown route
    assert client.post("/end-conversation", json={"conversationId": "x"}).status_code == 404


def test_legacy_search_fields_the_page_reads_are_never_null(compat_client, tenant, database_url):
    from agent.negotiation.pricing import CreatorMetrics, market_rate
    from data.influencers import create_influencer
    from data.schemas import InfluencerIn
    from retrieval.sync import reindex_org
    from tests.payloads import SARAH, creator

    unknown = creator(1, name="Nia Brooks", gender=None, rates_usd=None, email="nia@example.com",
                      platforms=[{"platform": "instagram", "handle": "niabrooks", "followers": 120000,
                                  "engagement_rate": 3.2629}])
    with session_scope(database_url) as s:
        create_influencer(s, tenant.org_id, InfluencerIn.model_validate({**SARAH, "gender": "female",
                                                                         "birth_year": 1996}))
        create_influencer(s, tenant.org_id, InfluencerIn.model_validate(unknown))
    with session_scope(database_url) as s:
        reindex_org(s, tenant.org_id)
    r = compat_client.post("/search", query_string={"prompt": "beauty influencers with 50K+ followers", "limit": 5},
                           headers={"Origin": ORIGIN})
    assert r.status_code == 200, r.json
    body = r.json
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert body["interpreted_criteria"]["niches"] == ["beauty"] and "min_followers: 50000" in body["filters_applied"]
    assert body["results_returned"] == len(body["influencers"]) == 2
    for person in body["influencers"]:
        assert isinstance(person["name"], str) and isinstance(person["followers"], int)
        assert isinstance(person["category"], str) and person["category"][0].isupper()
        assert isinstance(person["engagement"], float) and round(person["engagement"], 2) == person["engagement"]
        assert isinstance(person["rate_inr"], int) and person["rate_inr"] > 0
        assert isinstance(person["gender"], str) and (isinstance(person["age"], int) or person["age"] == "N/A")
    by_name = {p["name"]: p for p in body["influencers"]}
    sarah, nia = by_name["Sarah Johnson"], by_name["Nia Brooks"]
    assert (sarah["category"], sarah["platform"], sarah["followers"], sarah["engagement"]) == (
        "Beauty", "Instagram", 300000, 4.5)
    assert sarah["rate_inr"] == round(2500 / 0.012)  # the stored $2,500 a post at the default FX table
    assert (sarah["gender"], sarah["age"]) == ("Female", datetime.now(UTC).year - 1996)
    estimate = market_rate("post", CreatorMetrics(platform="instagram", followers=120000,
                                                  engagement_rate=Decimal("3.2629"), tier="macro"))
    assert nia["rate_inr"] == int((estimate / Decimal("0.012")).to_integral_value())
    assert (nia["engagement"], nia["gender"], nia["age"]) == (3.26, "N/A", "N/A")
    missing = compat_client.post("/search")
    assert missing.status_code == 422 and "prompt" in missing.json["error"]


def test_a_known_creator_is_found_not_duplicated(compat_client, tenant, database_url):
    from data.influencers import create_influencer
    from data.schemas import InfluencerIn
    from tests.payloads import SARAH

    with session_scope(database_url) as s:
        sarah_id = create_influencer(s, tenant.org_id, InfluencerIn.model_validate(copy.deepcopy(SARAH))).id
    shown = frontend_influencer(name="Sarah Johnson", followers=300000, rate=208333, engagement_rate="4.5%")
    r = compat_client.post("/negotiate", json={"userPrompt": "", "influencerData": shown})
    assert r.status_code == 200, r.json
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(Influencer).where(Influencer.org_id == tenant.org_id)) == 1
        neg = s.get(Negotiation, r.json["conversationId"])
        inf = s.get(Influencer, sarah_id)
        assert neg.influencer_id == sarah_id and inf.email == "sarah@example.com"
        assert {r.deliverable: r.amount_usd for r in inf.rates}["post"] == Decimal("2500.00")  # stored rate kept
    assert "Unsubscribe: https://" in r.json["body"]  # a creator with an address gets a working link


@pytest.mark.parametrize("payload", [
    {"influencerData": "Aarav"}, {"influencerData": None}, [], "x", {"influencerData": {"name": ""}},
    {"influencerData": frontend_influencer(dealDetails={"Budget": "$5,000"})},
    {"influencerData": frontend_influencer(languages=7, location=["Mumbai"], followers=True)},
    {"influencerData": frontend_influencer(rate="5000 zorkmids", followers="1e400", engagement_rate="∞")},
    {"influencerData": frontend_influencer(dealDetails=["Budget: $999999999999", "Deliverables: "])},
    {"influencerData": frontend_influencer(name="x" * 300, contact="me@x.com", gender=5, age=-3)},
])
def test_odd_bodies_are_4xx_strings_never_500(compat_client, payload):
    r = compat_client.post("/negotiate", json=payload)
    assert r.status_code < 500 and (r.status_code == 200 or isinstance(r.json["error"], str)), r.json
    turn = compat_client.post("/negotiate-conversation", json={"conversationId": str(uuid.uuid4()),
                                                               "userMessage": "hi", **(payload if isinstance(
                                                                   payload, dict) else {})})
    assert turn.status_code < 500 and (turn.status_code == 200 or isinstance(turn.json["error"], str)), turn.json


def test_a_dialog_budget_prices_one_creator_and_leaves_the_campaign_total(compat_client, tenant, database_url):
    with session_scope(database_url) as s:
        s.add(Campaign(org_id=tenant.org_id, name="Summer Glow Launch", brand="GlowUp", status="active",
                       budget_total_usd=Decimal("50000"), deliverables=["1 reel"]))
    r = compat_client.post("/negotiate", json=negotiate_body(name="Anaya Singh"))
    assert r.status_code == 200 and r.json["negotiationStrategy"]["maxBudget"] == 5000
    with session_scope(database_url) as s:
        campaign = s.scalars(select(Campaign).where(Campaign.org_id == tenant.org_id)).one()
        assert campaign.budget_total_usd == Decimal("50000.00") and campaign.deliverables == ["2 posts", "1 story"]
    assert "GlowUp x Anaya" in r.json["subject"]


def test_a_creator_who_unsubscribed_is_not_contacted_again(compat_client, tenant, database_url):
    from data.models import Suppression

    with session_scope(database_url) as s:
        s.add(Suppression(org_id=tenant.org_id, email="noor@example.com", reason="unsubscribe"))
    r = compat_client.post("/negotiate", json=negotiate_body(name="Noor Ali", contact={"email": "Noor@example.com"}))
    assert r.status_code == 409 and "not to be contacted" in r.json["error"]
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(Negotiation).where(Negotiation.org_id == tenant.org_id)) == 0
