"""The service shell: health, metrics, OpenAPI and docs, the web page, rate limits and unexpected errors."""

from __future__ import annotations

import uuid

import pytest

from api import create_app
from tests.builders import service_url


def test_health_reports_real_checks(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json == {"status": "ok", "checks": {"db": "ok", "index": "ok", "jobs": "ok"}}


def test_health_degrades_when_the_database_is_gone():
    # nothing listens on port 1: the database check must fail, and say so, without a 500
    broken = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                         "RATELIMIT_ENABLED": False}).test_client()
    r = broken.get("/health")
    assert r.status_code == 503
    assert r.json["status"] == "degraded" and r.json["checks"]["db"].startswith("error")


def test_metrics_in_prometheus_format(client, tenant):
    client.get("/api/v1/me", headers=tenant.headers())
    r = client.get("/metrics")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    text = r.get_data(as_text=True)
    assert "# TYPE http_requests_total counter" in text
    assert 'endpoint="/api/v1/me"' in text and "http_request_duration_seconds_bucket" in text


def test_openapi_is_generated_from_the_routes(client):
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/influencers", "/api/v1/influencers/{influencer_id}", "/api/v1/search",
                 "/api/v1/negotiations/{negotiation_id}/messages", "/api/v1/campaigns/{campaign_id}/launch"):
        assert path in spec["paths"], path
    create = spec["paths"]["/api/v1/influencers"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/InfluencerIn")
    assert "201" in create["responses"] and create["security"] == [{"apiKey": []}]
    assert "InfluencerIn" in spec["components"]["schemas"]


def test_docs_and_web_page_are_served_offline(client):
    docs = client.get("/docs")
    assert docs.status_code == 200 and b"/openapi.json" in docs.data
    asset = client.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    page = client.get("/")
    assert page.status_code == 200 and b'id="search"' in page.data and b"/api/v1/search" in page.data


def test_unknown_route_and_method_use_the_error_format(client, tenant):
    r = client.get("/api/v1/nothing-here", headers=tenant.headers())
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    r = client.put("/api/v1/influencers", headers=tenant.headers())
    assert r.status_code == 405 and r.json["error"]["code"] == "method_not_allowed"


def _limited_app(database_url: str, storage: str):
    return create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": True, "RATELIMIT_DEFAULT": "3 per minute",
                       "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex})


def test_rate_limit_answers_429_in_the_error_format(database_url, tenant):
    client = _limited_app(database_url, "memory://").test_client()
    codes = [client.get("/api/v1/me", headers=tenant.headers()).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/api/v1/me", headers=tenant.headers())
    assert r.json["error"]["code"] == "rate_limited" and "Retry-After" in r.headers
    assert client.get("/api/v1/me", headers=tenant.headers("marketer")).status_code == 200  # per key
    assert client.get("/health").status_code == 200  # never limited


def test_rate_limit_is_shared_through_redis(database_url, tenant):
    redis_url = service_url("TEST_REDIS_URL")
    prefix = uuid.uuid4().hex
    apps = [create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": True,
                        "RATELIMIT_DEFAULT": "3 per minute", "RATELIMIT_STORAGE_URI": redis_url,
                        "RATELIMIT_KEY_PREFIX": prefix}).test_client() for _ in range(2)]
    codes = [apps[i % 2].get("/api/v1/me", headers=tenant.headers()).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


@pytest.fixture()
def failing_app(database_url):
    app = create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    return app.test_client()


def test_unexpected_errors_never_leak_a_trace(failing_app):
    r = failing_app.get("/boom")
    assert r.status_code == 500
    assert r.json["error"]["code"] == "internal_error"
    assert b"secret internals" not in r.data and b"Traceback" not in r.data


def test_a_nul_character_is_refused_at_the_edge(client, tenant):
    """PostgreSQL text cannot hold NUL: a body, query or path carrying one is a 422 (404 for a path id), never
    the database's 500."""
    r = client.post("/api/v1/replays", json={"negotiation_ids": ["ok", "bad\x00id"]}, headers=tenant.headers())
    assert r.status_code == 422 and r.json["error"]["fields"] == {"negotiation_ids.1": "text cannot contain a NUL "
                                                                                        "character"}
    r = client.get("/api/v1/influencers?country=U%00S", headers=tenant.headers())
    assert r.status_code == 422 and "query.country" in r.json["error"]["fields"]
    assert client.get("/api/v1/negotiations/ab%00cd", headers=tenant.headers()).status_code == 404
