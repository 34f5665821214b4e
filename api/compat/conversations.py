"""What /negotiate, /negotiate-conversation and /end-conversation do, on our negotiations
(README "InfluAI compatibility").

- First contact opens (or reuses) the negotiation of one creator in one campaign, race-free (api/compat/links.py).
  Its opening email is drafted once from verified profile facts and kept with the negotiation, so every answer
  for that conversation (three racing first calls, a later reopened dialog) is built from the same stored rows.
- A conversation id we never issued (the frontend makes one with crypto.randomUUID() when /negotiate failed)
  is bound to the negotiation of the creator and deal in the same request, the first time it is seen.
- `userPrompt` is recorded in the audit log, never followed: the email is ours and the policy decides prices.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.negotiation import service
from agent.negotiation.policy import package
from agent.negotiation.state_machine import NegotiationState
from agent.outreach import UNSUBSCRIBE_PLACEHOLDER, draft_outreach, fill_unsubscribe
from agent.outreach.checks import SIGNATURE_DELIMITER
from agent.outreach.suppression import suppression_for
from api.compat.links import claim_new, find_link, link_key, reclaim, retrying
from api.compat.profiles import campaign_name, creator_key, find_or_create_campaign, find_or_create_creator, pricing
from api.compat.requests import CampaignDetails, InfluencerData, merged_deal
from api.http.errors import ApiError, not_found
from api.outreach.emails import llm_provider
from api.outreach.mail_config import mail_config, unsubscribe_link
from data.models import AuditLog, Campaign, Influencer, Negotiation
from data.serialize import campaign_to_dict, influencer_to_dict
from data.types import optional_money_json as _money

ACTOR = "influai-compat"
EMAIL_ACTION = "compat_opening_email"
NO_EMAIL_OPT_OUT = 'To stop hearing from us, reply "unsubscribe".'


def deal_of(data: InfluencerData, details: CampaignDetails | None) -> dict[str, Any]:
    deal, problems = merged_deal(details, data.dealDetails)
    if problems:
        raise ApiError(422, "the deal details are not valid", fields=problems)
    return deal


def _log(session: Session, org_id: str, action: str, entity_id: str | None, changes: dict[str, Any]) -> None:
    session.add(AuditLog(org_id=org_id, api_key_id=None, actor=ACTOR, action=action, entity_type="negotiation",
                         entity_id=entity_id, changes=changes))


# ---------------------------------------------------------------- first contact


def _open_negotiation(session: Session, org_id: str, inf: Influencer, campaign: Campaign,
                      deal: dict[str, Any]) -> Negotiation:
    neg = session.scalar(select(Negotiation).where(
        Negotiation.org_id == org_id, Negotiation.campaign_id == campaign.id, Negotiation.influencer_id == inf.id,
        Negotiation.status == "open").order_by(Negotiation.created_at.desc()).limit(1))
    if neg is not None:
        return neg
    deliverables = list(campaign.deliverables)
    target, ceiling = pricing(inf, deliverables, deal.get("usage_rights"), deal.get("budget")
                              or campaign.budget_total_usd)
    try:
        return service.start(session, org_id=org_id, campaign=campaign, influencer=inf, channel="chat",
                             target_usd=target, max_usd=ceiling, deliverables=deliverables,
                             usage_rights=deal.get("usage_rights"), provider=llm_provider())
    except ValueError as exc:
        raise ApiError(422, str(exc), fields={"influencerData.dealDetails": str(exc)}) from None


def _opening_email(session: Session, neg: Negotiation, inf: Influencer, campaign: Campaign) -> dict[str, Any]:
    """The email opening this negotiation: stored once, then always the stored one."""
    stored = session.scalar(select(AuditLog).where(AuditLog.org_id == neg.org_id, AuditLog.action == EMAIL_ACTION,
                                                   AuditLog.entity_id == neg.id).order_by(AuditLog.at).limit(1))
    if stored is not None and stored.changes:
        return stored.changes
    made = draft_outreach(influencer_to_dict(inf), campaign_to_dict(campaign), kind="initial", provider=llm_provider())
    body = made.body_text
    if inf.email:
        body = fill_unsubscribe(made, unsubscribe_link(mail_config(), neg.org_id, inf.email, campaign.id,
                                                       inf.id)).body_text
    else:  # nobody to send a link to: the creator answers in this chat, where "unsubscribe" closes it
        body = "\n".join(NO_EMAIL_OPT_OUT if UNSUBSCRIBE_PLACEHOLDER in line else line for line in body.splitlines())
    main, _sep, footer = body.partition(SIGNATURE_DELIMITER)  # no postal address: no dangling "Brand, "
    footer = "\n".join(line.rstrip().removesuffix(",") for line in footer.splitlines())
    body = f"{main}{_sep}{footer}".strip()
    email = {"subject": made.subject, "body": body, "facts": [f.to_dict() for f in made.facts]}
    _log(session, neg.org_id, EMAIL_ACTION, neg.id, email)
    session.flush()
    return email


def open_contact(session: Session, org_id: str, data: InfluencerData, deal: dict[str, Any],
                 user_prompt: str) -> str:
    """The id of the open negotiation with this creator for this deal, created by exactly one racing request."""
    name, _brand = campaign_name(session, org_id, deal)
    key = link_key("contact", name.lower(), creator_key(data))

    def attempt() -> str:
        link = find_link(session, org_id, key)
        if link is not None and link.target_id:
            neg = session.get(Negotiation, link.target_id)
            if neg is not None and neg.org_id == org_id and neg.status == "open":
                _log(session, org_id, "negotiate", neg.id, {"userPrompt": user_prompt[:1000]})
                session.commit()
                return neg.id
        link = claim_new(session, org_id, key) if link is None else reclaim(session, link)
        inf = find_or_create_creator(session, org_id, data)
        if inf.email and suppression_for(session, org_id, inf.email) is not None:
            raise ApiError(409, f"{inf.name} asked not to be contacted again (or their address bounced)")
        campaign = find_or_create_campaign(session, org_id, deal)
        neg = _open_negotiation(session, org_id, inf, campaign, deal)
        _opening_email(session, neg, inf, campaign)
        _log(session, org_id, "negotiate", neg.id, {"userPrompt": user_prompt[:1000]})
        link.target_id = neg.id
        session.commit()
        return neg.id

    return retrying(session, attempt, "the first contact with this creator")



def negotiate_response(session: Session, neg_id: str) -> dict[str, Any]:
    """The /negotiate answer, built from stored rows only (so racing first calls answer alike)."""
    neg = session.get(Negotiation, neg_id)
    session.refresh(neg)
    inf = session.get(Influencer, neg.influencer_id)
    campaign = session.get(Campaign, neg.campaign_id)
    email = _opening_email(session, neg, inf, campaign)
    session.commit()
    state = NegotiationState.from_dict(neg.state)
    anchor = package(state, list(state.deliverables), state.usage_rights).anchor
    facts = email.get("facts") or []
    return {
        "subject": email["subject"],
        "body": email["body"],
        "conversationId": neg.id,
        "negotiationStrategy": {
            "openingOffer": _money(anchor),
            "targetBudget": _money(neg.target_usd),
            "maxBudget": _money(neg.max_usd),
            "keySellingPoints": [f["value"] for f in facts if f["field"] != "name"][:5],
            "expectedDeliverables": list(neg.deliverables or []),
            "timeline": campaign.timeline or "",
        },
        "personalizedElements": [f"{f['field']}: {f['value']}" for f in facts],
    }


# ---------------------------------------------------------------- conversations


def resolve(session: Session, org_id: str, conversation_id: str, data: InfluencerData | None = None,
            details: CampaignDetails | None = None) -> Negotiation:
    """Our negotiation for this id: one we issued, one bound to a client-made id, or (given the creator) a new
    binding. Another organization's ids are unknown here."""
    neg = session.scalar(select(Negotiation).where(Negotiation.id == conversation_id, Negotiation.org_id == org_id))
    if neg is not None:
        return neg
    key = f"conversation:{conversation_id}"
    link = find_link(session, org_id, key)
    if link is not None and link.target_id and (neg := session.get(Negotiation, link.target_id)):
        return neg
    if data is None:
        raise not_found("conversation")
    neg_id = open_contact(session, org_id, data, deal_of(data, details), "")

    def bind() -> str:
        found = find_link(session, org_id, key)
        if found is not None and found.target_id:
            session.commit()
            return found.target_id
        found = found or claim_new(session, org_id, key)
        found.target_id = neg_id
        _log(session, org_id, "bind_conversation", neg_id, {"conversationId": conversation_id})
        session.commit()
        return neg_id

    return session.get(Negotiation, retrying(session, bind, "this new conversation"))


_STATUS = {"open": "in_progress", "agreed": "agreed", "escalated": "escalated", "expired": "ended"}
_NEXT_STEPS = {
    "accept": ["Send the contract", "Confirm the deliverables and timeline"],
    "counter": ["Wait for the creator's answer to the offer"],
    "ask": ["Wait for the creator's answer"],
    "reject": ["We ended the negotiation: the creator's price stayed above our budget"],
    "close": ["The creator asked not to be contacted again: close the conversation"],
    "escalate": ["A person from the team takes over"],
}


def status_of(neg: Negotiation) -> str:
    """Our status in the frontend's words; a `declined` says who ended it: the creator (`declined`, they asked to
    stop) or we (`no_deal`, the policy walked away)."""
    if neg.status != "declined":
        return _STATUS.get(neg.status, neg.status)
    last = next((m.action for m in reversed(neg.messages) if m.role == "agent" and m.action), None)
    return "no_deal" if last == "reject" else "declined"


def current_offer(neg: Negotiation) -> int | float | None:
    """The agreed price, else our latest offer (never the creator's ask)."""
    if neg.agreed_price_usd is not None:
        return _money(neg.agreed_price_usd)
    ours = [o for o in neg.offers if o.role == "agent"]
    return _money(ours[-1].amount_usd) if ours else None


def _sentiment(value: float) -> str:
    return "positive" if value > 0.2 else "negative" if value < -0.2 else "neutral"


def take_message(session: Session, org_id: str, neg_id: str, text: str, dedupe_key: str | None) -> dict[str, Any]:
    def attempt() -> Any:
        neg = service.lock(session, org_id, neg_id)
        if neg is None:
            raise not_found("conversation")
        try:
            outcome = service.take_message(session, neg, text, channel="chat", dedupe_key=dedupe_key,
                                           provider=llm_provider())
        except service.NegotiationClosed:
            raise ApiError(409, f"this conversation has ended ({status_of(neg)}); it takes no more messages") \
                from None
        session.commit()
        return outcome

    outcome = retrying(session, attempt, "this message")
    neg = outcome.negotiation
    session.refresh(neg, ["offers", "messages"])
    return {
        "response": outcome.reply.text,
        "negotiationStatus": status_of(neg),
        "currentOffer": current_offer(neg),
        "nextSteps": _NEXT_STEPS.get(outcome.reply.action or "", ["Wait for the creator's reply"]),
        "sentiment": _sentiment(outcome.sentiment),
        "dealProbability": neg.deal_probability,
    }
