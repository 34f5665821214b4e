"""Gemini as a LangChain chat model (`langchain-google-genai`, built on `google-genai`).

`ChatGoogleGenerativeAI` talks to the Gemini REST API (`models/{model}:generateContent`) through google-genai's
HTTP client, which owns the timeout (per attempt) and the retries (408/429/5xx, exponential backoff with
jitter). `GEMINI_BASE_URL` points it at another endpoint speaking the same API, e.g. the loopback fake in
tests. Structured output uses the library's JSON-schema mode: `responseMimeType: application/json` with the
pydantic schema as `responseJsonSchema`, parsed and validated by the library's pydantic parser.
"""

from __future__ import annotations

from collections.abc import Mapping

from langchain_google_genai import ChatGoogleGenerativeAI

from agent.llm.chat import ChatProvider
from agent.llm.config import DEFAULT_MODEL, LLMConfig


class GeminiProvider(ChatProvider):
    """ChatProvider over ChatGoogleGenerativeAI; see the module docstring."""

    def __init__(self, api_key: str, model: str = DEFAULT_MODEL, base_url: str | None = None,
                 timeout_s: float = 10.0, max_attempts: int = 2) -> None:
        chat_model = ChatGoogleGenerativeAI(
            model=model,
            google_api_key=api_key,
            base_url=base_url or None,
            timeout=timeout_s,
            max_retries=max_attempts,  # the library's count includes the first attempt: 1 = no retry
            temperature=0,
        )
        super().__init__(chat_model, name="gemini")
        self.model = model

    @classmethod
    def from_config(cls, config: LLMConfig) -> GeminiProvider:
        return cls(api_key=config.api_key(), model=config.gemini_model, base_url=config.gemini_base_url,
                   timeout_s=config.gemini_timeout_s, max_attempts=config.gemini_max_attempts)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GeminiProvider:
        """From environment-style names (GOOGLE_API_KEY, GEMINI_MODEL, GEMINI_BASE_URL, GEMINI_TIMEOUT_S, ...)."""
        return cls.from_config(LLMConfig.from_mapping(env))
