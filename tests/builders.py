"""Helpers the tests share: real servers for tests (or a skip), outreach apps, creators, campaigns, mail.

Tests import from here, never from each other.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.outreach.mailer import make_message_id
from api.outreach.emails import email_key
from api.outreach.inbound_mail import sign_inbound
from data.db import session_scope
from data.influencers import create_influencer
from data.models import Campaign, CampaignMember, Influencer, Negotiation, OutreachEmail
from data.schemas import InfluencerIn
from tests.payloads import CAMPAIGN, creator


def service_url(name: str) -> str:
    """The URL of a real server for tests, or a skip (a failure in CI) with the reason printed."""
    url = os.environ.get(name)
    if not url:
        reason = f"{name} is not set: tests needing that server are skipped"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason}, but REQUIRE_SERVICES=1 makes them mandatory")
        pytest.skip(reason)
    return url


def use_env(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    """Set environment variables for one test and make the settings object read them again."""
    from data.settings import get_settings

    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def module_database(kind: str, folder: Path) -> str:
    """A migrated database for one test module: a SQLite file of its own, or the suite's PostgreSQL (shared with
    the other tests, so what the module adds goes under an organization of its own)."""
    from data.migrate import upgrade

    url = f"sqlite:///{folder / 'module.db'}" if kind == "sqlite" else service_url("TEST_DATABASE_URL")
    upgrade(url)
    return url


@dataclass
class Tenant:
    org_id: str
    name: str
    keys: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str = "admin", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}", **extra}


def make_tenant(database_url: str, name: str) -> Tenant:
    """An organization with one API key of every role."""
    from api.http.auth import ROLES, issue_key
    from data.models import Organization

    with session_scope(database_url) as s:
        org = Organization(name=name)
        s.add(org)
        s.flush()
        tenant = Tenant(org_id=org.id, name=name)
        for role in ROLES:
            tenant.keys[role] = issue_key(s, org, role)[1]
    return tenant


INBOUND_SECRET = "inbound-test-secret"
BASE_URL = "https://outreach.example.test"
PRICING = {"target_usd": 2000, "max_usd": 3000}


def make_outreach_app(database_url: str, **config: Any) -> Any:
    """An app whose outreach settings (links, unsubscribe secret, no send-rate wait) suit the outreach tests."""
    from api import create_app

    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "RATELIMIT_ENABLED": False,
                      "PUBLIC_BASE_URL": BASE_URL, "SECRET_KEY": "unsubscribe-test-key",
                      "SEND_RATE_PER_DOMAIN": "0", **config})
    return app


def seed_creators(database_url: str, org_id: str, count: int, start: int = 0, domain: str = "creators.example",
                  **changes: Any) -> list[str]:
    """Creators stored directly (no search-index work), each with their own address."""
    ids = []
    with session_scope(database_url) as s:
        for n in range(start, start + count):
            body = creator(n, **{"email": f"c{n}@{domain}", **changes})
            ids.append(create_influencer(s, org_id, InfluencerIn.model_validate(body)).id)
    return ids


def make_campaign(client: Any, tenant: Any, **changes: Any) -> dict[str, Any]:
    r = client.post("/api/v1/campaigns", json={**CAMPAIGN, **changes}, headers=tenant.headers("manager"))
    assert r.status_code == 201, r.json
    return r.json


def launch_to(client: Any, tenant: Any, campaign_id: str, ids: list[str], key: str | None = None,
              **body: Any) -> Any:
    headers = tenant.headers("manager", **({"Idempotency-Key": key} if key else {}))
    return client.post(f"/api/v1/campaigns/{campaign_id}/launch", headers=headers,
                       json={"influencer_ids": ids, "channel": "email", "pricing": PRICING, **body})


def read_outbox(directory: Path) -> list[EmailMessage]:
    if not directory.exists():
        return []
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(directory.glob("*.eml"))]


def to(messages: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [m for m in messages if str(m["To"]) == address]


def post_inbound(client: Any, payload: dict[str, Any], secret: str = INBOUND_SECRET,
                 timestamp: int | None = None) -> Any:
    raw = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", **sign_inbound(secret, raw, timestamp)}
    return client.post("/api/v1/email/inbound", data=raw, headers=headers)


def members(database_url: str, campaign_id: str) -> dict[str, CampaignMember]:
    with session_scope(database_url) as s:
        return {m.influencer_id: m for m in s.scalars(
            select(CampaignMember).where(CampaignMember.campaign_id == campaign_id))}


DIALOGUE = ["Thanks! My rate for this package is $7,500", "Could you do 6k if I add a story?", "Deal."]


def recorded_negotiation(client: Any, tenant: Any, texts: list[str] | None = None, n: int = 1,
                         **overrides: Any) -> str:
    """A negotiation started and talked through over the API (manager key); its id."""
    inf = client.post("/api/v1/influencers", json=creator(n), headers=tenant.headers("marketer"))
    assert inf.status_code == 201, inf.json
    camp = client.post("/api/v1/campaigns", json=CAMPAIGN, headers=tenant.headers("manager"))
    assert camp.status_code == 201, camp.json
    body = {"campaign_id": camp.json["id"], "influencer_id": inf.json["id"], "channel": "email",
            "target_usd": 5000, "max_usd": 6500, "deliverables": ["1 reel", "3 stories"],
            "usage_rights": "6 months organic", **overrides}
    neg = client.post("/api/v1/negotiations", json=body, headers=tenant.headers("manager"))
    assert neg.status_code == 201, neg.json
    for text in DIALOGUE if texts is None else texts:
        r = client.post(f"/api/v1/negotiations/{neg.json['id']}/messages", json={"text": text},
                        headers=tenant.headers("manager"))
        assert r.status_code in (200, 409), r.json
    return neg.json["id"]
# ---------------------------------------------------------------- outreach rows stored directly (unit tests)


def use_outreach_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    """Outside any app, tasks read the process settings: point them at this database, with no send-rate wait."""
    use_env(monkeypatch, DATABASE_URL=database_url, SEND_RATE_PER_DOMAIN="0", PUBLIC_BASE_URL=BASE_URL,
            SECRET_KEY="unsubscribe-test-key", LLM_PROVIDER="offline", MAIL_TRANSPORT="outbox")


def add_campaign(s: Session, org_id: str, **changes: Any) -> Campaign:
    """The CAMPAIGN payload stored as a row (its sender flattened into the sender_* columns)."""
    sender = CAMPAIGN["sender"]
    fields = {**{k: v for k, v in CAMPAIGN.items() if k != "sender"}, "sender_name": sender["name"],
              "sender_email": sender["email"], "sender_postal_address": sender["postal_address"],
              "status": "active", **changes}
    campaign = Campaign(org_id=org_id, **fields)
    s.add(campaign)
    s.flush()
    return campaign


def add_creator(s: Session, org_id: str, n: int, email: str | None = None, **changes: Any) -> Influencer:
    """Creator `n` of `creator()` (unique per organization), stored with `email` (default c<n>@creators.example)."""
    body = creator(n, **{"email": email or f"c{n}@creators.example", **changes})
    return create_influencer(s, org_id, InfluencerIn.model_validate(body))


def add_member(s: Session, campaign: Campaign, influencer_id: str, **changes: Any) -> CampaignMember:
    member = CampaignMember(org_id=campaign.org_id, campaign_id=campaign.id, influencer_id=influencer_id,
                            **{"status": "added", **changes})
    s.add(member)
    s.flush()
    return member


def add_email(s: Session, campaign: Campaign, influencer_id: str | None, to_addr: str, key: str = "initial",
              **changes: Any) -> OutreachEmail:
    """An outgoing email row keyed like the real ones (`<campaign>:<influencer>:<key>`), `pending` by default."""
    sender = campaign.sender_email or "sender@example.com"
    fields = {"kind": key.split("_")[0], "direction": "out", "from_addr": sender, "subject": "A note from Lumen Skin",
              "body_text": "Hello there.", "body_html": "<p>Hello there.</p>", "status": "pending",
              "message_id": make_message_id(sender.rsplit("@", 1)[-1]),
              "idempotency_key": email_key(campaign.id, influencer_id or "-", key), **changes}
    row = OutreachEmail(org_id=campaign.org_id, campaign_id=campaign.id, influencer_id=influencer_id,
                        to_addr=to_addr, **fields)
    s.add(row)
    s.flush()
    return row


def add_negotiation(s: Session, campaign: Campaign, inf: Influencer, status: str = "open") -> Negotiation:
    """A negotiation opened by the agent as a launch opens it, then given `status`."""
    from decimal import Decimal

    from agent.negotiation import service

    neg = service.start(s, org_id=campaign.org_id, campaign=campaign, influencer=inf, channel="email",
                        target_usd=Decimal(PRICING["target_usd"]), max_usd=Decimal(PRICING["max_usd"]),
                        deliverables=list(campaign.deliverables), usage_rights=None)
    neg.status = status
    s.flush()
    return neg


# --- search and voice ------------------------------------------------------------------------------------------

def searchable_profile(name: str, followers: int, niches: list[str], topics: list[str]) -> InfluencerIn:
    """A Los Angeles Instagram creator whose bio names its topics (for the retrieval tests)."""
    return InfluencerIn.model_validate({
        "name": name, "bio": f"{name} talks about {', '.join(topics)}", "niches": niches, "topics": topics,
        "location": {"city": "Los Angeles", "region": "California", "country": "US"},
        "platforms": [{"platform": "instagram", "handle": name.lower().replace(" ", ""), "followers": followers,
                       "engagement_rate": 3.0}],
        "rates_usd": {"post": 500},
    })


_ZONES = [("London", "GB", "Europe/London"), ("New York", "US", "America/New_York"),
          ("Los Angeles", "US", "America/Los_Angeles"), ("Tokyo", "JP", "Asia/Tokyo"),
          ("Sydney", "AU", "Australia/Sydney")]


def awake_city() -> dict[str, str]:
    """A city where it is now daytime, so a call to a creator there is within calling hours."""
    now = datetime.now(UTC)
    city, country, _ = next(z for z in _ZONES if 10 <= now.astimezone(ZoneInfo(z[2])).hour < 19)
    return {"city": city, "country": country}


def voice_negotiation(client: Any, tenant: Any, database_url: str, **campaign_fields: Any) -> str:
    """A voice negotiation (target 2,000, max 3,000) with a creator who has a phone number and is awake."""
    [inf] = seed_creators(database_url, tenant.org_id, 1, domain=f"{os.urandom(4).hex()}.example",
                          phone="+13105550100", location=awake_city())
    campaign = make_campaign(client, tenant, **campaign_fields)
    r = client.post("/api/v1/negotiations", headers=tenant.headers("manager"), json={
        "campaign_id": campaign["id"], "influencer_id": inf, "channel": "voice", "target_usd": 2000,
        "max_usd": 3000, "deliverables": ["1 reel", "3 stories"]})
    assert r.status_code == 201, r.json
    return r.json["id"]


def simulated_call(database_url: str, neg: str, **fields: Any) -> str:
    """A call row on the simulated provider for negotiation `neg`, with `fields` set on it."""
    from api.calls.records import create_call

    with session_scope(database_url) as s:
        call = create_call(s, s.get(Negotiation, neg), provider="simulated", to_number=None, max_attempts=3)
        for name, value in fields.items():
            setattr(call, name, value)
        return call.id
