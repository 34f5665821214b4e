"""What every provider's call returns, with no LangChain import: the offline provider (the default) needs no
model library, so a worker that never calls a model does not load one (LangChain and LangSmith: create_app()
147 -> 124 MB RSS and ~0.5 s less start-up per process, measured 2026-12-03).

A provider's `structured(...)` / `text(...)` return an `Invokable`: LangChain runnables are one; the offline
chain below is another. Callers only ever `invoke({"system": ..., "prompt": ...})`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

OFFLINE = "offline"
StructuredMethod = Literal["json_schema", "function_calling"]
Fallback = Callable[[str], T]
"""The deterministic answer for the user text (the request's "prompt"), used whenever the model gives none."""


@dataclass(frozen=True)
class Answer(Generic[T]):
    value: T
    source: str
    """The provider's name when the model answered, "offline" when the fallback did."""
    error: str | None = None
    """Why the model's answer was not used (None when it was, or when no model was asked)."""


class Invokable(Protocol[T_co]):
    """The one method callers use on a provider's chain (a LangChain runnable has it)."""

    def invoke(self, input: dict[str, Any], /) -> T_co: ...


def no_answer(_: str) -> None:
    """The fallback of a caller whose own deterministic path runs when the answer is None."""
    return None


@dataclass(frozen=True)
class OfflineChain(Generic[T]):
    """The offline provider's chain: the caller's deterministic path, no model."""

    fallback: Fallback[T]

    def invoke(self, request: dict[str, Any], /) -> Answer[T]:
        return Answer(self.fallback(request["prompt"]), OFFLINE)
