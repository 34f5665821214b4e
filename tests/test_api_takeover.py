"""Human takeover (README "Negotiations"): pause the agent, reply as a person under the same ceiling, hand back."""

from __future__ import annotations

from sqlalchemy import select

from data.db import session_scope
from data.models import AuditLog, Negotiation
from tests.payloads import CAMPAIGN, creator


def _negotiation(client, tenant, max_usd=6500):
    inf = client.post("/api/v1/influencers", json=creator(1), headers=tenant.headers("marketer")).json
    camp = client.post("/api/v1/campaigns", json=CAMPAIGN, headers=tenant.headers("manager")).json
    body = {"campaign_id": camp["id"], "influencer_id": inf["id"], "channel": "chat", "target_usd": 5000,
            "max_usd": max_usd, "deliverables": ["1 reel", "3 stories"], "usage_rights": "6 months organic"}
    r = client.post("/api/v1/negotiations", json=body, headers=tenant.headers("manager"))
    assert r.status_code == 201, r.json
    return r.json["id"]


def _post(client, tenant, neg_id, action, body=None, role="manager"):
    return client.post(f"/api/v1/negotiations/{neg_id}/{action}", json=body if body is not None else {},
                       headers=tenant.headers(role))


def test_a_person_takes_over_replies_within_the_ceiling_and_hands_back(client, tenant, database_url):
    neg_id = _negotiation(client, tenant)
    taken = _post(client, tenant, neg_id, "takeover", {"note": "VIP creator"})
    assert taken.status_code == 200, taken.json
    assert taken.json["taken_over"]["by"].startswith("key:")
    assert _post(client, tenant, neg_id, "takeover").status_code == 409  # already held

    # The creator's message is kept for the person; the agent does not answer it.
    said = _post(client, tenant, neg_id, "messages", {"text": "My rate for this package is $7,000"})
    assert said.status_code == 202, said.json
    assert said.json["reply"] is None
    state = client.get(f"/api/v1/negotiations/{neg_id}", headers=tenant.headers("manager")).json
    assert [m["role"] for m in state["messages"]] == ["agent", "influencer"]
    assert state["offers"][-1] == {**state["offers"][-1], "role": "influencer", "amount_usd": 7000}
    with session_scope(database_url) as s:  # the agent will know the ask when it is handed back
        assert s.get(Negotiation, neg_id).state["creator_asks"][-1] == "7000.00"

    above = _post(client, tenant, neg_id, "agent-messages", {"text": "We can do $6,600.", "offer_usd": 6600})
    assert above.status_code == 422 and "offer_usd" in above.json["error"]["fields"]
    wrong_words = _post(client, tenant, neg_id, "agent-messages", {"text": "We can do $6,400.", "offer_usd": 6000})
    assert wrong_words.status_code == 422 and "text" in wrong_words.json["error"]["fields"]

    sent = _post(client, tenant, neg_id, "agent-messages",
                 {"text": "Thanks! We can offer $6,000 for the reel and the stories.", "offer_usd": 6000})
    assert sent.status_code == 201, sent.json
    assert sent.json["message"]["offer_usd"] == 6000 and sent.json["status"] == "open"
    state = client.get(f"/api/v1/negotiations/{neg_id}", headers=tenant.headers("manager")).json
    assert state["offers"][-1]["role"] == "agent" and state["offers"][-1]["amount_usd"] == 6000
    assert len(state["deal_probability_history"]) == 2  # the opening and the person's turn

    resumed = _post(client, tenant, neg_id, "resume")
    assert resumed.status_code == 200 and resumed.json["taken_over"] is None
    assert _post(client, tenant, neg_id, "resume").status_code == 409  # nobody holds it now
    answered = _post(client, tenant, neg_id, "messages", {"text": "Could you do $6,300?"})
    assert answered.status_code == 200, answered.json
    assert answered.json["reply"]["text"]
    assert answered.json["reply"]["offer_usd"] is None or answered.json["reply"]["offer_usd"] <= 6500

    with session_scope(database_url) as s:
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.entity_id == neg_id)))
    assert {"takeover", "person_message", "resume"} <= set(actions)


def test_approving_accepts_at_most_the_ceiling_and_ends_the_takeover(client, tenant):
    neg_id = _negotiation(client, tenant)
    assert _post(client, tenant, neg_id, "takeover").status_code == 200
    too_much = _post(client, tenant, neg_id, "agent-messages",
                     {"text": "Deal at $7,000!", "offer_usd": 7000, "action": "accept"})
    assert too_much.status_code == 422
    ok = _post(client, tenant, neg_id, "agent-messages",
               {"text": "We have a deal at $6,500.", "offer_usd": 6500, "action": "accept"})
    assert ok.status_code == 201, ok.json
    assert ok.json["status"] == "agreed" and ok.json["terms"]["price_usd"] == 6500 and ok.json["taken_over"] is None
    closed = _post(client, tenant, neg_id, "agent-messages", {"text": "One more thing.", "action": "ask"})
    assert closed.status_code == 409


def test_only_managers_and_only_their_organization(client, tenant, other_tenant):
    neg_id = _negotiation(client, tenant)
    assert _post(client, tenant, neg_id, "takeover", role="evaluator").status_code == 403
    assert _post(client, tenant, neg_id, "takeover", role="marketer").status_code == 403
    assert _post(client, other_tenant, neg_id, "takeover").status_code == 404
    no_takeover = _post(client, tenant, neg_id, "agent-messages", {"text": "Hello there."})
    assert no_takeover.status_code == 409
    bad = _post(client, tenant, neg_id, "agent-messages", {"text": "", "offer_usd": -5})
    assert bad.status_code == 422 and {"text", "offer_usd"} <= set(bad.json["error"]["fields"])


def test_on_an_email_negotiation_the_person_s_reply_is_emailed_in_the_thread(database_url, tenant, tmp_path):
    from api import jobs
    from tests.builders import launch_to, make_campaign, make_outreach_app, read_outbox, seed_creators

    outbox = tmp_path / "outbox"
    app = make_outreach_app(database_url, MAIL_TRANSPORT=f"outbox:{outbox}")
    with app.app_context():
        client = app.test_client()
        [inf_id] = seed_creators(database_url, tenant.org_id, 1)
        campaign = make_campaign(client, tenant)
        assert launch_to(client, tenant, campaign["id"], [inf_id]).status_code == 202
        jobs.wait_idle()
        [first] = read_outbox(outbox)
        negs = client.get("/api/v1/negotiations", query_string={"campaign_id": campaign["id"]},
                          headers=tenant.headers("manager")).json["items"]
        neg_id = negs[0]["id"]
        assert _post(client, tenant, neg_id, "takeover").status_code == 200
        sent = _post(client, tenant, neg_id, "agent-messages",
                     {"text": "Hi! We can offer $2,100 for the package.", "offer_usd": 2100})
        assert sent.status_code == 201, sent.json
        jobs.wait_idle()
        reply = next(m for m in read_outbox(outbox) if m["Message-ID"] == sent.json["message"]["email_message_id"])
        assert str(reply["To"]) == str(first["To"]) and reply["In-Reply-To"] == first["Message-ID"]
        assert str(reply["Subject"]).startswith("Re: ")
        body = reply.get_body(("plain",)).get_content()
        assert "We can offer $2,100 for the package." in body and CAMPAIGN["sender"]["postal_address"] in body
        assert "/u/" in body  # the unsubscribe link
