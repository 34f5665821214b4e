"""A creator's emailed reply: which thread it answers, what it means, and what it does to the campaign member.

No Flask here: the inbound route (README "Outreach") verifies the provider's signature, validates the body and
calls `process_inbound`; it then sends the agent's answer, if there is one, as a threaded reply. Matching
prefers the thread headers (In-Reply-To, then References newest first) against the Message-IDs of emails we
sent; without them, the sender's address picks their one open negotiation, and when several organizations
negotiate with that address, the recipient address (a campaign's sender) says which one was written to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.llm import LLMProvider
from agent.outreach.suppression import suppress, suppression_for
from data.models import Campaign, CampaignMember, Influencer, Negotiation, OutreachEmail
from data.statuses import STOPPABLE, EmailStatus, MemberStatus, NegotiationStatus

CLASSIFICATION = {
    "accept": "interested", "accept_with_condition": "interested", "counter": "interested", "greet": "interested",
    "reject": "not_interested", "inquire": "needs_info", "off_topic": "needs_info", "delay": "out_of_office",
    "out_of_office": "out_of_office", "stop": "unsubscribe",
}
"""A reply's classification (the inbound route's `classification`) from the understood dialogue act."""

MEMBER_BY_NEGOTIATION = {
    NegotiationStatus.OPEN: MemberStatus.NEGOTIATING, NegotiationStatus.ESCALATED: MemberStatus.NEGOTIATING,
    NegotiationStatus.AGREED: MemberStatus.AGREED, NegotiationStatus.DECLINED: MemberStatus.DECLINED,
    NegotiationStatus.EXPIRED: MemberStatus.DECLINED,
}


@dataclass(frozen=True)
class InboundMail:
    """One received email, as the mail provider reported it (addresses already lower-cased)."""

    sender: str
    text: str
    message_id: str
    to: str = ""
    subject: str = ""
    in_reply_to: str | None = None
    references: Sequence[str] = field(default_factory=tuple)

    def thread_ids(self) -> list[str]:
        """Message-IDs this email answers, most specific first (In-Reply-To, then References newest first), each once
        (clients usually list the In-Reply-To id last in References too)."""
        ids = [self.in_reply_to, *reversed(self.references)] if self.in_reply_to else list(reversed(self.references))
        return list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))


@dataclass(frozen=True)
class Thread:
    """Where a reply belongs."""

    org_id: str
    campaign_id: str | None
    influencer_id: str | None
    negotiation: Negotiation | None
    answered: OutreachEmail | None
    """Our email it answers, when the thread headers name one."""


@dataclass
class InboundResult:
    """What processing one reply did; `outcome` is the negotiation turn (None when no open negotiation took it)."""

    matched: bool
    thread: Thread | None = None
    classification: str | None = None
    outcome: Any = None
    suppressed: bool = False

    def summary(self) -> dict[str, Any]:
        neg = self.thread.negotiation if self.thread else None
        if not self.matched:
            return {"matched": False}
        return {"matched": True, "negotiation_id": neg.id if neg else None, "classification": self.classification,
                "reply_message_id": None, "replayed": bool(self.outcome and self.outcome.replayed)}


def latest_negotiation(s: Session, campaign_id: str, influencer_id: str) -> Negotiation | None:
    """The newest negotiation with this creator in this campaign."""
    return s.scalar(select(Negotiation).where(Negotiation.campaign_id == campaign_id,
                                              Negotiation.influencer_id == influencer_id)
                    .order_by(Negotiation.created_at.desc()).limit(1))


def match_thread(s: Session, mail: InboundMail) -> Thread | None:
    """The thread a reply belongs to (see the module docstring), or None when it cannot be told."""
    ids = mail.thread_ids()
    if ids:
        ours = list(s.scalars(select(OutreachEmail).where(OutreachEmail.message_id.in_(ids),
                                                          OutreachEmail.direction == "out")))
        if ours:
            ours.sort(key=lambda e: ids.index(e.message_id))
            row = ours[0]
            neg = s.get(Negotiation, row.negotiation_id) if row.negotiation_id else None
            if neg is None and row.campaign_id and row.influencer_id:
                neg = latest_negotiation(s, row.campaign_id, row.influencer_id)
            return Thread(row.org_id, row.campaign_id, row.influencer_id, neg, row)
    candidates = list(s.scalars(
        select(Negotiation).join(Influencer, Influencer.id == Negotiation.influencer_id)
        .where(func.lower(Influencer.email) == mail.sender, Negotiation.status == NegotiationStatus.OPEN)
        .order_by(Negotiation.updated_at.desc())))
    to_addrs = _addresses(mail.to)
    if len({n.org_id for n in candidates}) > 1 and to_addrs:  # which organization was written to
        orgs = set(s.scalars(select(Campaign.org_id).where(func.lower(Campaign.sender_email).in_(to_addrs))))
        candidates = [n for n in candidates if n.org_id in orgs]
    if not candidates or len({n.org_id for n in candidates}) != 1:
        return None
    neg = candidates[0]
    return Thread(neg.org_id, neg.campaign_id, neg.influencer_id, neg, None)


def _addresses(header: str) -> set[str]:
    from email.utils import getaddresses

    return {a.lower() for _, a in getaddresses([header]) if a}


def store_inbound(s: Session, mail: InboundMail, thread: Thread) -> None:
    """Keep the received email once (a redelivery of the same Message-ID is not stored again)."""
    key = f"in:{mail.message_id}"
    if s.scalar(select(OutreachEmail.id).where(OutreachEmail.idempotency_key == key)) is not None:
        return
    s.add(OutreachEmail(org_id=thread.org_id, campaign_id=thread.campaign_id, influencer_id=thread.influencer_id,
                        negotiation_id=thread.negotiation.id if thread.negotiation else None, idempotency_key=key,
                        kind="reply", direction="in", to_addr=mail.to[:320], from_addr=mail.sender[:320],
                        subject=mail.subject[:500], body_text=mail.text, message_id=mail.message_id,
                        in_reply_to=mail.in_reply_to, references=mail.thread_ids()[::-1],
                        status=EmailStatus.RECEIVED))
    try:
        s.commit()
    except IntegrityError:  # a concurrent delivery stored it (or the id clashes): the turn itself is deduped
        s.rollback()


def classify_and_answer(s: Session, mail: InboundMail, thread: Thread,
                        provider: LLMProvider | None) -> tuple[str, Any]:
    """(classification, negotiation turn) — the turn is None when no open negotiation takes the message."""
    from agent.negotiation import service
    from agent.negotiation.understanding import understand

    neg = thread.negotiation
    if neg is not None:
        locked = service.lock(s, thread.org_id, neg.id)
        try:
            outcome = service.take_message(s, locked, mail.text, channel="email",  # type: ignore[arg-type]
                                           dedupe_key=mail.message_id, provider=provider)
            return CLASSIFICATION.get(str((outcome.understood or {}).get("intent")), "needs_info"), outcome
        except service.NegotiationClosed:
            pass
    return CLASSIFICATION.get(understand(mail.text).intent.value, "needs_info"), None


def update_member(member: CampaignMember, classification: str, negotiation: Negotiation | None) -> None:
    """A reply stops the member's follow-ups and moves their status on (a bounce or unsubscribe stays); asking to
    unsubscribe changes only a member still in progress, as suppressing the address does (an outcome is kept)."""
    member.next_followup_at = None
    if classification == "unsubscribe":
        if member.status in STOPPABLE:
            member.status = MemberStatus.UNSUBSCRIBED
    elif member.status not in (MemberStatus.BOUNCED, MemberStatus.UNSUBSCRIBED):
        member.status = MEMBER_BY_NEGOTIATION.get(negotiation.status, MemberStatus.REPLIED) if negotiation \
            else MemberStatus.REPLIED


def process_inbound(s: Session, mail: InboundMail, provider: LLMProvider | None = None) -> InboundResult:
    """Match, store and understand one reply, run its negotiation turn and update the member; committed."""
    thread = match_thread(s, mail)
    if thread is None:
        return InboundResult(matched=False)
    store_inbound(s, mail, thread)
    classification, outcome = classify_and_answer(s, mail, thread, provider)
    if thread.campaign_id and thread.influencer_id:
        member = s.scalar(select(CampaignMember).where(CampaignMember.campaign_id == thread.campaign_id,
                                                       CampaignMember.influencer_id == thread.influencer_id))
        if member is not None:
            update_member(member, classification, thread.negotiation)
    if classification == "unsubscribe":
        suppress(s, thread.org_id, mail.sender, "unsubscribe")
    s.commit()
    suppressed = suppression_for(s, thread.org_id, mail.sender) is not None
    return InboundResult(True, thread, classification, outcome, suppressed)
