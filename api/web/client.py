"""The screens read and write through the public JSON API, in process: the same routes, roles, validation,
audit and error messages as any API client, never a second path to the data.

A call runs the API's WSGI app with the signed-in key's id in the environ (api/http/auth.py) and the caller's
address; its answer comes back as an `ApiAnswer` whose `message` is the API's readable error.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from werkzeug.test import Client

from api.http.auth import WEB_KEY_ENVIRON
from api.web.session import sign_out, signed_in


class SignedOut(Exception):
    """The session's key no longer authenticates (revoked): the browser signs in again."""


@dataclass
class ApiAnswer:
    status: int
    body: Any
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        """The API's error message, with the offending fields named (empty when it succeeded)."""
        if self.ok:
            return ""
        error = (self.body or {}).get("error") if isinstance(self.body, dict) else None
        text = error.get("message") if isinstance(error, dict) else f"the service answered {self.status}"
        if self.fields:
            text += ": " + "; ".join(f"{k.removeprefix('body.')}: {v}" for k, v in self.fields.items())
        return text


def call(method: str, path: str, *, json_body: Any = None, query: dict[str, Any] | None = None,
         idempotency_key: str | None = None) -> ApiAnswer:
    user = signed_in()
    if user is None:
        raise SignedOut
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    environ = {WEB_KEY_ENVIRON: user.key_id, "REMOTE_ADDR": request.remote_addr or "127.0.0.1"}
    params = {k: v for k, v in (query or {}).items() if v not in (None, "")}
    client = Client(current_app.wsgi_app)
    response = client.open(path, method=method, json=json_body, query_string=params, headers=headers,
                           environ_base=environ)
    try:
        body = json.loads(response.get_data(as_text=True)) if response.mimetype == "application/json" else None
    finally:
        response.close()
    if response.status_code == 401:
        sign_out()
        raise SignedOut
    fields = {}
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        fields = body["error"].get("fields") or {}
    return ApiAnswer(status=response.status_code, body=body, fields=fields)


def get(path: str, **query: Any) -> ApiAnswer:
    return call("GET", path, query=query)


def post(path: str, body: Any, *, idempotency_key: str | None = None) -> ApiAnswer:
    return call("POST", path, json_body=body, idempotency_key=idempotency_key)


def new_idempotency_key() -> str:
    """Rendered into a form, so submitting that form twice launches or calls once."""
    return uuid.uuid4().hex
