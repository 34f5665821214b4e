"""Gemini provider (google-genai): structured JSON output validated against a pydantic schema.

Configured from the environment: GOOGLE_API_KEY (required), GEMINI_MODEL (default gemini-2.5-flash),
GEMINI_BASE_URL (optional: another endpoint speaking the same API, e.g. the fake server in tests) and
GEMINI_TIMEOUT_S (default 10). Every failure (HTTP error, timeout, empty or invalid output) answers None
and is logged; the caller then uses its offline path.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TypeVar

from google import genai
from google.genai import types
from pydantic import BaseModel

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

DEFAULT_MODEL = "gemini-2.5-flash"


class GeminiProvider:
    name = "gemini"

    def __init__(self, api_key: str, model: str = DEFAULT_MODEL, base_url: str | None = None,
                 timeout_s: float = 10.0) -> None:
        self.model = model
        self.timeout_s = timeout_s
        self._client = genai.Client(
            api_key=api_key,
            http_options=types.HttpOptions(
                base_url=base_url or None,
                timeout=_ms(timeout_s),
                retry_options=types.HttpRetryOptions(attempts=1),  # the caller falls back instead of waiting
            ),
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GeminiProvider:
        api_key = env.get("GOOGLE_API_KEY", "").strip()
        if not api_key:
            raise ValueError("LLM_PROVIDER=gemini needs GOOGLE_API_KEY")
        return cls(
            api_key=api_key,
            model=env.get("GEMINI_MODEL", "").strip() or DEFAULT_MODEL,
            base_url=env.get("GEMINI_BASE_URL", "").strip() or None,
            timeout_s=float(env.get("GEMINI_TIMEOUT_S", "") or 10.0),
        )

    def _generate(self, system: str, prompt: str, timeout_s: float, **config: object) -> str | None:
        try:
            response = self._client.models.generate_content(
                model=self.model,
                contents=prompt,
                config=types.GenerateContentConfig(
                    system_instruction=system,
                    temperature=0,
                    http_options=types.HttpOptions(timeout=_ms(min(timeout_s, self.timeout_s)),
                                                   retry_options=types.HttpRetryOptions(attempts=1)),
                    **config,
                ),
            )
            return response.text
        except Exception as exc:  # network, HTTP status, timeout, malformed response: all mean "no answer"
            log.warning("gemini call failed: %s: %s", type(exc).__name__, exc)
            return None

    def generate_json(self, *, system: str, prompt: str, schema: type[M], timeout_s: float = 10.0) -> M | None:
        text = self._generate(system, prompt, timeout_s, response_mime_type="application/json",
                              response_json_schema=schema.model_json_schema())
        if not text:
            return None
        try:
            return schema.model_validate_json(text)
        except ValueError as exc:
            log.warning("gemini output failed %s validation: %s", schema.__name__, exc)
            return None

    def generate_text(self, *, system: str, prompt: str, timeout_s: float = 10.0) -> str | None:
        text = self._generate(system, prompt, timeout_s)
        return text.strip() if text and text.strip() else None


def _ms(seconds: float) -> int:
    return max(int(seconds * 1000), 1)
