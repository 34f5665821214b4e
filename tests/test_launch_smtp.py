"""Launch over real SMTP (an aiosmtpd server on 127.0.0.1): every creator gets exactly one email, even when the
request is repeated or a worker dies mid-launch; unsubscribes and bounces hold across the organization's campaigns.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from agent.outreach.mailer import SmtpTransport
from api import jobs
from api.outreach.followups import send_due_followups
from api.outreach.launch import launch_task
from data.db import session_scope
from data.models import Negotiation, OutreachEmail, Suppression
from tests.builders import BASE_URL, launch_to, make_campaign, make_outreach_app, members, seed_creators

BOUNCE = "nobody@bounce.example"
GREYLIST = "later@grey.example"


class Collector:
    """An SMTP server's handler: keeps every accepted message; 550 for BOUNCE, one 451 for GREYLIST."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.rcpt_attempts: Counter[str] = Counter()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        with self._lock:
            self.rcpt_attempts[address] += 1
            attempts = self.rcpt_attempts[address]
        if address == BOUNCE:
            return "550 5.1.1 mailbox does not exist"
        if address == GREYLIST and attempts == 1:
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if str(m["To"]) == address]


@pytest.fixture()
def smtp() -> Any:
    handler = Collector()
    with socket.socket() as probe:  # a free port (the Controller's readiness check can't use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture()
def sclient(database_url: str, smtp: Any) -> Any:
    controller, _handler = smtp
    app = make_outreach_app(database_url, MAIL_TRANSPORT=f"smtp://127.0.0.1:{controller.port}?timeout=5")
    with app.app_context():
        yield app.test_client()
    jobs.wait_idle()


def _delivered_once(handler: Collector, addresses: list[str]) -> None:
    by_recipient = Counter(str(m["To"]) for m in handler.messages)
    by_id = Counter(str(m["Message-ID"]) for m in handler.messages)
    assert sorted(by_recipient) == sorted(addresses)
    assert set(by_recipient.values()) == {1}, [a for a, n in by_recipient.items() if n > 1]
    assert len(by_id) == len(addresses) and set(by_id.values()) == {1}


class WorkerDied(BaseException):
    """Stands for the process being killed: nothing in the task may catch it."""


def test_200_creators_get_one_email_each_despite_a_repeated_request_and_a_killed_worker(
        sclient, smtp, tenant, database_url, monkeypatch):
    _controller, handler = smtp
    ids = seed_creators(database_url, tenant.org_id, 200)
    campaign = make_campaign(sclient, tenant)
    real_send = SmtpTransport.send
    sent = [0]
    lock = threading.Lock()

    def dies_after_60(self: SmtpTransport, msg: EmailMessage) -> None:
        with lock:
            if sent[0] >= 60:
                raise WorkerDied("killed before the SMTP conversation")
            sent[0] += 1
        real_send(self, msg)

    monkeypatch.setattr(SmtpTransport, "send", dies_after_60)
    first = launch_to(sclient, tenant, campaign["id"], ids, key="big-launch")
    assert first.status_code == 202, first.json
    repeated = launch_to(sclient, tenant, campaign["id"], ids, key="big-launch")
    assert repeated.status_code == 202 and repeated.json["job_id"] == first.json["job_id"]
    job_id = first.json["job_id"]
    assert jobs.wait_idle(120)
    assert len(handler.messages) == 60
    with session_scope(database_url) as s:
        statuses = Counter(s.scalars(select(OutreachEmail.status).where(OutreachEmail.campaign_id == campaign["id"])))
        assert statuses == {"sent": 60, "sending": 140}  # claimed, then the worker "died"
        # time passes: the dead workers' claims expire (SEND_LEASE_SECONDS)
        s.execute(update(OutreachEmail).where(OutreachEmail.status == "sending",
                                              OutreachEmail.campaign_id == campaign["id"])
                  .values(claimed_at=datetime.now(UTC) - timedelta(minutes=10)))
    job = sclient.get(f"/api/v1/jobs/{job_id}", headers=tenant.headers("manager")).json
    assert job["status"] == "running" and job["processed"] == 60

    monkeypatch.setattr(SmtpTransport, "send", real_send)
    jobs.enqueue(launch_task, job_id)  # the broker redelivers the unacknowledged launch
    assert jobs.wait_idle(120)
    _delivered_once(handler, [f"c{n}@creators.example" for n in range(200)])
    jobs.enqueue(launch_task, job_id)  # and once more: nothing new
    assert jobs.wait_idle(60)
    assert len(handler.messages) == 200
    job = sclient.get(f"/api/v1/jobs/{job_id}", headers=tenant.headers("manager")).json
    assert (job["status"], job["processed"], job["failed"], job["progress"]) == ("done", 200, 0, 1.0)
    assert {m.status for m in members(database_url, campaign["id"]).values()} == {"sent"}
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(Negotiation)
                        .where(Negotiation.campaign_id == campaign["id"])) == 200


def test_unsubscribed_address_gets_nothing_from_any_campaign(sclient, smtp, tenant, database_url):
    _controller, handler = smtp
    ids = seed_creators(database_url, tenant.org_id, 3)
    spring = make_campaign(sclient, tenant)
    launch_to(sclient, tenant, spring["id"], ids)
    assert jobs.wait_idle(60)
    [email] = handler.to("c1@creators.example")
    link = email["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{BASE_URL}/u/") and link in email.get_body(("plain",)).get_content()
    path = link.removeprefix(BASE_URL)
    assert sclient.get(path).status_code == 200
    assert sclient.post(path).status_code == 200

    summer = make_campaign(sclient, tenant, name="Summer launch")
    launch_to(sclient, tenant, summer["id"], ids)
    assert jobs.wait_idle(60)
    assert len(handler.to("c1@creators.example")) == 1
    assert len(handler.to("c0@creators.example")) == 2 and len(handler.to("c2@creators.example")) == 2
    assert members(database_url, summer["id"])[ids[1]].status == "unsubscribed"
    assert members(database_url, spring["id"])[ids[1]].status == "unsubscribed"
    assert send_due_followups(datetime.now(UTC) + timedelta(days=10), org_id=tenant.org_id).get("sent") == 4
    assert jobs.wait_idle(60)
    assert len(handler.to("c1@creators.example")) == 1


def test_550_bounces_and_suppresses_and_451_is_retried(sclient, smtp, tenant, database_url):
    _controller, handler = smtp
    [bouncing] = seed_creators(database_url, tenant.org_id, 1, email=BOUNCE)
    [grey] = seed_creators(database_url, tenant.org_id, 1, start=1, email=GREYLIST)
    campaign = make_campaign(sclient, tenant)
    launch_to(sclient, tenant, campaign["id"], [bouncing, grey])
    assert jobs.wait_idle(60)
    state = members(database_url, campaign["id"])
    assert state[bouncing].status == "bounced" and state[grey].status == "sent"
    assert len(handler.to(GREYLIST)) == 1 and handler.rcpt_attempts[GREYLIST] == 2
    with session_scope(database_url) as s:
        reason = s.scalar(select(Suppression.reason).where(Suppression.org_id == tenant.org_id,
                                                           Suppression.email == BOUNCE))
        assert reason == "bounce"
    other = make_campaign(sclient, tenant, name="Another one")
    launch_to(sclient, tenant, other["id"], [bouncing])
    assert jobs.wait_idle(60)
    assert handler.rcpt_attempts[BOUNCE] == 1  # never tried again
    assert members(database_url, other["id"])[bouncing].status == "bounced"
