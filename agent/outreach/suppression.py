"""The organization's do-not-email list: an unsubscribed or bounced address is never emailed again, and
recording one stops every campaign's outreach to it. Voice calls share it as the do-not-call list."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.models import CampaignMember, Influencer, Suppression
from data.statuses import STOPPABLE, MemberStatus


def normalize_email(address: str) -> str:
    return address.strip().lower()


def suppression_for(s: Session, org_id: str, email: str) -> Suppression | None:
    return s.scalar(select(Suppression).where(Suppression.org_id == org_id,
                                              Suppression.email == normalize_email(email)))


def member_status_for(reason: str) -> MemberStatus:
    return MemberStatus.BOUNCED if reason == "bounce" else MemberStatus.UNSUBSCRIBED


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
               CampaignMember.status.in_(STOPPABLE)))
    count = 0
    for member in members:
        member.status, member.next_followup_at = status, None
        count += 1
    return count

