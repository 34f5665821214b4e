"""API keys, roles and tenancy. A key belongs to one organization and carries one role.

Only a SHA-256 of the key is stored; keys are long random tokens, so a fast hash is the right tool
(no password stretching needed). Foreign-organization ids must be answered 404 by the views, which
always filter by `current_org_id()`.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from flask import g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.http.errors import ApiError
from data.models import ApiKey, Organization, utcnow

ROLES = ("admin", "manager", "marketer", "evaluator")
KEY_PREFIX = "ik_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Principal:
    org_id: str
    role: str
    key_id: str

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(session: Session, org: Organization, role: str, label: str | None = None) -> tuple[ApiKey, str]:
    """Create a key; the plain key is returned once and never stored."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(org_id=org.id, role=role, prefix=plain[:10], key_hash=hash_key(plain), label=label)
    session.add(row)
    session.flush()
    return row, plain


WEB_KEY_ENVIRON = "influence.web_key_id"
"""The WSGI environ entry the web app's in-process API calls carry (api/web/client.py): the id of the key its
session was opened with. No HTTP client can set an environ entry that is not an HTTP_ header, so only the
app itself can authenticate this way; the key is still checked (revoked keys stop working at once)."""


def authenticate(session: Session) -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    web_key_id = request.environ.get(WEB_KEY_ENVIRON)
    if web_key_id and not header:
        row = session.get(ApiKey, web_key_id)
    elif scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "send an API key as 'Authorization: Bearer <key>'")
    else:
        row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(token.strip())))
    if row is None or row.revoked_at is not None:
        raise ApiError(401, "this API key is not valid or has been revoked")
    principal = Principal(org_id=row.org_id, role=row.role, key_id=row.id)
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        # A short transaction of its own, at most once a minute per key: no write lock is held into the view.
        row.last_used_at = now
        session.commit()
    return principal


def current() -> Principal:
    principal = g.get("principal")
    if principal is None:  # a view forgot its decorator: fail closed
        raise ApiError(401, "authentication required")
    return principal


def current_org_id() -> str:
    return current().org_id


def require_role(*roles: str) -> Callable[[F], F]:
    """Authenticate the request and allow the given roles (admin is always allowed in its own org)."""
    allowed = set(roles) | {"admin"}

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from api.http.extensions import db_session

            principal = authenticate(db_session())
            if principal.role not in allowed:
                names = ", ".join(sorted(allowed))
                raise ApiError(403, f"the '{principal.role}' role cannot do this; allowed: {names}")
            g.principal = principal
            return view(*args, **kwargs)

        wrapper.__roles__ = tuple(sorted(allowed))  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
