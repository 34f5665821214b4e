"""Evaluators' routes (README "Evaluation"): a negotiation's transcript, labels on its turns, replays run as jobs.

Only the evaluator role (and admin) may use them; another organization's ids are 404.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import func, select

from api.http.audit import audit
from api.http.auth import current, current_org_id, require_role
from api.http.errors import ApiError, not_found
from api.http.extensions import db_session
from api.http.openapi import answers
from api.http.pagination import PageQuery, page_response, paginate
from api.http.validation import validated
from api.jobs.records import create_job
from api.negotiations.views import load_negotiation_state
from api.replays.tasks import dispatch_replay, read_sources
from data.models import Job, Negotiation, NegotiationMessage, Replay, TurnAnnotation
from data.serialize import iso
from data.statuses import JobStatus
from evals.replay.overrides import OverrideError, policy_config
from evals.replay.store import annotations_for, transcript_dict

bp = Blueprint("replays", __name__, url_prefix="/api/v1")
log = logging.getLogger(__name__)

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
MAX_NEGOTIATIONS = 1000


class AnnotationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    turn: int = Field(ge=1)
    label: Literal["good", "bad", "unsure"]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class SetupDefaults(BaseModel):
    """The brief a transcript may lack (ElevenLabs and plain text name no budget)."""

    model_config = ConfigDict(extra="forbid")
    max_usd: Annotated[float, Field(gt=0)] | None = None
    target_usd: Annotated[float, Field(gt=0)] | None = None
    deliverables: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] | None = None


class ReplayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    negotiation_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_NEGOTIATIONS)] | None = None
    transcript: dict[str, Any] | list[Any] | Annotated[str, StringConstraints(min_length=1,
                                                                              max_length=2_000_000)] | None = None
    """Any file `python -m evals replay` reads, as parsed JSON (or the text of a plain-text transcript)."""
    policy: dict[str, str | int | float | bool] = Field(default_factory=dict)
    defaults: SetupDefaults | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ReplayIn:
        if (self.negotiation_ids is None) == (self.transcript is None):
            raise ValueError("give either negotiation_ids or transcript")
        return self


def _annotation_dict(a: TurnAnnotation) -> dict[str, Any]:
    return {"id": a.id, "negotiation_id": a.negotiation_id, "turn": a.turn, "label": a.label, "note": a.note,
            "at": iso(a.at)}


@bp.get("/negotiations/<negotiation_id>/transcript")
@require_role("evaluator")
def get_transcript(negotiation_id: str) -> dict[str, Any]:
    """Every turn in order: words, what was understood, the decision and why, the gate, the deal probability."""
    neg = load_negotiation_state(negotiation_id)
    notes = annotations_for(db_session(), current_org_id(), [neg.id]).get(neg.id, [])
    return transcript_dict(neg, notes)


@bp.post("/negotiations/<negotiation_id>/annotations")
@require_role("evaluator")
@validated(body=AnnotationIn, status=201)
def annotate(negotiation_id: str, body: AnnotationIn) -> tuple[dict[str, Any], int]:
    """Label one turn good, bad or unsure; `turn` is the turn's number in the transcript."""
    session = db_session()
    neg = session.scalar(select(Negotiation).where(Negotiation.id == negotiation_id,
                                                   Negotiation.org_id == current_org_id()))
    if neg is None:
        raise not_found("negotiation")
    turns = session.scalar(select(func.count()).select_from(NegotiationMessage)
                           .where(NegotiationMessage.negotiation_id == neg.id)) or 0
    if body.turn > turns:
        raise ApiError(422, f"this negotiation has {turns} turns", code="validation_error",
                       fields={"turn": f"must be between 1 and {turns}"})
    row = TurnAnnotation(org_id=neg.org_id, negotiation_id=neg.id, turn=body.turn, label=body.label,
                         note=body.note or None, api_key_id=current().key_id)
    session.add(row)
    session.flush()
    audit(session, "annotate", "negotiation", neg.id, {"turn": body.turn, "label": body.label})
    session.commit()
    return _annotation_dict(row), 201


@bp.get("/negotiations/<negotiation_id>/annotations")
@require_role("evaluator")
def list_annotations(negotiation_id: str) -> dict[str, Any]:
    neg = load_negotiation_state(negotiation_id)
    notes = annotations_for(db_session(), current_org_id(), [neg.id]).get(neg.id, [])
    return {"items": [_annotation_dict(a) for a in notes], "next_cursor": None}


def _check_policy(policy: dict[str, Any]) -> None:
    try:
        policy_config(policy)
    except OverrideError as exc:
        raise ApiError(422, "the policy overrides are not valid", code="validation_error",
                       fields={f"policy.{k}": v for k, v in exc.fields.items()}) from None


def _check_sources(body: ReplayIn, params: dict[str, Any]) -> None:
    session = db_session()
    if body.negotiation_ids is not None:
        found = set(session.scalars(select(Negotiation.id).where(
            Negotiation.org_id == current_org_id(), Negotiation.id.in_(body.negotiation_ids))))
        missing = [nid for nid in body.negotiation_ids if nid not in found]
        if missing:
            raise ApiError(404, f"negotiation not found: {', '.join(missing[:10])}")
        return
    read = read_sources(session, current_org_id(), params)
    if not read.transcripts:
        message = "; ".join(f"{e.origin}: {e.message}" for e in read.errors[:5]) or "no transcript found"
        raise ApiError(422, "the transcript cannot be replayed", code="validation_error",
                       fields={"transcript": message})


@bp.post("/replays")
@require_role("evaluator")
@answers({404: "a negotiation to replay is not found"})
@validated(body=ReplayIn, status=202)
def create_replay(body: ReplayIn) -> tuple[dict[str, Any], int]:
    """Replay recorded negotiations (by id) or one uploaded transcript against the agent as it is now."""
    _check_policy(body.policy)
    params: dict[str, Any] = {"policy": {k: str(v) for k, v in body.policy.items()},
                              "defaults": body.defaults.model_dump(exclude_none=True) if body.defaults else None}
    if body.negotiation_ids is not None:
        params["negotiation_ids"] = list(dict.fromkeys(body.negotiation_ids))
        params["sources"] = [f"negotiation {nid}" for nid in params["negotiation_ids"]]
    else:
        params["transcript"] = body.transcript
        params["sources"] = ["transcript"]
    _check_sources(body, params)
    session = db_session()
    job = create_job(session, current_org_id(), "replay", {"sources": params["sources"][:50]})
    replay = Replay(org_id=current_org_id(), job_id=job.id, status=JobStatus.QUEUED, params=params)
    session.add(replay)
    session.flush()
    job.params = {**job.params, "replay_id": replay.id}
    audit(session, "create", "replay", replay.id, {"sources": len(params["sources"])})
    session.commit()
    try:
        dispatch_replay(replay.id)
    except Exception:  # the broker is down: say so, and leave no replay waiting forever
        log.exception("could not queue replay %s", replay.id)
        replay.status = job.status = JobStatus.FAILED
        replay.error = "the job queue is unavailable"
        job.errors = [{"row": None, "message": replay.error}]
        session.commit()
        raise ApiError(503, "the job queue is unavailable; try again shortly", code="unavailable") from None
    return {"job_id": job.id, "replay_id": replay.id, "status": JobStatus.QUEUED.value}, 202


def replay_summary(replay: Replay) -> dict[str, Any]:
    """One line of the replay-runs list: what ran, how it ended and the set's metrics."""
    report = replay.report or {}
    return {"id": replay.id, "status": replay.status, "job_id": replay.job_id,
            "sources": (replay.params or {}).get("sources", []), "policy": (replay.params or {}).get("policy", {}),
            "metrics": report.get("metrics"), "created_at": iso(replay.created_at),
            "finished_at": iso(replay.finished_at), "error": replay.error}


@bp.get("/replays")
@require_role("evaluator")
@validated(query=PageQuery)
def list_replays(query: PageQuery) -> dict[str, Any]:
    """Replay runs, oldest first (cursor pages), with their set metrics once done."""
    stmt = select(Replay).where(Replay.org_id == current_org_id())
    rows = list(db_session().scalars(paginate(stmt, Replay, query)))
    return page_response(rows, query, replay_summary)


@bp.get("/replays/<replay_id>")
@require_role("evaluator")
def get_replay(replay_id: str) -> dict[str, Any]:
    """The report once done (the same JSON as `python -m evals replay --format json`); status and progress
    before that."""
    session = db_session()
    replay = session.scalar(select(Replay).where(Replay.id == replay_id, Replay.org_id == current_org_id()))
    if replay is None:
        raise not_found("replay")
    head: dict[str, Any] = {"id": replay.id, "status": replay.status, "job_id": replay.job_id,
                            "created_at": iso(replay.created_at), "finished_at": iso(replay.finished_at),
                            "error": replay.error}
    if replay.report is not None:
        return {**replay.report, **head}
    job = session.get(Job, replay.job_id) if replay.job_id else None
    return {**head, "progress": round(job.progress, 4) if job else 0.0, "processed": job.processed if job else 0,
            "total": job.total if job else 0}
