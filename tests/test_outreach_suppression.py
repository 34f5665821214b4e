"""The do-not-email list on its own (agent.outreach.suppression): one row per address and organization however many
workers record it at once, and what recording it does to the campaign members of that address."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from agent.outreach import suppression
from agent.outreach.suppression import member_status_for, stop_members, suppress, suppression_for
from data.db import get_sessionmaker, session_scope
from data.models import CampaignMember, OutreachEmail, Suppression
from data.statuses import MemberStatus
from tests.builders import add_campaign, add_creator, add_email, add_member

LATER = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
ADDRESS = "c0@creators.example"

KEPT = {MemberStatus.AGREED, MemberStatus.DECLINED, MemberStatus.BOUNCED, MemberStatus.UNSUBSCRIBED}
"""An outcome, or already stopped: left as it is."""


def _members(database_url: str, org_id: str, statuses: list[str], n: int = 0) -> dict[str, str]:
    """One campaign per status, each with creator `n` as a member in that status and a follow-up scheduled."""
    ids = {}
    with session_scope(database_url) as s:
        inf = add_creator(s, org_id, n)
        for status in statuses:
            campaign = add_campaign(s, org_id, name=f"campaign {status}")
            ids[status] = add_member(s, campaign, inf.id, status=status, next_followup_at=LATER).id
    return ids


def _count(database_url: str, org_id: str) -> int:
    with session_scope(database_url) as s:
        return s.scalar(select(func.count()).select_from(Suppression).where(Suppression.org_id == org_id))


def test_member_status_for_a_reason():
    assert member_status_for("bounce") is MemberStatus.BOUNCED
    assert member_status_for("unsubscribe") is MemberStatus.UNSUBSCRIBED
    assert member_status_for("manual") is MemberStatus.UNSUBSCRIBED


def test_an_address_is_suppressed_once_per_organization_whatever_its_spelling(database_url, tenant, other_tenant):
    with session_scope(database_url) as s:
        suppress(s, tenant.org_id, "  C0@Creators.Example ", "unsubscribe")
    with session_scope(database_url) as s:
        suppress(s, tenant.org_id, ADDRESS, "bounce")  # already on the list: the first reason stays
    with session_scope(database_url) as s:
        [row] = s.scalars(select(Suppression).where(Suppression.org_id == tenant.org_id))
        assert (row.email, row.reason) == (ADDRESS, "unsubscribe")
        assert suppression_for(s, tenant.org_id, "c0@CREATORS.example").id == row.id
        assert suppression_for(s, other_tenant.org_id, ADDRESS) is None
        assert suppression_for(s, tenant.org_id, "c1@creators.example") is None


def test_stopping_changes_only_members_still_in_progress(database_url, tenant):
    statuses = [str(m) for m in MemberStatus]
    ids = _members(database_url, tenant.org_id, statuses)
    with session_scope(database_url) as s:
        assert stop_members(s, tenant.org_id, ADDRESS.upper(), MemberStatus.BOUNCED) == len(statuses) - len(KEPT)
    with session_scope(database_url) as s:
        for status, member_id in ids.items():
            member = s.get(CampaignMember, member_id)
            if status in KEPT:
                assert (member.status, member.next_followup_at) == (status, LATER), status
            else:
                assert (member.status, member.next_followup_at) == ("bounced", None), status


def test_suppressing_stops_this_organization_s_members_of_that_address_only(database_url, tenant, other_tenant):
    ours = _members(database_url, tenant.org_id, ["sent", "negotiating"])
    neighbour = _members(database_url, tenant.org_id, ["sent"], n=1)  # another address
    theirs = _members(database_url, other_tenant.org_id, ["sent"])  # the same address, another organization
    with session_scope(database_url) as s:
        suppress(s, tenant.org_id, ADDRESS, "unsubscribe")
    with session_scope(database_url) as s:
        assert {s.get(CampaignMember, i).status for i in ours.values()} == {"unsubscribed"}
        assert s.get(CampaignMember, neighbour["sent"]).status == "sent"
        assert s.get(CampaignMember, theirs["sent"]).status == "sent"


def test_an_insert_by_another_worker_after_our_check_is_not_an_error(database_url, tenant, monkeypatch):
    """Between our look-up and our insert, another worker recorded the address: ours is dropped, and the rest of
    our transaction (here: the bounced email that made us suppress) is kept."""
    ids = _members(database_url, tenant.org_id, ["sent"])
    with session_scope(database_url) as s:
        member = s.get(CampaignMember, ids["sent"])
        campaign_id = member.campaign_id
        email_id = add_email(s, add_campaign(s, tenant.org_id), member.influencer_id, ADDRESS).id
    with session_scope(database_url) as s:
        s.add(Suppression(org_id=tenant.org_id, email=ADDRESS, reason="unsubscribe"))
    monkeypatch.setattr(suppression, "suppression_for", lambda *_: None)  # our check ran before their insert

    s = get_sessionmaker(database_url)()
    try:
        s.get(OutreachEmail, email_id).status = "bounced"
        suppress(s, tenant.org_id, ADDRESS, "bounce")
        s.commit()
    finally:
        s.close()
    assert _count(database_url, tenant.org_id) == 1
    with session_scope(database_url) as s:
        assert s.get(OutreachEmail, email_id).status == "bounced"
        member = s.get(CampaignMember, ids["sent"])
        assert (member.campaign_id, member.status, member.next_followup_at) == (campaign_id, "bounced", None)


def test_two_workers_suppressing_one_address_at_once_both_succeed(database_url, tenant, monkeypatch):
    ids = _members(database_url, tenant.org_id, ["sent", "replied"])
    both_checked = threading.Barrier(2, timeout=20)
    real_check = suppression.suppression_for

    def check_then_wait(*args: Any) -> Any:
        found = real_check(*args)
        both_checked.wait()
        return found

    monkeypatch.setattr(suppression, "suppression_for", check_then_wait)
    errors: list[BaseException] = []

    def worker(reason: str) -> None:
        try:
            with session_scope(database_url) as s:
                suppress(s, tenant.org_id, ADDRESS, reason)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(r,)) for r in ("bounce", "unsubscribe")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(40)
    assert errors == []
    assert _count(database_url, tenant.org_id) == 1
    with session_scope(database_url) as s:
        reason = s.scalar(select(Suppression.reason).where(Suppression.org_id == tenant.org_id))
        members = [s.get(CampaignMember, i) for i in ids.values()]
    assert {m.next_followup_at for m in members} == {None}
    assert {m.status for m in members} <= {"bounced", "unsubscribed"}
    if database_url.startswith("postgresql"):
        # There the row and the members' status commit together, so the worker whose row was kept set the status.
        # Not on SQLite: pysqlite opens no transaction before the savepoint, so releasing it commits the row alone
        # and the other worker may stop the members first (SQLAlchemy's pysqlite savepoint notes).
        assert {m.status for m in members} == {member_status_for(reason)}


@pytest.mark.parametrize("reason", ["bounce", "unsubscribe"])
def test_suppressing_in_an_open_transaction_leaves_it_open(database_url, tenant, reason):
    """suppress() uses a savepoint, so the caller still commits its own changes afterwards."""
    ids = _members(database_url, tenant.org_id, ["queued"])
    with session_scope(database_url) as s:
        suppress(s, tenant.org_id, ADDRESS, reason)
        assert s.in_transaction()
        s.get(CampaignMember, ids["queued"]).last_error = "suppressed while queued"
    with session_scope(database_url) as s:
        member = s.get(CampaignMember, ids["queued"])
        assert (member.status, member.last_error) == (member_status_for(reason), "suppressed while queued")
        assert member.next_followup_at is None
