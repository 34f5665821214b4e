"""Validation at the edge: JSON bodies and query strings through pydantic, with the OpenAPI facts recorded.

`@validated(body=Model, query=Model, response=Model)` parses the request, answers 400/415/422 with the
offending fields, passes the parsed models to the view as `body=` / `query=`, and records the models
on the view so api/openapi.py can describe the route.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, request
from pydantic import BaseModel, ValidationError

from api.http.errors import ApiError, fields_from_validation

M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])


NUL_MESSAGE = "text cannot contain a NUL character"


def nul_fields(value: Any, path: str = "") -> dict[str, str]:
    """The fields of a JSON value whose text holds a NUL character. PostgreSQL text cannot store one (the query
    fails, a 500), and no name, message or id of ours has one: refused at the edge, per field."""
    found: dict[str, str] = {}
    if isinstance(value, str):
        if "\x00" in value:
            found[path or "body"] = NUL_MESSAGE
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                found[where] = NUL_MESSAGE
            found.update(nul_fields(item, where))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found.update(nul_fields(item, f"{path}.{n}" if path else str(n)))
    return found


def refuse_nul(payload: Any, prefix: str = "") -> None:
    bad = nul_fields(payload, prefix)
    if bad:
        raise ApiError(422, "the request is not valid", code="validation_error", fields=bad)


def register_path_guard(app: Flask) -> None:
    """An id with a NUL character in the path names nothing: 404, before any query sees it."""

    @app.url_value_preprocessor
    def _no_nul(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and any("\x00" in str(v) for v in values.values()):
            raise ApiError(404, "not found")


def parse_json_body(model: type[M]) -> M:
    if not request.is_json:
        raise ApiError(415, "send the body as JSON with 'Content-Type: application/json'")
    payload = request.get_json(silent=True)
    if payload is None:
        raise ApiError(400, "the body is not valid JSON", code="invalid_json")
    refuse_nul(payload)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise ApiError(422, "the request body is not valid", code="validation_error",
                       fields=fields_from_validation(exc)) from None


def parse_query(model: type[M]) -> M:
    raw: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        field = model.model_fields.get(key)
        is_list = field is not None and "list" in str(field.annotation)
        raw[key] = values if is_list else values[-1]
    refuse_nul(dict(raw), "query")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ApiError(422, "the query string is not valid", code="validation_error",
                       fields=fields_from_validation(exc, prefix="query.")) from None


def validated(
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if body is not None:
                kwargs["body"] = parse_json_body(body)
            if query is not None:
                kwargs["query"] = parse_query(query)
            return view(*args, **kwargs)

        wrapper.__openapi__ = {"body": body, "query": query, "response": response, "status": status}  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
