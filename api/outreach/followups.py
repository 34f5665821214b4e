"""Follow-ups: up to `campaign.followups_max` per unanswered initial email, one every
`campaign.followup_interval_days`, stopped by a reply, an unsubscribe, a bounce or a closed negotiation.
`send_due_followups` runs from the CLI and from Celery beat (task `outreach.send_due_followups`)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.outreach import check_draft, draft_outreach, fill_unsubscribe
from agent.outreach.inbound import latest_negotiation
from agent.outreach.mailer import MailConfigError, MailTransport, TemporaryFailure
from agent.outreach.suppression import member_status_for, suppression_for
from api import jobs
from api.jobs import celery
from api.outreach.emails import draft_seed, email_key, llm_provider, new_email_row
from api.outreach.mail_config import MailConfig, mail_config, unsubscribe_link
from api.outreach.sending import SendResult, send_row
from data.influencers import eager_options
from data.models import Campaign, CampaignMember, Influencer, OutreachEmail
from data.serialize import campaign_to_dict, influencer_to_dict
from data.statuses import CLOSED_NEGOTIATION

log = logging.getLogger(__name__)

# Why a follow-up stopped that is the expected end of the sequence, not an error worth showing.
_QUIET_STOPS = ("suppressed", "negotiation closed", "no follow-ups left", "gone")


def schedule_after_initial(member: CampaignMember, campaign: Campaign, sent_at: datetime) -> None:
    """The initial email went out at `sent_at`: the member waits for its first follow-up (if any)."""
    member.status, member.last_error, member.followups_sent = "sent", None, 0
    member.next_followup_at = (sent_at + timedelta(days=campaign.followup_interval_days)
                               if campaign.followups_max > 0 else None)


def _followup_row(s: Session, member: CampaignMember, cfg: MailConfig) -> OutreachEmail | str:
    """The stored follow-up due for this member, or the reason it stops here."""
    campaign = s.get(Campaign, member.campaign_id)
    inf = s.scalar(select(Influencer).where(Influencer.id == member.influencer_id).options(*eager_options()))
    if campaign is None or inf is None or not inf.email:
        return "gone"
    neg = latest_negotiation(s, campaign.id, inf.id)
    if neg is not None and neg.status in CLOSED_NEGOTIATION:
        return "negotiation closed"
    blocked = suppression_for(s, campaign.org_id, inf.email)
    if blocked is not None:
        member.status = member_status_for(blocked.reason)
        return "suppressed"
    number = member.followups_sent + 1
    if number > campaign.followups_max:
        return "no follow-ups left"
    initial = s.scalar(select(OutreachEmail).where(
        OutreachEmail.idempotency_key == email_key(campaign.id, inf.id, "initial")))
    if initial is None or initial.status != "sent":
        return "the first email was never sent"
    key = email_key(campaign.id, inf.id, f"followup_{number}")
    existing = s.scalar(select(OutreachEmail).where(OutreachEmail.idempotency_key == key))
    if existing is not None:
        return existing
    kind = "followup_1" if number == 1 else "followup_2"
    link = unsubscribe_link(cfg, campaign.org_id, inf.email, campaign.id, inf.id)
    profile, campaign_dict = influencer_to_dict(inf), campaign_to_dict(campaign)
    draft = fill_unsubscribe(draft_outreach(profile, campaign_dict, kind=kind, provider=llm_provider(),  # type: ignore[arg-type]
                                            previous_subject=initial.subject, seed=draft_seed(inf.id)), link)
    # "Re: <our first subject>" repeats words that passed the checks when the first email went out (a niche,
    # say) although a follow-up's own facts no longer include them: our own sent subject backs them.
    draft = replace(draft, allowed_terms=(*draft.allowed_terms, initial.subject))
    problems = check_draft(draft, profile, campaign_dict)
    if problems:
        return "the follow-up failed its checks: " + "; ".join(problems[:5])
    return new_email_row(s, org_id=campaign.org_id, key=key, kind="followup", campaign=campaign,
                         influencer_id=inf.id, to_addr=inf.email, subject=draft.subject, body_text=draft.body_text,
                         body_html=draft.body_html, negotiation_id=neg.id if neg else None,
                         in_reply_to=initial.message_id, references=[initial.message_id])


def _send_followup(member_id: str, now: datetime, cfg: MailConfig, transport: MailTransport | None) -> str:
    with jobs.session() as s:
        member = s.get(CampaignMember, member_id)
        if member is None or member.status != "sent" or member.next_followup_at is None \
                or member.next_followup_at > now:
            return "skipped"
        row = _followup_row(s, member, cfg)
        if isinstance(row, str):
            member.next_followup_at = None
            if row not in _QUIET_STOPS:
                member.last_error = row
            s.commit()
            return "stopped"
        row_id, number = row.id, int(row.idempotency_key.rsplit("_", 1)[-1])
    result = send_row(row_id, cfg=cfg, transport=transport, now=now)
    if result is SendResult.IN_FLIGHT:
        return "in_flight"
    with jobs.session() as s:
        member = s.get(CampaignMember, member_id)
        campaign = s.get(Campaign, member.campaign_id)  # type: ignore[union-attr]
        if result in (SendResult.SENT, SendResult.ALREADY_SENT) and member.status == "sent":  # type: ignore[union-attr]
            member.followups_sent = max(member.followups_sent, number)  # type: ignore[union-attr]
            more = member.followups_sent < campaign.followups_max  # type: ignore[union-attr]
            member.next_followup_at = now + timedelta(days=campaign.followup_interval_days) if more else None  # type: ignore[union-attr]
        s.commit()
    return "sent" if result is SendResult.SENT else result.value


def send_due_followups(now: datetime | None = None, *, org_id: str | None = None,
                       transport: MailTransport | None = None) -> dict[str, int]:
    """Send every follow-up due at `now` (CLI- and beat-callable), optionally for one organization only;
    returns counts by outcome ("due", "sent", "stopped", "retry_later", …)."""
    moment = now or datetime.now(UTC)
    cfg = mail_config()
    with jobs.session() as s:
        due = list(s.scalars(
            select(CampaignMember.id).join(Campaign, Campaign.id == CampaignMember.campaign_id)
            .where(CampaignMember.status == "sent", CampaignMember.next_followup_at.is_not(None),
                   CampaignMember.next_followup_at <= moment,
                   CampaignMember.followups_sent < Campaign.followups_max)
            .where(CampaignMember.org_id == org_id if org_id else True)
            .order_by(CampaignMember.next_followup_at)))
    counts: dict[str, int] = {"due": len(due)}
    for member_id in due:
        try:
            outcome = _send_followup(member_id, moment, cfg, transport)
        except (TemporaryFailure, MailConfigError) as exc:  # stays due: the next run tries again
            log.warning("follow-up for member %s not sent: %s", member_id, exc)
            outcome = "retry_later"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@celery.task(name="outreach.send_due_followups", acks_late=True)
def send_due_followups_task() -> dict[str, int]:
    return send_due_followups()


celery.conf.beat_schedule = {
    **(celery.conf.beat_schedule or {}),
    "outreach.send_due_followups": {"task": "outreach.send_due_followups", "schedule": 300.0},
}

