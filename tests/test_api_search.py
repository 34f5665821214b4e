"""Discovery through the HTTP API (README "Discovery"): the issue's query and its refinements, parse-only, tenancy."""

from __future__ import annotations

import copy

import pytest

from api import jobs
from data.db import session_scope
from data.generator import generate_profiles
from data.influencers import create_influencer
from data.schemas import InfluencerIn
from retrieval.sync import reindex_org
from tests.payloads import SARAH

TIKTOK_LA = copy.deepcopy(SARAH) | {"name": "Tara TikTok", "handle": "taratok", "past_brands": ["Nike", "Fenty"]}
TIKTOK_LA["platforms"] = [{"platform": "tiktok", "handle": "taratok", "followers": 180000, "engagement_rate": 7.5}]
TIKTOK_LA["rates_usd"] = {"post": 800, "story": 200, "reel": 900, "video": None}
CHEAP_TIKTOK = copy.deepcopy(TIKTOK_LA) | {"name": "Cami Cheap", "handle": "camicheap", "past_brands": ["Glossier"]}
CHEAP_TIKTOK["platforms"] = [{"platform": "tiktok", "handle": "camicheap", "followers": 90000, "engagement_rate": 5.1}]
CHEAP_TIKTOK["rates_usd"] = {"post": 450, "story": 100, "reel": 500, "video": None}
TORONTO = copy.deepcopy(TIKTOK_LA) | {"name": "Nora North", "handle": "noranorth", "past_brands": []}
TORONTO["location"] = {"city": "Toronto", "region": "Ontario", "country": "CA"}
TORONTO["platforms"] = [{"platform": "tiktok", "handle": "noranorth", "followers": 75000, "engagement_rate": 5.0}]
TORONTO["rates_usd"] = {"post": 600, "story": None, "reel": None, "video": None}
PLANTED = {"Sarah Johnson": SARAH, "Tara TikTok": TIKTOK_LA, "Cami Cheap": CHEAP_TIKTOK, "Nora North": TORONTO}


@pytest.fixture()
def catalog(tenant, database_url):
    with session_scope(database_url) as s:
        for raw in generate_profiles(80, seed=11):
            create_influencer(s, tenant.org_id, InfluencerIn.model_validate(raw))
        for body in PLANTED.values():
            create_influencer(s, tenant.org_id, InfluencerIn.model_validate(body))
    with session_scope(database_url) as s:
        reindex_org(s, tenant.org_id)
    return tenant


def _search(client, tenant, query, session_id=None, role="marketer"):
    r = client.post("/api/v1/search", json={"query": query, "session_id": session_id, "limit": 10},
                    headers=tenant.headers(role))
    assert r.status_code == 200, r.json
    return r.json


def _names(result):
    return [item["influencer"]["name"] for item in result["results"]]


def test_issue_query_and_refinements(client, catalog):
    first = _search(client, catalog, "Find beauty influencers in Los Angeles with 50K+ followers")
    assert first["parsed"]["niches"] == ["beauty"] and first["parsed"]["min_followers"] == 50000
    assert first["parsed"]["locations"][0]["city"] == "Los Angeles"
    assert {"Sarah Johnson", "Tara TikTok", "Cami Cheap"} <= set(_names(first))
    assert "Nora North" not in _names(first)
    for item in first["results"]:
        inf = item["influencer"]
        assert "beauty" in inf["niches"] and inf["location"]["city"] == "Los Angeles"
        assert inf["total_followers"] >= 50000
        assert 0.0 <= item["score"] <= 1.0 and item["reasons"]
    assert first["total_matches"] >= 3

    tiktok = _search(client, catalog, "only the ones on TikTok", first["session_id"])
    assert tiktok["session_id"] == first["session_id"]
    assert tiktok["parsed"]["platforms"] == ["tiktok"] and tiktok["parsed"]["niches"] == ["beauty"]
    assert {"Tara TikTok", "Cami Cheap", "Sarah Johnson"} <= set(_names(tiktok))
    sarah = next(item for item in tiktok["results"] if item["influencer"]["name"] == "Sarah Johnson")
    assert "50K TikTok followers ≥ 50K" in sarah["reasons"]  # her TikTok account counts, not her Instagram

    cheap = _search(client, catalog, "under $1k", first["session_id"])
    assert cheap["parsed"]["max_rate_usd"] == 1000
    no_nike = _search(client, catalog, "drop the ones who worked with Nike", first["session_id"])
    assert "Tara TikTok" not in _names(no_nike) and "Cami Cheap" in _names(no_nike)

    canada = _search(client, catalog, "in Canada instead", first["session_id"])
    assert canada["parsed"]["locations"] == [{"city": None, "region": None, "country": "CA"}]
    assert "Nora North" in _names(canada)


def test_parse_only_and_validation(client, tenant):
    r = client.post("/api/v1/search/parse", json={"query": "micro-influencers on TikTok or Reels, cheapest first"},
                    headers=tenant.headers("manager"))
    assert r.status_code == 200
    parsed = r.json["parsed"]
    assert (parsed["min_followers"], parsed["max_followers"]) == (10000, 99999)
    assert set(parsed["platforms"]) == {"tiktok", "instagram"} and parsed["sort"] == "rate"
    r = client.post("/api/v1/search", json={"query": ""}, headers=tenant.headers())
    assert r.status_code == 422 and "query" in r.json["error"]["fields"]
    r = client.post("/api/v1/search", json={"query": "x", "limit": 1000}, headers=tenant.headers())
    assert r.status_code == 422 and "limit" in r.json["error"]["fields"]
    r = client.post("/api/v1/search", json={"query": "beauty"}, headers=tenant.headers("evaluator"))
    assert r.status_code == 403


def test_sessions_and_results_stay_in_their_organization(client, catalog, other_tenant):
    mine = _search(client, catalog, "beauty creators in LA")
    r = client.post("/api/v1/search", json={"query": "only TikTok", "session_id": mine["session_id"]},
                    headers=other_tenant.headers())
    assert r.status_code == 404
    theirs = _search(client, other_tenant, "beauty creators in LA", role="admin")
    assert theirs["results"] == [] and theirs["total_matches"] == 0


def test_index_follows_api_writes(client, catalog):
    created = client.post("/api/v1/influencers", headers=catalog.headers("marketer"), json={
        "name": "Vera Vegan", "niches": ["food"], "topics": ["vegan recipes", "plant-based meal prep"],
        "bio": "Plant-based recipes from my tiny Austin kitchen.", "location": {"city": "Austin", "country": "US"},
        "platforms": [{"platform": "youtube", "handle": "veravegan", "followers": 64000, "engagement_rate": 5.5}]})
    assert created.status_code == 201
    assert jobs.wait_idle(timeout=120)
    found = _search(client, catalog, "vegan recipe creators on YouTube")
    assert _names(found)[0] == "Vera Vegan"
    client.delete(f"/api/v1/influencers/{created.json['id']}", headers=catalog.headers("marketer"))
    assert jobs.wait_idle(timeout=120)
    assert "Vera Vegan" not in _names(_search(client, catalog, "vegan recipe creators on YouTube"))
