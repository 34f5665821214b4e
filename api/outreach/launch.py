"""Campaign launch as Celery tasks: `outreach.launch` fans a job out into one `outreach.deliver` per creator.

Flow per creator (task `outreach.deliver`, args: job id and influencer id): suppression check → draft →
checks → store the email row → send → open the negotiation (campaign deliverables, launch pricing) →
schedule follow-ups. Each step is keyed, so a redelivered task (acks_late: a worker that died) resumes
where the last one stopped. Sending exactly once is api.outreach.sending's job; follow-ups are api.outreach.followups'.

Channel "voice": the negotiation opens with channel "voice", no email is sent and one call is placed per creator
(api.calls.launch: no phone or do-not-call fails the member with the reason); the member goes to `negotiating`.

Importing this module registers the launch tasks; the Celery app includes every outreach task module.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from celery import Task
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.outreach.mailer import MailTransport, TemporaryFailure
from agent.outreach.suppression import member_status_for, suppression_for
from api import jobs
from api.jobs import celery
from api.outreach.emails import initial_email, llm_provider
from api.outreach.followups import (
    latest_negotiation,
    schedule_after_initial,
)
from api.outreach.mail_config import MailConfig, mail_config
from api.outreach.progress import refresh_job
from api.outreach.sending import SendResult, retry_backoff, send_row
from data.influencers import eager_options
from data.models import Campaign, CampaignMember, Influencer, Job, Negotiation, OutreachEmail, utcnow
from data.statuses import PAST_INITIAL, RELAUNCHABLE, JobStatus, MemberStatus

log = logging.getLogger(__name__)


def ensure_members(s: Session, campaign: Campaign, influencer_ids: list[str]) -> None:
    """Every launched creator has a member row; new or failed ones are (re)queued, others keep their status. A
    draft campaign becomes active here, when its launch is accepted, so a delete cannot slip in before the task."""
    if campaign.status == "draft":
        campaign.status = "active"
    found = {m.influencer_id: m for m in s.scalars(select(CampaignMember).where(
        CampaignMember.campaign_id == campaign.id, CampaignMember.influencer_id.in_(influencer_ids)))}
    for influencer_id in influencer_ids:
        member = found.get(influencer_id)
        if member is None:
            s.add(CampaignMember(org_id=campaign.org_id, campaign_id=campaign.id, influencer_id=influencer_id,
                                 status=MemberStatus.QUEUED))
        elif member.status in RELAUNCHABLE:
            member.status, member.last_error = MemberStatus.QUEUED, None


def run_launch(job_id: str) -> None:
    """Fan the launch out into one delivery task per creator (safe to run again: deliveries are keyed)."""
    with jobs.session() as s:
        job = s.get(Job, job_id)
        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
            return
        campaign = s.get(Campaign, job.params["campaign_id"])
        if campaign is None:
            job.status, job.finished_at = JobStatus.FAILED, utcnow()
            job.errors = [{"row": None, "message": "the campaign was deleted"}]
            s.commit()
            return
        ids = list(job.params["influencer_ids"])
        ensure_members(s, campaign, ids)
        job.status, job.total = JobStatus.RUNNING, len(ids)
        job.started_at = job.started_at or utcnow()
        s.commit()
        # A launch run again (a redelivered task, a sweep) dispatches only the members still waiting.
        waiting = set(s.scalars(select(CampaignMember.influencer_id).where(
            CampaignMember.campaign_id == campaign.id, CampaignMember.influencer_id.in_(ids),
            CampaignMember.status.in_((MemberStatus.QUEUED, MemberStatus.ADDED)))))
    for influencer_id in ids:
        if influencer_id in waiting:
            jobs.enqueue(deliver_task, job_id, influencer_id)
    refresh_job(job_id)


@celery.task(name="outreach.launch", bind=True, max_retries=3, acks_late=True)
def launch_task(self: Task, job_id: str) -> None:
    run_launch(job_id)


def dispatch_launch(job_id: str) -> None:
    jobs.enqueue(launch_task, job_id)


def ensure_negotiation(s: Session, campaign: Campaign, inf: Influencer, channel: str,
                       pricing: Mapping[str, Any]) -> Negotiation:
    """The campaign's negotiation with this creator, opened with the launch pricing when there is none."""
    from agent.negotiation import service

    existing = latest_negotiation(s, campaign.id, inf.id)
    if existing is not None:
        return existing
    return service.start(s, org_id=campaign.org_id, campaign=campaign, influencer=inf, channel=channel,
                         target_usd=Decimal(str(pricing["target_usd"])), max_usd=Decimal(str(pricing["max_usd"])),
                         deliverables=list(campaign.deliverables or []), usage_rights=pricing.get("usage_rights"),
                         provider=llm_provider())


def _member(s: Session, campaign_id: str, influencer_id: str) -> CampaignMember | None:
    return s.scalar(select(CampaignMember).where(CampaignMember.campaign_id == campaign_id,
                                                 CampaignMember.influencer_id == influencer_id))


def _stored_initial(s: Session, job: Job, influencer_id: str, cfg: MailConfig) -> tuple[str, bool] | str:
    """Up to storing the initial email: (its row id, whether this call claimed it), or the member's final status
    when there is nothing to send (already past it, voice, suppressed). Commits that status with the job."""
    params = job.params
    campaign = s.scalar(select(Campaign).where(Campaign.id == params["campaign_id"], Campaign.org_id == job.org_id))
    inf = s.scalar(select(Influencer).where(Influencer.id == influencer_id, Influencer.org_id == job.org_id)
                   .options(*eager_options()))
    if campaign is None or inf is None:
        raise LookupError("the campaign or the influencer no longer exists")
    member = _member(s, campaign.id, inf.id)
    if member is None:
        ensure_members(s, campaign, [inf.id])
        s.flush()
        member = s.scalars(select(CampaignMember).where(CampaignMember.campaign_id == campaign.id,
                                                        CampaignMember.influencer_id == inf.id)).one()
    if member.status in PAST_INITIAL:
        return _finish(s, job.id, member.status)
    if params.get("channel") == "voice":
        from api.calls.launch import launch_call, start_launch_call

        call = launch_call(s, ensure_negotiation(s, campaign, inf, "voice", params["pricing"]))
        member.status, member.last_error = MemberStatus.NEGOTIATING, None
        status = _finish(s, job.id, member.status)
        start_launch_call(call)
        return status
    if not inf.email:
        raise LookupError("this creator has no email address")
    blocked = suppression_for(s, campaign.org_id, inf.email)
    if blocked is not None:
        member.status, member.next_followup_at = member_status_for(blocked.reason), None
        return _finish(s, job.id, member.status)
    made = initial_email(s, campaign, inf, cfg)
    if isinstance(made, str):
        raise ValueError(made)
    return made[0].id, made[1]


def deliver(job_id: str, influencer_id: str, *, transport: MailTransport | None = None) -> str:
    """One creator of a launch, idempotent end to end; returns the member's status."""
    cfg = mail_config()
    with jobs.session() as s:
        job = s.get(Job, job_id)
        if job is None:
            return "missing"
        params = job.params
        stored = _stored_initial(s, job, influencer_id, cfg)
        if isinstance(stored, str):
            return stored
    row_id, fresh = stored
    result = send_row(row_id, cfg=cfg, transport=transport, claimed=fresh)
    if result is SendResult.IN_FLIGHT:
        return "queued"  # another worker holds the claim; its own (acks_late) task finishes the job
    with jobs.session() as s:
        member = s.scalars(select(CampaignMember).where(CampaignMember.campaign_id == params["campaign_id"],
                                                        CampaignMember.influencer_id == influencer_id)
                           .with_for_update()).one()
        if result in (SendResult.SENT, SendResult.ALREADY_SENT) and member.status not in PAST_INITIAL:
            campaign = s.get(Campaign, params["campaign_id"])
            inf = s.scalar(select(Influencer).where(Influencer.id == influencer_id).options(*eager_options()))
            row = s.get(OutreachEmail, row_id)
            neg = ensure_negotiation(s, campaign, inf, "email", params["pricing"])  # type: ignore[arg-type]
            row.negotiation_id = neg.id  # type: ignore[union-attr]
            schedule_after_initial(member, campaign, row.sent_at or utcnow())  # type: ignore[arg-type,union-attr]
        return _finish(s, job_id, member.status)


def _finish(s: Session, job_id: str, status: str) -> str:
    """Commit the member's new state together with the launch job's progress."""
    s.flush()
    refresh_job(job_id, s)
    s.commit()
    return status


@celery.task(name="outreach.deliver", bind=True, max_retries=4, acks_late=True)
def deliver_task(self: Task, job_id: str, influencer_id: str) -> str:
    """Celery entry for one creator: temporary failures retry with backoff, others mark the member failed."""
    campaign_id = ""
    try:
        with jobs.session() as s:
            job = s.get(Job, job_id)
            campaign_id = job.params["campaign_id"] if job else ""
        status = deliver(job_id, influencer_id)
    except TemporaryFailure as exc:
        if self.request.retries >= self.max_retries:
            _fail_member(job_id, campaign_id, influencer_id, f"gave up after retries: {exc}")
            return "failed"
        _note_error(campaign_id, influencer_id, str(exc))
        raise self.retry(exc=exc, countdown=retry_backoff(self.request.retries)) from None
    except Exception as exc:  # one creator's failure never stops the others; a new launch retries it
        log.warning("delivery to %s failed: %s", influencer_id, exc)
        _fail_member(job_id, campaign_id, influencer_id, str(exc) or type(exc).__name__)
        return "failed"
    return status


def _fail_member(job_id: str | None, campaign_id: str, influencer_id: str, message: str) -> None:
    with jobs.session() as s:
        member = _member(s, campaign_id, influencer_id)
        if member is not None and member.status not in PAST_INITIAL:
            member.status, member.last_error = "failed", message[:2000]
            s.commit()
    if job_id:
        refresh_job(job_id)


def _note_error(campaign_id: str, influencer_id: str, message: str) -> None:
    with jobs.session() as s:
        member = _member(s, campaign_id, influencer_id)
        if member is not None:
            member.last_error = message[:2000]
            s.commit()
