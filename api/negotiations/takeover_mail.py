"""A person's reply on an email negotiation goes to the creator like the agent's: threaded under the newest email
of the negotiation, from the campaign's sender, with the postal address and the unsubscribe link, sent once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.outreach.suppression import suppression_for
from api import jobs
from api.outreach.emails import new_email_row, reply_bodies
from api.outreach.mail_config import mail_config, unsubscribe_link
from api.outreach.sending import send_email_task
from data.models import Campaign, Influencer, Negotiation, NegotiationMessage, OutreachEmail


def email_person_reply(s: Session, neg: Negotiation, message: NegotiationMessage) -> str | None:
    """Queue the email (committed before it is sent); its Message-ID, or None when this negotiation is not
    emailed (another channel, no sender or address, or the address is suppressed)."""
    if neg.channel != "email" or not neg.campaign_id or not neg.influencer_id:
        return None
    campaign = s.get(Campaign, neg.campaign_id)
    creator = s.get(Influencer, neg.influencer_id)
    if campaign is None or creator is None or not campaign.sender_email or not creator.email:
        return None
    if suppression_for(s, neg.org_id, creator.email) is not None:
        return None
    last = s.scalar(select(OutreachEmail).where(OutreachEmail.negotiation_id == neg.id)
                    .order_by(OutreachEmail.created_at.desc()).limit(1))
    if last is None:  # the first email of a launch is stored before its negotiation exists
        last = s.scalar(select(OutreachEmail).where(OutreachEmail.campaign_id == campaign.id,
                                                    OutreachEmail.influencer_id == creator.id)
                        .order_by(OutreachEmail.created_at.desc()).limit(1))
    link = unsubscribe_link(mail_config(), campaign.org_id, creator.email, campaign.id, creator.id)
    text, html = reply_bodies(message.text, campaign, link)
    base = last.subject if last else campaign.name
    subject = base if base.lower().startswith("re:") else f"Re: {base}"
    references = [*(last.references or []), last.message_id][-20:] if last else []
    row = new_email_row(s, org_id=campaign.org_id, key=f"person:{message.id}", kind="reply", campaign=campaign,
                        influencer_id=creator.id, to_addr=creator.email, subject=subject[:500], body_text=text,
                        body_html=html, negotiation_id=neg.id, in_reply_to=last.message_id if last else None,
                        references=references)
    if row.status == "pending":
        jobs.enqueue(send_email_task, row.id)
    return row.message_id
