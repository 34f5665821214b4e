"""Who is signed in to the web app: the key's id, role and organization, kept in the signed session cookie.

The plain API key is never stored: /login looks it up once, and every screen's API call authenticates with
the key's id (api/http/auth.py `WEB_KEY_ENVIRON`), so a revoked key signs the browser out on its next click.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import redirect, request, session, url_for

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class WebUser:
    key_id: str
    role: str
    org_name: str
    key_prefix: str


def signed_in() -> WebUser | None:
    data = session.get("user")
    if not isinstance(data, dict):
        return None
    try:
        return WebUser(**data)
    except TypeError:
        return None


def sign_in(user: WebUser) -> None:
    session.clear()
    session["user"] = {"key_id": user.key_id, "role": user.role, "org_name": user.org_name,
                       "key_prefix": user.key_prefix}


def sign_out() -> None:
    session.clear()


def login_required(view: F) -> F:
    """A screen: without a session, 302 to /login (and back here after signing in)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if signed_in() is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
