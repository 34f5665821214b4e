"""Outgoing-mail settings for tasks (transport, links, rate, lease) and the transport built from them."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from functools import lru_cache

from agent.outreach.mailer import MailTransport, SmtpTransport, transport_from_url
from api.jobs import task_settings
from api.outreach.tokens import UnsubscribeClaim, make_unsubscribe_token, unsubscribe_url
from data.settings import Settings


@dataclass(frozen=True)
class MailConfig:
    transport: str = "outbox"
    outbox_dir: str = "var/outbox"
    public_base_url: str = "http://127.0.0.1:5000"
    secret_key: str = "dev-only-change-me"
    rate_per_domain: str = "10/s"
    redis_url: str | None = None
    lease_seconds: int = 120


def _redis_broker(broker: object) -> str | None:
    text = str(broker or "")
    return text if text.startswith(("redis://", "rediss://")) else None


def mail_config(settings: Settings | None = None) -> MailConfig:
    """Mail settings of the app this request or task runs for (see api.jobs.task_settings)."""
    s = settings or task_settings()
    return MailConfig(
        transport=s.mail_transport, outbox_dir=s.outbox_dir, public_base_url=s.link_base_url,
        secret_key=s.secret_key, rate_per_domain=s.send_rate_per_domain,
        redis_url=s.redis_url or _redis_broker(s.celery_broker_url), lease_seconds=s.send_lease_seconds,
    )


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
