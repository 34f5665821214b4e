"""Influencer CRUD through the HTTP API (README "Influencers"): shapes, derived fields, filters, pages, tenancy."""

from __future__ import annotations

import copy

from sqlalchemy import func, select

from data.db import session_scope
from data.models import AuditLog, Influencer, PlatformAccount
from tests.payloads import SARAH, creator


def test_create_returns_contract_shape_with_derived_fields(client, tenant):
    r = client.post("/api/v1/influencers", json=SARAH, headers=tenant.headers("marketer"))
    assert r.status_code == 201, r.json
    body = r.json
    assert body["id"] and body["name"] == "Sarah Johnson"
    assert body["total_followers"] == 300000
    # follower-weighted: (250000*4.2 + 50000*6.0) / 300000 = 4.5
    assert body["avg_engagement_rate"] == 4.5
    assert body["tier"] == "macro"
    assert body["rates_usd"] == {"post": 2500, "story": 600, "reel": 3200, "video": None}
    assert body["location"] == {"city": "Los Angeles", "region": "California", "country": "US"}
    assert body["recent_posts"][0]["posted_at"] == "2026-10-02T10:00:00Z"
    assert body["created_at"].endswith("Z")
    again = client.get(f"/api/v1/influencers/{body['id']}", headers=tenant.headers("manager"))
    assert again.status_code == 200
    assert again.json == body


def test_patch_changes_only_sent_fields_and_recomputes(client, tenant):
    created = client.post("/api/v1/influencers", json=creator(1), headers=tenant.headers("marketer")).json
    r = client.patch(f"/api/v1/influencers/{created['id']}", headers=tenant.headers("marketer"),
                     json={"platforms": [{"platform": "youtube", "handle": "c1yt", "followers": 2_000_000}],
                           "bio": "new bio"})
    assert r.status_code == 200, r.json
    assert r.json["bio"] == "new bio"
    assert r.json["name"] == "Creator 1"
    assert r.json["niches"] == ["beauty", "lifestyle"]
    assert r.json["total_followers"] == 2_000_000 and r.json["tier"] == "mega"
    assert r.json["avg_engagement_rate"] is None


def test_patch_rejects_removing_name_and_all_platforms(client, tenant):
    created = client.post("/api/v1/influencers", json=creator(2), headers=tenant.headers("marketer")).json
    r = client.patch(f"/api/v1/influencers/{created['id']}", json={"name": None}, headers=tenant.headers())
    assert r.status_code == 422 and "name" in r.json["error"]["fields"]
    r = client.patch(f"/api/v1/influencers/{created['id']}", json={"platforms": []}, headers=tenant.headers())
    assert r.status_code == 422 and "platforms" in r.json["error"]["fields"]


def test_delete_then_404(client, tenant):
    created = client.post("/api/v1/influencers", json=creator(3), headers=tenant.headers("marketer")).json
    assert client.delete(f"/api/v1/influencers/{created['id']}", headers=tenant.headers("marketer")).status_code == 204
    assert client.get(f"/api/v1/influencers/{created['id']}", headers=tenant.headers()).status_code == 404


def test_duplicate_account_is_a_conflict_and_writes_nothing(client, tenant, database_url):
    first = client.post("/api/v1/influencers", json=creator(4), headers=tenant.headers("marketer"))
    assert first.status_code == 201
    clash = creator(5)
    clash["platforms"][1]["handle"] = "CREATOR4_1"  # same tiktok handle, other case
    r = client.post("/api/v1/influencers", json=clash, headers=tenant.headers("marketer"))
    assert r.status_code == 409
    assert r.json["error"]["fields"] == {"platforms.1": "platform and handle already in use"}
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(Influencer).where(
            Influencer.org_id == tenant.org_id, Influencer.name == "Creator 5")) == 0


def test_list_filters_and_cursor_pages(client, tenant):
    h = tenant.headers("marketer")
    sizes = [5_000, 40_000, 150_000, 2_000_000, 30_000]
    for i, followers in enumerate(sizes):
        body = creator(100 + i, niches=["fitness"] if i % 2 else ["beauty"])
        body["platforms"] = [{"platform": "youtube" if i == 3 else "instagram", "handle": f"p{i}",
                              "followers": followers}]
        body["location"] = {"country": "GB" if i == 4 else "US"}
        assert client.post("/api/v1/influencers", json=body, headers=h).status_code == 201

    def names(query: str) -> set[str]:
        r = client.get(f"/api/v1/influencers?{query}", headers=h)
        assert r.status_code == 200, r.json
        return {item["name"] for item in r.json["items"]}

    assert names("niche=fitness") == {"Creator 101", "Creator 103"}
    assert names("platform=youtube") == {"Creator 103"}
    assert names("country=gb") == {"Creator 104"}
    assert names("min_followers=30000&max_followers=150000") == {"Creator 101", "Creator 102", "Creator 104"}

    seen, cursor = [], None
    while True:
        url = "/api/v1/influencers?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=h).json
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5


def test_list_rejects_bad_query_values(client, tenant):
    h = tenant.headers()
    for query, field in (("limit=500", "query.limit"), ("limit=abc", "query.limit"), ("niche=knitting", "query.niche"),
                         ("platform=myspace", "query.platform"), ("cursor=%%%", "query.cursor"),
                         ("min_followers=-1", "query.min_followers")):
        r = client.get(f"/api/v1/influencers?{query}", headers=h)
        assert r.status_code == 422, query
        assert field in r.json["error"]["fields"], (query, r.json)


def test_validation_errors_name_every_offending_field_and_write_nothing(client, tenant, database_url):
    bad = copy.deepcopy(SARAH)
    bad["handle"] = "bad_payload"
    bad["platforms"] = [{"platform": "myspace", "handle": "x", "followers": -5, "engagement_rate": 101}]
    bad["niches"] = ["knitting"]
    bad["email"] = "not-an-email"
    bad["rates_usd"] = {"post": "lots"}
    bad["surprise"] = 1
    r = client.post("/api/v1/influencers", json=bad, headers=tenant.headers("marketer"))
    assert r.status_code == 422
    fields = r.json["error"]["fields"]
    for expected in ("platforms.0.platform", "platforms.0.followers", "platforms.0.engagement_rate", "niches.0",
                     "email", "rates_usd.post", "surprise"):
        assert expected in fields, (expected, fields)
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(PlatformAccount).where(
            PlatformAccount.org_id == tenant.org_id)) == 0


def test_wrong_types_and_malformed_json(client, tenant):
    h = tenant.headers("marketer")
    r = client.post("/api/v1/influencers", json={"name": ["x"], "platforms": "instagram"}, headers=h)
    assert r.status_code == 422 and {"name", "platforms"} <= set(r.json["error"]["fields"])
    r = client.post("/api/v1/influencers", data='{"name": "x",', content_type="application/json", headers=h)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_json"
    r = client.post("/api/v1/influencers", data="name=x", content_type="application/x-www-form-urlencoded", headers=h)
    assert r.status_code == 415
    r = client.post("/api/v1/influencers", json=[SARAH], headers=h)
    assert r.status_code == 422


def test_twenty_megabyte_body_is_413(client, tenant):
    r = client.post("/api/v1/influencers", data=b"{" + b" " * (20 * 1024 * 1024) + b"}",
                    content_type="application/json", headers=tenant.headers("marketer"))
    assert r.status_code == 413
    assert r.json["error"]["code"] == "payload_too_large"


def test_writes_are_audited(client, tenant, database_url):
    created = client.post("/api/v1/influencers", json=creator(7), headers=tenant.headers("marketer")).json
    client.patch(f"/api/v1/influencers/{created['id']}", json={"bio": "x"}, headers=tenant.headers("admin"))
    with session_scope(database_url) as s:
        actions = [a.action for a in s.scalars(select(AuditLog).where(
            AuditLog.entity_id == created["id"]).order_by(AuditLog.at))]
    assert actions == ["create", "update"]


def test_counts_past_two_billion_are_stored_and_filtered(client, tenant):
    """Followers summed across platforms (and views) pass 32 bits for the biggest creators: PostgreSQL's INTEGER
    answered "integer out of range" (a 500) to the write and to a filter above 2,147,483,647."""
    body = creator(7, name="Mega Star")
    body["platforms"] = [{"platform": "instagram", "handle": "megastar", "followers": 1_900_000_000,
                          "avg_views": 3_000_000_000},
                         {"platform": "youtube", "handle": "megastar", "followers": 1_800_000_000}]
    body["recent_posts"] = [{"platform": "instagram", "text": "Thank you!", "likes": 2_500_000_000, "comments": 9}]
    r = client.post("/api/v1/influencers", json=body, headers=tenant.headers("marketer"))
    assert r.status_code == 201, r.json
    assert r.json["total_followers"] == 3_700_000_000
    found = client.get("/api/v1/influencers?min_followers=3000000000&max_followers=10000000000",
                       headers=tenant.headers("marketer"))
    assert found.status_code == 200 and [i["id"] for i in found.json["items"]] == [r.json["id"]]
    too_many = {**body, "platforms": [{**body["platforms"][0], "avg_views": 10**15}]}
    refused = client.post("/api/v1/influencers", json=too_many, headers=tenant.headers("marketer"))
    assert refused.status_code == 422 and "platforms.0.avg_views" in refused.json["error"]["fields"]
