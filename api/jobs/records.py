"""Job rows: creating them and how they read over the API (`GET /api/v1/jobs/{id}`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from data.models import Job, JobPayload


def create_job(session_: Session, org_id: str, kind: str, params: dict[str, Any] | None = None) -> Job:
    job = Job(org_id=org_id, kind=kind, params=params or {})
    session_.add(job)
    session_.flush()
    return job


def create_import_job(session_: Session, org_id: str, filename: str, content: bytes,
                      mapping: dict[str, str] | None) -> Job:
    job = create_job(session_, org_id, "import_influencers", {"filename": filename, "mapping": mapping})
    session_.add(JobPayload(job_id=job.id, filename=filename, content=content))
    session_.flush()
    return job


def job_to_dict(job: Job) -> dict[str, Any]:
    from data.serialize import iso

    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": round(job.progress, 4),
        "processed": job.processed,
        "total": job.total,
        "created": job.created,
        "updated": job.updated,
        "failed": job.failed,
        "errors": job.errors,
        "result": job.result,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
    }
