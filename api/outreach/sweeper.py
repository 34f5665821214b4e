"""Re-dispatching launches whose delivery tasks were lost (`outreach.sweep_launches`, run by Celery beat).

acks_late covers a worker that dies: the broker hands its task to another worker. It does not cover a broker
that loses its queue (a Redis restarted without persistence): the launch's remaining `outreach.deliver` tasks
are gone and the job would stay `running` for ever. The sweeper finds such launches from SQL alone and queues
their unsent members' deliveries again.

A launch is stalled when nothing of it moved for `stall_grace()`: no member row changed (deliveries, errors,
an earlier sweep) and no initial email was claimed (`claimed_at`; the grace is longer than the send lease, so
a worker still holding a claim keeps its launch "moving"). Of a stalled launch it re-dispatches every member
still `queued`, except one whose last delivery failed temporarily less than the longest retry backoff ago
(Celery holds that retry, with its countdown). A duplicate of a task that was not lost after all is harmless:
delivery is keyed and the send claim (api.outreach.sending) lets one worker send. A launch job still `queued`
after the grace (its fan-out task was lost) gets `outreach.launch` again, at most once per grace; a launch
run again dispatches only its waiting members (api.outreach.launch.run_launch). Each pass is a handful of queries
per unfinished launch.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api import jobs
from api.jobs import celery
from api.outreach.emails import email_key
from api.outreach.launch import deliver_task, launch_task
from api.outreach.progress import refresh_job
from api.outreach.sending import retry_backoff
from data.models import CampaignMember, Job, OutreachEmail, utcnow
from data.statuses import JobStatus, MemberStatus

log = logging.getLogger(__name__)
LAUNCH_KIND = "campaign_launch"
WAITING = (MemberStatus.QUEUED, MemberStatus.ADDED)
MIN_GRACE_S = 30


def stall_grace() -> timedelta:
    """How long a launch may show no progress before its tasks count as lost: past the broker's own redelivery
    (the visibility timeout) and two send leases, so the sweeper never races a recovery already under way."""
    settings = jobs.task_settings()
    return timedelta(seconds=max(MIN_GRACE_S, settings.celery_visibility_timeout_s, 2 * settings.send_lease_seconds))


def sweep_interval_s() -> float:
    """How often beat runs the sweep: a few times per grace, within 15 s to 5 minutes."""
    return float(min(300, max(15, stall_grace().total_seconds() // 3)))


def sweep_launches(now: datetime | None = None, *, org_id: str | None = None) -> dict[str, int]:
    """One pass over every unfinished launch (of one organization with `org_id`); counts of what it did
    ("launches", "stalled", "redispatched", "relaunched")."""
    moment = now or utcnow()
    grace = stall_grace()
    counts = {"launches": 0, "stalled": 0, "redispatched": 0, "relaunched": 0}
    with jobs.session() as s:
        open_jobs = list(s.execute(
            select(Job.id, Job.status).where(Job.kind == LAUNCH_KIND,
                                             Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
                                             Job.created_at <= moment - grace)
            .where(Job.org_id == org_id if org_id else True)).tuples())
    for job_id, status in open_jobs:
        counts["launches"] += 1
        if status == JobStatus.QUEUED:
            if _relaunch_due(job_id, moment, grace):
                jobs.enqueue(launch_task, job_id)
                counts["relaunched"] += 1
            continue
        try:
            lost = _lost_members(job_id, moment, grace)
        except Exception:  # one broken launch never stops the sweep of the others
            log.exception("sweeping launch %s failed", job_id)
            continue
        if lost:
            counts["stalled"] += 1
            counts["redispatched"] += len(lost)
            log.warning("launch %s: no progress for %s; re-dispatching %d deliveries", job_id, grace, len(lost))
        for influencer_id in lost:
            jobs.enqueue(deliver_task, job_id, influencer_id)
    return counts


def _relaunch_due(job_id: str, moment: datetime, grace: timedelta) -> bool:
    """Whether a launch job that never started should get its fan-out task again: not if a sweep queued one
    less than a grace ago (it may be waiting behind other work); the time is kept in the job's `result`."""
    with jobs.session() as s:
        job = s.scalar(select(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                       .with_for_update(skip_locked=True))
        if job is None:
            return False
        last = (job.result or {}).get("relaunched_at")
        if last and datetime.fromisoformat(last) > moment - grace:
            return False
        job.result = {**(job.result or {}), "relaunched_at": moment.isoformat()}
        s.commit()
        return True


def _lost_members(job_id: str, moment: datetime, grace: timedelta) -> list[str]:
    """The influencer ids of a running launch to deliver again (none unless it stalled); marks them swept."""
    with jobs.session() as s:  # the job row's lock makes one sweeper (of several processes) act on a launch
        job = s.scalar(select(Job).where(Job.id == job_id).with_for_update(skip_locked=True))
        if job is None:
            return []
        campaign_id, ids = job.params.get("campaign_id"), list(job.params.get("influencer_ids") or [])
        in_launch = (CampaignMember.campaign_id == campaign_id, CampaignMember.influencer_id.in_(ids))
        waiting = list(s.execute(select(CampaignMember.id, CampaignMember.influencer_id, CampaignMember.last_error,
                                        CampaignMember.updated_at)
                                 .where(*in_launch, CampaignMember.status.in_(WAITING))).tuples())
        if not waiting:  # every member is past its delivery: only the job's counts were left behind
            refresh_job(job_id, s)
            s.commit()
            return []
        if _last_activity(s, campaign_id, ids) > moment - grace:
            return []
        backoff = timedelta(seconds=retry_backoff(deliver_task.max_retries))
        lost = [(member_id, influencer_id) for member_id, influencer_id, error, updated in waiting
                if not (error and updated > moment - backoff)]
        if lost:  # the sweep itself counts as activity: the next one waits a whole grace for these tasks
            s.execute(update(CampaignMember).where(CampaignMember.id.in_([m for m, _ in lost]))
                      .values(updated_at=moment).execution_options(synchronize_session=False))
            s.commit()
        return [influencer_id for _, influencer_id in lost]


def _last_activity(s: Session, campaign_id: Any, ids: list[str]) -> datetime:
    """The newest change to the launch: a member row written or an initial email claimed."""
    keys = [email_key(campaign_id, i, "initial") for i in ids]
    stamps = [s.scalar(select(func.max(CampaignMember.updated_at)).where(
                  CampaignMember.campaign_id == campaign_id, CampaignMember.influencer_id.in_(ids))),
              s.scalar(select(func.max(OutreachEmail.claimed_at)).where(OutreachEmail.idempotency_key.in_(keys)))]
    return max((_aware(t) for t in stamps if t is not None), default=datetime.min.replace(tzinfo=UTC))


def _aware(stamp: datetime) -> datetime:
    """SQL aggregates bypass the column type (max() comes back naive from SQLite): read them as UTC."""
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def sweep_forever(app: Flask, stop: threading.Event | None = None, every_s: float | None = None) -> None:
    """What beat does, for a process with no broker: a sweep every `sweep_interval_s()` until `stop` is set, so a
    launch whose in-process tasks died with another web process is delivered by a surviving one."""
    with app.app_context():
        every = every_s or sweep_interval_s()
    jobs.repeat_forever(app, lambda: sweep_launches(), every, "outreach.sweep_launches", stop)  # read at call time


def start_in_process_sweep(app: Flask) -> None:
    """Once per serving process with no broker (the first request starts it; not under tests)."""
    jobs.start_in_process_loop(app, "launch-sweep", sweep_forever)


@celery.task(name="outreach.sweep_launches", acks_late=True, max_retries=0)
def sweep_launches_task() -> dict[str, int]:
    return sweep_launches()


celery.conf.beat_schedule = {
    **(celery.conf.beat_schedule or {}),
    "outreach.sweep_launches": {"task": "outreach.sweep_launches", "schedule": sweep_interval_s()},
}
