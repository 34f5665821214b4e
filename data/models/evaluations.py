"""What evaluators store: labels on single turns of a negotiation, and replays run as jobs (README "Evaluation")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, new_id, utcnow


class TurnAnnotation(Base):
    """One evaluator's label on one turn (the message's 1-based position in the transcript)."""

    __tablename__ = "turn_annotations"
    __table_args__ = (Index("ix_turn_annotations_negotiation_turn", "negotiation_id", "turn"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("negotiations.id", ondelete="CASCADE"))
    turn: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(10))  # good | bad | unsure
    note: Mapped[str | None] = mapped_column(Text)
    api_key_id: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Replay(Base):
    """A replay run as a job: what was asked (negotiation ids or an uploaded transcript, policy overrides) and,
    once done, the report (the same JSON as `python -m evals replay --format json`)."""

    __tablename__ = "replays"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
