"""The app's settings, the per-request database session and the rate limiter, wired once in create_app()."""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from sqlalchemy.orm import Session

from data.db import get_sessionmaker
from data.settings import Settings


def _rate_limit_key() -> str:
    """Limit per API key when one is sent (so one noisy client can't starve its office), else per address."""
    web_key_id = request.environ.get("influence.web_key_id")  # the web app's in-process calls (api/web/client.py)
    if web_key_id:
        return "key:" + str(web_key_id)
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "key:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:16]
    return "ip:" + (request.remote_addr or "unknown")


limiter = Limiter(key_func=_rate_limit_key)


def current_settings() -> Settings:
    """The settings of the app serving this request (create_app's overrides applied)."""
    return current_app.extensions["settings"]


def db_session() -> Session:
    """The request's session; closed (rolled back if uncommitted) when the request ends."""
    if "db" not in g:
        g.db = get_sessionmaker(current_settings().database_url)()
    return g.db


def new_session() -> Session:
    """A separate session for work that must commit on its own (claims, job rows)."""
    return get_sessionmaker(current_settings().database_url)()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_extensions(app: Flask) -> None:
    app.teardown_appcontext(_close_session)
    limiter.init_app(app)
