"""InfluAI seed compatibility (README "InfluAI compatibility"): the legacy unauthenticated routes, acting for
one organization.

Active only when INFLUAI_COMPAT_ORG names an organization (its name or id); otherwise every route is 404.
Browsers may call them from the origins in INFLUAI_COMPAT_ORIGINS (comma-separated; "*" allows any).

Rules of the mapping:
- `influencerData` is upserted by (platform, handle); without a handle one is made from the email's local
  part or the name. `rate_inr` is converted with data.fx (or `rate_usd` is taken as is) into the post rate.
- `campaignDetails` is found by name (default "<brand>: <product>" or the brand) in the organization, else
  created. `budget` is USD; `budget_inr` is converted.
- Pricing: max_usd = the lower of the budget and 1.25 × the creator's rate (whichever is known);
  target_usd = 80 % of max_usd. One of the two must be given. An open negotiation for the same campaign and
  creator is reused (conversationId stays the same), so a repeated /negotiate starts nothing new.
- `userPrompt` is recorded in the audit log, never followed: emails come from verified profile facts.
- /end-conversation ends an open negotiation as `expired` (ended without a deal by our side; `declined` is
  kept for a creator's no). A negotiation that already ended keeps its status.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from flask import Blueprint, Response, request
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import or_, select

from agent.negotiation import service
from agent.negotiation.state_machine import Event, InvalidTransition, NegotiationState
from agent.outreach import draft_outreach, fill_unsubscribe
from api.http.errors import ApiError, fields_from_validation, not_found
from api.http.extensions import current_settings, db_session
from api.http.validation import parse_json_body
from api.outreach.emails import llm_provider
from api.outreach.mail_config import mail_config, unsubscribe_link
from data.fx import to_usd, usd_per_unit
from data.influencers import eager_options, upsert_influencer
from data.models import AuditLog, Campaign, Influencer, Negotiation, Organization, utcnow
from data.schemas import InfluencerIn
from data.serialize import campaign_to_dict, influencer_to_dict
from data.types import NICHES, PLATFORMS, money_json, to_money

bp = Blueprint("influai_compat", __name__)

_Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Contact(BaseModel):
    model_config = ConfigDict(extra="ignore")
    email: _Text | None = None
    phone: _Text | None = None


class InfluencerData(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    handle: _Text | None = None
    category: _Text | None = Field(default=None, validation_alias=AliasChoices("category", "niche"))
    platform: _Text | None = "instagram"
    followers: Annotated[int, Field(ge=0, le=10_000_000_000)] = 0
    engagement: Annotated[float, Field(ge=0, le=100)] | None = Field(
        default=None, validation_alias=AliasChoices("engagement", "engagementRate", "engagement_rate"))
    rate_inr: Annotated[Decimal, Field(ge=0, le=Decimal("10000000000"))] | None = None
    rate_usd: Annotated[Decimal, Field(ge=0, le=Decimal("100000000"))] | None = None
    contact: Contact | None = None
    email: _Text | None = None
    location: _Text | None = None
    past_brands: list[_Text] | None = Field(default=None, max_length=200, validation_alias=AliasChoices(
        "past_brands", "previousBrandCollabs"))


class CampaignDetails(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: _Text | None = None
    brand: _Text | None = None
    product: _Text | None = None
    budget: Annotated[Decimal, Field(gt=0, le=Decimal("100000000"))] | None = None
    budget_inr: Annotated[Decimal, Field(gt=0, le=Decimal("10000000000"))] | None = None
    deliverables: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]] \
        = Field(default_factory=list, max_length=20)
    timeline: _Text | None = None
    goals: _Text | None = Field(default=None, validation_alias=AliasChoices("goals", "campaignGoals"))
    target_audience: _Text | None = Field(default=None, validation_alias=AliasChoices("target_audience",
                                                                                      "targetAudience"))


class NegotiateIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    userPrompt: Annotated[str, StringConstraints(max_length=5000)] = ""
    influencerData: InfluencerData
    campaignDetails: CampaignDetails = Field(default_factory=CampaignDetails)


class ConversationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    conversationId: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    userMessage: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


class EndIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    conversationId: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


# ---------------------------------------------------------------- activation and CORS


def compat_org() -> Organization | None:
    name = (current_settings().influai_compat_org or "").strip()
    if not name:
        return None
    return db_session().scalar(select(Organization).where(or_(Organization.name == name, Organization.id == name)))


def _allowed_origin(origin: str) -> str | None:
    raw = current_settings().influai_compat_origins or ""
    allowed = [o.strip().rstrip("/") for o in str(raw).split(",") if o.strip()]
    if "*" in allowed:
        return "*"
    return origin if origin and origin.rstrip("/") in allowed else None


@bp.before_request
def _require_configured() -> None:
    if compat_org() is None:
        raise not_found("route")


@bp.after_request
def _cors(response: Response) -> Response:
    origin = _allowed_origin(request.headers.get("Origin", ""))
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    response.vary.add("Origin")
    return response


def _org_id() -> str:
    org = compat_org()
    if org is None:
        raise not_found("route")
    return org.id


def _parse(model: type[BaseModel]) -> Any:
    return parse_json_body(model)


def _log(org_id: str, action: str, entity_type: str, entity_id: str | None, changes: Any) -> None:
    db_session().add(AuditLog(org_id=org_id, api_key_id=None, actor="influai-compat", action=action,
                              entity_type=entity_type, entity_id=entity_id, changes=changes))


# ---------------------------------------------------------------- mapping


def _niches(category: str | None) -> list[str]:
    words = re.findall(r"[a-z]+", (category or "").lower())
    return [w for w in dict.fromkeys(words) if w in NICHES]


def _handle(data: InfluencerData, email: str | None) -> str:
    source = data.handle or (email.split("@", 1)[0] if email else data.name)
    handle = re.sub(r"[^\w.\-]", "", source.lstrip("@").lower().replace(" ", "_"))[:100]
    return handle or "creator"


def _rate_usd(data: InfluencerData) -> Decimal | None:
    if data.rate_usd is not None:
        return to_money(data.rate_usd)
    if data.rate_inr is not None:
        return to_usd(data.rate_inr, "INR")
    return None


def _profile(data: InfluencerData) -> InfluencerIn:
    platform = (data.platform or "instagram").strip().lower()
    if platform not in PLATFORMS:
        raise ApiError(422, "unknown platform", code="validation_error",
                       fields={"influencerData.platform": f"use one of {', '.join(PLATFORMS)}"})
    email = (data.contact.email if data.contact else None) or data.email
    phone = data.contact.phone if data.contact else None
    rate = _rate_usd(data)
    raw: dict[str, Any] = {
        "name": data.name, "handle": _handle(data, email), "email": email, "phone": phone,
        "niches": _niches(data.category), "past_brands": data.past_brands or [],
        "platforms": [{"platform": platform, "handle": _handle(data, email), "followers": data.followers,
                       "engagement_rate": data.engagement}],
        "rates_usd": {"post": str(rate)} if rate is not None else None,
        "location": {"city": data.location.split(",")[0].strip()} if data.location else None,
    }
    try:
        return InfluencerIn.model_validate(raw)
    except ValidationError as exc:
        raise ApiError(422, "influencerData is not valid", code="validation_error",
                       fields=fields_from_validation(exc, prefix="influencerData.")) from None


def _campaign(org_id: str, details: CampaignDetails) -> Campaign:
    session = db_session()
    org = session.get(Organization, org_id)
    brand = details.brand or (org.name if org else "Our brand")
    name = details.name or (f"{brand}: {details.product}" if details.product else brand)
    found = session.scalar(select(Campaign).where(Campaign.org_id == org_id, Campaign.name == name[:200])
                           .order_by(Campaign.created_at.desc()).limit(1))
    budget = details.budget if details.budget is not None else (
        to_usd(details.budget_inr, "INR") if details.budget_inr is not None else None)
    if found is None:
        found = Campaign(org_id=org_id, name=name[:200], brand=brand[:200], status="active")
        session.add(found)
    for attr, value in (("product", details.product), ("goals", details.goals), ("timeline", details.timeline),
                        ("target_audience", details.target_audience)):
        if value:
            setattr(found, attr, value)
    if budget is not None:
        found.budget_total_usd = to_money(budget)
    if details.deliverables:
        found.deliverables = list(details.deliverables)
    elif not found.deliverables:
        found.deliverables = ["1 post"]
    session.flush()
    return found


def pricing(budget_usd: Decimal | None, rate_usd: Decimal | None) -> tuple[Decimal, Decimal]:
    """(target, max): max is the lower of the budget and 1.25 × the creator's rate; target is 80 % of it."""
    candidates = [v for v in (budget_usd, rate_usd * Decimal("1.25") if rate_usd else None) if v]
    if not candidates:
        raise ApiError(422, "give a campaign budget or the creator's rate", code="validation_error",
                       fields={"campaignDetails.budget": "required when influencerData has no rate",
                               "influencerData.rate_inr": "required when the campaign has no budget"})
    ceiling = to_money(min(candidates))
    return to_money(ceiling * Decimal("0.8")), ceiling


def _money(value: Decimal | None) -> int | float | None:
    return None if value is None else money_json(value)


# ---------------------------------------------------------------- routes


@bp.post("/negotiate")
def negotiate() -> dict[str, Any]:
    """Upsert the creator and campaign, draft the opening email and open (or reuse) the negotiation."""
    org_id = _org_id()
    body: NegotiateIn = _parse(NegotiateIn)
    session = db_session()
    inf, _created = upsert_influencer(session, org_id, _profile(body.influencerData))
    campaign = _campaign(org_id, body.campaignDetails)
    inf = session.scalars(select(Influencer).where(Influencer.id == inf.id).options(*eager_options())).one()
    session.refresh(inf, ["platforms", "rates", "audience", "recent_posts"])
    target, ceiling = pricing(campaign.budget_total_usd, _rate_usd(body.influencerData))
    neg = session.scalar(select(Negotiation).where(Negotiation.campaign_id == campaign.id,
                                                   Negotiation.influencer_id == inf.id, Negotiation.status == "open")
                         .order_by(Negotiation.created_at.desc()).limit(1))
    if neg is None:
        try:
            neg = service.start(session, org_id=org_id, campaign=campaign, influencer=inf, channel="chat",
                                target_usd=target, max_usd=ceiling, deliverables=list(campaign.deliverables),
                                usage_rights=None, provider=llm_provider())
        except ValueError as exc:
            raise ApiError(422, str(exc), code="validation_error",
                           fields={"campaignDetails.deliverables": str(exc)}) from None
    profile, campaign_dict = influencer_to_dict(inf), campaign_to_dict(campaign)
    made = draft_outreach(profile, campaign_dict, kind="initial", provider=llm_provider())
    if inf.email:
        made = fill_unsubscribe(made, unsubscribe_link(mail_config(), org_id, inf.email, campaign.id,
                                                              inf.id))
    _log(org_id, "negotiate", "negotiation", neg.id, {"userPrompt": body.userPrompt[:1000]})
    session.commit()
    opening = next((o.amount_usd for o in neg.offers if o.role == "agent"), None)
    return {
        "subject": made.subject,
        "body": made.body_text,
        "conversationId": neg.id,
        "negotiationStrategy": {
            "openingOffer": _money(opening if opening is not None else neg.target_usd),
            "targetBudget": _money(neg.target_usd),
            "maxBudget": _money(neg.max_usd),
            "keySellingPoints": [f.value for f in made.facts if f.field != "name"][:5],
            "expectedDeliverables": list(neg.deliverables or []),
            "timeline": campaign.timeline,
        },
        "personalizedElements": [f"{f.field}: {f.value}" for f in made.facts],
    }


_STATUS = {"open": "in_progress", "agreed": "agreed", "declined": "declined", "escalated": "escalated",
           "expired": "ended"}
_NEXT_STEPS = {
    "accept": ["Send the contract", "Confirm the deliverables and timeline"],
    "counter": ["Wait for the creator's answer to the offer"],
    "ask": ["Answer the creator's question"],
    "reject": ["Close the conversation"],
    "close": ["Close the conversation"],
    "escalate": ["A person from the team takes over"],
}


def _sentiment(value: float) -> str:
    return "positive" if value > 0.2 else "negative" if value < -0.2 else "neutral"


def _current_offer(neg: Negotiation) -> int | float | None:
    if neg.agreed_price_usd is not None:
        return _money(neg.agreed_price_usd)
    return _money(neg.offers[-1].amount_usd) if neg.offers else None


def _conversation(org_id: str, conversation_id: str) -> Negotiation:
    neg = service.lock(db_session(), org_id, conversation_id)
    if neg is None:
        raise not_found("conversation")
    return neg


@bp.post("/negotiate-conversation")
def negotiate_conversation() -> dict[str, Any]:
    """The creator's message in, the agent's answer out (a redelivery with the same Idempotency-Key: once)."""
    org_id = _org_id()
    body: ConversationIn = _parse(ConversationIn)
    session = db_session()
    neg = _conversation(org_id, body.conversationId)
    dedupe = request.headers.get("Idempotency-Key", "").strip()[:200] or None
    try:
        outcome = service.take_message(session, neg, body.userMessage, channel="chat", dedupe_key=dedupe,
                                       provider=llm_provider())
    except service.NegotiationClosed:
        raise ApiError(409, f"this conversation is {neg.status}; it takes no more messages") from None
    session.commit()
    session.refresh(neg, ["offers"])
    return {
        "response": outcome.reply.text,
        "conversationId": neg.id,
        "negotiationStatus": _STATUS.get(neg.status, neg.status),
        "currentOffer": _current_offer(neg),
        "nextSteps": _NEXT_STEPS.get(outcome.reply.action or "", ["Wait for the creator's reply"]),
        "sentiment": _sentiment(outcome.sentiment),
        "dealProbability": neg.deal_probability,
    }


@bp.post("/end-conversation")
def end_conversation() -> dict[str, Any]:
    org_id = _org_id()
    body: EndIn = _parse(EndIn)
    session = db_session()
    neg = _conversation(org_id, body.conversationId)
    if neg.status == "open":
        state = NegotiationState.from_dict(neg.state)
        try:
            state = state.apply(Event.EXPIRE)
        except InvalidTransition:
            state = state.copy(status="expired", phase="expired")
        neg.state = state.copy(last_act="expired").to_dict()
        neg.status, neg.closed_at, neg.deal_probability = "expired", utcnow(), 0.0
        _log(org_id, "end", "negotiation", neg.id, {"status": "expired"})
        session.commit()
    messages = len(neg.messages)
    offer = _current_offer(neg)
    outcome = {"agreed": f"agreed at ${offer}", "expired": "ended without a deal",
               "declined": "declined", "escalated": "handed to a person"}.get(neg.status, neg.status)
    summary = f"Conversation {outcome} after {messages} messages"
    if neg.status != "agreed" and offer is not None:
        summary += f"; last offer on the table ${offer}"
    return {"conversationId": neg.id, "status": neg.status, "summary": summary + "."}


# ---------------------------------------------------------------- /search (§7)

_CONTENT_TYPES = {"instagram": "Reels & Posts", "tiktok": "Short videos", "youtube": "Videos", "twitch": "Live streams",
                  "twitter": "Posts", "linkedin": "Posts", "facebook": "Posts & Videos", "snapchat": "Stories",
                  "pinterest": "Pins"}


class SearchArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    limit: Annotated[int, Field(ge=1, le=100)] = 10


def _filters_applied(parsed: dict[str, Any]) -> list[str]:
    """The constraints in words, the way the InfluAI UI lists them."""
    labels = []
    for key, value in parsed.items():
        if value in (None, [], {}) or (key == "sort" and value == "relevance"):
            continue
        if key == "locations":
            value = [", ".join(part for part in (loc.get("city"), loc.get("region"), loc.get("country")) if part)
                     for loc in value]
        labels.append(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    return labels


def _legacy_influencer(profile: dict[str, Any]) -> dict[str, Any]:
    primary = max(profile["platforms"], key=lambda p: p["followers"]) if profile["platforms"] else None
    post_usd = profile["rates_usd"].get("post")
    rate_inr = None
    if post_usd is not None:
        rate_inr = int((Decimal(str(post_usd)) / usd_per_unit("INR")).quantize(Decimal("1")))
    return {
        "name": profile["name"],
        "category": profile["niches"][0] if profile["niches"] else None,
        "content_type": _CONTENT_TYPES.get(primary["platform"]) if primary else None,
        "platform": primary["platform"].capitalize() if primary else None,
        "followers": profile["total_followers"],
        "engagement": profile["avg_engagement_rate"],
        "rate_inr": rate_inr,
        "age": None,  # the creator's own age and gender are not stored (only their audience's)
        "gender": None,
        "contact": {"email": profile["email"], "phone": profile["phone"]},
    }


@bp.post("/search")
def legacy_search() -> dict[str, Any]:
    """InfluAI's search: `POST /search?prompt=…&limit=…` (a JSON body with the same fields works too)."""
    from api.discovery.views import run_search

    org_id = _org_id()
    raw: dict[str, Any] = dict(request.args)
    if request.is_json and isinstance(request.get_json(silent=True), dict):
        raw = {**request.get_json(silent=True), **raw}
    try:
        args = SearchArgs.model_validate(raw)
    except ValidationError as exc:
        raise ApiError(422, "the search needs a prompt", code="validation_error",
                       fields=fields_from_validation(exc)) from None
    found = run_search(org_id, args.prompt, None, args.limit)
    people = [_legacy_influencer(item["influencer"]) for item in found["results"]]
    return {"prompt": args.prompt, "interpreted_criteria": found["parsed"],
            "filters_applied": _filters_applied(found["parsed"]), "total_matches": found["total_matches"],
            "results_returned": len(people), "influencers": people}
