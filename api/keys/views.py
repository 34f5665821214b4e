"""/api/v1/keys: an admin manages its organization's API keys; /api/v1/me tells a key what it is."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select

from api.http.audit import audit
from api.http.auth import ROLES, current, current_org_id, issue_key, require_role
from api.http.errors import not_found
from api.http.extensions import db_session
from api.http.validation import validated
from data.models import ApiKey, Organization, utcnow
from data.serialize import iso

bp = Blueprint("keys", __name__, url_prefix="/api/v1")


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["admin", "manager", "marketer", "evaluator"]
    label: Annotated[str, StringConstraints(max_length=200)] | None = None


def _key_dict(row: ApiKey) -> dict[str, Any]:
    return {"id": row.id, "role": row.role, "label": row.label, "prefix": row.prefix,
            "created_at": iso(row.created_at), "revoked_at": iso(row.revoked_at), "last_used_at": iso(row.last_used_at)}


@bp.get("/me")
@require_role(*ROLES)
def me() -> dict[str, Any]:
    """The organization and role of the calling key."""
    principal = current()
    org = db_session().get(Organization, principal.org_id)
    return {"organization": {"id": org.id, "name": org.name}, "role": principal.role, "key_id": principal.key_id}


@bp.get("/keys")
@require_role("admin")
def list_keys() -> dict[str, Any]:
    rows = db_session().scalars(select(ApiKey).where(ApiKey.org_id == current_org_id()).order_by(ApiKey.created_at))
    return {"items": [_key_dict(r) for r in rows], "next_cursor": None}


@bp.post("/keys")
@require_role("admin")
@validated(body=KeyCreate, status=201)
def create_key(body: KeyCreate) -> tuple[dict[str, Any], int]:
    """Create a key; the key itself is in this answer only."""
    session = db_session()
    org = session.get(Organization, current_org_id())
    row, plain = issue_key(session, org, body.role, body.label)
    audit(session, "create", "api_key", row.id, {"role": body.role})
    session.commit()
    return {**_key_dict(row), "key": plain}, 201


@bp.delete("/keys/<key_id>")
@require_role("admin")
def revoke_key(key_id: str) -> tuple[str, int]:
    session = db_session()
    row = session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.org_id == current_org_id()))
    if row is None:
        raise not_found("key")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit(session, "revoke", "api_key", row.id)
        session.commit()
    return "", 204
