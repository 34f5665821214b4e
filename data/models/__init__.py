"""SQLAlchemy 2.0 typed models: the single source of truth for every stored fact.

Every tenant-owned row carries `org_id`; queries always filter by it. Money columns are Numeric
(Decimal in Python). JSON columns hold small lists and documents that are read whole. One module per
area; this package exports every model so `data.models.X` is the one name to import.
"""

from data.models.base import NAMING, Base, Money, TimestampMixin, UTCDateTime, new_id, utcnow
from data.models.calls import Call
from data.models.campaigns import Campaign, CampaignMember, OutreachEmail, Suppression
from data.models.compat import CompatLink
from data.models.discovery import ProfileVector, SearchSession
from data.models.evaluations import Replay, TurnAnnotation
from data.models.influencers import AudienceProfile, Influencer, InfluencerRate, PlatformAccount, RecentPost
from data.models.jobs import AuditLog, IdempotencyRecord, Job, JobPayload
from data.models.negotiations import DealProbabilityPoint, Negotiation, NegotiationMessage, Offer
from data.models.orgs import ApiKey, Organization

__all__ = [
    "NAMING", "ApiKey", "AudienceProfile", "AuditLog", "Base", "Call", "Campaign", "CampaignMember", "CompatLink",
    "DealProbabilityPoint",
    "IdempotencyRecord", "Influencer", "InfluencerRate", "Job", "JobPayload", "Money", "Negotiation",
    "NegotiationMessage", "Offer", "Organization", "OutreachEmail", "PlatformAccount", "ProfileVector", "RecentPost",
    "Replay", "SearchSession", "Suppression", "TimestampMixin", "TurnAnnotation", "UTCDateTime", "new_id", "utcnow",
]
