"""Keys, roles and tenancy: every route checks its roles, and no key sees another organization's rows."""

from __future__ import annotations

import pytest

from tests.payloads import CAMPAIGN, creator

# (method, path template, body, roles allowed besides admin)
ROUTES = [
    ("GET", "/api/v1/influencers", None, {"marketer", "manager"}),
    ("POST", "/api/v1/influencers", "creator", {"marketer"}),
    ("GET", "/api/v1/influencers/{influencer}", None, {"marketer", "manager"}),
    ("PATCH", "/api/v1/influencers/{influencer}", {"bio": "x"}, {"marketer"}),
    ("GET", "/api/v1/campaigns", None, {"marketer", "manager", "evaluator"}),
    ("POST", "/api/v1/campaigns", CAMPAIGN, {"marketer", "manager"}),
    ("GET", "/api/v1/campaigns/{campaign}", None, {"marketer", "manager", "evaluator"}),
    ("PATCH", "/api/v1/campaigns/{campaign}", {"goals": "more"}, {"marketer", "manager"}),
    ("GET", "/api/v1/keys", None, set()),
    ("GET", "/api/v1/me", None, {"marketer", "manager", "evaluator"}),
]
ALL_ROLES = ("admin", "manager", "marketer", "evaluator")


@pytest.fixture()
def owned(client, tenant):
    inf = client.post("/api/v1/influencers", json=creator(900), headers=tenant.headers("marketer")).json
    camp = client.post("/api/v1/campaigns", json=CAMPAIGN, headers=tenant.headers("manager")).json
    return {"influencer": inf["id"], "campaign": camp["id"]}


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_roles_per_route(client, tenant, owned, method, path, body, allowed):
    counter = iter(range(10_000))
    for role in ALL_ROLES:
        payload = creator(1000 + next(counter)) if body == "creator" else body
        r = client.open(path.format(**owned), method=method, json=payload, headers=tenant.headers(role))
        if role == "admin" or role in allowed:
            assert r.status_code < 400, (role, r.status_code, r.json)
        else:
            assert r.status_code == 403, (role, r.status_code)
            assert r.json["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_missing_and_malformed_keys_are_401(client, owned, method, path, body, allowed):
    url = path.format(**owned)
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer ik_not_a_real_key"}):
        r = client.open(url, method=method, json=body if isinstance(body, dict) else None, headers=headers)
        assert r.status_code == 401, (headers, r.status_code)
        assert r.json["error"]["code"] == "unauthorized"


def test_foreign_ids_are_404_for_every_verb(client, tenant, other_tenant, owned):
    h = other_tenant.headers("admin")
    inf, camp = owned["influencer"], owned["campaign"]
    for method, url, body in (
        ("GET", f"/api/v1/influencers/{inf}", None),
        ("PATCH", f"/api/v1/influencers/{inf}", {"bio": "pwned"}),
        ("DELETE", f"/api/v1/influencers/{inf}", None),
        ("GET", f"/api/v1/campaigns/{camp}", None),
        ("PATCH", f"/api/v1/campaigns/{camp}", {"goals": "pwned"}),
        ("DELETE", f"/api/v1/campaigns/{camp}", None),
    ):
        r = client.open(url, method=method, json=body, headers=h)
        assert r.status_code == 404, (method, url, r.status_code)
    # and the owner still sees the untouched rows
    assert client.get(f"/api/v1/influencers/{inf}", headers=tenant.headers()).json["bio"] != "pwned"
    assert client.get(f"/api/v1/campaigns/{camp}", headers=tenant.headers()).json["goals"] != "pwned"
    # lists never leak
    listed = client.get("/api/v1/influencers", headers=h).json["items"]
    assert inf not in {i["id"] for i in listed}
    # adding a foreign creator to one's own campaign is refused too
    mine = client.post("/api/v1/campaigns", json=CAMPAIGN, headers=h).json["id"]
    r = client.post(f"/api/v1/campaigns/{mine}/influencers", json={"influencer_ids": [inf]}, headers=h)
    assert r.status_code == 404 and r.json["error"]["fields"] == {"influencer_ids.0": "not found"}


def test_admin_manages_keys_and_revoked_key_stops_working(client, tenant):
    r = client.post("/api/v1/keys", json={"role": "marketer", "label": "intern"}, headers=tenant.headers())
    assert r.status_code == 201
    new_key, key_id = r.json["key"], r.json["id"]
    auth = {"Authorization": f"Bearer {new_key}"}
    assert client.get("/api/v1/me", headers=auth).json["role"] == "marketer"
    listed = client.get("/api/v1/keys", headers=tenant.headers()).json["items"]
    assert key_id in {k["id"] for k in listed} and all("key" not in k for k in listed)
    assert client.delete(f"/api/v1/keys/{key_id}", headers=tenant.headers()).status_code == 204
    r = client.get("/api/v1/me", headers=auth)
    assert r.status_code == 401


def test_key_role_must_be_known(client, tenant):
    r = client.post("/api/v1/keys", json={"role": "owner"}, headers=tenant.headers())
    assert r.status_code == 422 and "role" in r.json["error"]["fields"]


def test_other_org_cannot_revoke_my_key(client, tenant, other_tenant):
    key_id = client.post("/api/v1/keys", json={"role": "evaluator"}, headers=tenant.headers()).json["id"]
    assert client.delete(f"/api/v1/keys/{key_id}", headers=other_tenant.headers()).status_code == 404
