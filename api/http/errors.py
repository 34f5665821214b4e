"""The one error format of README "Conventions", for every failure: never a stack trace, never a 500 for bad input."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, code: str | None = None, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.fields = fields or {}


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, f"{what} not found")


def fields_from_validation(exc: ValidationError, prefix: str = "") -> dict[str, str]:
    """pydantic errors → {"platforms.0.followers": "Input should be greater than or equal to 0"}."""
    fields: dict[str, str] = {}
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"]) or "body"
        msg = err["msg"].removeprefix("Value error, ")
        key = f"{prefix}{path}" if path != "body" or not prefix else prefix.rstrip(".")
        fields.setdefault(key, msg)
    return fields


def error_response(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> Any:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Any:
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> Any:
        return error_response(422, "validation_error", "the request is not valid", fields_from_validation(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            message = "the request body is larger than this service accepts"
        elif status == 429:
            message = f"too many requests: {exc.description}"
        response = error_response(status, _CODES.get(status, "error"), message)
        if status == 429 and exc.response is not None:  # keep Retry-After and rate-limit headers
            for header in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                if header in exc.response.headers:
                    response.headers[header] = exc.response.headers[header]
        return response

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError) -> Any:
        from api.http.conflicts import conflict_fields

        rollback_session()
        fields = conflict_fields(exc)
        if fields is None:
            log.exception("integrity error")
            return error_response(409, "conflict", "the request conflicts with the current state; reload and retry")
        log.info("unique constraint race answered 409: %s", fields)
        return error_response(409, "conflict", "this already exists: a simultaneous request created it", fields)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "an unexpected error occurred; it has been logged")


def rollback_session() -> None:
    """Roll the request's session back so the error answer (and the teardown) can still use it."""
    from flask import g

    session = g.get("db")
    if session is not None:
        try:
            session.rollback()
        except Exception:
            log.warning("rollback after an error failed", exc_info=True)
