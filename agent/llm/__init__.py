"""Language-model providers behind one small interface: the offline rules, or a LangChain chat model.

`offline` (the default) has no model: every call is answered by the caller's deterministic path (rule-based
parsers, templates), which is the product's offline behaviour; it imports none of LangChain
(agent.llm.answers). `gemini` (`LLM_PROVIDER=gemini`) is `ChatGoogleGenerativeAI` with the caller's
deterministic path as its LangChain fallback, so a model failure, timeout or invalid output never reaches the
caller as an exception: the offline answer does.

    provider = get_provider()                                   # from the settings object
    answer = provider.structured(ParsedQuery, fallback=parse_offline).invoke({"system": s, "prompt": text})
    answer.value, answer.source                                 # (ParsedQuery, "gemini" | "offline")
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Protocol

from agent.llm.answers import OFFLINE, Answer, Fallback, Invokable, M, StructuredMethod, no_answer
from agent.llm.config import LLMConfig
from agent.llm.offline import OfflineProvider

__all__ = [
    "OFFLINE", "Answer", "Invokable", "LLMConfig", "LLMProvider", "OfflineProvider", "configured_provider",
    "get_provider", "llm_config", "provider_for",
]


class LLMProvider(Protocol):
    name: str

    def structured(self, schema: type[M], fallback: Fallback[M | None] = no_answer, *,
                   method: StructuredMethod = "json_schema") -> Invokable[Answer[M | None]]:
        """A runnable over `{"system", "prompt"}`: the model's answer validated as `schema`, else the fallback's."""

    def text(self, fallback: Fallback[str | None] = no_answer) -> Invokable[Answer[str | None]]:
        """A runnable over `{"system", "prompt"}`: the model's text, else the fallback's."""

    def generate_json(self, *, system: str, prompt: str, schema: type[M], timeout_s: float | None = None) -> M | None:
        """Structured output validated against `schema`; None on any failure."""

    def generate_text(self, *, system: str, prompt: str, timeout_s: float | None = None) -> str | None:
        """Free text; None on any failure."""


@lru_cache(maxsize=8)
def provider_for(config: LLMConfig) -> LLMProvider:
    """One provider (and one HTTP client) per configuration."""
    if config.llm_provider == "gemini":
        from agent.llm.gemini import GeminiProvider  # imported only when configured

        return GeminiProvider.from_config(config)
    return OfflineProvider()


_from_settings: tuple[object, LLMConfig] | None = None


def llm_config() -> LLMConfig:
    """The LLM configuration from the service's settings object (rebuilt only when the settings are)."""
    global _from_settings
    from data.settings import get_settings

    settings = get_settings()
    cached = _from_settings
    if cached is None or cached[0] is not settings:
        cached = _from_settings = (settings, LLMConfig.from_settings(settings))
    return cached[1]


def configured_provider() -> LLMProvider:
    """The provider the settings name (LLM_PROVIDER), cached."""
    return provider_for(llm_config())


def get_provider(env: Mapping[str, str] | None = None) -> LLMProvider:
    """The configured provider; with `env`, the one those environment-style names configure (tests, scripts).

    Raises ValueError for an unknown LLM_PROVIDER or a missing GOOGLE_API_KEY, so a bad configuration fails
    at start-up rather than silently running offline.
    """
    if env is None:
        return configured_provider()
    return provider_for(LLMConfig.from_mapping(env))
