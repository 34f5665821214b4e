"""Sending one stored email exactly once, and the `outreach.send_email` task.

The OutreachEmail row, with its final Message-ID and a deterministic `idempotency_key` such as
"<campaign>:<influencer>:initial", is committed as `pending` before any network call (api.outreach.emails).
A sender claims it by moving it to `sending` in one conditional UPDATE (so two workers cannot both send),
then talks to the server, then marks it `sent`. A claim older than `MailConfig.lease_seconds` belongs to a
worker that died. A `sending` row is the one ambiguous case (the worker may have died after the server
accepted the message and before we wrote `sent`); we resend it with the SAME Message-ID, so receivers that
dedupe by Message-ID (and our outbox transport, which is keyed by it) see one message. The window is the few
milliseconds between the server's "250 OK" and our commit; everywhere else a death leaves a row that is
either not yet sent or marked sent. A server that says no (TemporaryFailure, MailConfigError) puts the row
back to `pending` for a retry; a permanent refusal bounces it and suppresses the address.

The claim is `claimed_at`, the time the row was last moved to `sending` (by the conditional UPDATE here or by
`new_email_row(claim=True)`, whose insert is the claim); `sent_at` is only ever when the server accepted the
message. A row put back to `pending` has no claim. `outreach.sweep_launches` (api.outreach.sweeper) reads the
same lease to tell a launch whose tasks were lost from one whose worker is still sending.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from celery import Task
from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.orm import Session

from agent.outreach.mailer import (
    MailConfigError,
    MailTransport,
    OutgoingEmail,
    PermanentFailure,
    TemporaryFailure,
    build_mime,
)
from agent.outreach.suppression import member_status_for, stop_members, suppress, suppression_for
from api import jobs
from api.jobs import celery
from api.outreach.mail_config import MailConfig, mail_config, make_transport, unsubscribe_link
from api.outreach.send_limits import wait_for_send_slot
from data.models import Campaign, OutreachEmail, utcnow


class SendResult(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    IN_FLIGHT = "in_flight"
    SUPPRESSED = "suppressed"
    BOUNCED = "bounced"


def retry_backoff(retries: int) -> int:
    """Seconds before Celery retry number `retries + 1` (30 s doubling, capped at 10 minutes)."""
    return min(600, 30 * 2 ** retries)


def _claimable(moment: datetime, lease_seconds: int) -> ColumnElement[bool]:
    """A row nobody holds: `pending`, or `sending` under a claim older than the lease."""
    stale = moment - timedelta(seconds=lease_seconds)
    return or_(OutreachEmail.status == "pending",
               and_(OutreachEmail.status == "sending",
                    or_(OutreachEmail.claimed_at.is_(None), OutreachEmail.claimed_at <= stale)))


def _claim_values(moment: datetime) -> dict[str, Any]:
    return {"status": "sending", "attempts": OutreachEmail.attempts + 1, "claimed_at": moment}


def _release(row: OutreachEmail, error: str) -> None:
    """Give the claim back (a retry will take it again at once)."""
    row.status, row.error, row.claimed_at = "pending", error[:2000], None


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
        blocked = suppression_for(s, row.org_id, row.to_addr)
        if blocked is not None:
            row.status = "suppressed"
            stop_members(s, row.org_id, row.to_addr, member_status_for(blocked.reason))
            s.commit()
            return SendResult.SUPPRESSED
        moment = now or utcnow()
        taken = s.execute(
            update(OutreachEmail).where(OutreachEmail.id == row.id, _claimable(moment, cfg.lease_seconds))
            .values(**_claim_values(moment)).execution_options(synchronize_session=False)).rowcount
        s.commit()
        s.refresh(row)
        if not taken:
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
        _release(row, str(exc))
        s.commit()
        raise
    row.status, row.error, row.sent_at = "sent", None, now or utcnow()
    s.commit()
    return SendResult.SENT


@celery.task(name="outreach.send_email", bind=True, max_retries=5, acks_late=True)
def send_email_task(self: Task, row_id: str) -> str:
    """Send one stored email (agent replies); retried with backoff on temporary failures."""
    try:
        return send_row(row_id).value
    except TemporaryFailure as exc:
        raise self.retry(exc=exc, countdown=retry_backoff(self.request.retries)) from None
