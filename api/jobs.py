"""Background work as Celery tasks (`celery -A api.jobs worker`).

Tasks take ids, never objects, and are safe to run twice (acks_late: a task lost with its worker is
delivered again). With no CELERY_BROKER_URL the same tasks run in-process on a small thread pool, so a
request still returns at once and the code path is the one production uses.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from typing import Any

from celery import Celery, Task
from sqlalchemy.orm import Session

from data.db import database_url, get_sessionmaker
from data.models import Job, JobPayload, utcnow

log = logging.getLogger(__name__)

celery = Celery("api")
celery.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    task_ignore_result=True,
    include=["api.launch"],
)

_state: dict[str, Any] = {"database_url": None, "broker": None}
_executor: ThreadPoolExecutor | None = None
_pending: set[Future[Any]] = set()
_lock = threading.Lock()


def configure(database_url_: str | None = None, broker_url: str | None = None) -> None:
    """Point tasks at a database and a broker (None = run in-process)."""
    _state["database_url"] = database_url_
    _state["broker"] = broker_url
    if broker_url:
        celery.conf.broker_url = broker_url


configure(os.environ.get("DATABASE_URL"), os.environ.get("CELERY_BROKER_URL"))


_local = threading.local()


def session() -> Session:
    """A session on the database of the app that queued the work (in-process), else the configured one."""
    url = getattr(_local, "database_url", None) or _state["database_url"] or database_url()
    return get_sessionmaker(url)()


def _run_in_process(url: str | None, task: Task, args: tuple[Any, ...]) -> Any:
    _local.database_url = url
    try:
        return task.apply(args=args)
    finally:
        _local.database_url = None


def in_process() -> bool:
    return not _state["broker"]


def enqueue(task: Task, *args: Any) -> None:
    """Send to the broker, or run on the in-process pool when none is configured."""
    if not in_process():
        task.apply_async(args=args)
        return
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jobs")
        future = _executor.submit(_run_in_process, _caller_database_url(), task, args)
        _pending.add(future)
    future.add_done_callback(_pending.discard)


def _caller_database_url() -> str | None:
    from flask import current_app, has_app_context

    return current_app.config.get("DATABASE_URL") if has_app_context() else getattr(_local, "database_url", None)


def wait_idle(timeout: float = 60.0) -> bool:
    """Wait for in-process work to finish (CLI commands and tests); True when nothing is left."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            pending = list(_pending)
        if not pending:
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        futures_wait(pending, timeout=left)


def broker_check() -> str:
    if in_process():
        return "ok"
    with celery.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


# ---------------------------------------------------------------- job rows


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


# ---------------------------------------------------------------- import


def run_import(job_id: str, progress: Callable[[Job], None] | None = None, batch: int = 200) -> Job:
    """Import the job's file: every row is created, updated or reported; safe to run again from the start."""
    from data.importer import ImportFormatError, count_rows, parse_import
    from data.influencers import upsert_influencer

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
        try:
            rows = parse_import(payload.content, payload.filename, job.params.get("mapping"))
            for item in rows:
                job.processed += 1
                if item.profile is None:
                    job.failed += 1
                    errors.append({"row": item.row, "message": item.error})
                else:
                    try:
                        with s.begin_nested():
                            inf, created = upsert_influencer(s, job.org_id, item.profile)
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
        job.result = {"influencer_ids": len(set(touched))}
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


# ---------------------------------------------------------------- vector index sync


def run_index_sync(org_id: str, influencer_ids: list[str]) -> None:
    from retrieval.sync import sync_influencers

    with session() as s:
        sync_influencers(s, org_id, influencer_ids)


@celery.task(name="index.sync", bind=True, max_retries=5, default_retry_delay=5)
def index_sync_task(self: Task, org_id: str, influencer_ids: list[str]) -> None:
    run_index_sync(org_id, influencer_ids)


def sync_index(org_id: str, influencer_ids: list[str]) -> None:
    """Keep the derived vector index in step with SQL after a write."""
    if influencer_ids:
        enqueue(index_sync_task, org_id, influencer_ids)
