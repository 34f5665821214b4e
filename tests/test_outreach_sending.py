"""send_row on its own: one claim per send, the lease of a dead worker's claim, what a refusal does to the row and
the address, and the send task's retry schedule (the reasoning is in the docstring of api.outreach.sending)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from celery.exceptions import Retry
from sqlalchemy import select

from agent.outreach.mailer import MailConfigError, PermanentFailure, TemporaryFailure
from api.outreach import sending
from api.outreach.mail_config import MailConfig
from api.outreach.sending import SendResult, retry_backoff, send_email_task, send_row
from data.db import session_scope
from data.models import CampaignMember, OutreachEmail, Suppression
from tests.builders import BASE_URL, add_campaign, add_creator, add_email, add_member
from tests.fakes.mail_transport import FakeTransport

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = 120
CFG = MailConfig(public_base_url=BASE_URL, secret_key="unsubscribe-test-key", rate_per_domain="0",
                 lease_seconds=LEASE)


@dataclass
class Stored:
    row_id: str
    member_id: str
    campaign_id: str
    address: str
    message_id: str


def _stored(database_url: str, org_id: str, n: int = 0, **row: Any) -> Stored:
    """A creator in a campaign with one stored initial email to them (`pending` unless told otherwise)."""
    with session_scope(database_url) as s:
        campaign = add_campaign(s, org_id)
        inf = add_creator(s, org_id, n)
        member = add_member(s, campaign, inf.id, status="queued")
        email = add_email(s, campaign, inf.id, inf.email, **row)
        return Stored(email.id, member.id, campaign.id, inf.email, email.message_id)


def _row(database_url: str, row_id: str) -> OutreachEmail:
    with session_scope(database_url) as s:
        return s.get(OutreachEmail, row_id)


def test_a_pending_email_is_sent_once_under_its_stored_message_id(outreach_db, tenant):
    stored = _stored(outreach_db, tenant.org_id)
    transport = FakeTransport()
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW) is SendResult.SENT
    [message] = transport.messages
    assert message["Message-ID"] == stored.message_id and str(message["To"]) == stored.address
    assert message["From"].addresses[0].display_name == "Maya Chen"
    assert str(message["List-Unsubscribe"]).startswith(f"<{BASE_URL}/u/")
    row = _row(outreach_db, stored.row_id)
    assert (row.status, row.claimed_at, row.sent_at, row.attempts, row.error) == ("sent", NOW, NOW, 1, None)

    later = NOW + timedelta(hours=1)
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=later) is SendResult.ALREADY_SENT
    assert transport.attempts == [stored.address]
    assert _row(outreach_db, stored.row_id).sent_at == NOW


@pytest.mark.parametrize(("status", "result"), [
    ("sent", SendResult.ALREADY_SENT), ("received", SendResult.ALREADY_SENT),
    ("bounced", SendResult.BOUNCED), ("suppressed", SendResult.SUPPRESSED),
])
def test_a_finished_row_is_never_sent_again(outreach_db, tenant, status, result):
    stored = _stored(outreach_db, tenant.org_id, status=status)
    transport = FakeTransport()
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW) is result
    assert transport.attempts == []
    assert _row(outreach_db, stored.row_id).status == status


def test_an_unknown_row_counts_as_already_sent(outreach_db):
    transport = FakeTransport()
    assert send_row("0" * 32, cfg=CFG, transport=transport, now=NOW) is SendResult.ALREADY_SENT
    assert transport.attempts == []


@pytest.mark.parametrize(("claimed_ago", "result"), [
    (timedelta(seconds=1), SendResult.IN_FLIGHT),
    (timedelta(seconds=LEASE - 1), SendResult.IN_FLIGHT),
    (timedelta(seconds=LEASE), SendResult.SENT),
    (timedelta(minutes=10), SendResult.SENT),
])
def test_a_live_claim_is_left_alone_and_an_expired_one_is_taken_over(outreach_db, tenant, claimed_ago, result):
    """A `sending` row whose worker may have died: resent with the same Message-ID once the lease is over."""
    claimed_at = NOW - claimed_ago
    stored = _stored(outreach_db, tenant.org_id, status="sending", attempts=1, claimed_at=claimed_at)
    transport = FakeTransport()
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW) is result
    row = _row(outreach_db, stored.row_id)
    if result is SendResult.IN_FLIGHT:
        assert transport.attempts == []
        assert (row.status, row.attempts, row.claimed_at, row.sent_at) == ("sending", 1, claimed_at, None)
    else:
        assert [m["Message-ID"] for m in transport.messages] == [stored.message_id]
        assert (row.status, row.attempts, row.claimed_at, row.sent_at) == ("sent", 2, NOW, NOW)


def test_a_sending_row_without_a_claim_time_is_claimable(outreach_db, tenant):
    stored = _stored(outreach_db, tenant.org_id, status="sending", claimed_at=None)
    transport = FakeTransport()
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW) is SendResult.SENT
    assert len(transport.messages) == 1


def test_a_row_the_caller_already_claimed_is_sent_without_claiming_again(outreach_db, tenant):
    stored = _stored(outreach_db, tenant.org_id, status="sending", attempts=1, claimed_at=NOW)
    transport = FakeTransport()
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW, claimed=True) is SendResult.SENT
    assert len(transport.messages) == 1
    assert _row(outreach_db, stored.row_id).attempts == 1
    # a caller that thinks it holds the claim of a row someone else finished sends nothing
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW, claimed=True) is SendResult.ALREADY_SENT
    assert len(transport.attempts) == 1


def test_two_workers_claiming_one_row_at_once_send_it_once(outreach_db, tenant, monkeypatch):
    stored = _stored(outreach_db, tenant.org_id)
    transport = FakeTransport()
    both_checked = threading.Barrier(2, timeout=20)
    real_check = sending.suppression_for

    def check_then_wait(*args: Any) -> Any:  # both workers reach the claim together
        found = real_check(*args)
        both_checked.wait()
        return found

    monkeypatch.setattr(sending, "suppression_for", check_then_wait)
    results: list[SendResult | BaseException] = []

    def worker() -> None:
        try:
            results.append(send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW))
        except BaseException as exc:  # reported below, not lost in the thread
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 2 and SendResult.SENT in results, results
    [other] = [r for r in results if r is not SendResult.SENT]
    assert other in (SendResult.IN_FLIGHT, SendResult.ALREADY_SENT)
    assert len(transport.messages) == 1
    assert _row(outreach_db, stored.row_id).attempts == 1


def test_a_pending_email_to_a_suppressed_address_is_not_sent_and_stops_the_member(outreach_db, tenant):
    stored = _stored(outreach_db, tenant.org_id)
    with session_scope(outreach_db) as s:
        s.add(Suppression(org_id=tenant.org_id, email=stored.address, reason="unsubscribe"))
    transport = FakeTransport()
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW) is SendResult.SUPPRESSED
    assert transport.attempts == []
    assert _row(outreach_db, stored.row_id).status == "suppressed"
    with session_scope(outreach_db) as s:
        assert s.get(CampaignMember, stored.member_id).status == "unsubscribed"


def test_a_permanent_refusal_bounces_the_email_and_suppresses_the_address_in_its_organization(
        outreach_db, tenant, other_tenant):
    stored = _stored(outreach_db, tenant.org_id)
    with session_scope(outreach_db) as s:  # the same creator elsewhere in this org, and the same address in another
        inf_id = s.get(CampaignMember, stored.member_id).influencer_id
        summer = add_member(s, add_campaign(s, tenant.org_id, name="Summer"), inf_id, status="negotiating",
                            next_followup_at=NOW + timedelta(days=3))
        done = add_member(s, add_campaign(s, tenant.org_id, name="Autumn"), inf_id, status="agreed")
        theirs_inf = add_creator(s, other_tenant.org_id, 0, email=stored.address)
        theirs = add_member(s, add_campaign(s, other_tenant.org_id), theirs_inf.id, status="sent")
        ids = {"summer": summer.id, "done": done.id, "theirs": theirs.id}
    transport = FakeTransport()
    transport.refuse(stored.address, PermanentFailure("550 5.1.1 mailbox does not exist", code=550), times=None)
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW) is SendResult.BOUNCED
    row = _row(outreach_db, stored.row_id)
    assert row.status == "bounced" and "550" in row.error
    with session_scope(outreach_db) as s:
        blocked = list(s.scalars(select(Suppression).where(
            Suppression.email == stored.address, Suppression.org_id.in_([tenant.org_id, other_tenant.org_id]))))
        assert [(b.org_id, b.reason) for b in blocked] == [(tenant.org_id, "bounce")]
        status = {name: s.get(CampaignMember, i) for name, i in ids.items()}
        assert s.get(CampaignMember, stored.member_id).status == "bounced"
        assert (status["summer"].status, status["summer"].next_followup_at) == ("bounced", None)
        assert status["done"].status == "agreed"  # an outcome is kept
        assert status["theirs"].status == "sent"  # another organization's list is its own


@pytest.mark.parametrize("error", [TemporaryFailure("451 4.7.1 greylisted", code=451),
                                   MailConfigError("535 authentication failed")])
def test_a_temporary_failure_gives_the_row_back_for_a_retry_that_sends_it(outreach_db, tenant, error):
    stored = _stored(outreach_db, tenant.org_id)
    transport = FakeTransport()
    transport.refuse(stored.address, error, times=1)
    with pytest.raises(type(error)):
        send_row(stored.row_id, cfg=CFG, transport=transport, now=NOW)
    row = _row(outreach_db, stored.row_id)
    assert (row.status, row.claimed_at, row.sent_at, row.attempts) == ("pending", None, None, 1)
    assert str(error) in row.error
    with session_scope(outreach_db) as s:
        assert s.scalar(select(Suppression).where(Suppression.org_id == tenant.org_id)) is None
        assert s.get(CampaignMember, stored.member_id).status == "queued"

    retry_at = NOW + timedelta(seconds=30)
    assert send_row(stored.row_id, cfg=CFG, transport=transport, now=retry_at) is SendResult.SENT
    row = _row(outreach_db, stored.row_id)
    assert (row.status, row.claimed_at, row.sent_at, row.attempts, row.error) == ("sent", retry_at, retry_at, 2, None)
    assert [m["Message-ID"] for m in transport.messages] == [stored.message_id]


def test_retry_backoff_doubles_from_thirty_seconds_up_to_ten_minutes():
    assert [retry_backoff(n) for n in range(8)] == [30, 60, 120, 240, 480, 600, 600, 600]


@pytest.mark.parametrize("retries", [0, 3])
def test_the_send_task_retries_a_temporary_failure_after_the_backoff(monkeypatch, retries):
    def greylisted(row_id: str) -> SendResult:
        raise TemporaryFailure("451 try later")

    asked: list[dict[str, Any]] = []

    def record_retry(**kwargs: Any) -> Retry:
        asked.append(kwargs)
        return Retry("retry", kwargs.get("exc"))

    monkeypatch.setattr(sending, "send_row", greylisted)
    monkeypatch.setattr(send_email_task, "retry", record_retry)
    result = send_email_task.apply(args=["row-1"], retries=retries)
    assert result.state == "RETRY"
    [kwargs] = asked
    assert kwargs["countdown"] == retry_backoff(retries) and isinstance(kwargs["exc"], TemporaryFailure)
