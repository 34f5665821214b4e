"""Replays as background jobs (Celery task `replays.run`): read the sources, replay, store the report.

The task takes the replay's id and is safe to run twice: a finished replay is left as it is, an interrupted one
starts over. Progress is the share of transcripts replayed, written every few transcripts.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from sqlalchemy.orm import Session

from api.jobs import celery, enqueue, session
from data.models import Job, Replay, utcnow
from data.statuses import JobStatus
from evals.replay.overrides import OverrideError
from evals.replay.readers import read_data
from evals.replay.readers.plain import read as read_plain
from evals.replay.report import build_report
from evals.replay.store import read_negotiations, setup_lookup
from evals.replay.transcript import ReadResult

log = logging.getLogger(__name__)
CHECKPOINT_EVERY = 10


def read_sources(s: Session, org_id: str, params: dict[str, Any]) -> ReadResult:
    """The transcripts a replay asked for: the org's negotiations by id, or one uploaded transcript."""
    if params.get("negotiation_ids") is not None:
        return read_negotiations(s, org_id, list(params["negotiation_ids"]))
    transcript = params.get("transcript")
    defaults = params.get("defaults") or None
    if isinstance(transcript, str):
        return read_plain(transcript, "transcript", defaults)
    return read_data(transcript, "transcript", defaults, lookup=setup_lookup(s, org_id))


def _finish(s: Session, replay: Replay, job: Job | None, status: str, error: str | None = None) -> None:
    replay.status, replay.finished_at, replay.error = status, utcnow(), error
    if job is not None:
        job.status, job.finished_at = status, replay.finished_at
        if status == JobStatus.DONE:
            job.progress = 1.0
        if error:
            job.errors = [{"row": None, "message": error}]
    s.commit()


def run_replay(replay_id: str) -> None:
    with session() as s:
        replay = s.get(Replay, replay_id)
        if replay is None or replay.status == JobStatus.DONE:
            return
        job = s.get(Job, replay.job_id) if replay.job_id else None
        replay.status = JobStatus.RUNNING
        if job is not None:
            job.status, job.started_at, job.processed, job.progress = JobStatus.RUNNING, utcnow(), 0, 0.0
        s.commit()
        try:
            read = read_sources(s, replay.org_id, replay.params)
            if job is not None:
                job.total = len(read.transcripts)
                s.commit()

            def progress(done: int) -> None:
                if job is not None and (done % CHECKPOINT_EVERY == 0 or done == job.total):
                    job.processed = done
                    job.progress = min(0.99, done / job.total) if job.total else 0.0
                    s.commit()

            report = build_report(read.transcripts, read.errors, replay.params.get("policy") or None,
                                  on_progress=progress, replay_id=replay.id,
                                  sources=replay.params.get("sources") or [])
        except OverrideError as exc:  # validated at POST; a changed PolicyConfig can still refuse it
            _finish(s, replay, job, JobStatus.FAILED, str(exc))
            return
        replay.report = report
        if job is not None:
            job.processed = len(read.transcripts)
            job.failed = len(report["errors"])
            job.errors = report["errors"][:100]
            job.result = {"replay_id": replay.id, "transcripts": len(report["transcripts"]),
                          "errors": len(report["errors"])}
        _finish(s, replay, job, JobStatus.DONE)


@celery.task(name="replays.run", bind=True, max_retries=2, default_retry_delay=5)
def run_replay_task(self: Task, replay_id: str) -> None:
    try:
        run_replay(replay_id)
    except Exception:
        log.exception("replay %s failed", replay_id)
        with session() as s:
            replay = s.get(Replay, replay_id)
            if replay is not None and replay.status != JobStatus.DONE:
                _finish(s, replay, s.get(Job, replay.job_id) if replay.job_id else None, JobStatus.FAILED,
                        "the replay stopped on an internal error; run it again")
        raise


def dispatch_replay(replay_id: str) -> None:
    enqueue(run_replay_task, replay_id)
