"""Importing an uploaded CSV/JSONL file of creators as a background job (Celery task `influencers.import`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import Task
from sqlalchemy.orm import Session

from api.discovery.tasks import sync_index
from api.jobs import celery, enqueue, session
from data.models import Job, JobPayload, utcnow

log = logging.getLogger(__name__)


def run_import(job_id: str, progress: Callable[[Job], None] | None = None, batch: int = 200) -> Job:
    """Import the job's file: every row is created, updated, merged into the same creator (data/merging.py) or
    reported; safe to run again from the start. `job.result["merges"]` lists the rows merged and why."""
    from data.importer import ImportFormatError, count_rows, parse_import
    from data.merging import store_row

    with session() as s:
        job = s.get(Job, job_id)
        payload = s.get(JobPayload, job_id)
        if job is None or payload is None or job.status == "done":
            return job  # type: ignore[return-value]
        job.status, job.started_at = "running", utcnow()
        job.processed = job.created = job.updated = job.failed = 0
        job.errors = []
        try:
            job.total = count_rows(payload.content, payload.filename)
        except ImportFormatError as exc:
            return _fail(s, job, str(exc))
        s.commit()
        touched: list[str] = []
        errors: list[dict[str, Any]] = []
        merges: list[dict[str, Any]] = []
        by_key: dict[str, str] = {}  # merge_on value -> the creator its first row became
        try:
            rows = parse_import(payload.content, payload.filename, job.params.get("mapping"),
                                merge_on=job.params.get("merge_on"))
            for item in rows:
                job.processed += 1
                if item.profile is None:
                    job.failed += 1
                    errors.append({"row": item.row, "message": item.error})
                else:
                    try:
                        with s.begin_nested():
                            key = by_key.get(item.merge_key) if item.merge_key else None
                            outcome = store_row(s, job.org_id, item.profile, key)
                        inf, created = outcome.influencer, outcome.created
                        if item.merge_key:
                            by_key.setdefault(item.merge_key, inf.id)
                        if outcome.merged_by:
                            merges.append({"row": item.row, "influencer_id": inf.id, "name": inf.name,
                                           "by": outcome.merged_by,
                                           "platforms": sorted({p.platform for p in inf.platforms})})
                        touched.append(inf.id)
                        job.created += int(created)
                        job.updated += int(not created)
                    except Exception as exc:  # a row the database refuses is reported, the rest go on
                        log.warning("import row %s failed: %s", item.row, exc)
                        job.failed += 1
                        errors.append({"row": item.row, "message": f"could not be stored: {type(exc).__name__}"})
                if job.processed % batch == 0:
                    _checkpoint(s, job, errors, progress)
        except ImportFormatError as exc:
            return _fail(s, job, str(exc))
        job.errors = errors
        job.status, job.progress, job.finished_at = "done", 1.0, utcnow()
        job.result = {"influencer_ids": len(set(touched)), "merged": len(merges), "merges": merges[:200]}
        s.commit()
        if progress:
            progress(job)
        if touched:
            sync_index(job.org_id, sorted(set(touched)))
        return job


def _checkpoint(s: Session, job: Job, errors: list[dict[str, Any]], progress: Callable[[Job], None] | None) -> None:
    job.errors = list(errors)
    job.progress = min(0.99, job.processed / job.total) if job.total else 0.0
    s.commit()
    if progress:
        progress(job)


def _fail(s: Session, job: Job, message: str) -> Job:
    job.status, job.finished_at = "failed", utcnow()
    job.errors = [{"row": None, "message": message}]
    s.commit()
    return job


@celery.task(name="influencers.import", bind=True, max_retries=3)
def import_influencers_task(self: Task, job_id: str) -> None:
    run_import(job_id)


def dispatch_import(job_id: str) -> None:
    enqueue(import_influencers_task, job_id)
