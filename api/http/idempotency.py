"""`Idempotency-Key` on POSTs that send, call, launch or import: a retry gets the first answer, nothing runs twice.

The key is claimed by inserting a row before the work runs (unique on org, key, endpoint), so two racing
retries cannot both do the work: the loser gets 409 until the first finishes, then the stored answer.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, make_response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.http.auth import current_org_id
from api.http.errors import ApiError
from api.http.extensions import db_session, new_session
from data.models import IdempotencyRecord

F = TypeVar("F", bound=Callable[..., Any])


def _request_fingerprint() -> str:
    """What makes two requests "the same": method, path and content (multipart by fields, not by boundary)."""
    digest = hashlib.sha256(request.method.encode() + request.path.encode())
    if request.mimetype == "multipart/form-data":
        # key=str: a part without a name reaches werkzeug's form as the key None, which sorts against no string
        for key in sorted(request.form, key=str):
            digest.update(f"{key}={request.form.getlist(key)}".encode())
        for key in sorted(request.files, key=str):
            upload = request.files[key]
            digest.update(f"{key}:{upload.filename}:".encode())
            digest.update(upload.stream.read())
            upload.stream.seek(0)
    else:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def idempotent(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return view(*args, **kwargs)
        if len(key) > 200:
            raise ApiError(422, "Idempotency-Key is too long", code="validation_error",
                           fields={"header.Idempotency-Key": "at most 200 characters"})
        org_id, endpoint, fingerprint = current_org_id(), request.path, _request_fingerprint()
        session = db_session()
        found = _lookup(session, org_id, key, endpoint)
        if found is None:
            found = _claim(org_id, key, endpoint, fingerprint)
        if found is not None:
            if found.request_hash != fingerprint:
                raise ApiError(422, "this Idempotency-Key was already used with a different request",
                               code="idempotency_key_reused", fields={"header.Idempotency-Key": "already used"})
            if found.status_code is None:
                raise ApiError(409, "a request with this Idempotency-Key is still being processed; retry shortly",
                               code="conflict", fields={"header.Idempotency-Key": "in progress"})
            response = make_response(found.response or {}, found.status_code)
            response.headers["Idempotent-Replayed"] = "true"
            return response
        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            _release(org_id, key, endpoint)
            raise
        if response.status_code < 500:
            _store(org_id, key, endpoint, response)
        else:
            _release(org_id, key, endpoint)
        return response

    wrapper.__idempotent__ = True  # type: ignore[attr-defined]  # api/http/openapi.py documents the header
    return wrapper  # type: ignore[return-value]


def _lookup(s: Session, org_id: str, key: str, endpoint: str) -> IdempotencyRecord | None:
    return s.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.org_id == org_id, IdempotencyRecord.key == key, IdempotencyRecord.endpoint == endpoint))


def _claim(org_id: str, key: str, endpoint: str, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the claim in its own transaction; None means we own the key now, else the existing record."""
    with new_session() as s:
        s.add(IdempotencyRecord(org_id=org_id, key=key, endpoint=endpoint, request_hash=fingerprint))
        try:
            s.commit()
            return None
        except IntegrityError:
            s.rollback()
            return _lookup(s, org_id, key, endpoint)


def _store(org_id: str, key: str, endpoint: str, response: Response) -> None:
    with new_session() as s:
        row = _lookup(s, org_id, key, endpoint)
        if row is not None:
            row.status_code = response.status_code
            row.response = json.loads(response.get_data(as_text=True) or "{}") if response.is_json else {}
            s.commit()


def _release(org_id: str, key: str, endpoint: str) -> None:
    with new_session() as s:
        row = _lookup(s, org_id, key, endpoint)
        if row is not None and row.status_code is None:
            s.delete(row)
            s.commit()
