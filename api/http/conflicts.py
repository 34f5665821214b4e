"""A unique-constraint violation a client's race caused, turned into 409 naming the field (never a 500).

Routes that are idempotent by nature catch the race themselves and answer like the winner; this is the
net under every other insert: the database constraint (SQLite or PostgreSQL) is matched back to its
table and columns, and the columns to the request fields a client sent.
"""

from __future__ import annotations

import re

from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from data.models import Base

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.,\s]+)")
# Columns that tie a row to its organization or parent: never what the client has to change.
_PLUMBING = {"org_id", "campaign_id", "negotiation_id", "id"}
# (table, column) → the request field a client knows it by.
FIELD_NAMES = {
    ("platform_accounts", "handle_key"): "platforms.handle",
    ("platform_accounts", "platform"): "platforms.platform",
    ("campaign_members", "influencer_id"): "influencer_ids",
    ("idempotency_records", "key"): "header.Idempotency-Key",
    ("idempotency_records", "endpoint"): "header.Idempotency-Key",
    ("suppressions", "email"): "email",
    ("negotiation_messages", "seq"): "text",
    ("negotiation_messages", "dedupe_key"): "text",
    ("compat_links", "key"): "conversationId",
    ("api_keys", "key_hash"): "key",
}


def _constraint_columns(name: str) -> tuple[str, list[str]] | None:
    for table in Base.metadata.tables.values():
        for item in [*table.constraints, *table.indexes]:
            unique = isinstance(item, UniqueConstraint) or (isinstance(item, Index) and item.unique)
            if unique and item.name == name:
                return table.name, [c.name for c in item.columns]
            if item.name == name and getattr(item, "columns", None) is not None and name.startswith("pk_"):
                return table.name, [c.name for c in item.columns]
    return None


def violated_columns(exc: IntegrityError) -> tuple[str, list[str]] | None:
    """(table, columns) of the unique constraint `exc` reports, or None when it is not a unique violation."""
    text = str(exc.orig)
    match = _SQLITE_UNIQUE.search(text)
    if match:
        pairs = [p.strip().split(".", 1) for p in match.group(1).split(",") if "." in p]
        if pairs:
            return pairs[0][0], [column for _, column in pairs]
    diag = getattr(exc.orig, "diag", None)
    if getattr(exc.orig, "sqlstate", None) == "23505" and diag is not None and diag.constraint_name:
        return _constraint_columns(diag.constraint_name) or (diag.table_name or "", [])
    return None


def conflict_fields(exc: IntegrityError) -> dict[str, str] | None:
    """Request fields → why, for a unique violation; None for other integrity errors (foreign keys, nulls)."""
    found = violated_columns(exc)
    if found is None:
        return None
    table, columns = found
    fields: dict[str, str] = {}
    for column in columns:
        if column in _PLUMBING:
            continue
        name = FIELD_NAMES.get((table, column), column)
        fields.setdefault(name, "already in use (a simultaneous request may have just taken it)")
    return fields or {table: "already exists"}
