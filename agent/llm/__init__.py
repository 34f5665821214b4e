"""Language-model providers behind one small interface.

The offline provider is the default: it answers None, and every caller then uses its deterministic path
(rule-based parser, templates), which is the product's offline behaviour, not a stub. The Gemini
provider (google-genai) is used when `LLM_PROVIDER=gemini`. A provider never raises for a model failure,
a timeout or invalid output: it answers None and the caller falls back.
"""

from __future__ import annotations

import os
from typing import Protocol, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class LLMProvider(Protocol):
    name: str

    def generate_json(self, *, system: str, prompt: str, schema: type[M], timeout_s: float = 10.0) -> M | None:
        """Structured output validated against `schema`; None on any failure."""

    def generate_text(self, *, system: str, prompt: str, timeout_s: float = 10.0) -> str | None:
        """Free text; None on any failure."""


class OfflineProvider:
    """No model: callers use their deterministic implementation."""

    name = "offline"

    def generate_json(self, *, system: str, prompt: str, schema: type[M], timeout_s: float = 10.0) -> M | None:
        return None

    def generate_text(self, *, system: str, prompt: str, timeout_s: float = 10.0) -> str | None:
        return None


def get_provider(env: dict[str, str] | None = None) -> LLMProvider:
    """The provider named by LLM_PROVIDER (offline | gemini), configured from the environment."""
    env = dict(os.environ) if env is None else env
    name = env.get("LLM_PROVIDER", "offline").strip().lower()
    if name == "offline":
        return OfflineProvider()
    if name == "gemini":
        from agent.llm.gemini import GeminiProvider

        return GeminiProvider.from_env(env)
    raise ValueError(f"unknown LLM_PROVIDER {name!r}: use 'offline' or 'gemini'")
