"""What a list of negotiations shows beside each one (GET /api/v1/negotiations): the latest offer of each side,
the ceiling, the creator's name and the deal probability before the latest, read for the whole page in three
queries. The managers' inbox shows them for every row; one detail request per row made it slow under load."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import DealProbabilityPoint, Influencer, Negotiation, Offer
from data.types import optional_money_json


def page_extras(session: Session, rows: Sequence[Negotiation]) -> dict[str, dict[str, Any]]:
    """Per negotiation id: `latest_offer_usd` (ours), `latest_ask_usd` (the creator's), `max_usd`,
    `influencer_name` and `previous_deal_probability` (the value before the current one, for a trend)."""
    ids = [n.id for n in rows]
    latest: dict[tuple[str, str], Any] = {}
    for negotiation_id, role, amount in session.execute(
            select(Offer.negotiation_id, Offer.role, Offer.amount_usd).where(Offer.negotiation_id.in_(ids))
            .order_by(Offer.negotiation_id, Offer.seq)):
        latest[negotiation_id, role] = amount
    history: dict[str, list[float]] = {}
    for negotiation_id, value in session.execute(
            select(DealProbabilityPoint.negotiation_id, DealProbabilityPoint.value)
            .where(DealProbabilityPoint.negotiation_id.in_(ids))
            .order_by(DealProbabilityPoint.negotiation_id, DealProbabilityPoint.seq)):
        history.setdefault(negotiation_id, []).append(value)
    creators = {n.influencer_id for n in rows if n.influencer_id}
    orgs = {n.org_id for n in rows}  # the negotiations' own organization: a name never crosses tenants
    names = dict(session.execute(select(Influencer.id, Influencer.name).where(
        Influencer.id.in_(creators), Influencer.org_id.in_(orgs))).tuples().all()) if creators else {}

    return {n.id: {"latest_offer_usd": optional_money_json(latest.get((n.id, "agent"))),
                   "latest_ask_usd": optional_money_json(latest.get((n.id, "influencer"))),
                   "max_usd": optional_money_json(n.max_usd), "influencer_name": names.get(n.influencer_id or ""),
                   "previous_deal_probability": _before_last(history.get(n.id, []))}
            for n in rows}


def _before_last(values: list[float]) -> float | None:
    return values[-2] if len(values) >= 2 else None
