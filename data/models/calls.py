"""Voice calls: one row per call placed (or scheduled) for a negotiation, with its transcript once it ended.

Status machine (`data.statuses.CallStatus`):

    queued ──► dialing ──► in_progress ──► completed
      ▲  │        │              │
      │  │        ├──► failed / no_answer ──► (queued again for a retry while attempts < max_attempts)
      │  └──► canceled (opted out, negotiation closed, no phone)
      └── scheduled: `not_before` is set when the creator's local time is outside calling hours

`conversation_id` is the provider's id (unique); `transcript_received_at` marks the post-call transcript as
stored, so a redelivered webhook changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, TimestampMixin, new_id


class Call(TimestampMixin, Base):
    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_org_negotiation", "org_id", "negotiation_id", "created_at"),
        Index("ix_calls_status_not_before", "status", "not_before"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("negotiations.id", ondelete="CASCADE"), index=True)
    influencer_id: Mapped[str | None] = mapped_column(ForeignKey("influencers.id", ondelete="SET NULL"))
    provider: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # data.statuses.CallStatus
    to_number: Mapped[str | None] = mapped_column(String(20))
    conversation_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    provider_call_id: Mapped[str | None] = mapped_column(String(200))
    persona: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    not_before: Mapped[datetime | None]
    """Not dialed before this moment (calling hours, retry backoff)."""
    dialing_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    duration_s: Mapped[int | None] = mapped_column(Integer)
    transcript: Mapped[list[Any]] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    transcript_received_at: Mapped[datetime | None]
