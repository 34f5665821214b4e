"""Search sessions that refinements build on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, TimestampMixin, new_id


class SearchSession(TimestampMixin, Base):
    __tablename__ = "search_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    parsed: Mapped[dict[str, Any]] = mapped_column(default=dict)
    queries: Mapped[list[Any]] = mapped_column(default=list)
