"""Outgoing-mail settings for tasks (transport, links, rate, lease) and the transport built from them."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from agent.outreach.mailer import MailTransport, SmtpTransport, transport_from_url
from api.tokens import UnsubscribeClaim, make_unsubscribe_token, unsubscribe_url


@dataclass(frozen=True)
class MailConfig:
    transport: str = "outbox"
    outbox_dir: str = "var/outbox"
    public_base_url: str = "http://127.0.0.1:5000"
    secret_key: str = "dev-only-change-me"
    rate_per_domain: str = "10/s"
    redis_url: str | None = None
    lease_seconds: int = 120


# Process-wide (tests swap "current" and put it back); None means "read the environment".
_config: dict[str, MailConfig | None] = {"current": None}


def _redis_broker(broker: object) -> str | None:
    text = str(broker or "")
    return text if text.startswith(("redis://", "rediss://")) else None


def _from_settings() -> MailConfig:
    from api.config import get_settings

    s = get_settings()
    return MailConfig(
        transport=s.mail_transport, outbox_dir=s.outbox_dir, public_base_url=s.public_base_url,
        secret_key=s.secret_key, rate_per_domain=os.environ.get("SEND_RATE_PER_DOMAIN", "10/s"),
        redis_url=s.redis_url or _redis_broker(s.celery_broker_url),
        lease_seconds=int(os.environ.get("SEND_LEASE_SECONDS", "120")),
    )


def configure(app_config: Mapping[str, Any]) -> MailConfig:
    """Take mail settings from a Flask app's config (keys below), falling back to the environment.

    Like api.jobs.configure this is process-wide: tasks run outside any request and read it from here.
    """
    base = _from_settings()
    cfg = MailConfig(
        transport=app_config.get("MAIL_TRANSPORT") or base.transport,
        outbox_dir=app_config.get("OUTBOX_DIR") or base.outbox_dir,
        public_base_url=app_config.get("PUBLIC_BASE_URL") or base.public_base_url,
        secret_key=app_config.get("SECRET_KEY") or base.secret_key,
        rate_per_domain=str(app_config.get("SEND_RATE_PER_DOMAIN") or base.rate_per_domain),
        redis_url=(app_config.get("REDIS_URL") or _redis_broker(app_config.get("CELERY_BROKER_URL"))
                   or base.redis_url),
        lease_seconds=int(app_config.get("SEND_LEASE_SECONDS", base.lease_seconds)),
    )
    _config["current"] = cfg
    return cfg


def mail_config() -> MailConfig:
    return _config["current"] or _from_settings()


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def make_transport(cfg: MailConfig) -> MailTransport:
    transport = transport_from_url(cfg.transport, cfg.outbox_dir)
    if isinstance(transport, SmtpTransport) and transport.ssl_context is None:
        # Loading the CA store costs ~50 ms; build it once per process instead of once per message.
        transport.ssl_context = _tls_context()
    return transport


def unsubscribe_link(cfg: MailConfig, org_id: str, email: str, campaign_id: str | None,
                     influencer_id: str | None) -> str:
    token = make_unsubscribe_token(cfg.secret_key, UnsubscribeClaim(org_id, email, campaign_id, influencer_id))
    return unsubscribe_url(cfg.public_base_url, token)
