"""Requests that provoke each kind of error status on any operation of the OpenAPI document.

tests/test_api_status_codes.py sends them to every operation and records which statuses came back, so the
document's promise "these are the statuses this route answers" is checked against the running app: a status
it lists that no probe reaches is a lie in the document, an answer it does not list is a lie in the app.

A probe is blind: it knows the operation only through the document (method, path, parameters, body, roles)
and turns one thing wrong (no key, a refused role, an id that does not exist, a body that is not JSON, ...).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

ROLES = ("admin", "evaluator", "manager", "marketer")
MISSING_ID = "0b5e6c1e-0000-4000-8000-00000000dead"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def roles(self) -> tuple[str, ...]:
        text = self.spec.get("description", "")
        return tuple(r.strip() for r in text.removeprefix("Roles:").split(",")) if text.startswith("Roles:") else ()

    @property
    def documented(self) -> set[int]:
        return {int(code) for code in self.spec["responses"]}

    @property
    def has_body(self) -> bool:
        return "requestBody" in self.spec

    def query_names(self) -> list[str]:
        return [p["name"] for p in self.spec["parameters"] if p["in"] == "query"]

    def url(self, ids: dict[str, str] | None = None, query: dict[str, str] | None = None) -> str:
        path = self.path
        for param in [p["name"] for p in self.spec["parameters"] if p["in"] == "path"]:
            path = path.replace("{" + param + "}", (ids or {}).get(param, MISSING_ID))
        if query:
            path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return path


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, methods in sorted(document["paths"].items()):
        for method, spec in sorted(methods.items()):
            yield Operation(method, path, spec)


@dataclass(frozen=True)
class Request:
    """One request to send: what a probe or a scenario asks, and which status it is meant to show."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes | None = None
    json_body: Any = None
    files: dict[str, tuple[bytes, str]] | None = None  # multipart: field → (content, file name)
    role: str | None = "admin"  # whose key goes in Authorization (None: no key)

    def open_kwargs(self, keys: dict[str, str]) -> dict[str, Any]:
        headers = dict(self.headers)
        if self.role is not None:
            headers.setdefault("Authorization", f"Bearer {keys[self.role]}")
        kwargs: dict[str, Any] = {"headers": headers, "method": self.method.upper()}
        if self.json_body is not None:
            kwargs["data"] = json.dumps(self.json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        elif self.files is not None:
            kwargs["data"] = {name: (io.BytesIO(content), filename) for name, (content, filename) in self.files.items()}
        elif self.data is not None:
            kwargs["data"] = self.data
        return kwargs

    def send(self, client: Any, keys: dict[str, str]) -> Any:
        return client.open(self.url, **self.open_kwargs(keys))


JSON = {"Content-Type": "application/json"}
_BAD_QUERY_VALUES = ("not-a-number", "-5", "x" * 600, "2026-13-45")


def error_probes(op: Operation, happy: Request, max_body: int) -> Iterator[tuple[str, Request]]:
    """The blind probes for `op`, each the request that succeeds (`happy`) with one thing wrong."""
    if op.roles:
        yield "no key", replace(happy, role=None)
        for role in ROLES:
            if role not in op.roles:
                yield f"the {role} role", replace(happy, role=role)
    path, _, query = happy.url.partition("?")
    if "{" in op.path:
        yield "ids nobody has", replace(happy, url=op.url({}) + (f"?{query}" if query else ""))
    if op.method in ("post", "put", "patch"):
        bare = replace(happy, json_body=None, files=None)
        yield "a body that is not JSON", replace(bare, headers={**happy.headers, **JSON}, data=b'{"not json')
        yield "a text body", replace(bare, headers={**happy.headers, "Content-Type": "text/plain"}, data=b"words")
        yield "a body over the limit", replace(bare, headers={**happy.headers, **JSON},
                                               data=b'{"x": "' + b"a" * (max_body + 1) + b'"}')
        yield "a list for a body", replace(bare, json_body=[])
        yield "an object without the fields", replace(bare, json_body={"unexpected": {"nested": True}})
    for name in op.query_names():
        for value in _BAD_QUERY_VALUES:
            yield f"query {name}={value[:12]}", replace(happy, url=f"{path}?{name}={value}")


def body_of(response: Any) -> str:
    text = response.get_data(as_text=True)
    try:
        return json.dumps(json.loads(text))[:300]
    except ValueError:
        return text[:300]
