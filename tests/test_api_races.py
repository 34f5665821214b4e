"""Issue 10, defect 2: simultaneous requests that insert the same unique value answer 409 naming the field
(or the winner's result where the route is idempotent by nature), never 500; SQLite and PostgreSQL.

Real concurrent requests (threads on the app, each with its own session and connection). A barrier placed
after a route's own "does it exist?" check makes every request pass the check before any inserts: the race
the issue saw by chance, every time.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.builders import make_campaign
from tests.payloads import creator

N = 3


def once_per_thread_barrier(parties: int, real: Callable[..., Any]) -> Callable[..., Any]:
    """`real`, but each thread's first call waits until `parties` threads have made theirs."""
    barrier, seen = threading.Barrier(parties, timeout=10), threading.local()

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not getattr(seen, "done", False):
            seen.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return result

    return wrapped


def concurrently(app: Any, call: Callable[[Any, int], Any], n: int = N) -> list[Any]:
    def one(i: int) -> Any:
        with app.test_client() as c:
            return call(c, i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_same_new_creator_created_simultaneously(app, tenant, monkeypatch) -> None:
    import api.influencers.views as views

    monkeypatch.setattr(views, "conflicting_accounts", once_per_thread_barrier(N, views.conflicting_accounts))
    body = creator(9001)
    answers = concurrently(app, lambda c, _: c.post("/api/v1/influencers", json=body, headers=tenant.headers()))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] + [409] * (N - 1), [(r.status_code, r.json) for r in answers]
    for r in answers:
        if r.status_code == 409:
            assert r.json["error"]["code"] == "conflict"
            assert set(r.json["error"]["fields"]) == {"platforms.0", "platforms.1"}, r.json


def test_two_creators_patched_to_one_handle_simultaneously(app, client, tenant, monkeypatch) -> None:
    import api.influencers.views as views

    ids = [client.post("/api/v1/influencers", json=creator(9100 + i), headers=tenant.headers()).json["id"]
           for i in range(N)]
    monkeypatch.setattr(views, "conflicting_accounts", once_per_thread_barrier(N, views.conflicting_accounts))
    wanted = {"platforms": [{"platform": "tiktok", "handle": "TakenByTheRace", "followers": 1000}]}
    answers = concurrently(app, lambda c, i: c.patch(f"/api/v1/influencers/{ids[i]}", json=wanted,
                                                     headers=tenant.headers()))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200] + [409] * (N - 1), [(r.status_code, r.json) for r in answers]
    assert all(r.json["error"]["fields"] == {"platforms.0": "platform and handle already in use"}
               for r in answers if r.status_code == 409)


def test_same_members_added_simultaneously_answer_like_the_winner(app, client, tenant, monkeypatch) -> None:
    import api.campaigns.views as views

    campaign = make_campaign(client, tenant)
    ids = [client.post("/api/v1/influencers", json=creator(9200 + i), headers=tenant.headers()).json["id"]
           for i in range(2)]
    monkeypatch.setattr(views, "audit", once_per_thread_barrier(N, views.audit))
    answers = concurrently(app, lambda c, _: c.post(f"/api/v1/campaigns/{campaign['id']}/influencers",
                                                    json={"influencer_ids": ids}, headers=tenant.headers("manager")))
    assert [r.status_code for r in answers] == [200] * N, [(r.status_code, r.json) for r in answers]
    added = [r.json["added"] for r in answers]
    assert sorted(map(len, added)) == [0] * (N - 1) + [2], added  # one request added both, the others saw them
    assert all(sorted(r.json["added"] + r.json["already_present"]) == sorted(ids) for r in answers)


def test_simultaneous_messages_to_one_negotiation_each_take_a_turn(app, client, tenant, monkeypatch,
                                                                    database_url) -> None:
    import agent.negotiation.service as service

    campaign = make_campaign(client, tenant)
    influencer = client.post("/api/v1/influencers", json=creator(9300), headers=tenant.headers()).json["id"]
    neg = client.post("/api/v1/negotiations", headers=tenant.headers("manager"),
                      json={"campaign_id": campaign["id"], "influencer_id": influencer, "channel": "chat",
                            "target_usd": 2000, "max_usd": 3000})
    assert neg.status_code == 201, neg.json
    if database_url.startswith("sqlite"):  # PostgreSQL's row lock already serializes the turns
        monkeypatch.setattr(service, "_next_seq", once_per_thread_barrier(2, service._next_seq))
    texts = ["I charge $4,000 for that.", "Can you tell me more about the timeline?"]
    answers = concurrently(app, lambda c, i: c.post(f"/api/v1/negotiations/{neg.json['id']}/messages",
                                                    json={"text": texts[i]}, headers=tenant.headers("manager")), n=2)
    assert [r.status_code for r in answers] == [200, 200], [(r.status_code, r.json) for r in answers]
    state = client.get(f"/api/v1/negotiations/{neg.json['id']}", headers=tenant.headers("manager")).json
    said = [m["text"] for m in state["messages"] if m["role"] == "influencer"]
    assert sorted(said) == sorted(texts) and len(state["messages"]) == 5  # opening + 2 × (message, reply)


def test_same_idempotency_key_raced_never_500(app, tenant) -> None:
    files = b"name,handle,platform,followers\nRace Creator,racecreator,instagram,12000\n"

    def post(c: Any, _: int) -> Any:
        from io import BytesIO

        return c.post("/api/v1/influencers/import", headers=tenant.headers("marketer", **{"Idempotency-Key": "race-1"}),
                      data={"file": (BytesIO(files), "creators.csv")}, content_type="multipart/form-data")

    answers = concurrently(app, post, n=4)
    statuses = [r.status_code for r in answers]
    assert set(statuses) <= {202, 409} and statuses.count(202) >= 1, [(r.status_code, r.json) for r in answers]
    job_ids = {r.json["job_id"] for r in answers if r.status_code == 202}
    assert len(job_ids) == 1  # a replay returns the first answer, never a second job
    for r in answers:
        if r.status_code == 409:
            assert r.json["error"]["fields"] == {"header.Idempotency-Key": "in progress"}


@pytest.mark.parametrize("message, fields", [
    ("UNIQUE constraint failed: platform_accounts.org_id, platform_accounts.platform, platform_accounts.handle_key",
     {"platforms.platform", "platforms.handle"}),
    ("UNIQUE constraint failed: campaign_members.campaign_id, campaign_members.influencer_id", {"influencer_ids"}),
])
def test_sqlite_unique_messages_name_the_request_fields(message: str, fields: set[str]) -> None:
    import sqlite3

    from sqlalchemy.exc import IntegrityError

    from api.http.conflicts import conflict_fields

    exc = IntegrityError("INSERT …", {}, sqlite3.IntegrityError(message))
    assert set(conflict_fields(exc) or {}) == fields
