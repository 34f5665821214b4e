"""The browser page at `/`: conversational search for marketers, on top of the public API."""

from __future__ import annotations

from flask import Blueprint, render_template

from api.http.extensions import limiter

bp = Blueprint("web", __name__, template_folder="templates")


@bp.get("/")
@limiter.exempt
def index() -> str:
    """The search page (it calls /api/v1/search with the key typed into it)."""
    return render_template("index.html")
