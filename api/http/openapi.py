"""OpenAPI 3.1 document built by apispec from the routes and their pydantic models; Swagger UI at /docs.

3.1 because pydantic writes JSON Schema 2020-12, the dialect 3.1 uses (3.0 reads `exclusiveMinimum` differently).

Nothing is written by hand per route: paths come from Flask's URL map, request/response schemas from the
models recorded by `@validated`, roles from `@require_role`, summaries from view docstrings. The Swagger UI
assets ship inside the swagger-ui-bundle package, so /docs works offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from apispec import APISpec
from flask import Blueprint, Flask, Response, current_app, send_from_directory
from flask_limiter import ExemptionScope
from pydantic import BaseModel
from swagger_ui_bundle import swagger_ui_path

from api.http.auth import ROLES
from api.http.extensions import limiter

bp = Blueprint("openapi", __name__)

_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "required": ["code", "message"],
        }
    },
}


def _schema_ref(spec: APISpec, model: type[BaseModel]) -> dict[str, str]:
    name = model.__name__
    if name not in spec.components.schemas:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for def_name, definition in schema.pop("$defs", {}).items():
            if def_name not in spec.components.schemas:
                spec.components.schema(def_name, definition)
        spec.components.schema(name, schema)
    return {"$ref": f"#/components/schemas/{name}"}


def answers(responses: dict[int, str], *, errors_as_json: bool = True, error_schema: dict[str, Any] | None = None,
            body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
            form: dict[str, dict[str, Any]] | None = None, never: tuple[int, ...] = ()) -> Any:
    """Document what the route facts cannot tell: statuses beyond the generic ones (a 409 the state causes, a
    webhook's 401, a 202), input the view parses itself (`body`, `query`, or multipart `form` fields), statuses its
    parsing never gives (`never`: a body read with `force=True` has no 415), and the shape of its errors when it
    is not ours (the legacy InfluAI routes answer `{"error": "message"}`)."""

    def mark(view: Any) -> Any:
        view.__openapi_responses__ = {**getattr(view, "__openapi_responses__", {}), **responses}
        view.__openapi_json_errors__ = errors_as_json
        view.__openapi_error_schema__ = error_schema or _ERROR_SCHEMA
        view.__openapi_input__ = {"body": body, "query": query, "form": form}
        view.__openapi_never__ = {str(code) for code in never}
        return view

    return mark


def _tag(module: str) -> str:
    """`api.<capability>.views` is tagged with the capability; any other module with its own name."""
    parts = module.split(".")
    return parts[-2] if parts[-1] == "views" else parts[-1]


def _operation(spec: APISpec, view: Any, method: str, path_params: list[str], rate_limited: bool) -> dict[str, Any]:
    meta = {**getattr(view, "__openapi__", {}), "responses": getattr(view, "__openapi_responses__", {})}
    given = {k: v for k, v in getattr(view, "__openapi_input__", {}).items() if v is not None}
    meta.update(given)
    roles = getattr(view, "__roles__", None)
    doc = (view.__doc__ or "").strip().splitlines()
    op: dict[str, Any] = {
        "summary": doc[0] if doc else view.__name__.replace("_", " "),
        "tags": [_tag(view.__module__)],
        "parameters": [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in path_params],
        "responses": {},
    }
    if roles:
        op["security"] = [{"apiKey": []}]
        op["description"] = "Roles: " + ", ".join(roles)
    query = meta.get("query")
    if query is not None:
        properties = query.model_json_schema().get("properties", {})
        for name, field in query.model_fields.items():
            key = field.alias or name
            schema = {k: v for k, v in properties.get(key, {}).items() if k not in ("title", "description")}
            op["parameters"].append({"name": key, "in": "query", "required": field.is_required(),
                                     "schema": schema or {"type": "string"}, "description": field.description or ""})
    idempotent = bool(getattr(view, "__idempotent__", False))
    if idempotent:
        op["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                                 "schema": {"type": "string", "maxLength": 200},
                                 "description": "a retry with the same key and request gets the first answer"})
    if meta.get("body") is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": _schema_ref(spec, meta["body"])}}}
    elif meta.get("form") is not None:
        op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": meta["form"], "required": [k for k in meta["form"] if k == "file"]}}}}
    status = str(meta.get("status", 200 if method != "delete" else 204))
    response: dict[str, Any] = {"description": "success"}
    if meta.get("response") is not None:
        response["content"] = {"application/json": {"schema": _schema_ref(spec, meta["response"])}}
    op["responses"][status] = response
    errors = {"application/json": {"schema": getattr(view, "__openapi_error_schema__", _ERROR_SCHEMA)}} \
        if getattr(view, "__openapi_json_errors__", True) else None
    facts = _Facts(roles=tuple(roles or ()), path_params=bool(path_params), body=meta.get("body") is not None,
                   form=meta.get("form") is not None, query=query is not None, idempotent=idempotent,
                   rate_limited=rate_limited)
    never = getattr(view, "__openapi_never__", set())
    own = {str(code): why for code, why in meta["responses"].items()}  # e.g. a 202, a webhook's 401
    for code in sorted({c for c in _error_codes(facts) if c not in never} | {c for c in own if int(c) >= 400}):
        op["responses"][code] = {"description": own.get(code) or _ERROR_MEANING[code]}
        if errors is not None:
            op["responses"][code]["content"] = errors
    for code, why in own.items():
        op["responses"].setdefault(code, {"description": why})
    return op


_ERROR_MEANING = {
    "400": "the body is not JSON", "401": "missing or revoked key", "403": "role not allowed",
    "404": "not found (or another organization's)", "409": "conflicts with the current state or a concurrent write",
    "413": "body too large", "415": "not a JSON body", "422": "validation error, per field", "429": "rate limited",
    "503": "a store or dependency is unavailable; retry after Retry-After",
}


@dataclass(frozen=True)
class _Facts:
    """What a route takes, read from its decorators: the error statuses follow from these."""

    roles: tuple[str, ...]
    path_params: bool
    body: bool
    form: bool
    query: bool
    idempotent: bool
    rate_limited: bool


def _error_codes(facts: _Facts) -> list[str]:
    """The error statuses a route answers because of what it takes; tests/test_api_status_codes.py reaches each
    one on every operation. A route's own (a conflict its state causes, a webhook's 401) come from `answers`."""
    codes: set[str] = set()
    if facts.roles:
        codes |= {"401", "503"}  # the key is looked up in the database
        if set(facts.roles) != set(ROLES):
            codes.add("403")
    if facts.path_params:
        codes.add("404")
    if facts.body:
        codes |= {"400", "413", "415", "422"}
    if facts.form:
        codes |= {"413", "415", "422"}
    if facts.query:
        codes.add("422")
    if facts.idempotent:
        codes |= {"409", "422"}  # the same key still in progress; the same key with another request
    if facts.rate_limited:
        codes.add("429")
    return sorted(codes)


def _rate_limited(app: Flask, endpoint: str) -> bool:
    scope = limiter.limit_manager.exemption_scope(app, endpoint, endpoint.rpartition(".")[0] or None)
    return not scope & ExemptionScope.DEFAULT


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(title="Influence Agent API", version="1.0.0", openapi_version="3.1.0",
                   info={"description": "Creator discovery, outreach and negotiation. See the README's API section."})
    spec.components.security_scheme("apiKey", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ("static", "openapi.swagger_asset") or rule.rule.startswith("/docs") \
                or rule.endpoint.startswith("web."):  # the web app's screens are HTML, not API
            continue
        view = app.view_functions[rule.endpoint]
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        limited = _rate_limited(app, rule.endpoint)
        operations = {m.lower(): _operation(spec, view, m.lower(), list(rule.arguments), limited)
                      for m in sorted(rule.methods or ()) if m not in ("HEAD", "OPTIONS")}
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_json() -> dict[str, Any]:
    """The OpenAPI document, built once per app (routes do not change after start-up)."""
    if "openapi_spec" not in current_app.extensions:
        current_app.extensions["openapi_spec"] = build_spec(current_app)
    return current_app.extensions["openapi_spec"]


_DOCS_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Influence Agent API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui"});</script></body></html>"""


@bp.get("/docs")
def docs() -> Response:
    return Response(_DOCS_PAGE, mimetype="text/html")


@bp.get("/docs/assets/<path:filename>")
def swagger_asset(filename: str) -> Response:
    return send_from_directory(swagger_ui_path, filename)
