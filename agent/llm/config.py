"""The LLM layer's configuration, validated once: which provider, and how to reach Gemini.

Built from the settings object (`data.settings`) in the service, or from a plain mapping of environment-style
names in tests and scripts (`LLMConfig.from_mapping({"LLM_PROVIDER": "gemini", ...})`); never from the
process environment directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

DEFAULT_MODEL = "gemini-2.5-flash"


class LLMConfig(BaseModel):
    """Everything the providers need. Frozen, so a provider can be cached per configuration."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    llm_provider: Literal["offline", "gemini"] = "offline"
    google_api_key: SecretStr | None = None
    gemini_model: str = DEFAULT_MODEL
    gemini_base_url: str | None = None
    """Another endpoint speaking the Gemini REST API (a gateway, or the fake server in tests)."""
    gemini_timeout_s: float = Field(default=10.0, gt=0, le=300)
    """Per HTTP attempt, enforced by google-genai's HTTP client."""
    gemini_max_attempts: int = Field(default=2, ge=1, le=10)
    """Attempts per call in total (1 = no retry); google-genai retries 408/429/5xx with exponential backoff."""
    llm_understanding_below: float = Field(default=0.6, ge=0, le=1)
    """A creator message the offline reader understands with less confidence than this is read by the model."""

    @field_validator("llm_provider", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("gemini_model", mode="before")
    @classmethod
    def _default_model(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) and value.strip() else DEFAULT_MODEL

    @field_validator("google_api_key", "gemini_base_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> LLMConfig:
        """From environment-style names (LLM_PROVIDER, GOOGLE_API_KEY, GEMINI_MODEL, ...); blanks are defaults."""
        values = {name: env[name.upper()] for name in cls.model_fields if env.get(name.upper(), "") != ""}
        return cls.model_validate(values)

    @classmethod
    def from_settings(cls, settings: object) -> LLMConfig:
        """From the service's settings object: the fields both share, by name; the rest keep their defaults."""
        values = {name: getattr(settings, name) for name in cls.model_fields
                  if getattr(settings, name, None) is not None}
        return cls.model_validate(values)

    def api_key(self) -> str:
        key = self.google_api_key.get_secret_value().strip() if self.google_api_key else ""
        if not key:
            raise ValueError("LLM_PROVIDER=gemini needs GOOGLE_API_KEY")
        return key
