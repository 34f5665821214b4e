"""Outreach routes (CONTRACT §5): drafts, launch, inbound replies and the unsubscribe page.

Settings (Flask config first, then the environment): MAIL_TRANSPORT, OUTBOX_DIR, PUBLIC_BASE_URL, SECRET_KEY,
SEND_RATE_PER_DOMAIN, SEND_LEASE_SECONDS, INBOUND_EMAIL_SECRET, INBOUND_EMAIL_TOLERANCE_SECONDS.

Inbound email is authenticated by `X-Signature: sha256=<hex>`, the HMAC-SHA256 with INBOUND_EMAIL_SECRET of
`<X-Timestamp>.<raw body>`, where X-Timestamp is Unix seconds and must be within the tolerance (default
300 s) of our clock: the timestamp is signed, so an old delivery cannot be replayed with a fresh one.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from decimal import Decimal
from email.utils import getaddresses, parseaddr
from typing import Annotated, Any, Literal

from flask import Blueprint, render_template_string, request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.outreach import check_draft, draft_outreach, fill_unsubscribe
from agent.outreach.checks import UNFILLED_UNSUBSCRIBE
from api import jobs
from api.campaigns.views import load_campaign
from api.http.audit import audit
from api.http.auth import current_org_id, require_role
from api.http.errors import ApiError
from api.http.extensions import current_settings, db_session
from api.http.idempotency import idempotent
from api.http.validation import validated
from api.influencers.views import load_influencer
from api.jobs.records import create_job
from api.outreach.emails import llm_provider, new_email_row, reply_bodies
from api.outreach.followups import latest_negotiation
from api.outreach.launch import dispatch_launch, ensure_members
from api.outreach.mail_config import mail_config, unsubscribe_link
from api.outreach.sending import send_email_task
from api.outreach.suppression import suppress, suppression_for
from api.outreach.tokens import read_unsubscribe_token
from data.models import Campaign, CampaignMember, Influencer, Negotiation, Organization, OutreachEmail
from data.serialize import campaign_to_dict, influencer_to_dict
from data.types import UsdAmount

bp = Blueprint("outreach", __name__)


# ---------------------------------------------------------------- drafts


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    influencer_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    kind: Literal["initial", "followup_1", "followup_2"] = "initial"
    variant: Annotated[int, Field(ge=0, le=100)] = 0


@bp.post("/api/v1/campaigns/<campaign_id>/drafts")
@require_role("marketer", "manager")
@validated(body=DraftIn)
def draft(campaign_id: str, body: DraftIn) -> dict[str, Any]:
    """The email this creator would get, with the facts it relies on and anything the checks object to."""
    campaign = load_campaign(campaign_id)
    inf = load_influencer(body.influencer_id)
    profile, campaign_dict = influencer_to_dict(inf), campaign_to_dict(campaign)
    made = draft_outreach(profile, campaign_dict, kind=body.kind, provider=llm_provider(), seed=body.variant)
    if inf.email:  # the link that will be sent, so the preview is the email itself
        made = fill_unsubscribe(made, unsubscribe_link(mail_config(), campaign.org_id, inf.email,
                                                              campaign.id, inf.id))
    problems = [p for p in check_draft(made, profile, campaign_dict) if p != UNFILLED_UNSUBSCRIBE]
    return {**made.to_dict(), "problems": problems}


# ---------------------------------------------------------------- launch

Money = Annotated[UsdAmount, Field(gt=0, le=Decimal("100000000"), decimal_places=2)]


class Pricing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target_usd: Money
    max_usd: Money
    usage_rights: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None

    @model_validator(mode="after")
    def _order(self) -> Pricing:
        if self.target_usd > self.max_usd:
            raise ValueError("target_usd cannot be above max_usd")
        return self


class LaunchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    influencer_ids: Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=64)]],
                              Field(min_length=1, max_length=5000)]
    channel: Literal["email", "voice"] = "email"
    pricing: Pricing


class JobAccepted(BaseModel):
    job_id: str


def _launch_problems(campaign: Campaign, channel: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    if not campaign.deliverables:
        fields["campaign.deliverables"] = "say what the creators should deliver before launching"
    if channel == "email":
        if not campaign.sender_email:
            fields["campaign.sender.email"] = "emails need a sender address"
        if not (campaign.sender_postal_address or "").strip():
            fields["campaign.sender.postal_address"] = "every email must carry the sender's postal address"
    return fields


@bp.post("/api/v1/campaigns/<campaign_id>/launch")
@require_role("manager")
@idempotent
@validated(body=LaunchIn, response=JobAccepted, status=202)
def launch_campaign(campaign_id: str, body: LaunchIn) -> tuple[dict[str, Any], int]:
    """Queue outreach to these creators: one task each (draft, check, send, open the negotiation)."""
    from agent.negotiation.service import build_setup

    campaign = load_campaign(campaign_id)
    session = db_session()
    wanted = list(dict.fromkeys(body.influencer_ids))
    found = {i.id: i for i in session.scalars(
        select(Influencer).where(Influencer.org_id == current_org_id(), Influencer.id.in_(wanted)))}
    missing = {f"influencer_ids.{n}": "not found" for n, i in enumerate(wanted) if i not in found}
    if missing:
        raise ApiError(404, "some influencers were not found", fields=missing)
    problems = _launch_problems(campaign, body.channel)
    if problems:
        raise ApiError(422, "this campaign cannot be launched yet", code="validation_error", fields=problems)
    try:  # the negotiation setup is campaign-wide: refuse now rather than per creator later
        build_setup(campaign, found[wanted[0]], target_usd=body.pricing.target_usd, max_usd=body.pricing.max_usd,
                    deliverables=list(campaign.deliverables), usage_rights=body.pricing.usage_rights)
    except ValueError as exc:
        raise ApiError(422, str(exc), code="validation_error", fields={"campaign.deliverables": str(exc)}) from None
    params = {"campaign_id": campaign.id, "influencer_ids": wanted, "channel": body.channel,
              "pricing": body.pricing.model_dump(mode="json")}
    job = create_job(session, current_org_id(), "campaign_launch", params)
    job.total = len(wanted)
    ensure_members(session, campaign, wanted)
    audit(session, "launch", "campaign", campaign.id, {"job_id": job.id, "influencers": len(wanted),
                                                       "channel": body.channel})
    session.commit()
    dispatch_launch(job.id)
    return {"job_id": job.id}, 202


# ---------------------------------------------------------------- unsubscribe

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>{{ title }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}</style></head>
<body><h1>{{ title }}</h1><p>{{ message }}</p>
{% if form %}<form method="post"><button type="submit">Unsubscribe</button></form>{% endif %}
</body></html>"""


def _page(title: str, message: str, *, form: bool = False, status: int = 200) -> tuple[str, int, dict[str, str]]:
    html = render_template_string(_PAGE, title=title, message=message, form=form)
    return html, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


def _claim_or_404(token: str) -> Any:
    claim = read_unsubscribe_token(mail_config().secret_key, token)
    if claim is None or db_session().get(Organization, claim.org_id) is None:
        return None
    return claim


@bp.get("/u/<token>")
def unsubscribe_page(token: str) -> Any:
    """A confirmation page: a GET never unsubscribes (mail scanners follow links), its button POSTs."""
    claim = _claim_or_404(token)
    if claim is None:
        return _page("Link not valid", "This unsubscribe link is not valid. Reply to the email instead.", status=404)
    org = db_session().get(Organization, claim.org_id)
    if suppression_for(db_session(), claim.org_id, claim.email) is not None:
        return _page("You are unsubscribed", f"{claim.email} gets no more emails from {org.name}.")
    return _page("Unsubscribe", f"Stop all emails from {org.name} to {claim.email}?", form=True)


@bp.post("/u/<token>")
def unsubscribe(token: str) -> Any:
    """The button of the page and RFC 8058 one-click (List-Unsubscribe-Post): suppress the address."""
    claim = _claim_or_404(token)
    if claim is None:
        return _page("Link not valid", "This unsubscribe link is not valid. Reply to the email instead.", status=404)
    session = db_session()
    suppress(session, claim.org_id, claim.email, "unsubscribe")
    session.commit()
    org = session.get(Organization, claim.org_id)
    return _page("You are unsubscribed", f"{claim.email} gets no more emails from {org.name}.")


# ---------------------------------------------------------------- inbound email

CLASSIFICATION = {
    "accept": "interested", "accept_with_condition": "interested", "counter": "interested", "greet": "interested",
    "reject": "not_interested", "inquire": "needs_info", "off_topic": "needs_info", "delay": "out_of_office",
    "out_of_office": "out_of_office", "stop": "unsubscribe",
}
_MEMBER_BY_NEGOTIATION = {"open": "negotiating", "escalated": "negotiating", "agreed": "agreed",
                          "declined": "declined", "expired": "declined"}


class InboundIn(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    from_: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)] = Field(
        alias="from")
    to: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    subject: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    text: Annotated[str, StringConstraints(max_length=100_000)]
    in_reply_to: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    references: list[str] | str | None = None
    message_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None

    @field_validator("from_")
    @classmethod
    def _address(cls, value: str) -> str:
        address = parseaddr(value)[1]
        if "@" not in address:
            raise ValueError("must be an email address")
        return address.lower()


def _verify_signature() -> None:
    secret = current_settings().inbound_email_secret
    if not secret:
        raise ApiError(503, "inbound email is not configured (set INBOUND_EMAIL_SECRET)", code="not_configured")
    stamp = request.headers.get("X-Timestamp", "").strip()
    given = request.headers.get("X-Signature", "").strip().removeprefix("sha256=")
    tolerance = current_settings().inbound_email_tolerance_seconds
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > tolerance:
        raise ApiError(401, "missing or stale X-Timestamp")
    expected = hmac.new(str(secret).encode(), stamp.encode() + b"." + request.get_data(cache=True),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        raise ApiError(401, "the X-Signature does not match the body")


def sign_inbound(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers a mail provider (or a test) sends with an inbound email."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Timestamp": stamp, "X-Signature": f"sha256={digest}"}


def _thread_ids(body: InboundIn) -> list[str]:
    refs = body.references or []
    if isinstance(refs, str):
        refs = refs.split()
    ids = [body.in_reply_to, *reversed(refs)] if body.in_reply_to else list(reversed(refs))
    return [i.strip() for i in ids if i and i.strip()]


def _match(s: Session, body: InboundIn) -> tuple[str, str | None, str | None, Negotiation | None,
                                                OutreachEmail | None] | None:
    """(org, campaign, influencer, negotiation, our email it answers) from the thread, else from the sender."""
    ids = _thread_ids(body)
    if ids:
        ours = list(s.scalars(select(OutreachEmail).where(OutreachEmail.message_id.in_(ids),
                                                          OutreachEmail.direction == "out")))
        if ours:
            ours.sort(key=lambda e: ids.index(e.message_id))
            row = ours[0]
            neg = s.get(Negotiation, row.negotiation_id) if row.negotiation_id else None
            if neg is None and row.campaign_id and row.influencer_id:
                neg = latest_negotiation(s, row.campaign_id, row.influencer_id)
            return row.org_id, row.campaign_id, row.influencer_id, neg, row
    candidates = list(s.scalars(
        select(Negotiation).join(Influencer, Influencer.id == Negotiation.influencer_id)
        .where(func.lower(Influencer.email) == body.from_, Negotiation.status == "open")
        .order_by(Negotiation.updated_at.desc())))
    to_addrs = {a.lower() for _, a in getaddresses([body.to]) if a}
    if len({n.org_id for n in candidates}) > 1 and to_addrs:  # which organization was written to
        orgs = set(s.scalars(select(Campaign.org_id).where(func.lower(Campaign.sender_email).in_(to_addrs))))
        candidates = [n for n in candidates if n.org_id in orgs]
    if not candidates or len({n.org_id for n in candidates}) != 1:
        return None
    neg = candidates[0]
    return neg.org_id, neg.campaign_id, neg.influencer_id, neg, None


def _store_inbound(s: Session, body: InboundIn, message_id: str, org_id: str, campaign_id: str | None,
                   influencer_id: str | None, negotiation_id: str | None) -> None:
    key = f"in:{message_id}"
    if s.scalar(select(OutreachEmail.id).where(OutreachEmail.idempotency_key == key)) is not None:
        return
    s.add(OutreachEmail(org_id=org_id, campaign_id=campaign_id, influencer_id=influencer_id,
                        negotiation_id=negotiation_id, idempotency_key=key, kind="reply", direction="in",
                        to_addr=body.to[:320], from_addr=body.from_[:320], subject=body.subject[:500],
                        body_text=body.text, message_id=message_id, in_reply_to=body.in_reply_to,
                        references=_thread_ids(body)[::-1], status="received"))
    try:
        s.commit()
    except IntegrityError:  # a concurrent delivery stored it (or the id clashes): the turn itself is deduped
        s.rollback()


def _classify_and_answer(s: Session, body: InboundIn, message_id: str, neg: Negotiation | None,
                         org_id: str) -> tuple[str, Any]:
    from agent.negotiation import service
    from agent.negotiation.understanding import understand

    if neg is not None:
        locked = service.lock(s, org_id, neg.id)
        try:
            outcome = service.take_message(s, locked, body.text, channel="email", dedupe_key=message_id,  # type: ignore[arg-type]
                                           provider=llm_provider())
            return CLASSIFICATION.get(str((outcome.understood or {}).get("intent")), "needs_info"), outcome
        except service.NegotiationClosed:
            pass
    return CLASSIFICATION.get(understand(body.text).intent.value, "needs_info"), None


def _reply_row(s: Session, body: InboundIn, message_id: str, outcome: Any, campaign: Campaign,
               influencer_id: str | None, answered: OutreachEmail | None) -> OutreachEmail:
    cfg = mail_config()
    link = unsubscribe_link(cfg, campaign.org_id, body.from_, campaign.id, influencer_id)
    text, html = reply_bodies(outcome.reply.text, campaign, link)
    base = body.subject or (answered.subject if answered else campaign.name)
    subject = base if base.lower().startswith("re:") else f"Re: {base}"
    thread = _thread_ids(body)[::-1] or ([answered.message_id] if answered else [])
    return new_email_row(
        s, org_id=campaign.org_id, key=f"reply:{message_id}", kind="reply", campaign=campaign,
        influencer_id=influencer_id, to_addr=body.from_, subject=subject[:500], body_text=text, body_html=html,
        negotiation_id=outcome.negotiation.id, in_reply_to=message_id, references=[*thread, message_id][-20:])


def _process_inbound(s: Session, body: InboundIn, message_id: str) -> dict[str, Any]:
    matched = _match(s, body)
    if matched is None:
        return {"matched": False}
    org_id, campaign_id, influencer_id, neg, answered = matched
    _store_inbound(s, body, message_id, org_id, campaign_id, influencer_id, neg.id if neg else None)
    classification, outcome = _classify_and_answer(s, body, message_id, neg, org_id)
    member = s.scalar(select(CampaignMember).where(CampaignMember.campaign_id == campaign_id,
                                                   CampaignMember.influencer_id == influencer_id)) \
        if campaign_id and influencer_id else None
    if member is not None:
        member.next_followup_at = None
        if classification == "unsubscribe":
            member.status = "unsubscribed"
        elif member.status not in ("bounced", "unsubscribed"):
            member.status = _MEMBER_BY_NEGOTIATION.get(neg.status, "replied") if neg else "replied"
    if classification == "unsubscribe":
        suppress(s, org_id, body.from_, "unsubscribe")
    s.commit()
    result: dict[str, Any] = {"matched": True, "negotiation_id": neg.id if neg else None,
                              "classification": classification, "reply_message_id": None,
                              "replayed": bool(outcome and outcome.replayed)}
    campaign = s.get(Campaign, campaign_id) if campaign_id else None
    suppressed = suppression_for(s, org_id, body.from_) is not None
    if outcome is not None and outcome.reply is not None and campaign is not None and campaign.sender_email \
            and not suppressed:
        row = _reply_row(s, body, message_id, outcome, campaign, influencer_id, answered)
        result["reply_message_id"] = row.message_id
        if row.status == "pending":
            jobs.enqueue(send_email_task, row.id)
    return result


@bp.post("/api/v1/email/inbound")
def inbound_email() -> tuple[dict[str, Any], int]:
    """A reply from a creator, posted by the mail provider: routed into that creator's negotiation."""
    _verify_signature()
    from api.http.validation import parse_json_body

    body = parse_json_body(InboundIn)
    message_id = body.message_id or "<{}@inbound.invalid>".format(
        hashlib.sha256(f"{body.from_}\n{body.subject}\n{body.text}".encode()).hexdigest()[:32])
    session = db_session()
    try:
        result = _process_inbound(session, body, message_id)
    except IntegrityError:  # a concurrent delivery of the same email won the race: answer from its record
        session.rollback()
        result = _process_inbound(session, body, message_id)
    return result, 200 if result["matched"] else 202
