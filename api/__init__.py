"""The Flask service: create_app() wires settings, extensions, errors and one blueprint per capability."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

from data.settings import Settings, get_settings

# Nothing is downloaded at run time: the embedding model ships inside a package (see retrieval/embeddings.py).
for _name, _value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(_name, _value)


def app_settings(overrides: dict[str, Any] | None = None) -> tuple[Settings, dict[str, Any]]:
    """The process's settings with any overrides named like their variables (`{"DATABASE_URL": …}`) applied;
    the remaining overrides are plain Flask configuration (`TESTING`, `RATELIMIT_ENABLED`, …)."""
    fields = Settings.model_fields
    updates = {k.lower(): v for k, v in (overrides or {}).items() if k.lower() in fields}
    flask_only = {k: v for k, v in (overrides or {}).items() if k.lower() not in fields}
    return get_settings().model_copy(update=updates), flask_only


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    from api import jobs
    from api.http.errors import register_error_handlers
    from api.http.extensions import init_extensions
    from api.http.observability import init_metrics
    from api.http.unavailable import register_unavailable_handler
    from api.http.validation import register_path_guard

    settings, flask_config = app_settings(overrides)
    app = Flask(__name__)
    app.extensions["settings"] = settings
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_content_length,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage,
        RATELIMIT_DEFAULT=settings.rate_limit_default,
        RATELIMIT_HEADERS_ENABLED=True,
        SECRET_KEY=settings.secret_key,
    )
    app.config.update(flask_config)
    app.json.sort_keys = False
    logging.basicConfig(level=settings.log_level)
    jobs.init_app(app)

    init_extensions(app)
    register_error_handlers(app)
    register_unavailable_handler(app)
    register_path_guard(app)
    init_metrics(app)
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    return app


def _blueprints() -> list[Any]:
    from api.calls import views as calls
    from api.calls import voice_views
    from api.campaigns import views as campaigns
    from api.compat import views as compat
    from api.discovery import views as discovery
    from api.http import observability, openapi
    from api.influencers import views as influencers
    from api.jobs import views as jobs
    from api.keys import views as keys
    from api.negotiations import takeover_views
    from api.negotiations import views as negotiations
    from api.outreach import views as outreach
    from api.replays import views as replays
    from api.web import views as web

    return [observability.bp, openapi.bp, keys.bp, influencers.bp, jobs.bp, campaigns.bp, negotiations.bp,
            discovery.bp, outreach.bp, compat.bp, web.bp, calls.bp, voice_views.bp, replays.bp, takeover_views.bp]
