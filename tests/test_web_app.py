"""The web app through Flask's test client (README "Web app"): sign-in and its cookie, CSRF on every form, role
gating of screens and buttons, every screen on the demo content, and the screens kept out of the OpenAPI document.
The same paths in a real browser: tests/test_web_browser.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from api.demo import seed_demo_content
from data.db import session_scope
from data.models import ApiKey, Campaign, Negotiation
from tests.builders import seed_creators

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(page: bytes) -> str:
    found = TOKEN.search(page.decode())
    assert found, "the page has no CSRF token field"
    return found.group(1)


def sign_in(client, key: str):
    page = client.get("/login")
    return client.post("/login", data={"api_key": key, "csrf_token": _token(page.data)})


@pytest.fixture()
def demo(outreach_db, tenant):
    seed_creators(outreach_db, tenant.org_id, 40)
    campaign_id = seed_demo_content(outreach_db, tenant.org_id)
    with session_scope(outreach_db) as s:
        negs = {n.status: n.id for n in s.scalars(select(Negotiation).where(Negotiation.campaign_id == campaign_id))}
    return {"campaign_id": campaign_id, "negotiations": negs}


def test_app_redirects_to_login_and_the_session_cookie_is_locked_down(app, tenant):
    client = app.test_client()
    r = client.get("/app/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    assert client.get("/app/campaigns").headers["Location"].startswith("/login?next=/app/campaigns")
    r = sign_in(client, tenant.keys["manager"])
    assert r.status_code == 302
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert tenant.keys["manager"] not in cookie  # the key itself never goes to the browser
    assert client.get("/app/").headers["Location"] == "/app/campaigns"
    https = app.test_client()
    page = https.get("/login", base_url="https://localhost")
    r = https.post("/login", data={"api_key": tenant.keys["manager"], "csrf_token": _token(page.data)},
                   base_url="https://localhost")
    assert "Secure" in r.headers["Set-Cookie"]


def test_a_wrong_key_is_refused_and_a_revoked_key_signs_the_browser_out(app, tenant, database_url):
    client = app.test_client()
    r = sign_in(client, "ik_not-a-key")
    assert r.status_code == 401 and b"not valid" in r.data
    assert sign_in(client, tenant.keys["evaluator"]).status_code == 302
    assert client.get("/app/replays").status_code == 200
    with session_scope(database_url) as s:
        for row in s.scalars(select(ApiKey).where(ApiKey.org_id == tenant.org_id, ApiKey.role == "evaluator")):
            row.revoked_at = datetime.now(UTC)
    r = client.get("/app/replays")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_every_form_post_needs_its_csrf_token(app, tenant, demo):
    client = app.test_client()
    assert client.post("/login", data={"api_key": tenant.keys["manager"]}).status_code == 400
    sign_in(client, tenant.keys["manager"])
    neg_id = demo["negotiations"]["open"]
    r = client.post(f"/app/negotiations/{neg_id}/takeover", data={})
    assert r.status_code == 400 and b"CSRF" in r.data
    state = client.get(f"/api/v1/negotiations/{neg_id}", headers=tenant.headers("manager")).json
    assert state["taken_over"] is None  # nothing happened
    page = client.get(f"/app/negotiations/{neg_id}")
    r = client.post(f"/app/negotiations/{neg_id}/takeover", data={"csrf_token": _token(page.data)})
    assert r.status_code == 302
    assert client.get(f"/api/v1/negotiations/{neg_id}", headers=tenant.headers("manager")).json["taken_over"]
    assert client.post("/logout", data={}).status_code == 400


def test_each_role_sees_its_screens_and_buttons(app, tenant, demo):
    marketer = app.test_client()
    sign_in(marketer, tenant.keys["marketer"])
    page = marketer.get(f"/app/campaigns/{demo['campaign_id']}").data.decode()
    assert "Winter Glow Launch" in page and "Launch to the ticked creators" not in page
    assert ">Negotiations<" not in marketer.get("/app/search").data.decode()
    denied = marketer.get(f"/app/negotiations/{demo['negotiations']['agreed']}")
    assert denied.status_code == 403 and b"cannot do this" in denied.data  # the API's own refusal, readable

    manager = app.test_client()
    sign_in(manager, tenant.keys["manager"])
    page = manager.get(f"/app/campaigns/{demo['campaign_id']}").data.decode()
    assert "Launch to the ticked creators" in page and "follow-up" in page and "Budget committed" in page
    page = manager.get(f"/app/negotiations/{demo['negotiations']['open']}").data.decode()
    assert 'id="take-over"' in page and "<svg" in page and "replay viewer" not in page

    evaluator = app.test_client()
    sign_in(evaluator, tenant.keys["evaluator"])
    page = evaluator.get(f"/app/negotiations/{demo['negotiations']['agreed']}").data.decode()
    assert 'id="take-over"' not in page and "Open the replay viewer" in page


def test_screens_show_the_demo_content(app, tenant, demo):
    client = app.test_client()
    sign_in(client, tenant.keys["admin"])
    inbox = client.get("/app/negotiations").data.decode()
    assert inbox.index("escalated") < inbox.index("agreed")  # escalations first
    assert client.get("/app/negotiations?status=agreed").data.decode().count('class="badge agreed"') >= 3
    page = client.get(f"/app/negotiations/{demo['negotiations']['agreed']}").data.decode()
    assert "Thread" in page and page.count("<svg") == 2
    replays = client.get("/app/replays").data.decode()
    assert 'class="badge done"' in replays
    viewer = client.get(f"/app/negotiations/{demo['negotiations']['agreed']}/replay").data.decode()
    assert "Compared with replay" in viewer and "Agent now (replayed)" in viewer
    with session_scope(client.application.extensions["settings"].database_url) as s:
        voice = s.scalar(select(Negotiation.id).where(Negotiation.org_id == tenant.org_id,
                                                      Negotiation.channel == "voice"))
    call_page = client.get(f"/app/negotiations/{voice}").data.decode()
    assert "Calls" in call_page and 'class="badge completed"' in call_page and " min " in call_page
    assert client.get("/app/campaigns").status_code == 200
    with session_scope(client.application.extensions["settings"].database_url) as s:
        campaign = s.get(Campaign, demo["campaign_id"])
        assert campaign is not None


def test_annotating_a_turn_from_the_viewer(app, tenant, demo):
    client = app.test_client()
    sign_in(client, tenant.keys["evaluator"])
    neg_id = demo["negotiations"]["agreed"]
    page = client.get(f"/app/negotiations/{neg_id}/replay")
    r = client.post(f"/app/negotiations/{neg_id}/annotations",
                    data={"csrf_token": _token(page.data), "turn": "2", "label": "bad", "note": "too eager"})
    assert r.status_code == 302
    notes = client.get(f"/api/v1/negotiations/{neg_id}/annotations", headers=tenant.headers("evaluator")).json
    assert [(n["turn"], n["label"], n["note"]) for n in notes["items"]] == [(2, "bad", "too eager")]
    bad = client.post(f"/app/negotiations/{neg_id}/annotations",
                      data={"csrf_token": _token(page.data), "turn": "99", "label": "good"}, follow_redirects=True)
    assert b"The label was not saved" in bad.data and b"turns" in bad.data


def test_a_person_reply_above_the_ceiling_is_shown_as_the_api_error(app, tenant, demo):
    client = app.test_client()
    sign_in(client, tenant.keys["manager"])
    neg_id = demo["negotiations"]["open"]
    page = client.get(f"/app/negotiations/{neg_id}")
    client.post(f"/app/negotiations/{neg_id}/takeover", data={"csrf_token": _token(page.data)})
    page = client.get(f"/app/negotiations/{neg_id}")
    r = client.post(f"/app/negotiations/{neg_id}/reply", follow_redirects=True,
                    data={"csrf_token": _token(page.data), "text": "We can offer $9,000.", "offer_usd": "9000"})
    assert b"Your reply was not sent" in r.data and b"above the ceiling" in r.data
    r = client.post(f"/app/negotiations/{neg_id}/reply", follow_redirects=True,
                    data={"csrf_token": _token(page.data), "text": "We can offer $2,100 for the package.",
                          "offer_usd": "$2,100"})
    assert b"Your reply is on the thread" in r.data and b"a person" in r.data


def test_screens_are_not_in_the_openapi_document_but_the_new_api_routes_are(client):
    paths = client.get("/openapi.json").json["paths"]
    assert not [p for p in paths if p.startswith("/app") or p in ("/login", "/logout", "/")]
    for path in ("/api/v1/negotiations/{negotiation_id}/takeover", "/api/v1/negotiations/{negotiation_id}/resume",
                 "/api/v1/negotiations/{negotiation_id}/agent-messages", "/api/v1/replays"):
        assert path in paths


def test_the_inbox_orders_the_whole_list_not_each_page(app, tenant, demo, monkeypatch):
    """With pages of 4, the escalation (created eighth of the demo's negotiations) still heads page 1, the open
    ones follow by rising deal probability, and the closed ones come on the later pages."""
    from api.web import negotiations as inbox_view

    monkeypatch.setattr(inbox_view, "INBOX_PAGE", 4)
    client = app.test_client()
    sign_in(client, tenant.keys["admin"])
    pages = []
    for page in range(1, 8):
        html = client.get(f"/app/negotiations?page={page}").data.decode()
        pages.append(re.findall(r'<span class="badge (open|escalated|agreed|declined|expired)">', html))
        if "Next page" not in html:
            break
    seen = [status for page in pages for status in page]
    assert pages[0][0] == "escalated" and len(pages) > 1 and all(len(p) <= 4 for p in pages)
    rank = {"escalated": 0, "open": 1}
    assert [rank.get(s, 2) for s in seen] == sorted(rank.get(s, 2) for s in seen)
    with session_scope(client.application.extensions["settings"].database_url) as s:
        assert len(seen) == s.scalar(select(func.count()).select_from(Negotiation).where(
            Negotiation.org_id == tenant.org_id))


def test_a_creators_page_shows_their_audience(app, tenant):
    client = app.test_client()
    body = {"name": "Mina Park", "niches": ["beauty"],
            "platforms": [{"platform": "instagram", "handle": "minapark", "followers": 52000, "engagement_rate": 4.1}],
            "audience": {"female_pct": 78, "male_pct": 22, "age_18_24_pct": 41, "age_25_34_pct": 37,
                         "top_countries": ["US", "KR"]}}
    created = client.post("/api/v1/influencers", json=body, headers=tenant.headers("marketer"))
    assert created.status_code == 201, created.json
    sign_in(client, tenant.keys["marketer"])
    page = client.get(f"/app/creators/{created.json['id']}").data.decode()
    audience = page[page.index('id="audience"'):page.index("</p>", page.index('id="audience"'))]
    assert "78% women" in audience and "22% men" in audience and "18-24: 41%" in audience
    assert "US, KR" in audience


def test_a_creators_page_with_part_of_an_audience_renders(app, tenant):
    """Exports often give only some shares (women but not men, no ages): the page shows what there is."""
    client = app.test_client()
    body = {"name": "Lena Ortiz", "platforms": [{"platform": "tiktok", "handle": "lenaortiz", "followers": 9000}],
            "audience": {"female_pct": 64.6, "top_countries": ["MX"]}}
    created = client.post("/api/v1/influencers", json=body, headers=tenant.headers("marketer"))
    assert created.status_code == 201, created.json
    sign_in(client, tenant.keys["marketer"])
    r = client.get(f"/app/creators/{created.json['id']}")
    assert r.status_code == 200
    page = r.data.decode()
    audience = page[page.index('id="audience"'):page.index("</p>", page.index('id="audience"'))]
    assert "65% women" in audience and "men" not in audience.replace("women", "") and "MX" in audience
