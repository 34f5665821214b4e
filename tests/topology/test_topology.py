"""The public API against the production topology, and what each fault must not break (issue: production
topology and failure). Every test here drives real processes over HTTP; see harness.py for what runs."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from typing import Any

import psycopg
import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from data.db import session_scope
from data.models import NegotiationMessage, Organization
from tests.builders import seed_creators
from tests.payloads import CAMPAIGN, creator
from tests.topology.harness import WORKER_CONCURRENCY, Topology, wait_until


class Api:
    """A client of the running service for one organization."""

    def __init__(self, topo: Topology, key: str) -> None:
        self.base, self.http = topo.base_url, requests.Session()
        self.http.headers["Authorization"] = f"Bearer {key}"

    def post(self, path: str, body: Any, **headers: str) -> requests.Response:
        return self.http.post(self.base + path, json=body, headers=headers, timeout=30)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, timeout=30)


@pytest.fixture()
def org(topology: Topology) -> tuple[str, Api]:
    from api.http.auth import issue_key

    with session_scope(topology.database_url) as s:
        organization = Organization(name=f"topo-{os.urandom(4).hex()}")
        s.add(organization)
        s.flush()
        key = issue_key(s, organization, "admin")[1]
        org_id = organization.id
    return org_id, Api(topology, key)


def _wait_job(api: Api, job_id: str, timeout: float) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def done() -> bool:
        seen.update(api.get(f"/api/v1/jobs/{job_id}").json())
        return seen.get("status") in ("done", "failed")

    wait_until(done, timeout, f"job {job_id} ({seen})", interval=0.5)
    return seen


def _launch(api: Api, topology: Topology, org_id: str, count: int, start: int) -> tuple[str, list[str]]:
    ids = seed_creators(topology.database_url, org_id, count, start=start, domain=f"{org_id[:8]}.example")
    campaign = api.post("/api/v1/campaigns", CAMPAIGN)
    assert campaign.status_code == 201, campaign.text
    r = api.post(f"/api/v1/campaigns/{campaign.json()['id']}/launch",
                 {"influencer_ids": ids, "channel": "email", "pricing": {"target_usd": 2000, "max_usd": 3000}},
                 **{"Idempotency-Key": f"launch-{org_id}"})
    assert r.status_code == 202, r.text
    return r.json()["job_id"], [f"c{n}@{org_id[:8]}.example" for n in range(start, start + count)]


def _each_once(topology: Topology, addresses: list[str], in_flight: int) -> None:
    """Every creator got exactly one distinct email; only a delivery caught between the SMTP server's
    acceptance and our "sent" commit may be resent (same Message-ID): at most `in_flight` of them."""
    recipients = topology.mail.by_recipient()
    ours = {a: recipients.get(a, set()) for a in addresses}
    assert all(len(ids) == 1 for ids in ours.values()), {a: len(i) for a, i in ours.items() if len(i) != 1}
    counts = topology.mail.by_message_id()
    repeats = sum(counts[next(iter(ids))] - 1 for ids in ours.values())
    assert repeats <= in_flight, f"{repeats} resent Message-IDs, at most {in_flight} could have been in flight"


def test_profiles_written_through_any_web_worker_are_found_by_search(topology: Topology, org: tuple[str, Api]) -> None:
    _org_id, api = org
    tag = os.urandom(3).hex()
    handles = []
    for n in range(12):
        body = creator(900 + n, handle=f"topo{tag}{n}", bio=f"Ceramics and pottery wheel tutorials {tag}")
        r = api.post("/api/v1/influencers", body)
        assert r.status_code == 201, r.text
        handles.append(body["handle"])

    def all_found() -> bool:
        r = api.post("/api/v1/search", {"query": "pottery wheel ceramics creators", "limit": 50})
        assert r.status_code == 200, r.text
        found = {x["influencer"]["handle"] for x in r.json()["results"]}
        return set(handles) <= found

    wait_until(all_found, 30, "all 12 new profiles in search results", interval=0.5)


def test_killed_worker_mid_launch_every_creator_gets_one_email(topology: Topology, org: tuple[str, Api]) -> None:
    org_id, api = org
    job_id, addresses = _launch(api, topology, org_id, 300, start=0)
    wait_until(lambda: sum(1 for a in addresses if a in topology.mail.by_recipient()) >= 40, 120,
               "the first 40 deliveries")
    topology.restart("worker", kill=True)
    job = _wait_job(api, job_id, 240)
    assert job["status"] == "done", job
    wait_until(lambda: all(a in topology.mail.by_recipient() for a in addresses), 120, "all 300 deliveries")
    _each_once(topology, addresses, in_flight=WORKER_CONCURRENCY)  # one kill of a worker with that many processes


def test_redis_restart_mid_launch_the_launch_still_finishes(topology: Topology, org: tuple[str, Api]) -> None:
    """The restarted Redis keeps nothing (no persistence): the queued deliveries are gone, and beat's
    `outreach.sweep_launches` finds the stalled launch in SQL and delivers its remaining members, each once."""
    org_id, api = org
    job_id, addresses = _launch(api, topology, org_id, 120, start=1000)
    wait_until(lambda: sum(1 for a in addresses if a in topology.mail.by_recipient()) >= 10, 120,
               "the first deliveries")
    topology.restart("redis", kill=True)
    job = _wait_job(api, job_id, 240)
    assert job["status"] == "done", job
    wait_until(lambda: all(a in topology.mail.by_recipient() for a in addresses), 180, "all 120 deliveries")
    # No process dies here; the one resend allowed is a delivery a live worker held past the send lease
    # (SEND_LEASE_SECONDS=5 in the harness), which a delivery re-dispatched by the sweeper may claim again.
    _each_once(topology, addresses, in_flight=1)


def _start_negotiation(api: Api, topology: Topology, org_id: str) -> str:
    [influencer_id] = seed_creators(topology.database_url, org_id, 1, start=5000, domain=f"n{org_id[:8]}.example")
    campaign = api.post("/api/v1/campaigns", CAMPAIGN).json()
    r = api.post("/api/v1/negotiations", {"campaign_id": campaign["id"], "influencer_id": influencer_id,
                                          "channel": "chat", "target_usd": 2000, "max_usd": 30000})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_killed_web_worker_loses_no_acknowledged_turn_and_doubles_none(topology: Topology,
                                                                        org: tuple[str, Api]) -> None:
    org_id, api = org
    negotiation_id = _start_negotiation(api, topology, org_id)
    asks = [f"My rate for this would be ${29000 - 900 * n:,}" for n in range(12)]
    answered: list[int] = []
    killer = threading.Timer(0.8, lambda: _kill_one_web_worker(topology))
    killer.start()
    for n, text in enumerate(asks):
        for _attempt in range(8):  # the client retries the same message with the same key until answered
            try:
                r = api.post(f"/api/v1/negotiations/{negotiation_id}/messages", {"text": text},
                             **{"Idempotency-Key": f"turn-{n}"})
            except requests.ConnectionError:
                time.sleep(0.3)
                continue
            if r.status_code == 409:  # the negotiation closed (agreed): later turns are refused, as documented
                break
            assert r.status_code == 200, r.text
            answered.append(n)
            break
        if r.status_code == 409:
            break
    killer.join()
    with session_scope(topology.database_url) as s:
        texts = Counter(s.scalars(select(NegotiationMessage.text).where(
            NegotiationMessage.negotiation_id == negotiation_id, NegotiationMessage.role == "influencer")))
    assert answered, "no turn was answered"
    assert all(texts[asks[n]] == 1 for n in answered), texts
    assert set(texts.values()) == {1} and len(texts) == len(answered), texts


def _kill_one_web_worker(topology: Topology) -> None:
    workers = topology.services["web"].children()
    if workers:
        os.kill(workers[0], 9)


def test_chroma_restart_gives_clean_answers_and_search_recovers(topology: Topology, org: tuple[str, Api]) -> None:
    _org_id, api = org
    statuses: Counter[int] = Counter()
    topology.services["chroma"].kill()
    try:
        for _ in range(10):
            r = api.post("/api/v1/search", {"query": "beauty creators in Los Angeles"})
            statuses[r.status_code] += 1
            assert r.status_code in (200, 503), r.text
            if r.status_code == 503:
                assert r.headers.get("Retry-After"), r.headers
    finally:
        topology.services["chroma"].start(topology.env())
    wait_until(lambda: api.post("/api/v1/search", {"query": "beauty creators"}).status_code == 200, 30,
               "search after the Chroma server came back")
    assert statuses[500] == 0


def test_dropped_database_connections_fail_cleanly_and_the_pool_recovers(topology: Topology,
                                                                         org: tuple[str, Api]) -> None:
    _org_id, api = org
    assert api.get("/api/v1/influencers?limit=5").status_code == 200
    database = make_url(topology.database_url).database
    admin = make_url(topology.database_url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        ended = conn.execute("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()) t", (database,)).fetchone()[0]
    assert ended > 0, "no connection of the service was open"
    statuses = Counter(api.get("/api/v1/influencers?limit=5").status_code for _ in range(20))
    assert set(statuses) <= {200, 503}, statuses
    wait_until(lambda: api.get("/api/v1/influencers?limit=5").status_code == 200, 20, "the pool to recover")
    with session_scope(topology.database_url) as s:
        assert s.scalar(select(func.count()).select_from(Organization)) >= 1
