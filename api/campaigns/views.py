"""/api/v1/campaigns: CRUD and membership (README "Campaigns, outreach and follow-ups").

Marketers may prepare campaigns; managers run them.
"""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.http.audit import audit
from api.http.auth import current_org_id, require_role
from api.http.errors import ApiError, not_found
from api.http.extensions import db_session
from api.http.openapi import answers
from api.http.pagination import PageQuery, page_response, paginate
from api.http.validation import validated
from data.models import Campaign, CampaignMember, Influencer
from data.schemas import CampaignFields, CampaignIn, CampaignPatch
from data.serialize import campaign_to_dict, iso

bp = Blueprint("campaigns", __name__, url_prefix="/api/v1/campaigns")

EDIT_ROLES = ("manager", "marketer")
READ_ROLES = ("manager", "marketer", "evaluator")


class MembersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    influencer_ids: Annotated[list[str], Field(min_length=1, max_length=1000)]


def load_campaign(campaign_id: str) -> Campaign:
    campaign = db_session().scalar(
        select(Campaign).where(Campaign.id == campaign_id, Campaign.org_id == current_org_id())
    )
    if campaign is None:
        raise not_found("campaign")
    return campaign


def _apply(campaign: Campaign, body: CampaignFields, only_set: bool) -> None:
    data = body.model_dump(exclude_unset=only_set)
    sender = data.pop("sender", "absent")
    for key, value in data.items():
        if key in ("name", "brand") and value is None:
            raise ApiError(422, f"{key} cannot be removed", code="validation_error", fields={key: "cannot be null"})
        setattr(campaign, key, value if key != "deliverables" else list(value or []))
    if sender != "absent":
        sender = sender or {}
        campaign.sender_name = sender.get("name")
        campaign.sender_email = sender.get("email")
        campaign.sender_postal_address = sender.get("postal_address")


def _member_dict(m: CampaignMember) -> dict[str, Any]:
    return {"influencer_id": m.influencer_id, "status": m.status, "followups_sent": m.followups_sent,
            "last_error": m.last_error, "updated_at": iso(m.updated_at)}


@bp.get("")
@require_role(*READ_ROLES)
@validated(query=PageQuery)
def list_campaigns(query: PageQuery) -> dict[str, Any]:
    stmt = select(Campaign).where(Campaign.org_id == current_org_id())
    rows = list(db_session().scalars(paginate(stmt, Campaign, query)))
    return page_response(rows, query, campaign_to_dict)


@bp.post("")
@require_role(*EDIT_ROLES)
@validated(body=CampaignIn, status=201)
def create(body: CampaignIn) -> tuple[dict[str, Any], int]:
    session = db_session()
    campaign = Campaign(org_id=current_org_id(), name=body.name, brand=body.brand)
    _apply(campaign, body, only_set=False)
    session.add(campaign)
    session.flush()
    audit(session, "create", "campaign", campaign.id, {"name": campaign.name})
    session.commit()
    return campaign_to_dict(campaign), 201


@bp.get("/<campaign_id>")
@require_role(*READ_ROLES)
def get_one(campaign_id: str) -> dict[str, Any]:
    campaign = load_campaign(campaign_id)
    members = db_session().scalars(select(CampaignMember).where(CampaignMember.campaign_id == campaign.id))
    return {**campaign_to_dict(campaign), "members": [_member_dict(m) for m in members]}


@bp.patch("/<campaign_id>")
@require_role(*EDIT_ROLES)
@validated(body=CampaignPatch)
def patch(campaign_id: str, body: CampaignPatch) -> dict[str, Any]:
    campaign = load_campaign(campaign_id)
    _apply(campaign, body, only_set=True)
    session = db_session()
    audit(session, "update", "campaign", campaign.id, body.model_dump(mode="json", exclude_unset=True))
    session.commit()
    return campaign_to_dict(campaign)


@bp.delete("/<campaign_id>")
@require_role("manager")
@answers({409: "the campaign is launched and its outreach is running"})
def delete(campaign_id: str) -> tuple[str, int]:
    campaign = load_campaign(campaign_id)
    if campaign.status not in ("draft", "completed"):
        raise ApiError(409, "a launched campaign cannot be deleted while outreach is running")
    session = db_session()
    audit(session, "delete", "campaign", campaign.id, {"name": campaign.name})
    session.delete(campaign)
    session.commit()
    return "", 204


@bp.post("/<campaign_id>/influencers")
@require_role(*EDIT_ROLES)
@validated(body=MembersIn)
def add_members(campaign_id: str, body: MembersIn) -> dict[str, Any]:
    """Add creators to a campaign; ids already in it are left as they are.

    Idempotent by nature: a simultaneous request adding the same ids makes ours answer as if it came second.
    """
    try:
        return _add_members(campaign_id, body)
    except IntegrityError:
        db_session().rollback()
        return _add_members(campaign_id, body)


def _add_members(campaign_id: str, body: MembersIn) -> dict[str, Any]:
    campaign = load_campaign(campaign_id)
    session = db_session()
    wanted = list(dict.fromkeys(body.influencer_ids))
    found = set(session.scalars(
        select(Influencer.id).where(Influencer.org_id == current_org_id(), Influencer.id.in_(wanted))))
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ApiError(404, "some influencers were not found", code="not_found",
                       fields={f"influencer_ids.{wanted.index(i)}": "not found" for i in missing})
    present = set(session.scalars(select(CampaignMember.influencer_id).where(
        CampaignMember.campaign_id == campaign.id, CampaignMember.influencer_id.in_(wanted))))
    added = [i for i in wanted if i not in present]
    for influencer_id in added:
        session.add(CampaignMember(org_id=campaign.org_id, campaign_id=campaign.id, influencer_id=influencer_id))
    audit(session, "add_members", "campaign", campaign.id, {"added": added})
    session.commit()
    return {"added": added, "already_present": [i for i in wanted if i in present]}
