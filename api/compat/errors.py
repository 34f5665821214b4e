"""Errors on the legacy routes in the InfluAI service's shape: `{"error": "message"}` with a string.

Its frontend shows `errorData.error` as text, so our object would read "Error: [object Object]". The message
names the offending fields; `fields` carries them separately for anyone who wants them. When the routes are
not configured they do not exist, and answer like any unknown route (README "Conventions").
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from api.http.errors import ApiError, error_response, fields_from_validation
from api.http.unavailable import is_unavailable, unavailable_response

log = logging.getLogger(__name__)


class NotConfigured(ApiError):
    def __init__(self) -> None:
        super().__init__(404, "route not found")


def legacy_error(status: int, message: str, fields: dict[str, str] | None = None) -> Any:
    text = message
    if fields:
        text = f"{message}: " + "; ".join(f"{path}: {why}" for path, why in fields.items())
    body: dict[str, Any] = {"error": text}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def register(bp: Blueprint) -> None:
    @bp.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Any:
        if isinstance(exc, NotConfigured):
            return error_response(404, "not_found", exc.message)
        return legacy_error(exc.status, exc.message, exc.fields)

    @bp.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> Any:
        return legacy_error(422, "the request is not valid", fields_from_validation(exc))

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        return legacy_error(exc.code or 500, exc.description or exc.name)

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        # This catch-all wins over the app's handlers, so a dependency that is down is answered here too.
        if is_unavailable(exc):
            return unavailable_response(exc, lambda message: legacy_error(503, message))
        log.exception("unhandled error on a legacy InfluAI route")
        return legacy_error(500, "an unexpected error occurred; it has been logged")
