"""A creator's reply on its own (agent.outreach.inbound): which thread it answers (In-Reply-To, References, the sender,
and the recipient when several organizations negotiate with that sender), what it does to the campaign member,
storing it once, and a reply to a negotiation that has ended."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from agent.outreach.inbound import InboundMail, match_thread, process_inbound, store_inbound, update_member
from data.db import get_sessionmaker, session_scope
from data.models import (
    Campaign,
    CampaignMember,
    Influencer,
    Negotiation,
    NegotiationMessage,
    OutreachEmail,
    Suppression,
)
from tests.builders import add_campaign, add_creator, add_email, add_member, add_negotiation

SCHEDULED = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
SENDER = "maya@lumen.example.com"


@dataclass
class Scene:
    org_id: str
    campaign_id: str
    influencer_id: str
    member_id: str
    negotiation_id: str | None
    address: str
    initial: str
    """Message-ID of our initial email."""
    followup: str
    """Message-ID of our first follow-up."""


def _address(org_id: str, n: int = 0) -> str:
    """An address only this test uses: matching by sender looks across every organization in the database."""
    return f"c{n}@{org_id}.example"


def _scene(database_url: str, org_id: str, n: int = 0, address: str | None = None, negotiation: str | None = "open",
           member: str = "sent", sender: str = SENDER) -> Scene:
    """A creator who got our initial email and one follow-up, negotiation `negotiation`, member status `member`."""
    with session_scope(database_url) as s:
        campaign = add_campaign(s, org_id, sender_email=sender)
        inf = add_creator(s, org_id, n, email=address or _address(org_id, n))
        neg = add_negotiation(s, campaign, inf, status=negotiation) if negotiation else None
        neg_id = neg.id if neg else None
        initial = add_email(s, campaign, inf.id, inf.email, status="sent", negotiation_id=neg_id)
        followup = add_email(s, campaign, inf.id, inf.email, key="followup_1", status="sent", negotiation_id=neg_id,
                             in_reply_to=initial.message_id, references=[initial.message_id])
        row = add_member(s, campaign, inf.id, status=member, next_followup_at=SCHEDULED)
        return Scene(org_id, campaign.id, inf.id, row.id, neg_id, inf.email, initial.message_id, followup.message_id)


def _mail(scene: Scene, text: str = "Could you send me the brief again?", **changes: object) -> InboundMail:
    fields = {"sender": scene.address, "text": text, "message_id": f"<{os.urandom(6).hex()}@creator.example>",
              "to": SENDER, "subject": "Re: A note from Lumen Skin", "in_reply_to": scene.initial, **changes}
    return InboundMail(**fields)  # type: ignore[arg-type]


def _answered(database_url: str, mail: InboundMail) -> str | None:
    with session_scope(database_url) as s:
        thread = match_thread(s, mail)
        assert thread is not None
        return thread.answered.message_id if thread.answered else None


def test_thread_ids_put_in_reply_to_first_then_references_newest_first():
    mail = InboundMail(sender="a@b.example", text="hi", message_id="<m@b>", in_reply_to=" <c@x> ",
                       references=("<a@x>", "", "<b@x>"))
    assert mail.thread_ids() == ["<c@x>", "<b@x>", "<a@x>"]
    assert InboundMail(sender="a@b.example", text="hi", message_id="<m@b>").thread_ids() == []
    usual = InboundMail(sender="a@b.example", text="hi", message_id="<m@b>", in_reply_to="<b@x>",
                        references=("<a@x>", "<b@x>"))  # a mail client lists the parent in both headers
    assert usual.thread_ids() == ["<b@x>", "<a@x>"]


def test_in_reply_to_names_the_email_answered_and_its_negotiation(database_url, tenant):
    scene = _scene(database_url, tenant.org_id)
    with session_scope(database_url) as s:
        thread = match_thread(s, _mail(scene, in_reply_to=scene.followup))
        assert (thread.org_id, thread.campaign_id, thread.influencer_id) == (
            tenant.org_id, scene.campaign_id, scene.influencer_id)
        assert thread.answered.message_id == scene.followup
        assert thread.negotiation.id == scene.negotiation_id


def test_references_are_read_newest_first_and_in_reply_to_wins(database_url, tenant):
    scene = _scene(database_url, tenant.org_id)
    both = (scene.initial, scene.followup)
    assert _answered(database_url, _mail(scene, in_reply_to=None, references=both)) == scene.followup
    assert _answered(database_url, _mail(scene, in_reply_to="<gone@elsewhere.example>",
                                         references=(scene.initial,))) == scene.initial
    assert _answered(database_url, _mail(scene, in_reply_to=scene.initial, references=both)) == scene.initial


def test_an_email_sent_outside_a_negotiation_leads_to_the_campaign_s_newest_one(database_url, tenant):
    scene = _scene(database_url, tenant.org_id, negotiation=None)
    with session_scope(database_url) as s:
        campaign, inf = s.get(Campaign, scene.campaign_id), s.get(Influencer, scene.influencer_id)
        old = add_negotiation(s, campaign, inf, status="declined")
        new = add_negotiation(s, campaign, inf)
        old.created_at, new.created_at = SCHEDULED - timedelta(days=9), SCHEDULED - timedelta(days=1)
        newest = new.id
    with session_scope(database_url) as s:
        thread = match_thread(s, _mail(scene))
        assert thread.answered.message_id == scene.initial and thread.negotiation.id == newest


def test_without_thread_headers_the_sender_s_open_negotiation_is_the_thread(database_url, tenant):
    scene = _scene(database_url, tenant.org_id)
    with session_scope(database_url) as s:
        thread = match_thread(s, _mail(scene, in_reply_to=None))
        assert thread.answered is None and thread.negotiation.id == scene.negotiation_id
        assert (thread.org_id, thread.campaign_id, thread.influencer_id) == (
            tenant.org_id, scene.campaign_id, scene.influencer_id)
        assert match_thread(s, _mail(scene, in_reply_to=None, sender=_address(tenant.org_id, 9))) is None


def test_headers_naming_an_email_we_received_do_not_anchor_a_thread(database_url, tenant):
    scene = _scene(database_url, tenant.org_id)
    earlier = _mail(scene, in_reply_to=scene.initial)
    with session_scope(database_url) as s:
        store_inbound(s, earlier, match_thread(s, earlier))
    stranger = _mail(scene, in_reply_to=earlier.message_id, sender=_address(tenant.org_id, 9))
    with session_scope(database_url) as s:
        assert match_thread(s, stranger) is None
        thread = match_thread(s, _mail(scene, in_reply_to=earlier.message_id))  # the sender still tells
        assert thread.answered is None and thread.negotiation.id == scene.negotiation_id


def test_a_sender_whose_negotiations_all_ended_is_not_matched_by_address(database_url, tenant):
    scene = _scene(database_url, tenant.org_id, negotiation="agreed")
    with session_scope(database_url) as s:
        assert match_thread(s, _mail(scene, in_reply_to=None)) is None
        assert match_thread(s, _mail(scene)).negotiation.id == scene.negotiation_id  # the headers still tell


def test_of_several_open_negotiations_the_most_recently_active_one(database_url, tenant):
    scene = _scene(database_url, tenant.org_id)
    with session_scope(database_url) as s:
        summer = add_campaign(s, tenant.org_id, name="Summer", sender_email=SENDER)
        inf = s.get(Influencer, scene.influencer_id)
        other = add_negotiation(s, summer, inf)
        s.get(Negotiation, scene.negotiation_id).updated_at = SCHEDULED - timedelta(hours=2)
        other.updated_at = SCHEDULED - timedelta(hours=1)
        other_id, summer_id = other.id, summer.id
    with session_scope(database_url) as s:
        thread = match_thread(s, _mail(scene, in_reply_to=None))
        assert (thread.negotiation.id, thread.campaign_id) == (other_id, summer_id)


def test_when_several_organizations_negotiate_with_the_sender_the_recipient_says_which(
        database_url, tenant, other_tenant):
    address = f"shared-{os.urandom(4).hex()}@creators.example"
    ours = _scene(database_url, tenant.org_id, address=address)
    theirs = _scene(database_url, other_tenant.org_id, address=address, sender="sam@other.example")
    with session_scope(database_url) as s:
        for to, expected in ((SENDER, ours), ('"Sam" <SAM@Other.example>', theirs),
                             (f"nobody@else.example, {SENDER}", ours)):
            thread = match_thread(s, _mail(ours, in_reply_to=None, to=to))
            assert (thread.org_id, thread.negotiation.id) == (expected.org_id, expected.negotiation_id), to
        for to in ("", "nobody@else.example"):
            assert match_thread(s, _mail(ours, in_reply_to=None, to=to)) is None, to
        # the thread headers need no recipient
        assert match_thread(s, _mail(theirs, in_reply_to=theirs.followup, to="")).org_id == other_tenant.org_id


@pytest.mark.parametrize(("member", "classification", "negotiation", "expected"), [
    ("sent", "needs_info", None, "replied"),
    ("sent", "interested", "open", "negotiating"),
    ("sent", "needs_info", "escalated", "negotiating"),
    ("negotiating", "interested", "agreed", "agreed"),
    ("negotiating", "not_interested", "declined", "declined"),
    ("sent", "out_of_office", "expired", "declined"),
    ("sent", "unsubscribe", "open", "unsubscribed"),
    ("negotiating", "unsubscribe", "declined", "unsubscribed"),
    ("bounced", "interested", "open", "bounced"),
    ("unsubscribed", "interested", None, "unsubscribed"),
    ("agreed", "unsubscribe", "agreed", "agreed"),  # an outcome is kept, as an unsubscribe link keeps it
    ("declined", "unsubscribe", "declined", "declined"),
    ("bounced", "unsubscribe", None, "bounced"),
])
def test_a_reply_moves_the_member_on_and_stops_the_follow_ups(member, classification, negotiation, expected):
    row = CampaignMember(status=member, next_followup_at=SCHEDULED)
    update_member(row, classification, Negotiation(status=negotiation) if negotiation else None)
    assert (row.status, row.next_followup_at) == (expected, None)


def test_a_redelivered_reply_is_stored_once(database_url, tenant):
    scene = _scene(database_url, tenant.org_id)
    mail = _mail(scene, in_reply_to=scene.followup, references=(scene.initial, scene.followup))
    for _ in range(2):
        with session_scope(database_url) as s:
            store_inbound(s, mail, match_thread(s, mail))
    with session_scope(database_url) as s:
        [row] = s.scalars(select(OutreachEmail).where(OutreachEmail.message_id == mail.message_id))
        assert (row.direction, row.status, row.kind, row.idempotency_key) == (
            "in", "received", "reply", f"in:{mail.message_id}")
        assert (row.org_id, row.negotiation_id, row.from_addr, row.body_text) == (
            tenant.org_id, scene.negotiation_id, scene.address, mail.text)
        assert (row.in_reply_to, row.references) == (scene.followup, [scene.initial, scene.followup])


def test_a_reply_stored_by_a_concurrent_delivery_meanwhile_is_not_an_error(database_url, tenant):
    scene = _scene(database_url, tenant.org_id)
    mail = _mail(scene)

    def other_delivery_first(session: object, *_: object) -> None:
        with session_scope(database_url) as other:
            store_inbound(other, mail, match_thread(other, mail))

    s = get_sessionmaker(database_url)()
    try:
        thread = match_thread(s, mail)
        event.listen(s, "before_flush", other_delivery_first, once=True)  # after our look-up, before our insert
        store_inbound(s, mail, thread)
        assert s.scalar(select(func.count()).select_from(OutreachEmail)
                        .where(OutreachEmail.message_id == mail.message_id)) == 1  # the session is usable again
    finally:
        s.close()


def _turns(database_url: str, negotiation_id: str) -> int:
    with session_scope(database_url) as s:
        return s.scalar(select(func.count()).select_from(NegotiationMessage)
                        .where(NegotiationMessage.negotiation_id == negotiation_id))


def test_a_reply_to_an_ended_negotiation_is_kept_without_a_turn(database_url, tenant):
    scene = _scene(database_url, tenant.org_id, negotiation="agreed", member="agreed")
    before = _turns(database_url, scene.negotiation_id)
    mail = _mail(scene)
    with session_scope(database_url) as s:
        result = process_inbound(s, mail)
        assert (result.matched, result.outcome, result.classification, result.suppressed) == (
            True, None, "needs_info", False)
        assert result.summary() == {"matched": True, "negotiation_id": scene.negotiation_id,
                                    "classification": "needs_info", "reply_message_id": None, "replayed": False}
    assert _turns(database_url, scene.negotiation_id) == before
    with session_scope(database_url) as s:
        assert s.scalar(select(OutreachEmail.status).where(OutreachEmail.message_id == mail.message_id)) == "received"
        member = s.get(CampaignMember, scene.member_id)
        assert (member.status, member.next_followup_at) == ("agreed", None)
        assert s.get(Negotiation, scene.negotiation_id).status == "agreed"


def test_stop_after_a_deal_suppresses_the_address_and_keeps_the_deal(database_url, tenant):
    scene = _scene(database_url, tenant.org_id, negotiation="agreed", member="agreed")
    with session_scope(database_url) as s:
        result = process_inbound(s, _mail(scene, "Please stop emailing me."))
        assert (result.classification, result.suppressed, result.outcome) == ("unsubscribe", True, None)
    with session_scope(database_url) as s:
        [row] = s.scalars(select(Suppression).where(Suppression.org_id == tenant.org_id))
        assert (row.email, row.reason) == (scene.address, "unsubscribe")
        assert s.get(CampaignMember, scene.member_id).status == "agreed"


def test_a_reply_to_an_open_negotiation_takes_one_turn_even_when_redelivered(database_url, tenant):
    scene = _scene(database_url, tenant.org_id)
    before = _turns(database_url, scene.negotiation_id)
    mail = _mail(scene, "My rate is $2,500 for the reel.")
    with session_scope(database_url) as s:
        first = process_inbound(s, mail)
        assert first.classification == "interested" and first.outcome is not None and not first.outcome.replayed
    with session_scope(database_url) as s:
        again = process_inbound(s, mail)
        assert again.outcome.replayed and again.outcome.reply.id == first.outcome.reply.id
    assert _turns(database_url, scene.negotiation_id) == before + 2  # the creator's message and the agent's answer
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(OutreachEmail)
                        .where(OutreachEmail.message_id == mail.message_id)) == 1
        assert s.get(CampaignMember, scene.member_id).status == "negotiating"


def test_an_unmatched_reply_changes_nothing(database_url, tenant):
    scene = _scene(database_url, tenant.org_id)
    mail = _mail(scene, in_reply_to=None, sender=_address(tenant.org_id, 9))
    with session_scope(database_url) as s:
        result = process_inbound(s, mail)
        assert result.summary() == {"matched": False}
    with session_scope(database_url) as s:
        assert s.scalar(select(OutreachEmail.id).where(OutreachEmail.message_id == mail.message_id)) is None
        assert s.get(CampaignMember, scene.member_id).next_followup_at == SCHEDULED
