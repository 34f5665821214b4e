"""Names the legacy InfluAI routes use for our rows, claimed race-free.

The InfluAI frontend addresses a conversation by an id it may have made up itself (`crypto.randomUUID()`), and
fires its first call several times at once. A link row per name, unique per organization, turns "look it up,
else create it" into one insert that exactly one racing request wins; the others read the winner's row.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, TimestampMixin, new_id


class CompatLink(TimestampMixin, Base):
    """`key` is "<kind>:<name>": `conversation:<client id>` and `contact:<sha256 of campaign and creator>` point at
    a negotiation, `campaign:<sha256 of its name>` at a campaign (api/compat/links.py). `target_id` stays empty
    only inside the claiming transaction."""

    __tablename__ = "compat_links"
    __table_args__ = (UniqueConstraint("org_id", "key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    target_id: Mapped[str | None] = mapped_column(String(32))
