"""The web app (README "Web app"): the screens register on one blueprint, one module per screen family.

`/` stays the stand-alone search page (it calls the API with a key pasted into it); `/app/` is the signed-in app.
"""

from __future__ import annotations

from flask import render_template

from api.web import auth, campaigns, negotiations, replays, search  # noqa: F401  (they register the screens)
from api.web.blueprint import bp, init_web

__all__ = ["bp"]


@bp.record_once
def _configure(state) -> None:  # type: ignore[no-untyped-def]
    init_web(state.app)


@bp.get("/")
def index() -> str:
    """The search page (it calls /api/v1/search with the key typed into it)."""
    return render_template("index.html")
