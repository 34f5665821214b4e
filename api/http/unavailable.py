"""A dependency that is down (database, vector store, broker, Redis) answers 503 with Retry-After, never 500.

These are the errors a client can do nothing about but retry: a dropped or refused connection. Anything else
that escapes a view is still a 500 and logged as a bug (api.http.errors).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
from flask import Flask
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from api.http.errors import error_response, rollback_session
from retrieval.errors import StoreUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_S = 2
UNAVAILABLE: tuple[type[BaseException], ...] = (
    InterfaceError, DisconnectionError, StoreUnavailable, httpx.TransportError, BrokerError, RedisConnectionError,
    RedisTimeoutError,
)
_TRANSIENT_DB = ("connection", "terminat", "server closed", "database is locked", "could not connect", "timeout")


def is_transient(exc: OperationalError) -> bool:
    """A dropped connection or a busy database; "no such table" and the like stay bugs (500)."""
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return bool(exc.connection_invalidated) or any(marker in text for marker in _TRANSIENT_DB)


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means a dependency is down (503), for handlers that catch every exception."""
    return isinstance(exc, UNAVAILABLE) or (isinstance(exc, OperationalError) and is_transient(exc))


UNAVAILABLE_MESSAGE = "a service this request needs is unavailable; retry shortly"


def unavailable_response(exc: BaseException, render: Callable[[str], Any]) -> Any:
    """The 503 for `exc`: the request's transaction rolled back, the cause logged, Retry-After set on the body
    `render(message)` builds (ours, or the legacy InfluAI routes' shape)."""
    rollback_session()
    log.warning("dependency unavailable: %s: %s", type(exc).__name__, str(exc)[:300])
    response = render(UNAVAILABLE_MESSAGE)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def register_unavailable_handler(app: Flask) -> None:
    def _unavailable(exc: BaseException) -> Any:
        return unavailable_response(exc, lambda message: error_response(503, "unavailable", message))

    def _database(exc: OperationalError) -> Any:
        if is_transient(exc):
            return _unavailable(exc)
        rollback_session()
        log.exception("database error")
        return error_response(500, "internal_error", "an unexpected error occurred; it has been logged")

    for kind in UNAVAILABLE:
        app.register_error_handler(kind, _unavailable)
    app.register_error_handler(OperationalError, _database)
