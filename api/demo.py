"""Demo content for `make run` (`python -m api bootstrap-demo`): a campaign with about 30 members across the outreach
statuses, a dozen negotiations played to their end over email, chat and a simulated voice call, and a replay of
them, so every screen of the web app has something to show on first start.

Deterministic: the creators are the first profiles of the seeded organization by handle, the creators' words are
scripted below, and the agent is the offline one. Idempotent: nothing is added when the demo campaign exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from agent.llm import get_provider
from agent.negotiation import service
from data.db import session_scope
from data.models import Campaign, CampaignMember, Influencer, Job, Negotiation, Replay
from data.statuses import JobStatus, MemberStatus
from voice.calling_rules import InvalidPhoneNumber, to_e164

log = logging.getLogger(__name__)

CAMPAIGN = {"name": "Winter Glow Launch", "brand": "Lumen", "brand_website": "https://lumen.example.com",
            "goals": "Launch the Winter Glow serum with authentic routines", "product": "Winter Glow serum",
            "budget_total_usd": Decimal("60000"), "deliverables": ["1 reel", "3 stories"], "timeline": "3 weeks",
            "target_audience": "women 18-34 into skincare", "sender_name": "Maya Chen",
            "sender_email": "maya@lumen.example.com",
            "sender_postal_address": "Lumen Inc., 100 Market St, San Francisco, CA"}
TARGET, CEILING = Decimal("2000"), Decimal("3000")


@dataclass(frozen=True)
class Script:
    channel: str
    lines: tuple[str, ...]
    closing: str | None = None
    """Said once more if the negotiation is still open after `lines` (`{offer}`: the agent's last offer), so the
    demo's outcome does not hang on how the policy happens to answer; None leaves it open (for the takeover)."""


SCRIPTS = (  # the creators' side of each demo negotiation, in order
    Script("email", ("Thanks for reaching out! For a reel and three stories I usually charge $2,800.",
                     "I could do $2,500 if that helps.", "Okay, $2,300 works. Let's do it!")),
    Script("email", ("Happy to work with Lumen. My rate for that is $2,200.", "Sounds good, deal.")),
    Script("chat", ("Hey! I'd want $5,000 for that package.", "I can't go below $4,800, sorry.",
                    "$4,800 is my final number.")),
    Script("chat", ("Love the brand. $2,600?", "Meet me at $2,400?", "Alright, agreed.")),
    Script("email", ("Please stop emailing me, I'm not interested.",)),
    Script("chat", ("What usage rights do you need, and for how long?", "Got it. $2,000 for the package.",
                    "Deal.")),
    Script("email", ("My rate is $3,200 for the reel plus stories.", "I can do $2,900.", "$2,700 and we have a deal.",
                     "Great, confirmed.")),
    Script("chat", ("I only do exclusive deals, and I'd need 12 months exclusivity. $6,000.",)),
    Script("email", ("Thank you! $1,800 works for me.",), closing="Okay, {offer} works. Deal."),
    Script("chat", ("I'm flattered. My usual is $3,500.", "Could you do $3,100?", "Fine, let's go with your offer."),
           closing="Alright, {offer} it is. Deal."),
    Script("email", ("I'm fully booked this season, sorry — no thanks.",), closing="Please stop contacting me."),
    Script("email", ("Hi! For that package I'd ask $2,700.", "I can come down to $2,500."),
           closing="Alright, {offer} it is. Deal."),
    Script("chat", ("I'd need $4,500 for this.", "That's too low for me, sorry. I'll pass."),
           closing="Please stop contacting me."),
    Script("chat", ("$3,000 and I'm in.", "I could do $2,800 at most.")),
)
VOICE_PERSONA = "flexible"
MEMBER_STATUSES = (  # the members without a negotiation: one each, in this order
    *[MemberStatus.ADDED] * 5, MemberStatus.QUEUED, *[MemberStatus.SENT] * 6, *[MemberStatus.REPLIED] * 2,
    *[MemberStatus.BOUNCED] * 2, *[MemberStatus.UNSUBSCRIBED] * 2,
)
BY_NEGOTIATION = {"open": MemberStatus.NEGOTIATING, "escalated": MemberStatus.NEGOTIATING,
                  "agreed": MemberStatus.AGREED, "declined": MemberStatus.DECLINED, "expired": MemberStatus.DECLINED}


def seed_demo_content(database_url: str, org_id: str) -> str | None:
    """Create the demo campaign, its members, negotiations, a simulated call and a replay; returns the campaign id
    (None when it existed already)."""
    with session_scope(database_url) as s:
        if s.scalar(select(Campaign.id).where(Campaign.org_id == org_id, Campaign.name == CAMPAIGN["name"])):
            return None
        creators = list(s.scalars(select(Influencer).where(Influencer.org_id == org_id)
                                  .order_by(Influencer.handle).limit(len(SCRIPTS) + 1 + len(MEMBER_STATUSES))))
        campaign = Campaign(org_id=org_id, status="active", **CAMPAIGN)
        s.add(campaign)
        s.flush()
        campaign_id = campaign.id
        provider = get_provider()
        negotiation_ids = []
        for script, creator in zip(SCRIPTS, creators, strict=False):
            neg = _play(s, campaign, creator, script, provider)
            negotiation_ids.append(neg.id)
            s.add(CampaignMember(org_id=org_id, campaign_id=campaign_id, influencer_id=creator.id,
                                 status=BY_NEGOTIATION.get(neg.status, MemberStatus.NEGOTIATING)))
        rest = creators[len(SCRIPTS):]
        voice_creator = next((c for c in rest if _callable(c)), None)
        voice_negotiation = None
        if voice_creator is not None:
            rest.remove(voice_creator)
            neg = service.start(s, org_id=org_id, campaign=campaign, influencer=voice_creator, channel="voice",
                                target_usd=TARGET, max_usd=CEILING, deliverables=list(campaign.deliverables),
                                usage_rights="6 months organic", provider=provider)
            voice_negotiation = neg.id
            s.add(CampaignMember(org_id=org_id, campaign_id=campaign_id, influencer_id=voice_creator.id,
                                 status=MemberStatus.NEGOTIATING))
        for n, (status, creator) in enumerate(zip(MEMBER_STATUSES, rest, strict=False)):
            s.add(CampaignMember(org_id=org_id, campaign_id=campaign_id, influencer_id=creator.id, status=status,
                                 followups_sent=(n % 3) if status == MemberStatus.SENT else 0))
    if voice_negotiation is not None:
        _simulated_call(database_url, voice_negotiation)
        negotiation_ids.append(voice_negotiation)
        with session_scope(database_url) as s:  # the call's outcome moves the member on, as a launch's would
            status = s.get(Negotiation, voice_negotiation).status
            member = s.scalar(select(CampaignMember).where(CampaignMember.campaign_id == campaign_id,
                                                           CampaignMember.influencer_id == voice_creator.id))
            member.status = BY_NEGOTIATION.get(status, MemberStatus.NEGOTIATING)
    _replay(database_url, org_id, negotiation_ids)
    return campaign_id


def _play(s, campaign: Campaign, creator: Influencer, script: Script, provider) -> Negotiation:  # type: ignore[no-untyped-def]
    neg = service.start(s, org_id=campaign.org_id, campaign=campaign, influencer=creator, channel=script.channel,
                        target_usd=TARGET, max_usd=CEILING, deliverables=list(campaign.deliverables),
                        usage_rights="6 months organic", provider=provider)
    for line in script.lines:
        try:
            service.take_message(s, neg, line, provider=provider)
        except service.NegotiationClosed:
            return neg
    if script.closing is not None and neg.status == "open":
        ours = [o.amount_usd for o in sorted(neg.offers, key=lambda o: o.seq) if o.role == "agent"]
        offer = f"${ours[-1]:,.0f}" if ours else f"${TARGET:,.0f}"
        service.take_message(s, neg, script.closing.format(offer=offer), provider=provider)
    return neg


def _callable(creator: Influencer) -> bool:
    """Whether the creator's phone is a real number (the generator also writes fictional-range ones)."""
    if not creator.phone:
        return False
    try:
        to_e164(creator.phone, creator.country)
    except InvalidPhoneNumber:
        return False
    return True


def _simulated_call(database_url: str, negotiation_id: str) -> None:
    """A call with the simulated provider, played by a creator persona now (outside calling hours too)."""
    from api import jobs
    from api.calls.records import create_call
    from api.calls.rules import CallNotAllowed
    from api.calls.tasks import place

    jobs.use_in_process()
    with session_scope(database_url) as s:
        neg = s.get(Negotiation, negotiation_id)
        try:
            call_id = create_call(s, neg, provider="simulated", to_number=None, max_attempts=1,
                                  persona=VOICE_PERSONA).id
        except CallNotAllowed as exc:
            log.warning("demo call not placed: %s", exc.message)
            return
    place(call_id, respect_hours=False)


def _replay(database_url: str, org_id: str, negotiation_ids: list[str]) -> None:
    """Replay the demo negotiations against the agent as it is, like POST /api/v1/replays, and wait for it."""
    from api.replays.tasks import run_replay

    with session_scope(database_url) as s:
        job = Job(org_id=org_id, kind="replay", params={"sources": [f"negotiation {i}" for i in negotiation_ids]},
                  total=len(negotiation_ids))
        s.add(job)
        s.flush()
        replay = Replay(org_id=org_id, job_id=job.id, status=JobStatus.QUEUED,
                        params={"negotiation_ids": negotiation_ids, "policy": {}, "defaults": None,
                                "sources": [f"negotiation {i}" for i in negotiation_ids]})
        s.add(replay)
        s.flush()
        job.params = {**job.params, "replay_id": replay.id}
        replay_id = replay.id
    run_replay(replay_id)
