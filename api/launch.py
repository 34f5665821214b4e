"""Campaign launch, sending and follow-ups as Celery tasks, each email delivered exactly once.

Flow per creator (task `outreach.deliver`, args: job id and influencer id): suppression check → draft →
checks → store the email row → send → open the negotiation (campaign deliverables, launch pricing) →
schedule follow-ups. Each step is keyed, so a redelivered task (acks_late: a worker that died) resumes
where the last one stopped.

Sending exactly once (`send_row`): the OutreachEmail row, with its final Message-ID and a deterministic
`idempotency_key` such as "<campaign>:<influencer>:initial", is committed as `pending` before any network
call. A sender claims it by moving it to `sending` in one conditional UPDATE (so two workers cannot both
send), then talks to the server, then marks it `sent`. While `sending`, `sent_at` holds when the claim was
taken: a claim older than SEND_LEASE_SECONDS belongs to a worker that died. A `sending` row is the one
ambiguous case (the worker may have died after the server accepted the message and before we wrote
`sent`); we resend it with the SAME Message-ID, so receivers that dedupe by Message-ID (and our outbox
transport, which is keyed by it) see one message. The window is the few milliseconds between the server's
"250 OK" and our commit; everywhere else a death leaves a row that is either not yet sent or marked sent.
A server that says no (TemporaryFailure, MailConfigError) puts the row back to `pending` for a retry.

Channel "voice": there is no call launcher yet, so a voice launch opens the negotiation with channel
"voice" and sends no email; the member goes straight to `negotiating`.
"""

from __future__ import annotations

import logging
import os
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

from celery import Task
from markupsafe import escape
from sqlalchemy import and_, func, inspect, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.outreach import check_draft, draft_outreach, fill_unsubscribe
from agent.outreach.mailer import (
    MailConfigError,
    MailTransport,
    OutgoingEmail,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    build_mime,
    make_message_id,
    transport_from_url,
)
from api import jobs
from api.jobs import celery
from api.tokens import UnsubscribeClaim, make_unsubscribe_token, unsubscribe_url
from data.influencers import eager_options
from data.models import Campaign, CampaignMember, Influencer, Job, Negotiation, OutreachEmail, Suppression, utcnow
from data.serialize import campaign_to_dict, influencer_to_dict

log = logging.getLogger(__name__)

MEMBER_STATUSES = ("queued", "sent", "replied", "negotiating", "agreed", "declined", "bounced", "unsubscribed",
                   "failed")
# A member in one of these is past the initial email: a redelivered task leaves it alone.
_PAST_INITIAL = ("sent", "replied", "negotiating", "agreed", "declined", "bounced", "unsubscribed")
# Members an unsubscribe or bounce still has to stop.
_STOPPABLE = ("added", "queued", "sent", "replied", "negotiating", "failed")
_CLOSED_NEGOTIATION = ("agreed", "declined", "escalated", "expired")


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class MailConfig:
    transport: str = "outbox"
    outbox_dir: str = "var/outbox"
    public_base_url: str = "http://127.0.0.1:5000"
    secret_key: str = "dev-only-change-me"
    rate_per_domain: str = "10/s"
    redis_url: str | None = None
    lease_seconds: int = 120


_config: dict[str, MailConfig | None] = {"current": None}


def _from_settings() -> MailConfig:
    from api.config import get_settings

    s = get_settings()
    broker = s.celery_broker_url or ""
    return MailConfig(
        transport=s.mail_transport, outbox_dir=s.outbox_dir, public_base_url=s.public_base_url,
        secret_key=s.secret_key, rate_per_domain=os.environ.get("SEND_RATE_PER_DOMAIN", "10/s"),
        redis_url=s.redis_url or (broker if broker.startswith(("redis://", "rediss://")) else None),
        lease_seconds=int(os.environ.get("SEND_LEASE_SECONDS", "120")),
    )


def configure(app_config: Mapping[str, Any]) -> MailConfig:
    """Take mail settings from a Flask app's config (keys below), falling back to the environment.

    Like api.jobs.configure this is process-wide: tasks run outside any request and read it from here.
    """
    base = _from_settings()
    broker = app_config.get("CELERY_BROKER_URL") or ""
    redis_url = app_config.get("REDIS_URL") or (broker if str(broker).startswith(("redis://", "rediss://"))
                                                else base.redis_url)
    cfg = MailConfig(
        transport=app_config.get("MAIL_TRANSPORT") or base.transport,
        outbox_dir=app_config.get("OUTBOX_DIR") or base.outbox_dir,
        public_base_url=app_config.get("PUBLIC_BASE_URL") or base.public_base_url,
        secret_key=app_config.get("SECRET_KEY") or base.secret_key,
        rate_per_domain=str(app_config.get("SEND_RATE_PER_DOMAIN") or base.rate_per_domain),
        redis_url=redis_url,
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


# ---------------------------------------------------------------- rate limit per sending domain


def parse_rate(text: str | None) -> float | None:
    """"10/s", "600/m", "5000/h" → tokens per second; "", "0" or "none" → no limit."""
    raw = (text or "").strip().lower()
    if raw in ("", "0", "none", "off", "unlimited"):
        return None
    count, _, unit = raw.partition("/")
    seconds = {"": 1, "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600,
               "hour": 3600}.get(unit.strip())
    if seconds is None:
        raise ValueError(f"SEND_RATE_PER_DOMAIN {text!r}: use a form like '10/s', '600/m' or '5000/h'")
    value = float(count) / seconds
    if value <= 0:
        raise ValueError(f"SEND_RATE_PER_DOMAIN {text!r} must be positive")
    return value


class LocalBucket:
    """Token bucket per key in this process (burst = one second's worth, at least one)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1.0, rate)
        self.clock = clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token: 0.0 when granted, else the seconds to wait before asking again."""
        with self._lock:
            now = self.clock()
            tokens, last = self._state.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) / self.rate


_REDIS_BUCKET = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(data[1]) or burst
local ts = tonumber(data[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""


class RedisBucket:
    """The same bucket shared by every worker, kept in Redis (atomic Lua script, Redis's own clock)."""

    def __init__(self, rate: float, url: str, prefix: str = "send-rate:") -> None:
        import redis

        self.rate = rate
        self.burst = max(1.0, rate)
        self.prefix = prefix
        self._client = redis.Redis.from_url(url)
        self._script = self._client.register_script(_REDIS_BUCKET)

    def take(self, key: str) -> float:
        return float(self._script(keys=[self.prefix + key], args=[self.rate, self.burst]))


@lru_cache(maxsize=8)
def _limiter(rate_text: str, redis_url: str | None) -> LocalBucket | RedisBucket | None:
    rate = parse_rate(rate_text)
    if rate is None:
        return None
    return RedisBucket(rate, redis_url) if redis_url else LocalBucket(rate)


def wait_for_send_slot(sender: str, cfg: MailConfig, sleep: Callable[[float], None] = time.sleep) -> None:
    """Block until the sender's domain may send one more message."""
    limiter = _limiter(cfg.rate_per_domain, cfg.redis_url)
    if limiter is None:
        return
    domain = sender.rsplit("@", 1)[-1].lower()
    while (wait := limiter.take(domain)) > 0:
        sleep(min(wait, 1.0))


# ---------------------------------------------------------------- suppression


def normalize_email(address: str) -> str:
    return address.strip().lower()


def suppression_for(s: Session, org_id: str, email: str) -> Suppression | None:
    return s.scalar(select(Suppression).where(Suppression.org_id == org_id,
                                              Suppression.email == normalize_email(email)))


def member_status_for(reason: str) -> str:
    return "bounced" if reason == "bounce" else "unsubscribed"


def suppress(s: Session, org_id: str, email: str, reason: str) -> None:
    """Never email this address again from this organization; stop every campaign's outreach to it."""
    if suppression_for(s, org_id, email) is None:
        try:
            with s.begin_nested():
                s.add(Suppression(org_id=org_id, email=normalize_email(email), reason=reason))
        except IntegrityError:  # another worker recorded it first
            pass
    stop_members(s, org_id, email, member_status_for(reason))


def stop_members(s: Session, org_id: str, email: str, status: str) -> int:
    members = s.scalars(
        select(CampaignMember).join(Influencer, Influencer.id == CampaignMember.influencer_id)
        .where(CampaignMember.org_id == org_id, func.lower(Influencer.email) == normalize_email(email),
               CampaignMember.status.in_(_STOPPABLE)))
    count = 0
    for member in members:
        member.status, member.next_followup_at = status, None
        count += 1
    return count


# ---------------------------------------------------------------- sending one stored email exactly once


class SendResult(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    IN_FLIGHT = "in_flight"
    SUPPRESSED = "suppressed"
    BOUNCED = "bounced"


def unsubscribe_link(cfg: MailConfig, org_id: str, email: str, campaign_id: str | None,
                     influencer_id: str | None) -> str:
    token = make_unsubscribe_token(cfg.secret_key, UnsubscribeClaim(org_id, email, campaign_id, influencer_id))
    return unsubscribe_url(cfg.public_base_url, token)


def _mime_for(s: Session, row: OutreachEmail, cfg: MailConfig) -> Any:
    campaign = s.get(Campaign, row.campaign_id) if row.campaign_id else None
    link = unsubscribe_link(cfg, row.org_id, row.to_addr, row.campaign_id, row.influencer_id)
    return build_mime(OutgoingEmail(
        to=row.to_addr, from_name=(campaign.sender_name or campaign.brand) if campaign else "",
        from_addr=row.from_addr, subject=row.subject, text=row.body_text, html=row.body_html or "",
        message_id=row.message_id, in_reply_to=row.in_reply_to, references=list(row.references or []),
        unsubscribe_url=link))


def send_row(row_id: str, *, cfg: MailConfig | None = None, transport: MailTransport | None = None,
             now: datetime | None = None, claimed: bool = False) -> SendResult:
    """Deliver a stored outgoing email at most once per claim (see the module docstring).

    `claimed`: the caller inserted the row as `sending` a moment ago after checking suppression.
    Raises TemporaryFailure / MailConfigError after putting the row back to `pending` (retry later).
    """
    cfg = cfg or mail_config()
    with jobs.session() as s:
        row = s.get(OutreachEmail, row_id)
        if claimed and row is not None and row.status == "sending":
            return _transmit(s, row, cfg, transport, now)
        if row is None or row.status in ("sent", "received"):
            return SendResult.ALREADY_SENT
        if row.status in ("bounced", "suppressed"):
            return SendResult(row.status)
        if suppression_for(s, row.org_id, row.to_addr) is not None:
            reason = suppression_for(s, row.org_id, row.to_addr).reason  # type: ignore[union-attr]
            row.status = "suppressed"
            stop_members(s, row.org_id, row.to_addr, member_status_for(reason))
            s.commit()
            return SendResult.SUPPRESSED
        moment = now or utcnow()
        stale = moment - timedelta(seconds=cfg.lease_seconds)
        claimed = s.execute(
            update(OutreachEmail)
            .where(OutreachEmail.id == row.id,
                   or_(OutreachEmail.status == "pending",
                       and_(OutreachEmail.status == "sending",
                            or_(OutreachEmail.sent_at.is_(None), OutreachEmail.sent_at <= stale))))
            .values(status="sending", attempts=OutreachEmail.attempts + 1, sent_at=moment)
            .execution_options(synchronize_session=False)).rowcount
        s.commit()
        s.refresh(row)
        if not claimed:
            return SendResult.ALREADY_SENT if row.status == "sent" else SendResult.IN_FLIGHT
        return _transmit(s, row, cfg, transport, now)


def _transmit(s: Session, row: OutreachEmail, cfg: MailConfig, transport: MailTransport | None,
              now: datetime | None) -> SendResult:
    """Talk to the mail server for a row this worker has claimed, and record the outcome."""
    message = _mime_for(s, row, cfg)
    wait_for_send_slot(row.from_addr, cfg)
    try:
        (transport or make_transport(cfg)).send(message)
    except PermanentFailure as exc:
        row.status, row.error = "bounced", str(exc)[:2000]
        suppress(s, row.org_id, row.to_addr, "bounce")
        s.commit()
        return SendResult.BOUNCED
    except (TemporaryFailure, MailConfigError) as exc:
        row.status, row.error = "pending", str(exc)[:2000]
        s.commit()
        raise
    row.status, row.error, row.sent_at = "sent", None, now or utcnow()
    s.commit()
    return SendResult.SENT


def new_email_row(s: Session, *, org_id: str, key: str, kind: str, campaign: Campaign, influencer_id: str | None,
                  to_addr: str, subject: str, body_text: str, body_html: str, negotiation_id: str | None = None,
                  in_reply_to: str | None = None, references: list[str] | None = None,
                  subject_variant: int | None = None, claim: bool = False) -> OutreachEmail:
    """The stored email for `key`: the existing one, or a new row committed before any send.

    A new row is `pending`, or with `claim` already `sending` (claimed by the caller: the unique key makes the
    insert itself the claim, which saves a round trip per email); `created_here` tells which."""
    existing = s.scalar(select(OutreachEmail).where(OutreachEmail.idempotency_key == key))
    if existing is not None:
        return existing
    sender = campaign.sender_email or ""
    row = OutreachEmail(org_id=org_id, campaign_id=campaign.id, influencer_id=influencer_id,
                        negotiation_id=negotiation_id, idempotency_key=key, kind=kind, direction="out",
                        to_addr=to_addr, from_addr=sender, subject=subject, subject_variant=subject_variant,
                        body_text=body_text, body_html=body_html,
                        message_id=make_message_id(sender.rsplit("@", 1)[-1] or "localhost"),
                        in_reply_to=in_reply_to, references=list(references or []), status="pending")
    if claim:
        row.status, row.attempts, row.sent_at = "sending", 1, utcnow()
    s.add(row)
    try:
        s.commit()
    except IntegrityError:  # a concurrent worker stored it first: use theirs
        s.rollback()
        return s.scalars(select(OutreachEmail).where(OutreachEmail.idempotency_key == key)).one()
    inspect(row).session.info.setdefault("created_emails", set()).add(row.id)
    return row


def created_here(s: Session, row: OutreachEmail) -> bool:
    """Whether `new_email_row` inserted this row in this session (so its claim is ours)."""
    return row.id in s.info.get("created_emails", ())


@celery.task(name="outreach.send_email", bind=True, max_retries=5, acks_late=True)
def send_email_task(self: Task, row_id: str) -> str:
    """Send one stored email (agent replies); retried with backoff on temporary failures."""
    try:
        return send_row(row_id).value
    except TemporaryFailure as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from None


def _backoff(retries: int) -> int:
    return min(600, 30 * 2 ** retries)


# ---------------------------------------------------------------- launch


def email_key(campaign_id: str, influencer_id: str, kind: str) -> str:
    return f"{campaign_id}:{influencer_id}:{kind}"


def ensure_members(s: Session, campaign: Campaign, influencer_ids: list[str]) -> None:
    """Every launched creator has a member row; new or failed ones are (re)queued, others keep their status."""
    found = {m.influencer_id: m for m in s.scalars(select(CampaignMember).where(
        CampaignMember.campaign_id == campaign.id, CampaignMember.influencer_id.in_(influencer_ids)))}
    for influencer_id in influencer_ids:
        member = found.get(influencer_id)
        if member is None:
            s.add(CampaignMember(org_id=campaign.org_id, campaign_id=campaign.id, influencer_id=influencer_id,
                                 status="queued"))
        elif member.status in ("added", "failed"):
            member.status, member.last_error = "queued", None


def run_launch(job_id: str) -> None:
    """Fan the launch out into one delivery task per creator (safe to run again: deliveries are keyed)."""
    with jobs.session() as s:
        job = s.get(Job, job_id)
        if job is None or job.status in ("done", "failed"):
            return
        campaign = s.get(Campaign, job.params["campaign_id"])
        if campaign is None:
            job.status, job.finished_at = "failed", utcnow()
            job.errors = [{"row": None, "message": "the campaign was deleted"}]
            s.commit()
            return
        ids = list(job.params["influencer_ids"])
        ensure_members(s, campaign, ids)
        if campaign.status == "draft":
            campaign.status = "active"
        job.status, job.total = "running", len(ids)
        job.started_at = job.started_at or utcnow()
        s.commit()
    for influencer_id in ids:
        jobs.enqueue(deliver_task, job_id, influencer_id)
    refresh_job(job_id)


@celery.task(name="outreach.launch", bind=True, max_retries=3, acks_late=True)
def launch_task(self: Task, job_id: str) -> None:
    run_launch(job_id)


def dispatch_launch(job_id: str) -> None:
    jobs.enqueue(launch_task, job_id)


def refresh_job(job_id: str, session: Session | None = None) -> None:
    """Recompute the launch job's counts from the member rows (monotonic, so late writers can't go back).

    With `session`, the update joins that transaction (the caller commits)."""
    if session is None:
        with jobs.session() as s:
            refresh_job(job_id, s)
            s.commit()
        return
    s = session
    job = s.get(Job, job_id)
    if job is None:
        return
    ids = list(job.params.get("influencer_ids") or [])
    in_launch = (CampaignMember.campaign_id == job.params.get("campaign_id"), CampaignMember.influencer_id.in_(ids))
    by_status = dict(s.execute(select(CampaignMember.status, func.count()).where(*in_launch)
                               .group_by(CampaignMember.status)).tuples().all())
    done = sum(n for status, n in by_status.items() if status not in ("queued", "added"))
    failed = list(s.execute(select(CampaignMember.influencer_id, CampaignMember.last_error)
                            .where(*in_launch, CampaignMember.status == "failed")).tuples()) \
        if by_status.get("failed") else []
    position = {influencer_id: n for n, influencer_id in enumerate(ids)} if failed else {}
    values: dict[str, Any] = {
        "processed": done, "failed": len(failed),
        "progress": round(done / len(ids), 4) if ids else 1.0,
        "errors": [{"row": position.get(i), "influencer_id": i, "message": error or "failed"} for i, error in failed],
        "result": {"statuses": by_status},
    }
    if done >= len(ids) and job.status == "running":
        values.update(status="done", finished_at=utcnow())
    s.execute(update(Job).where(Job.id == job_id, Job.processed <= done).values(**values)
              .execution_options(synchronize_session=False))


def _fail_member(job_id: str | None, campaign_id: str, influencer_id: str, message: str) -> None:
    with jobs.session() as s:
        member = s.scalar(select(CampaignMember).where(CampaignMember.campaign_id == campaign_id,
                                                       CampaignMember.influencer_id == influencer_id))
        if member is not None and member.status not in _PAST_INITIAL:
            member.status, member.last_error = "failed", message[:2000]
            s.commit()
    if job_id:
        refresh_job(job_id)


def _note_error(campaign_id: str, influencer_id: str, message: str) -> None:
    with jobs.session() as s:
        member = s.scalar(select(CampaignMember).where(CampaignMember.campaign_id == campaign_id,
                                                       CampaignMember.influencer_id == influencer_id))
        if member is not None:
            member.last_error = message[:2000]
            s.commit()


def _draft_seed(influencer_id: str) -> int:
    return int(influencer_id[:8], 16) if influencer_id[:8].isalnum() else sum(map(ord, influencer_id))


def _initial_email(s: Session, campaign: Campaign, inf: Influencer,
                   cfg: MailConfig) -> tuple[OutreachEmail, bool] | str:
    """(the stored initial email, whether this call created and claimed it), drafted and checked on first use;
    a string is why it can't be sent."""
    key = email_key(campaign.id, inf.id, "initial")
    existing = s.scalar(select(OutreachEmail).where(OutreachEmail.idempotency_key == key))
    if existing is not None:
        return existing, False
    profile, campaign_dict = influencer_to_dict(inf), campaign_to_dict(campaign)
    seed = _draft_seed(inf.id)
    link = unsubscribe_link(cfg, campaign.org_id, inf.email or "", campaign.id, inf.id)
    draft = fill_unsubscribe(draft_outreach(profile, campaign_dict, kind="initial", provider=_provider(),
                                            seed=seed), link)
    problems = check_draft(draft, profile, campaign_dict)
    if problems:
        return "the draft failed its checks: " + "; ".join(problems[:5])
    row = new_email_row(s, org_id=campaign.org_id, key=key, kind="initial", campaign=campaign,
                        influencer_id=inf.id, to_addr=inf.email or "", subject=draft.subject,
                        body_text=draft.body_text, body_html=draft.body_html,
                        subject_variant=draft.subject_variants.index(draft.subject), claim=True)
    return row, created_here(s, row)


def _provider() -> Any:
    from agent.llm import get_provider

    return get_provider()


def ensure_negotiation(s: Session, campaign: Campaign, inf: Influencer, channel: str,
                       pricing: Mapping[str, Any]) -> Negotiation:
    """The campaign's negotiation with this creator, opened with the launch pricing when there is none."""
    from agent.negotiation import service

    existing = s.scalar(select(Negotiation).where(Negotiation.campaign_id == campaign.id,
                                                  Negotiation.influencer_id == inf.id)
                        .order_by(Negotiation.created_at.desc()).limit(1))
    if existing is not None:
        return existing
    return service.start(s, org_id=campaign.org_id, campaign=campaign, influencer=inf, channel=channel,
                         target_usd=Decimal(str(pricing["target_usd"])), max_usd=Decimal(str(pricing["max_usd"])),
                         deliverables=list(campaign.deliverables or []), usage_rights=pricing.get("usage_rights"),
                         provider=_provider())


def deliver(job_id: str, influencer_id: str, *, transport: MailTransport | None = None) -> str:
    """One creator of a launch, idempotent end to end; returns the member's status."""
    cfg = mail_config()
    with jobs.session() as s:
        job = s.get(Job, job_id)
        if job is None:
            return "missing"
        params = job.params
        campaign = s.scalar(select(Campaign).where(Campaign.id == params["campaign_id"],
                                                   Campaign.org_id == job.org_id))
        inf = s.scalar(select(Influencer).where(Influencer.id == influencer_id, Influencer.org_id == job.org_id)
                       .options(*eager_options()))
        if campaign is None or inf is None:
            raise LookupError("the campaign or the influencer no longer exists")
        member = s.scalar(select(CampaignMember).where(CampaignMember.campaign_id == campaign.id,
                                                       CampaignMember.influencer_id == inf.id))
        if member is None:
            ensure_members(s, campaign, [inf.id])
            s.flush()
            member = s.scalars(select(CampaignMember).where(CampaignMember.campaign_id == campaign.id,
                                                            CampaignMember.influencer_id == inf.id)).one()
        if member.status in _PAST_INITIAL:
            return _finish(s, job_id, member.status)
        if params.get("channel") == "voice":
            ensure_negotiation(s, campaign, inf, "voice", params["pricing"])
            member.status, member.last_error = "negotiating", None
            return _finish(s, job_id, member.status)
        if not inf.email:
            raise LookupError("this creator has no email address")
        blocked = suppression_for(s, campaign.org_id, inf.email)
        if blocked is not None:
            member.status, member.next_followup_at = member_status_for(blocked.reason), None
            return _finish(s, job_id, member.status)
        made = _initial_email(s, campaign, inf, cfg)
        if isinstance(made, str):
            raise ValueError(made)
        row_id, fresh = made[0].id, made[1]
    result = send_row(row_id, cfg=cfg, transport=transport, claimed=fresh)
    if result is SendResult.IN_FLIGHT:
        return "queued"  # another worker holds the claim; its own (acks_late) task finishes the job
    with jobs.session() as s:
        member = s.scalars(select(CampaignMember).where(CampaignMember.campaign_id == params["campaign_id"],
                                                        CampaignMember.influencer_id == influencer_id)
                           .with_for_update()).one()
        if result in (SendResult.SENT, SendResult.ALREADY_SENT) and member.status not in _PAST_INITIAL:
            campaign = s.get(Campaign, params["campaign_id"])
            inf = s.scalar(select(Influencer).where(Influencer.id == influencer_id).options(*eager_options()))
            row = s.get(OutreachEmail, row_id)
            neg = ensure_negotiation(s, campaign, inf, "email", params["pricing"])  # type: ignore[arg-type]
            row.negotiation_id = neg.id  # type: ignore[union-attr]
            member.status, member.last_error, member.followups_sent = "sent", None, 0
            sent_at = row.sent_at or utcnow()  # type: ignore[union-attr]
            member.next_followup_at = (sent_at + timedelta(days=campaign.followup_interval_days)  # type: ignore[union-attr]
                                       if campaign.followups_max > 0 else None)  # type: ignore[union-attr]
        return _finish(s, job_id, member.status)


def _finish(s: Session, job_id: str, status: str) -> str:
    """Commit the member's new state together with the launch job's progress."""
    s.flush()
    refresh_job(job_id, s)
    s.commit()
    return status


@celery.task(name="outreach.deliver", bind=True, max_retries=4, acks_late=True)
def deliver_task(self: Task, job_id: str, influencer_id: str) -> str:
    """Celery entry for one creator: temporary failures retry with backoff, others mark the member failed."""
    campaign_id = ""
    try:
        with jobs.session() as s:
            job = s.get(Job, job_id)
            campaign_id = job.params["campaign_id"] if job else ""
        status = deliver(job_id, influencer_id)
    except TemporaryFailure as exc:
        if self.request.retries >= self.max_retries:
            _fail_member(job_id, campaign_id, influencer_id, f"gave up after retries: {exc}")
            return "failed"
        _note_error(campaign_id, influencer_id, str(exc))
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from None
    except Exception as exc:  # one creator's failure never stops the others; a new launch retries it
        log.warning("delivery to %s failed: %s", influencer_id, exc)
        _fail_member(job_id, campaign_id, influencer_id, str(exc) or type(exc).__name__)
        return "failed"
    return status


# ---------------------------------------------------------------- follow-ups


def _latest_negotiation(s: Session, campaign_id: str, influencer_id: str) -> Negotiation | None:
    return s.scalar(select(Negotiation).where(Negotiation.campaign_id == campaign_id,
                                              Negotiation.influencer_id == influencer_id)
                    .order_by(Negotiation.created_at.desc()).limit(1))


def _followup_row(s: Session, member: CampaignMember, now: datetime, cfg: MailConfig) -> OutreachEmail | str:
    """The stored follow-up due for this member, or the reason it stops here."""
    campaign = s.get(Campaign, member.campaign_id)
    inf = s.scalar(select(Influencer).where(Influencer.id == member.influencer_id).options(*eager_options()))
    if campaign is None or inf is None or not inf.email:
        return "gone"
    neg = _latest_negotiation(s, campaign.id, inf.id)
    if neg is not None and neg.status in _CLOSED_NEGOTIATION:
        return "negotiation closed"
    blocked = suppression_for(s, campaign.org_id, inf.email)
    if blocked is not None:
        member.status = member_status_for(blocked.reason)
        return "suppressed"
    number = member.followups_sent + 1
    if number > campaign.followups_max:
        return "no follow-ups left"
    initial = s.scalar(select(OutreachEmail).where(
        OutreachEmail.idempotency_key == email_key(campaign.id, inf.id, "initial")))
    if initial is None or initial.status != "sent":
        return "the first email was never sent"
    key = email_key(campaign.id, inf.id, f"followup_{number}")
    existing = s.scalar(select(OutreachEmail).where(OutreachEmail.idempotency_key == key))
    if existing is not None:
        return existing
    kind = "followup_1" if number == 1 else "followup_2"
    link = unsubscribe_link(cfg, campaign.org_id, inf.email, campaign.id, inf.id)
    profile, campaign_dict = influencer_to_dict(inf), campaign_to_dict(campaign)
    draft = fill_unsubscribe(draft_outreach(profile, campaign_dict, kind=kind, provider=_provider(),  # type: ignore[arg-type]
                                            previous_subject=initial.subject, seed=_draft_seed(inf.id)), link)
    # "Re: <our first subject>" repeats words that passed the checks when the first email went out (a niche,
    # say) although a follow-up's own facts no longer include them: our own sent subject backs them.
    draft = replace(draft, allowed_terms=(*draft.allowed_terms, initial.subject))
    problems = check_draft(draft, profile, campaign_dict)
    if problems:
        return "the follow-up failed its checks: " + "; ".join(problems[:5])
    return new_email_row(s, org_id=campaign.org_id, key=key, kind="followup", campaign=campaign,
                         influencer_id=inf.id, to_addr=inf.email, subject=draft.subject, body_text=draft.body_text,
                         body_html=draft.body_html, negotiation_id=neg.id if neg else None,
                         in_reply_to=initial.message_id, references=[initial.message_id])


def _send_followup(member_id: str, now: datetime, cfg: MailConfig, transport: MailTransport | None) -> str:
    with jobs.session() as s:
        member = s.get(CampaignMember, member_id)
        if member is None or member.status != "sent" or member.next_followup_at is None \
                or member.next_followup_at > now:
            return "skipped"
        row = _followup_row(s, member, now, cfg)
        if isinstance(row, str):
            member.next_followup_at = None
            if row not in ("suppressed", "negotiation closed", "no follow-ups left", "gone"):
                member.last_error = row
            s.commit()
            return "stopped"
        row_id, number = row.id, int(row.idempotency_key.rsplit("_", 1)[-1])
    result = send_row(row_id, cfg=cfg, transport=transport, now=now)
    if result is SendResult.IN_FLIGHT:
        return "in_flight"
    with jobs.session() as s:
        member = s.get(CampaignMember, member_id)
        campaign = s.get(Campaign, member.campaign_id)  # type: ignore[union-attr]
        if result in (SendResult.SENT, SendResult.ALREADY_SENT) and member.status == "sent":  # type: ignore[union-attr]
            member.followups_sent = max(member.followups_sent, number)  # type: ignore[union-attr]
            more = member.followups_sent < campaign.followups_max  # type: ignore[union-attr]
            member.next_followup_at = now + timedelta(days=campaign.followup_interval_days) if more else None  # type: ignore[union-attr]
        s.commit()
    return "sent" if result is SendResult.SENT else result.value


def send_due_followups(now: datetime | None = None, *, org_id: str | None = None,
                       transport: MailTransport | None = None) -> dict[str, int]:
    """Send every follow-up due at `now` (CLI- and beat-callable), optionally for one organization only;
    returns counts by outcome ("due", "sent", "stopped", "retry_later", …)."""
    moment = now or datetime.now(UTC)
    cfg = mail_config()
    with jobs.session() as s:
        due = list(s.scalars(
            select(CampaignMember.id).join(Campaign, Campaign.id == CampaignMember.campaign_id)
            .where(CampaignMember.status == "sent", CampaignMember.next_followup_at.is_not(None),
                   CampaignMember.next_followup_at <= moment,
                   CampaignMember.followups_sent < Campaign.followups_max)
            .where(CampaignMember.org_id == org_id if org_id else True)
            .order_by(CampaignMember.next_followup_at)))
    counts: dict[str, int] = {"due": len(due)}
    for member_id in due:
        try:
            outcome = _send_followup(member_id, moment, cfg, transport)
        except (TemporaryFailure, MailConfigError) as exc:  # stays due: the next run tries again
            log.warning("follow-up for member %s not sent: %s", member_id, exc)
            outcome = "retry_later"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@celery.task(name="outreach.send_due_followups", acks_late=True)
def send_due_followups_task() -> dict[str, int]:
    return send_due_followups()


celery.conf.beat_schedule = {
    **(celery.conf.beat_schedule or {}),
    "outreach.send_due_followups": {"task": "outreach.send_due_followups", "schedule": 300.0},
}


# ---------------------------------------------------------------- reply bodies


def reply_bodies(text: str, campaign: Campaign, unsubscribe: str) -> tuple[str, str]:
    """The agent's words as a plain and an HTML body, with the sender's postal address and unsubscribe link."""
    sender = campaign.sender_name or campaign.brand
    footer = [f"{sender}, {campaign.brand}" if campaign.sender_name else sender]
    if campaign.sender_postal_address:
        footer.append(campaign.sender_postal_address)
    footer.append(f"Unsubscribe: {unsubscribe}")
    body_text = f"{text.strip()}\n\n-- \n" + "\n".join(footer) + "\n"
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.strip().split("\n\n") if p.strip())
    foot = "<br>".join(str(escape(line)) for line in footer[:-1])
    body_html = (f"<html><body>{paragraphs}<hr><p style=\"font-size:12px;color:#666\">{foot}<br>"
                 f"<a href=\"{escape(unsubscribe)}\">Unsubscribe</a></p></body></html>")
    return body_text, body_html
