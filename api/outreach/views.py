"""Outreach routes (README "Outreach"): drafts, launch, inbound replies and the unsubscribe page.

Settings: MAIL_TRANSPORT, OUTBOX_DIR, PUBLIC_BASE_URL, SECRET_KEY, SEND_RATE_PER_DOMAIN, SEND_LEASE_SECONDS,
INBOUND_EMAIL_SECRET, INBOUND_EMAIL_TOLERANCE_SECONDS. What a reply does is `agent.outreach.inbound`; the
webhook's signature and body are `api.outreach.inbound_mail`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from flask import Blueprint, current_app, render_template_string
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.outreach import check_draft, draft_outreach, fill_unsubscribe
from agent.outreach.checks import UNFILLED_UNSUBSCRIBE
from agent.outreach.inbound import InboundMail, InboundResult, process_inbound
from agent.outreach.suppression import suppress, suppression_for
from api import jobs
from api.campaigns.views import load_campaign
from api.http.audit import audit
from api.http.auth import current_org_id, require_role
from api.http.errors import ApiError
from api.http.extensions import db_session
from api.http.idempotency import idempotent
from api.http.openapi import answers
from api.http.validation import parse_json_body, validated
from api.influencers.views import load_influencer
from api.jobs.records import create_job
from api.outreach.emails import llm_provider, new_email_row, reply_bodies
from api.outreach.inbound_mail import InboundIn, verify_signature
from api.outreach.launch import dispatch_launch, ensure_members
from api.outreach.mail_config import mail_config, unsubscribe_link
from api.outreach.sending import send_email_task
from api.outreach.sweeper import start_in_process_sweep
from api.outreach.tokens import read_unsubscribe_token
from data.models import Campaign, Influencer, Organization, OutreachEmail
from data.serialize import campaign_to_dict, influencer_to_dict
from data.statuses import EmailStatus
from data.types import UsdAmount

bp = Blueprint("outreach", __name__)


@bp.before_app_request
def _sweep_in_process() -> None:
    """Without a broker there is no beat: the serving process sweeps stalled launches itself (api.outreach.sweeper)."""
    start_in_process_sweep(current_app._get_current_object())  # type: ignore[attr-defined]


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
@answers({404: "the link is not valid (an HTML page)", 503: "the database is unavailable; retry shortly"},
         errors_as_json=False)
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
@answers({404: "the link is not valid (an HTML page)", 503: "the database is unavailable; retry shortly"},
         errors_as_json=False)
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


def _reply_row(s: Session, mail: InboundMail, result: InboundResult, campaign: Campaign) -> OutreachEmail:
    """The agent's answer as a threaded reply from the campaign's sender (stored once per received email)."""
    thread = result.thread
    assert thread is not None
    cfg = mail_config()
    link = unsubscribe_link(cfg, campaign.org_id, mail.sender, campaign.id, thread.influencer_id)
    text, html = reply_bodies(result.outcome.reply.text, campaign, link)
    base = mail.subject or (thread.answered.subject if thread.answered else campaign.name)
    subject = base if base.lower().startswith("re:") else f"Re: {base}"
    references = mail.thread_ids()[::-1] or ([thread.answered.message_id] if thread.answered else [])
    return new_email_row(
        s, org_id=campaign.org_id, key=f"reply:{mail.message_id}", kind="reply", campaign=campaign,
        influencer_id=thread.influencer_id, to_addr=mail.sender, subject=subject[:500], body_text=text,
        body_html=html, negotiation_id=result.outcome.negotiation.id, in_reply_to=mail.message_id,
        references=[*references, mail.message_id][-20:])


def _answer(s: Session, mail: InboundMail) -> dict[str, Any]:
    result = process_inbound(s, mail, provider=llm_provider())
    summary = result.summary()
    thread = result.thread
    campaign = s.get(Campaign, thread.campaign_id) if thread and thread.campaign_id else None
    if result.outcome is not None and result.outcome.reply is not None and campaign is not None \
            and campaign.sender_email and not result.suppressed:
        row = _reply_row(s, mail, result, campaign)
        summary["reply_message_id"] = row.message_id
        if row.status == EmailStatus.PENDING:
            jobs.enqueue(send_email_task, row.id)
    return summary


@bp.post("/api/v1/email/inbound")
@answers({202: "no negotiation matches the reply (kept nowhere)", 401: "missing, stale or wrong X-Signature",
          503: "the database is unavailable; the provider retries"}, body=InboundIn)
def inbound_email() -> tuple[dict[str, Any], int]:
    """A reply from a creator, posted by the mail provider: routed into that creator's negotiation."""
    verify_signature()
    mail = parse_json_body(InboundIn).mail()
    session = db_session()
    try:
        result = _answer(session, mail)
    except IntegrityError:  # a concurrent delivery of the same email won the race: answer from its record
        session.rollback()
        result = _answer(session, mail)
    return result, 200 if result["matched"] else 202
