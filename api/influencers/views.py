"""/api/v1/influencers: CRUD, list filters and import (README "Influencers")."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from flask import Blueprint, request
from pydantic import BaseModel, Field
from sqlalchemy import String, cast, exists, select
from sqlalchemy.exc import IntegrityError

from api.discovery.tasks import sync_index
from api.http.audit import audit
from api.http.auth import current_org_id, require_role
from api.http.errors import ApiError, not_found
from api.http.extensions import db_session
from api.http.idempotency import idempotent
from api.http.openapi import answers
from api.http.pagination import PageQuery, page_response, paginate
from api.http.validation import validated
from api.influencers.importing import dispatch_import
from api.jobs.records import create_import_job
from data.influencers import apply_fields, conflicting_accounts, create_influencer, eager_options
from data.models import Influencer, PlatformAccount
from data.schemas import InfluencerIn, InfluencerPatch
from data.serialize import influencer_to_dict
from data.types import Niche, Platform

bp = Blueprint("influencers", __name__, url_prefix="/api/v1/influencers")

READ_ROLES = ("marketer", "manager")
WRITE_ROLES = ("marketer",)


class InfluencerListQuery(PageQuery):
    niche: Niche | None = None
    platform: Platform | None = None
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | None = None
    min_followers: Annotated[int, Field(ge=0, le=10_000_000_000)] | None = None
    max_followers: Annotated[int, Field(ge=0, le=10_000_000_000)] | None = None


class JobAccepted(BaseModel):
    job_id: str


def load_influencer(influencer_id: str) -> Influencer:
    """The influencer of the caller's organization; another organization's id is simply not found."""
    inf = db_session().scalar(
        select(Influencer)
        .where(Influencer.id == influencer_id, Influencer.org_id == current_org_id())
        .options(*eager_options())
    )
    if inf is None:
        raise not_found("influencer")
    return inf


def _reject_account_clashes(profile: InfluencerIn | InfluencerPatch, own_id: str | None) -> None:
    clashes = conflicting_accounts(db_session(), current_org_id(), profile, own_id)
    if clashes:
        raise ApiError(409, "a platform account in this profile already belongs to another influencer",
                       code="conflict", fields={f: "platform and handle already in use" for f in clashes})


def _after_race(profile: InfluencerIn | InfluencerPatch, own_id: str | None) -> None:
    """A simultaneous request took a handle between our check and our insert: answer as if it had come first
    (409 naming the accounts); anything else goes to the generic conflict answer."""
    db_session().rollback()
    _reject_account_clashes(profile, own_id)


@bp.get("")
@require_role(*READ_ROLES)
@validated(query=InfluencerListQuery)
def list_influencers(query: InfluencerListQuery) -> dict[str, Any]:
    stmt = select(Influencer).where(Influencer.org_id == current_org_id()).options(*eager_options())
    if query.niche:
        stmt = stmt.where(cast(Influencer.niches, String).like(f'%"{query.niche}"%'))
    if query.platform:
        stmt = stmt.where(exists().where(PlatformAccount.influencer_id == Influencer.id,
                                         PlatformAccount.platform == query.platform))
    if query.country:
        stmt = stmt.where(Influencer.country == query.country.upper())
    if query.min_followers is not None:
        stmt = stmt.where(Influencer.total_followers >= query.min_followers)
    if query.max_followers is not None:
        stmt = stmt.where(Influencer.total_followers <= query.max_followers)
    rows = list(db_session().scalars(paginate(stmt, Influencer, query)))
    return page_response(rows, query, influencer_to_dict)


@bp.post("")
@require_role(*WRITE_ROLES)
@answers({409: "a platform account in the profile belongs to another influencer"})
@validated(body=InfluencerIn, status=201)
def create(body: InfluencerIn) -> tuple[dict[str, Any], int]:
    session = db_session()
    _reject_account_clashes(body, None)
    try:
        inf = create_influencer(session, current_org_id(), body)
        audit(session, "create", "influencer", inf.id, {"name": inf.name})
        session.commit()
    except IntegrityError:
        _after_race(body, None)
        raise
    sync_index(current_org_id(), [inf.id])
    return influencer_to_dict(inf), 201


@bp.get("/<influencer_id>")
@require_role(*READ_ROLES)
def get_one(influencer_id: str) -> dict[str, Any]:
    return influencer_to_dict(load_influencer(influencer_id))


@bp.patch("/<influencer_id>")
@require_role(*WRITE_ROLES)
@answers({409: "a platform account in the profile belongs to another influencer"})
@validated(body=InfluencerPatch)
def patch(influencer_id: str, body: InfluencerPatch) -> dict[str, Any]:
    inf = load_influencer(influencer_id)
    sent = body.model_dump(exclude_unset=True)
    if sent.get("name", "") is None:
        raise ApiError(422, "name cannot be removed", code="validation_error", fields={"name": "cannot be null"})
    if "platforms" in sent and not sent["platforms"]:
        raise ApiError(422, "an influencer needs at least one platform account", code="validation_error",
                       fields={"platforms": "at least one account is required"})
    _reject_account_clashes(body, inf.id)
    session, own_id = db_session(), inf.id
    try:
        apply_fields(inf, body, only_set=True)
        audit(session, "update", "influencer", inf.id, json.loads(body.model_dump_json(exclude_unset=True)))
        session.commit()
    except IntegrityError:
        _after_race(body, own_id)
        raise
    sync_index(current_org_id(), [inf.id])
    return influencer_to_dict(inf)


class SimilarQuery(BaseModel):
    limit: Annotated[int, Field(ge=1, le=200)] = 20


@bp.get("/<influencer_id>/similar")
@require_role(*READ_ROLES)
@validated(query=SimilarQuery)
def similar(influencer_id: str, query: SimilarQuery) -> dict[str, Any]:
    """Creators most like this one (content, niches, size, platforms, audience), with what they share."""
    from agent.query.schema import ParsedQuery
    from api.discovery.views import results_json
    from retrieval.search import search
    from retrieval.snapshot import SnapshotUnavailable

    inf = load_influencer(influencer_id)
    handle = inf.handle or (inf.platforms[0].handle if inf.platforms else None)
    parsed = ParsedQuery(like_handles=[handle] if handle and re.fullmatch(r"[\w.\-]{1,100}", handle) else [])
    try:
        outcome = search(db_session(), current_org_id(), parsed, limit=query.limit, seeds=[inf.id])
    except SnapshotUnavailable:
        raise ApiError(503, "search is unavailable for a moment; retry shortly", code="unavailable") from None
    return {"influencer_id": inf.id, "results": results_json(db_session(), current_org_id(), outcome),
            "total_matches": outcome.total_matches}


@bp.delete("/<influencer_id>")
@require_role(*WRITE_ROLES)
def delete(influencer_id: str) -> tuple[str, int]:
    inf = load_influencer(influencer_id)
    session = db_session()
    audit(session, "delete", "influencer", inf.id, {"name": inf.name})
    session.delete(inf)
    session.commit()
    sync_index(current_org_id(), [influencer_id])
    return "", 204


UPLOAD_FORM = {
    "file": {"type": "string", "format": "binary", "description": "a CSV, TSV or JSONL export"},
    "mapping": {"type": "string", "description": 'JSON object of source column → field, e.g. {"IG handle": "handle"}'},
    "merge_on": {"type": "string", "maxLength": 200, "description": "the column that identifies a creator"},
}


def _upload() -> tuple[str, bytes, dict[str, str] | None, str | None]:
    """The multipart import form: `file`, optional `mapping` JSON and optional `merge_on` column name."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(422, "attach the file as multipart field 'file'", code="validation_error",
                       fields={"file": "required (CSV or JSONL)"})
    if not upload.filename.lower().endswith((".csv", ".jsonl", ".ndjson", ".json", ".tsv", ".txt")):
        raise ApiError(415, "import CSV or JSONL files", fields={"file": "use a .csv or .jsonl file"})
    mapping: dict[str, str] | None = None
    if request.form.get("mapping"):
        try:
            mapping = json.loads(request.form["mapping"])
        except json.JSONDecodeError:
            mapping = None
        if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                    for k, v in mapping.items()):
            raise ApiError(422, "mapping must be a JSON object of column → field", code="validation_error",
                           fields={"mapping": 'expected {"Source column": "field"}'})
    merge_on = (request.form.get("merge_on") or "").strip() or None
    if merge_on is not None and len(merge_on) > 200:
        raise ApiError(422, "merge_on is a column name", code="validation_error", fields={"merge_on": "too long"})
    return upload.filename, upload.read(), mapping, merge_on


@bp.post("/import")
@require_role(*WRITE_ROLES)
@answers({}, form=UPLOAD_FORM)
@idempotent
@validated(response=JobAccepted, status=202)
def import_file() -> tuple[dict[str, Any], int]:
    """Import creators from a CSV or JSONL file (multipart `file`, optional `mapping`, `merge_on`) as a job."""
    filename, content, mapping, merge_on = _upload()
    session = db_session()
    job = create_import_job(session, current_org_id(), filename, content, mapping)
    if merge_on:
        job.params = {**job.params, "merge_on": merge_on}
    audit(session, "import", "job", job.id, {"filename": filename, "bytes": len(content)})
    session.commit()
    dispatch_import(job.id)
    return {"job_id": job.id}, 202


class ColumnChoice(BaseModel):
    header: str
    target: str | None
    confidence: float
    source: str
    alternatives: list[dict[str, Any]]


class PreviewRow(BaseModel):
    row: int
    profile: dict[str, Any] | None
    error: str | None
    warnings: list[str]


class ImportPreview(BaseModel):
    columns: list[ColumnChoice]
    rows: list[PreviewRow]
    total_rows: int


class PreviewQuery(BaseModel):
    rows: Annotated[int, Field(ge=1, le=50, description="how many rows to show as they would be stored")] = 10


@bp.post("/import/preview")
@require_role(*WRITE_ROLES)
@answers({200: "the mapping chosen per column (confidence, alternatives, how it was chosen) and the first rows"},
         form=UPLOAD_FORM)
@validated(query=PreviewQuery, response=ImportPreview)
def import_preview(query: PreviewQuery) -> dict[str, Any]:
    """How an import file would be read: the column mapping with confidences and its first rows; nothing stored."""
    from data.importer import ImportFormatError, preview

    filename, content, mapping, merge_on = _upload()
    try:
        return preview(content, filename, mapping, rows=query.rows, merge_on=merge_on)
    except ImportFormatError as exc:
        raise ApiError(422, str(exc), code="validation_error", fields={"file": str(exc)}) from None
