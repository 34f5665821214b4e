"""The one settings object: every environment variable the service reads (and a `.env` file when present).

It lives at the bottom layer so every package can read it (`data/` imports nothing of ours); no module
reads the process environment for configuration. Every field has an offline default, which is what `make run` uses.
The README's configuration table lists them all.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///var/app.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # store and jobs
    database_url: str = DEFAULT_DATABASE_URL
    celery_broker_url: str | None = None
    celery_visibility_timeout_s: int = 600
    """Redis broker: a task taken by a worker that died is delivered again after this many seconds."""
    redis_url: str | None = None

    # discovery
    chroma_path: str = "var/chroma"
    chroma_url: str | None = None
    chroma_collection_prefix: str = "influencers"
    embedding_model_path: str | None = Field(default=None, description="a local sentence-transformers folder")
    embedding_backend: Literal["onnx", "torch"] = "onnx"
    """onnx: the model exported locally, run on onnxruntime (no torch imported); torch: sentence-transformers."""
    embedding_onnx_dir: str = "var/models"
    retrieval_refresh_ms: float = 1000.0
    retrieval_recount_ms: float = 15000.0
    retrieval_shared_snapshot: str | None = Field(
        default=None, description="a directory: workers rank over one mapped <org>.bundle each (retrieval/README.md)")
    retrieval_shared_export_s: float = 30.0
    tier_thresholds: str = Field(default="", description="lower bounds of micro, macro, mega: 10000,100000,1000000")
    fx_rates: str = Field(default="", description='JSON of USD per unit overrides, e.g. {"EUR": "1.1"}')

    # HTTP
    ratelimit_storage_url: str | None = None
    rate_limit_default: str = "600 per minute"
    max_content_length: int = 10 * 1024 * 1024
    secret_key: str = Field(default="dev-only-change-me", description="signs sessions and unsubscribe tokens")
    log_level: str = "INFO"

    # language model
    llm_provider: str = "offline"
    google_api_key: str | None = None
    gemini_model: str | None = None
    gemini_base_url: str | None = None
    gemini_timeout_s: float = 10.0

    # voice
    voice_provider: str = "simulated"
    elevenlabs_api_key: str | None = None
    elevenlabs_agent_id: str | None = None
    elevenlabs_phone_number_id: str | None = None
    elevenlabs_telephony: str = Field(default="twilio", description="twilio or sip")
    elevenlabs_webhook_secret: str | None = None
    elevenlabs_base_url: str | None = None
    elevenlabs_timeout_s: float = 15.0
    voice_llm_secret: str = Field(default="dev-voice-llm-secret", description="bearer ElevenLabs sends to /voice/llm")
    voice_filler_after_ms: float = 300.0
    voice_max_call_attempts: int = 3

    # mail
    mail_transport: str = "outbox"
    outbox_dir: str = "var/outbox"
    # Unset: links point at the address `python -m api serve` listens on (it passes it), else 127.0.0.1:PORT.
    public_base_url: str | None = None
    port: int = 5000
    inbound_email_secret: str | None = None
    inbound_email_tolerance_seconds: int = 300
    send_rate_per_domain: str = "10/s"
    send_lease_seconds: int = 120

    # InfluAI compatibility
    influai_compat_org: str | None = None
    influai_compat_origins: str = ""

    @property
    def link_base_url(self) -> str:
        """Base of links in emails: PUBLIC_BASE_URL, or this machine's serving port."""
        return (self.public_base_url or f"http://127.0.0.1:{self.port}").rstrip("/")

    @property
    def ratelimit_storage(self) -> str:
        return self.ratelimit_storage_url or self.redis_url or "memory://"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once; tests that change the environment call `get_settings.cache_clear()`."""
    return Settings()
