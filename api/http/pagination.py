"""Cursor pagination (README "Conventions"): `?limit=` (max 200) and `?cursor=` → {"items", "next_cursor"}.

The cursor is an opaque token holding the (created_at, id) of the last item returned, so pages stay stable
while rows are added.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, or_

from api.http.errors import ApiError


class PageQuery(BaseModel):
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: str | None = None


def encode_cursor(created_at: datetime, row_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, row_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(created), str(row_id)
    except (ValueError, TypeError) as exc:
        raise ApiError(422, "the cursor is not valid", code="validation_error",
                       fields={"query.cursor": "not a cursor returned by this API"}) from exc


def paginate(stmt: Select[Any], model: Any, page: PageQuery) -> Select[Any]:
    """Order by (created_at, id) and start after the cursor; fetches one extra row to know if more exist."""
    if page.cursor:
        created, row_id = decode_cursor(page.cursor)
        stmt = stmt.where(or_(model.created_at > created, and_(model.created_at == created, model.id > row_id)))
    return stmt.order_by(model.created_at, model.id).limit(page.limit + 1)


def page_response(rows: list[Any], page: PageQuery, render: Any) -> dict[str, Any]:
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None
    return {"items": [render(r) for r in rows], "next_cursor": next_cursor}
