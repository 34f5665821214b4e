"""Sign-in: /login exchanges an API key for a session cookie, /logout ends it, /app/ opens the role's first screen."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from sqlalchemy import select

from api.http.auth import hash_key
from api.http.extensions import db_session
from api.web.blueprint import NAV, bp
from api.web.client import SignedOut
from api.web.session import WebUser, login_required, sign_in, sign_out, signed_in
from data.models import ApiKey, Organization


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the web app (never another host) is followed after sign-in."""
    if target and target.startswith("/app/") and not target.startswith("//"):
        return target
    return None


@bp.get("/login")
def login() -> Any:
    if signed_in() is not None:
        return redirect(url_for("web.home"))
    return render_template("app/login.html", title="Sign in", next=_safe_next(request.args.get("next")))


@bp.post("/login")
def login_post() -> Any:
    key = (request.form.get("api_key") or "").strip()
    session = db_session()
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key))) if key else None
    if row is None or row.revoked_at is not None:
        return render_template("app/login.html", title="Sign in", next=_safe_next(request.form.get("next")),
                               error="That API key is not valid or has been revoked."), 401
    org = session.get(Organization, row.org_id)
    sign_in(WebUser(key_id=row.id, role=row.role, org_name=org.name if org else "", key_prefix=row.prefix))
    return redirect(_safe_next(request.form.get("next")) or url_for("web.home"))


@bp.post("/logout")
def logout() -> Any:
    sign_out()
    return redirect(url_for("web.login"))


@bp.get("/app/")
@login_required
def home() -> Any:
    user = signed_in()
    screens = NAV.get(user.role if user else "", [])
    return redirect(url_for(screens[0][1]) if screens else url_for("web.login"))


@bp.errorhandler(SignedOut)
def _signed_out(_exc: SignedOut) -> Any:
    sign_out()
    return redirect(url_for("web.login"))
