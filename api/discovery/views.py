"""Discovery (README "Discovery"): plain-language search with conversational refinement, and parse-only."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.llm import get_provider
from agent.query.schema import ParsedQuery
from agent.query.service import parse_query
from api.http.auth import current_org_id, require_role
from api.http.errors import ApiError, not_found
from api.http.extensions import db_session
from api.http.openapi import answers
from api.http.validation import validated
from data.influencers import eager_options
from data.models import Influencer, SearchSession
from data.serialize import influencer_to_dict
from retrieval.search import SearchOutcome, search
from retrieval.snapshot import SnapshotUnavailable

bp = Blueprint("search", __name__, url_prefix="/api/v1/search")

SEARCH_ROLES = ("marketer", "manager")
QueryText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


Constraint = Literal[tuple(name for name in ParsedQuery.model_fields if name != "sort")]  # type: ignore[valid-type]


class SearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: QueryText | None = None
    session_id: str | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 20
    remove: Annotated[list[Constraint], Field(max_length=20)] = Field(default_factory=list)
    """Constraints of the session's previous query to drop before the follow-up (the web app's chips)."""

    @model_validator(mode="after")
    def _something_to_do(self) -> SearchIn:
        if self.query is None and not (self.remove and self.session_id):
            raise ValueError("give a query (or, with a session_id, constraints to remove)")
        return self


class ParseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: QueryText


def parsed_json(parsed: ParsedQuery) -> dict[str, Any]:
    return parsed.model_dump(mode="json")


def results_json(session: Session, org_id: str, outcome: SearchOutcome) -> list[dict[str, Any]]:
    """Search hits as `{"influencer", "score", "reasons"}`, in rank order."""
    ids = [hit.influencer_id for hit in outcome.results]
    rows = {inf.id: inf for inf in session.scalars(
        select(Influencer).where(Influencer.org_id == org_id, Influencer.id.in_(ids)).options(*eager_options()))}
    return [{"influencer": influencer_to_dict(rows[hit.influencer_id]), "score": hit.score, "reasons": hit.reasons}
            for hit in outcome.results if hit.influencer_id in rows]


def run_search(org_id: str, text: str | None, session_id: str | None, limit: int,
               remove: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Parse (or refine the session's previous query, less the `remove`d constraints), rank, and remember the
    query in the session."""
    session = db_session()
    previous = None
    search_session = None
    if session_id:
        search_session = session.scalar(
            select(SearchSession).where(SearchSession.id == session_id, SearchSession.org_id == org_id))
        if search_session is None:
            raise not_found("search session")
        previous = ParsedQuery.model_validate(search_session.parsed)
        if remove:
            defaults = ParsedQuery()
            previous = previous.model_copy(update={name: getattr(defaults, name) for name in remove})
    if text is None and previous is not None:
        parsed, source = previous, "session"
    else:
        parsed, source = parse_query(text or "", get_provider(), previous=previous)
    try:
        outcome = search(session, org_id, parsed, limit=limit, query_text=text)
    except SnapshotUnavailable:
        # Only before the first snapshot exists: afterwards a store problem serves the last one (logged).
        raise ApiError(503, "search is unavailable for a moment; retry shortly", code="unavailable") from None
    results = results_json(session, org_id, outcome)
    if search_session is None:
        search_session = SearchSession(org_id=org_id)
        session.add(search_session)
    search_session.parsed = parsed_json(parsed)
    asked = {"text": text, "parsed_by": source, **({"removed": list(remove)} if remove else {})}
    search_session.queries = [*(search_session.queries or []), asked]
    session.commit()
    return {"session_id": search_session.id, "parsed": parsed_json(parsed), "parsed_by": source,
            "results": results, "total_matches": outcome.total_matches}


@bp.post("")
@require_role(*SEARCH_ROLES)
@answers({404: "the search session to refine is not found"})
@validated(body=SearchIn)
def search_route(body: SearchIn) -> dict[str, Any]:
    """Find creators from a plain-language query; pass the returned session_id to refine it."""
    return run_search(current_org_id(), body.query, body.session_id, body.limit, body.remove)


@bp.post("/parse")
@require_role(*SEARCH_ROLES)
@validated(body=ParseIn)
def parse_route(body: ParseIn) -> dict[str, Any]:
    """How a query is understood, without searching."""
    parsed, source = parse_query(body.query, get_provider())
    return {"parsed": parsed_json(parsed), "parsed_by": source}
