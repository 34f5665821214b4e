"""The web app's blueprint: screens under /app/, sign-in at /login, assets under /app/static.

Every POST to a screen carries the Flask-WTF CSRF token (a form field `csrf_token`, or the `X-CSRFToken`
header htmx sends); one without it is refused with 400 before any view runs. The JSON API is not touched
by this: it authenticates with bearer keys, which a browser never sends on its own.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from api.http.extensions import limiter
from api.web.session import signed_in

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/app/static")
limiter.exempt(bp)  # screens call the API in process, and those calls are limited per key

NAV = {  # role → the screens it sees, in menu order (the API still decides what each may do)
    "marketer": [("Search", "web.search"), ("Campaigns", "web.campaigns")],
    "manager": [("Campaigns", "web.campaigns"), ("Negotiations", "web.inbox"), ("Search", "web.search")],
    "evaluator": [("Negotiations", "web.inbox"), ("Replays", "web.replays")],
    "admin": [("Search", "web.search"), ("Campaigns", "web.campaigns"), ("Negotiations", "web.inbox"),
              ("Replays", "web.replays")],
}


class WebSessionInterface(SecureCookieSessionInterface):
    """The session cookie is HttpOnly and SameSite=Lax always, and Secure whenever the request came over HTTPS
    (behind a proxy: with ProxyFix or SESSION_COOKIE_SECURE=True)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_web(app: Flask) -> None:
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):  # Flask's default is None
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    app.session_interface = WebSessionInterface()


@bp.before_request
def _check_csrf() -> None:
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        try:
            validate_csrf(request.form.get("csrf_token") or request.headers.get("X-CSRFToken"))
        except ValidationError as exc:
            raise CSRFError(exc.args[0] if exc.args else "The CSRF token is not valid.") from None


@bp.errorhandler(CSRFError)
def _csrf_failed(exc: CSRFError) -> tuple[str, int]:
    return render_template("app/message.html", title="Form expired",
                           message=f"{exc.description} Reload the page and try again."), 400


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    user = signed_in()
    return {"csrf_token": generate_csrf, "user": user, "nav": NAV.get(user.role, []) if user else []}


def can(role: str | None, *roles: str) -> bool:
    """Whether a screen shows a button: the same roles the API route allows (admin always)."""
    return role is not None and (role == "admin" or role in roles)


def refused(title: str, answer: Any) -> tuple[str, int]:
    """The page for an API answer that was not ok: its message under `title`, with the API's status."""
    return render_template("app/message.html", title=title, message=answer.message), answer.status
