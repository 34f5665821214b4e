"""Search sessions that refinements build on, and the profile vectors every search process reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, TimestampMixin, new_id, utcnow


class SearchSession(TimestampMixin, Base):
    __tablename__ = "search_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    parsed: Mapped[dict[str, Any]] = mapped_column(default=dict)
    queries: Mapped[list[Any]] = mapped_column(default=list)


class ProfileVector(Base):
    """A profile's embedding, stored next to the profile: what every process's search snapshot reads.

    SQL is shared safely by any number of processes; an embedded Chroma folder is not (each process would
    see its own stale view of it). Chroma mirrors these rows (retrieval/mirror.py).
    """

    __tablename__ = "profile_vectors"

    influencer_id: Mapped[str] = mapped_column(ForeignKey("influencers.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian, unit length
    # The source row's updated_at (epoch seconds): a vector older than its row is stale.
    source_stamp: Mapped[float] = mapped_column(Float)
    # When this vector was written: the Chroma mirror copies what was written since it last looked.
    written_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
