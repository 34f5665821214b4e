"""Configuration from environment variables (and a `.env` file when present); every one has an offline default."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from data.db import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    chroma_path: str = "var/chroma"
    chroma_url: str | None = None
    celery_broker_url: str | None = None
    redis_url: str | None = None
    ratelimit_storage_url: str | None = None
    rate_limit_default: str = "600 per minute"
    llm_provider: str = "offline"
    voice_provider: str = "simulated"
    mail_transport: str = "outbox"
    outbox_dir: str = "var/outbox"
    public_base_url: str = "http://127.0.0.1:5000"
    secret_key: str = Field(default="dev-only-change-me", description="signs unsubscribe tokens")
    inbound_email_secret: str | None = None
    send_rate_per_domain: str = "10/s"
    send_lease_seconds: int = 120
    max_content_length: int = 10 * 1024 * 1024
    influai_compat_org: str | None = None
    influai_compat_origins: str = ""
    log_level: str = "INFO"

    @property
    def ratelimit_storage(self) -> str:
        return self.ratelimit_storage_url or self.redis_url or "memory://"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
