"""A launch job's progress, recomputed from its campaign members' statuses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api import jobs
from data.models import CampaignMember, Job, utcnow


def refresh_job(job_id: str, session: Session | None = None) -> None:
    """Recompute the launch job's counts from the member rows (monotonic, so late writers can't go back).

    With `session`, the update joins that transaction (the caller commits)."""
    if session is None:
        with jobs.session() as s:
            refresh_job(job_id, s)
            s.commit()
        return
    s = session
    job = s.get(Job, job_id)
    if job is None:
        return
    ids = list(job.params.get("influencer_ids") or [])
    in_launch = (CampaignMember.campaign_id == job.params.get("campaign_id"), CampaignMember.influencer_id.in_(ids))
    by_status = dict(s.execute(select(CampaignMember.status, func.count()).where(*in_launch)
                               .group_by(CampaignMember.status)).tuples().all())
    done = sum(n for status, n in by_status.items() if status not in ("queued", "added"))
    failed = list(s.execute(select(CampaignMember.influencer_id, CampaignMember.last_error)
                            .where(*in_launch, CampaignMember.status == "failed")).tuples()) \
        if by_status.get("failed") else []
    position = {influencer_id: n for n, influencer_id in enumerate(ids)} if failed else {}
    values: dict[str, Any] = {
        "processed": done, "failed": len(failed),
        "progress": round(done / len(ids), 4) if ids else 1.0,
        "errors": [{"row": position.get(i), "influencer_id": i, "message": error or "failed"} for i, error in failed],
        "result": {"statuses": by_status},
    }
    if done >= len(ids) and job.status == "running":
        values.update(status="done", finished_at=utcnow())
    s.execute(update(Job).where(Job.id == job_id, Job.processed <= done).values(**values)
              .execution_options(synchronize_session=False))
