"""Follow-ups on their own (api.outreach.followups): what is due at a given moment, which template each one uses, and
what stops the sequence (a reply, a closed negotiation, a suppressed address, the campaign's maximum)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from agent.outreach.inbound import update_member
from agent.outreach.mailer import PermanentFailure, TemporaryFailure
from api.outreach import followups
from api.outreach.emails import email_key
from api.outreach.followups import schedule_after_initial, send_due_followups
from data.db import session_scope
from data.models import Campaign, CampaignMember, OutreachEmail, Suppression
from data.statuses import CLOSED_NEGOTIATION
from tests.builders import add_campaign, add_creator, add_email, add_member, add_negotiation
from tests.fakes.mail_transport import FakeTransport

SENT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""When each scene's initial email went out; the campaigns wait three days between emails."""
FIRST_DUE = SENT_AT + timedelta(days=3)


@dataclass
class Scene:
    org_id: str
    campaign_id: str
    influencer_id: str
    member_id: str
    address: str
    initial_message_id: str
    initial_subject: str


def _scene(database_url: str, org_id: str, n: int = 0, negotiation: str | None = "open",
           initial_status: str = "sent", **campaign: Any) -> Scene:
    """One creator whose initial email went out at SENT_AT, waiting for follow-ups (two, three days apart)."""
    with session_scope(database_url) as s:
        camp = add_campaign(s, org_id, **{"followups_max": 2, "followup_interval_days": 3, **campaign})
        inf = add_creator(s, org_id, n)
        neg = add_negotiation(s, camp, inf, status=negotiation) if negotiation else None
        initial = add_email(s, camp, inf.id, inf.email, status=initial_status, sent_at=SENT_AT, attempts=1,
                            subject="Lumen Skin x Creator 0", negotiation_id=neg.id if neg else None)
        member = add_member(s, camp, inf.id)
        schedule_after_initial(member, camp, SENT_AT)
        return Scene(org_id, camp.id, inf.id, member.id, inf.email, initial.message_id, initial.subject)


def _member(database_url: str, scene: Scene) -> CampaignMember:
    with session_scope(database_url) as s:
        return s.get(CampaignMember, scene.member_id)


def _followup_rows(database_url: str, scene: Scene) -> list[OutreachEmail]:
    with session_scope(database_url) as s:
        return list(s.scalars(select(OutreachEmail).where(OutreachEmail.campaign_id == scene.campaign_id,
                                                          OutreachEmail.kind == "followup")
                              .order_by(OutreachEmail.idempotency_key)))


@pytest.fixture()
def drafted(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Records how each follow-up was drafted (kind, previous subject), still drafting it for real."""
    calls: list[dict[str, Any]] = []
    real = followups.draft_outreach

    def spy(profile: dict[str, Any], campaign: dict[str, Any], **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(profile, campaign, **kwargs)

    monkeypatch.setattr(followups, "draft_outreach", spy)
    return calls


def test_after_the_initial_email_the_first_follow_up_waits_one_interval(outreach_db, tenant):
    with session_scope(outreach_db) as s:
        waits = add_campaign(s, tenant.org_id, followups_max=2, followup_interval_days=4)
        never = add_campaign(s, tenant.org_id, followups_max=0)
        member = CampaignMember(status="queued", last_error="greylisted", followups_sent=1)
        schedule_after_initial(member, waits, SENT_AT)
        assert (member.status, member.last_error, member.followups_sent) == ("sent", None, 0)
        assert member.next_followup_at == SENT_AT + timedelta(days=4)
        schedule_after_initial(member, never, SENT_AT)
        assert member.next_followup_at is None


def test_follow_ups_go_out_when_due_with_their_own_templates_until_the_maximum(outreach_db, tenant, drafted):
    scene = _scene(outreach_db, tenant.org_id)
    transport = FakeTransport()
    assert send_due_followups(FIRST_DUE - timedelta(seconds=1), org_id=tenant.org_id, transport=transport) \
        == {"due": 0}
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport) == {"due": 1, "sent": 1}
    [first] = transport.messages
    assert first["Subject"] == f"Re: {scene.initial_subject}"
    assert first["In-Reply-To"] == scene.initial_message_id and first["References"] == scene.initial_message_id
    member = _member(outreach_db, scene)
    assert (member.followups_sent, member.next_followup_at) == (1, FIRST_DUE + timedelta(days=3))
    assert send_due_followups(FIRST_DUE + timedelta(days=1), org_id=tenant.org_id, transport=transport)["due"] == 0

    second_due = FIRST_DUE + timedelta(days=3)
    assert send_due_followups(second_due, org_id=tenant.org_id, transport=transport) == {"due": 1, "sent": 1}
    member = _member(outreach_db, scene)
    assert (member.followups_sent, member.next_followup_at, member.status) == (2, None, "sent")
    assert send_due_followups(second_due + timedelta(days=30), org_id=tenant.org_id, transport=transport) \
        == {"due": 0}

    assert [c["kind"] for c in drafted] == ["followup_1", "followup_2"]
    assert {c["previous_subject"] for c in drafted} == {scene.initial_subject}
    rows = _followup_rows(outreach_db, scene)
    assert [r.idempotency_key for r in rows] == [email_key(scene.campaign_id, scene.influencer_id, f"followup_{n}")
                                                 for n in (1, 2)]
    assert [r.status for r in rows] == ["sent", "sent"]
    assert [m["Message-ID"] for m in transport.messages] == [r.message_id for r in rows]
    assert transport.messages[0].get_body(("plain",)).get_content() \
        != transport.messages[1].get_body(("plain",)).get_content()


def test_a_follow_up_belongs_to_the_open_negotiation(outreach_db, tenant):
    scene = _scene(outreach_db, tenant.org_id)
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=FakeTransport())["sent"] == 1
    [row] = _followup_rows(outreach_db, scene)
    with session_scope(outreach_db) as s:
        initial = s.scalar(select(OutreachEmail).where(OutreachEmail.message_id == scene.initial_message_id))
        assert row.negotiation_id == initial.negotiation_id is not None


def test_a_campaign_with_a_lower_maximum_sends_no_more(outreach_db, tenant):
    scene = _scene(outreach_db, tenant.org_id, followups_max=1)
    transport = FakeTransport()
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport)["sent"] == 1
    assert _member(outreach_db, scene).next_followup_at is None
    with session_scope(outreach_db) as s:  # still scheduled, but the maximum was lowered meanwhile
        s.get(CampaignMember, scene.member_id).next_followup_at = FIRST_DUE + timedelta(days=3)
    assert send_due_followups(FIRST_DUE + timedelta(days=3), org_id=tenant.org_id, transport=transport) \
        == {"due": 0}
    assert len(transport.messages) == 1


def test_a_reply_stops_the_follow_ups(outreach_db, tenant):
    scene = _scene(outreach_db, tenant.org_id, negotiation=None)
    with session_scope(outreach_db) as s:
        update_member(s.get(CampaignMember, scene.member_id), "needs_info", None)
    transport = FakeTransport()
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport) == {"due": 0}
    assert transport.attempts == [] and _member(outreach_db, scene).status == "replied"


@pytest.mark.parametrize("status", sorted(CLOSED_NEGOTIATION))
def test_a_closed_negotiation_stops_the_follow_ups_quietly(outreach_db, tenant, status):
    scene = _scene(outreach_db, tenant.org_id, negotiation=status)
    transport = FakeTransport()
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport) == {"due": 1, "stopped": 1}
    assert transport.attempts == [] and _followup_rows(outreach_db, scene) == []
    member = _member(outreach_db, scene)
    assert (member.next_followup_at, member.last_error, member.followups_sent) == (None, None, 0)


@pytest.mark.parametrize(("reason", "member_status"), [("bounce", "bounced"), ("unsubscribe", "unsubscribed")])
def test_a_suppressed_address_stops_the_follow_ups(outreach_db, tenant, reason, member_status):
    scene = _scene(outreach_db, tenant.org_id)
    with session_scope(outreach_db) as s:
        s.add(Suppression(org_id=tenant.org_id, email=scene.address, reason=reason))
    transport = FakeTransport()
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport) == {"due": 1, "stopped": 1}
    assert transport.attempts == []
    member = _member(outreach_db, scene)
    assert (member.status, member.next_followup_at, member.last_error) == (member_status, None, None)


@pytest.mark.parametrize("initial_status", ["pending", "bounced"])
def test_no_follow_up_to_an_initial_email_that_never_went_out(outreach_db, tenant, initial_status):
    scene = _scene(outreach_db, tenant.org_id, initial_status=initial_status)
    transport = FakeTransport()
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport)["stopped"] == 1
    member = _member(outreach_db, scene)
    assert member.next_followup_at is None and member.last_error == "the first email was never sent"
    assert transport.attempts == []


def test_a_temporary_failure_keeps_the_follow_up_due_and_the_retry_sends_the_same_email(outreach_db, tenant):
    scene = _scene(outreach_db, tenant.org_id)
    transport = FakeTransport()
    transport.refuse(scene.address, TemporaryFailure("421 4.3.2 try again later", code=421))
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport) == {"due": 1, "retry_later": 1}
    member = _member(outreach_db, scene)
    assert (member.followups_sent, member.next_followup_at) == (0, FIRST_DUE)
    [row] = _followup_rows(outreach_db, scene)
    assert (row.status, row.attempts) == ("pending", 1)

    retry = FIRST_DUE + timedelta(minutes=5)
    assert send_due_followups(retry, org_id=tenant.org_id, transport=transport) == {"due": 1, "sent": 1}
    [again] = _followup_rows(outreach_db, scene)
    assert (again.id, again.status, again.attempts) == (row.id, "sent", 2)
    assert [m["Message-ID"] for m in transport.messages] == [row.message_id]
    assert _member(outreach_db, scene).next_followup_at == retry + timedelta(days=3)


def test_a_bounced_follow_up_ends_the_sequence(outreach_db, tenant):
    scene = _scene(outreach_db, tenant.org_id)
    transport = FakeTransport()
    transport.refuse(scene.address, PermanentFailure("550 5.1.1 user unknown", code=550))
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport) == {"due": 1, "bounced": 1}
    member = _member(outreach_db, scene)
    assert (member.status, member.next_followup_at, member.followups_sent) == ("bounced", None, 0)
    assert send_due_followups(FIRST_DUE + timedelta(days=3), org_id=tenant.org_id, transport=transport)["due"] == 0


def test_a_follow_up_sent_before_a_crash_is_counted_not_sent_again(outreach_db, tenant):
    """The worker died after the server took follow-up 1 and before the member was moved on."""
    scene = _scene(outreach_db, tenant.org_id)
    with session_scope(outreach_db) as s:
        campaign = s.get(Campaign, scene.campaign_id)
        add_email(s, campaign, scene.influencer_id, scene.address, key="followup_1", status="sent",
                  sent_at=FIRST_DUE, attempts=1)
    transport = FakeTransport()
    later = FIRST_DUE + timedelta(minutes=10)
    assert send_due_followups(later, org_id=tenant.org_id, transport=transport) == {"due": 1, "already_sent": 1}
    assert transport.attempts == []
    member = _member(outreach_db, scene)
    assert (member.followups_sent, member.next_followup_at) == (1, later + timedelta(days=3))


def test_a_follow_up_another_worker_is_sending_is_left_to_it(outreach_db, tenant):
    scene = _scene(outreach_db, tenant.org_id)
    with session_scope(outreach_db) as s:
        campaign = s.get(Campaign, scene.campaign_id)
        add_email(s, campaign, scene.influencer_id, scene.address, key="followup_1", status="sending",
                  claimed_at=FIRST_DUE - timedelta(seconds=5), attempts=1)
    transport = FakeTransport()
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport) == {"due": 1, "in_flight": 1}
    assert transport.attempts == []
    member = _member(outreach_db, scene)
    assert (member.followups_sent, member.next_followup_at) == (0, FIRST_DUE)


def test_one_organization_at_a_time(outreach_db, tenant, other_tenant):
    ours = _scene(outreach_db, tenant.org_id)
    theirs = _scene(outreach_db, other_tenant.org_id, n=1)
    transport = FakeTransport()
    assert send_due_followups(FIRST_DUE, org_id=tenant.org_id, transport=transport) == {"due": 1, "sent": 1}
    assert transport.attempts == [ours.address]
    assert _member(outreach_db, theirs).next_followup_at == FIRST_DUE
