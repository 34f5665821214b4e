"""GET /api/v1/jobs/{id}: progress and per-row errors of background work."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy import select

from api.http.auth import ROLES, current_org_id, require_role
from api.http.errors import not_found
from api.http.extensions import db_session
from api.jobs.records import job_to_dict
from data.models import Job

bp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs")


@bp.get("/<job_id>")
@require_role(*ROLES)
def get_job(job_id: str) -> dict[str, Any]:
    session = db_session()
    job = session.scalar(select(Job).where(Job.id == job_id, Job.org_id == current_org_id()))
    if job is None:
        raise not_found("job")
    if job.kind == "campaign_launch" and job.status == "running":
        # Concurrent deliveries each count the members they can see; the last one to commit may miss its
        # neighbour's row, so a read recounts from the members themselves.
        from api.outreach.progress import refresh_job

        refresh_job(job.id, session)
        session.commit()
        session.refresh(job)
    return job_to_dict(job)
