"""The Flask service: create_app() wires configuration, extensions, errors and one blueprint per resource."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from api.config import get_settings


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    from api import jobs
    from api.errors import register_error_handlers
    from api.extensions import init_extensions
    from api.observability import init_metrics

    settings = get_settings()
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=settings.database_url,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage,
        RATELIMIT_DEFAULT=settings.rate_limit_default,
        RATELIMIT_HEADERS_ENABLED=True,
        CELERY_BROKER_URL=settings.celery_broker_url,
        SECRET_KEY=settings.secret_key,
        MAIL_TRANSPORT=settings.mail_transport,
        OUTBOX_DIR=settings.outbox_dir,
        PUBLIC_BASE_URL=settings.public_base_url,
        INBOUND_EMAIL_SECRET=settings.inbound_email_secret,
        SEND_RATE_PER_DOMAIN=settings.send_rate_per_domain,
        SEND_LEASE_SECONDS=settings.send_lease_seconds,
        REDIS_URL=settings.redis_url,
        INFLUAI_COMPAT_ORG=settings.influai_compat_org,
        INFLUAI_COMPAT_ORIGINS=settings.influai_compat_origins,
    )
    app.config.update(overrides or {})
    app.json.sort_keys = False
    logging.basicConfig(level=settings.log_level)
    jobs.configure(app.config["DATABASE_URL"], app.config["CELERY_BROKER_URL"])

    init_extensions(app)
    register_error_handlers(app)
    init_metrics(app)
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    return app


def _blueprints() -> list[Any]:
    from api import (
        campaigns,
        compat,
        influencers,
        jobs_api,
        keys,
        negotiations,
        observability,
        openapi,
        outreach,
        search,
        web,
    )

    return [observability.bp, openapi.bp, keys.bp, influencers.bp, jobs_api.bp, campaigns.bp, negotiations.bp,
            search.bp, outreach.bp, compat.bp, web.bp]
