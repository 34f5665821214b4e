"""GET /health (real checks) and GET /metrics (Prometheus text format)."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy import text

from api import jobs
from api.http.extensions import db_session, limiter
from api.http.openapi import answers

log = logging.getLogger(__name__)
bp = Blueprint("observability", __name__)

REGISTRY = CollectorRegistry()
REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "endpoint", "status"], registry=REGISTRY)
LATENCY = Histogram(
    "http_request_duration_seconds", "Request latency", ["method", "endpoint"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def _check(name: str, probe: Any) -> str:
    try:
        probe()
        return "ok"
    except Exception as exc:
        log.warning("health check %s failed: %s", name, exc)
        return f"error: {type(exc).__name__}"


def _index_probe() -> None:
    from retrieval.mirror import healthcheck

    healthcheck()


@bp.get("/health")
@answers({503: "degraded: the body's checks say which dependency is down"}, errors_as_json=False)
@limiter.exempt
def health() -> tuple[dict[str, Any], int]:
    checks = {
        "db": _check("db", lambda: db_session().execute(text("SELECT 1"))),
        "index": _check("index", _index_probe),
        "jobs": _check("jobs", jobs.broker_check),
    }
    ok = all(v == "ok" for v in checks.values())
    return {"status": "ok" if ok else "degraded", "checks": checks}, 200 if ok else 503


@bp.get("/metrics")
@limiter.exempt
def metrics() -> Response:
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)


def init_metrics(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _record(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        if "started" in g:
            LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - g.started)
        return response
