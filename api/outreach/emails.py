"""The stored outgoing emails of a campaign: their keys, their rows (committed before any send) and the
drafts behind them (initial email, agent replies)."""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.outreach import check_draft, draft_outreach, fill_unsubscribe
from agent.outreach.mailer import make_message_id
from api.outreach.mail_config import MailConfig, unsubscribe_link
from data.models import Campaign, Influencer, OutreachEmail, utcnow
from data.serialize import campaign_to_dict, influencer_to_dict


def email_key(campaign_id: str, influencer_id: str, kind: str) -> str:
    return f"{campaign_id}:{influencer_id}:{kind}"


def llm_provider() -> Any:
    from agent.llm import get_provider

    return get_provider()


def draft_seed(influencer_id: str) -> int:
    return int(influencer_id[:8], 16) if influencer_id[:8].isalnum() else sum(map(ord, influencer_id))


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
        row.status, row.attempts, row.claimed_at = "sending", 1, utcnow()  # the lease (see api.outreach.sending)
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


def initial_email(s: Session, campaign: Campaign, inf: Influencer,
                  cfg: MailConfig) -> tuple[OutreachEmail, bool] | str:
    """(the stored initial email, whether this call created and claimed it), drafted and checked on first use;
    a string is why it can't be sent."""
    key = email_key(campaign.id, inf.id, "initial")
    existing = s.scalar(select(OutreachEmail).where(OutreachEmail.idempotency_key == key))
    if existing is not None:
        return existing, False
    profile, campaign_dict = influencer_to_dict(inf), campaign_to_dict(campaign)
    link = unsubscribe_link(cfg, campaign.org_id, inf.email or "", campaign.id, inf.id)
    draft = fill_unsubscribe(draft_outreach(profile, campaign_dict, kind="initial", provider=llm_provider(),
                                            seed=draft_seed(inf.id)), link)
    problems = check_draft(draft, profile, campaign_dict)
    if problems:
        return "the draft failed its checks: " + "; ".join(problems[:5])
    row = new_email_row(s, org_id=campaign.org_id, key=key, kind="initial", campaign=campaign,
                        influencer_id=inf.id, to_addr=inf.email or "", subject=draft.subject,
                        body_text=draft.body_text, body_html=draft.body_html,
                        subject_variant=draft.subject_variants.index(draft.subject), claim=True)
    return row, created_here(s, row)


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
