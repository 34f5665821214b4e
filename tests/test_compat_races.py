"""Concurrent first contact on the legacy InfluAI routes, with real threads against a live server.

The frontend's dialog fires /negotiate three times at once (React StrictMode plus an effect). For a creator and
campaign we have never seen, that must make one creator, one campaign, one negotiation, and three equal answers
(SQLite and PostgreSQL; the race handling is api/compat/links.py).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from data.db import session_scope
from data.models import Campaign, Influencer, Negotiation, NegotiationMessage
from tests.builders import make_outreach_app

DEAL = ["Campaign: Monsoon Launch", "Product: Rain-proof SPF", "Budget: $5,000",
        "Deliverables: 2 Instagram Posts, 1 Story", "Deadline: August 1, 2026"]


def influencer(name: str) -> dict[str, Any]:
    return {"name": name, "platform": "Instagram", "followers": 64000, "rate": 25000, "engagement_rate": "3.5%",
            "languages": ["English"], "location": "Pune, India", "dealDetails": list(DEAL)}


@pytest.fixture()
def live(database_url: str, tenant: Any) -> Iterator[str]:
    app = make_outreach_app(database_url, INFLUAI_COMPAT_ORG=tenant.name)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def at_once(count: int, call: Any) -> list[requests.Response]:
    """Run `call(i)` in `count` threads released together."""
    barrier = threading.Barrier(count)
    out: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = call(i)
        except Exception as exc:  # reported by the assertion below
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(isinstance(r, requests.Response) for r in out), out
    return out


def test_three_simultaneous_first_calls_make_one_creator_and_one_conversation(live, tenant, database_url):
    names = [f"Ishaan Verma {n}" for n in range(3)]
    for name in names:  # a new creator each round; the campaign is new only in the first
        body = {"userPrompt": "Write the first email", "influencerData": influencer(name)}
        answers = at_once(3, lambda _i, b=body: requests.post(f"{live}/negotiate", json=b, timeout=60))
        assert [r.status_code for r in answers] == [200, 200, 200], [r.text for r in answers]
        first = answers[0].json()
        assert all(r.json() == first for r in answers)  # the same conversation, email and strategy
        assert isinstance(first["body"], str) and first["body"] and isinstance(first["conversationId"], str)
    with session_scope(database_url) as s:
        creators = s.scalars(select(Influencer.name).where(Influencer.org_id == tenant.org_id)).all()
        assert sorted(creators) == names
        assert s.scalar(select(func.count()).select_from(Campaign).where(
            Campaign.org_id == tenant.org_id, Campaign.name == "Monsoon Launch")) == 1
        negs = s.scalars(select(Negotiation).where(Negotiation.org_id == tenant.org_id)).all()
        assert len(negs) == 3 and len({n.influencer_id for n in negs}) == 3


def test_simultaneous_made_up_conversation_ids_share_one_negotiation(live, tenant, database_url):
    ids = [str(uuid.uuid4()) for _ in range(3)]  # three dialogs whose /negotiate failed

    def first_message(i: int) -> requests.Response:
        return requests.post(f"{live}/negotiate-conversation", timeout=60, json={
            "conversationId": ids[i], "userMessage": "Hi! My rate is $4,000 for this.",
            "influencerData": influencer("Tara Sen")})

    answers = at_once(3, first_message)
    assert [r.status_code for r in answers] == [200, 200, 200], [r.text for r in answers]
    for i, r in enumerate(answers):
        assert isinstance(r.json()["response"], str) and r.json()["response"] and r.json()["conversationId"] == ids[i]
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(Influencer).where(Influencer.org_id == tenant.org_id)) == 1
        negs = s.scalars(select(Negotiation).where(Negotiation.org_id == tenant.org_id)).all()
        assert len(negs) == 1
        turns = s.scalars(select(NegotiationMessage.seq).where(NegotiationMessage.negotiation_id == negs[0].id,
                                                               NegotiationMessage.role == "influencer")).all()
        assert len(turns) == 3 and len(set(turns)) == 3  # three turns, one after another, none lost
