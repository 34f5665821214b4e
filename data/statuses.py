"""Every status family the store records, one enum each, with the sets derived from them defined once.

They are `StrEnum`s, so a member compares equal to the string stored in its column and serializes as it.
"""

from __future__ import annotations

from enum import StrEnum


class NegotiationStatus(StrEnum):
    """A negotiation's `status` (README "Negotiations")."""

    OPEN = "open"
    AGREED = "agreed"
    DECLINED = "declined"
    ESCALATED = "escalated"
    EXPIRED = "expired"


CLOSED_NEGOTIATION: frozenset[NegotiationStatus] = frozenset(NegotiationStatus) - {NegotiationStatus.OPEN}
"""A closed negotiation takes no more messages (409) and stops follow-ups."""

OUTCOMES: tuple[NegotiationStatus, ...] = (NegotiationStatus.AGREED, NegotiationStatus.DECLINED,
                                           NegotiationStatus.EXPIRED)
"""Endings that say how a negotiation went (an escalation is handed to a person, not an outcome)."""


class MemberStatus(StrEnum):
    """Where outreach to one campaign member stands."""

    ADDED = "added"
    QUEUED = "queued"
    SENT = "sent"
    REPLIED = "replied"
    NEGOTIATING = "negotiating"
    AGREED = "agreed"
    DECLINED = "declined"
    BOUNCED = "bounced"
    UNSUBSCRIBED = "unsubscribed"
    FAILED = "failed"


PAST_INITIAL: frozenset[MemberStatus] = frozenset({
    MemberStatus.SENT, MemberStatus.REPLIED, MemberStatus.NEGOTIATING, MemberStatus.AGREED, MemberStatus.DECLINED,
    MemberStatus.BOUNCED, MemberStatus.UNSUBSCRIBED,
})
"""Past the initial email: a redelivered launch task leaves such a member alone."""

STOPPABLE: frozenset[MemberStatus] = frozenset({
    MemberStatus.ADDED, MemberStatus.QUEUED, MemberStatus.SENT, MemberStatus.REPLIED, MemberStatus.NEGOTIATING,
    MemberStatus.FAILED,
})
"""Members an unsubscribe or a bounce still changes (an agreed or declined one keeps its outcome)."""

RELAUNCHABLE: frozenset[MemberStatus] = frozenset({MemberStatus.ADDED, MemberStatus.FAILED})
"""Members a new launch queues again."""


class EmailStatus(StrEnum):
    """An outreach email row's `status`."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    RECEIVED = "received"


class JobStatus(StrEnum):
    """A background job's `status` (`GET /api/v1/jobs/{id}`)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CallStatus(StrEnum):
    """A voice call's `status` (README "Voice")."""

    QUEUED = "queued"
    DIALING = "dialing"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    NO_ANSWER = "no_answer"
    CANCELED = "canceled"


FINISHED_CALL: frozenset[CallStatus] = frozenset({
    CallStatus.COMPLETED, CallStatus.FAILED, CallStatus.NO_ANSWER, CallStatus.CANCELED,
})
