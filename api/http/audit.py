"""Who changed what: one audit row per write, in the same transaction as the write."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.http.auth import current
from data.models import AuditLog


def audit(session: Session, action: str, entity_type: str, entity_id: str | None, changes: Any = None) -> None:
    principal = current()
    session.add(
        AuditLog(
            org_id=principal.org_id,
            api_key_id=principal.key_id,
            actor=principal.actor,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            changes=changes,
        )
    )
