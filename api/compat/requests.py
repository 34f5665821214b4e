"""Lenient request models of the InfluAI routes: what its frontend sends, accepted as the original service did.

The frontend echoes display strings back ("3.5%", "250K", "₹25,000"), sends `rate` (the `rate_inr` it was
shown) and puts the deal into `influencerData.dealDetails` as "Key: value" lines instead of `campaignDetails`.
Numbers are read with the importer's cell parsers (data/importing/values.py), money is converted to USD with
the FX table (data/fx.py). A value that cannot be read is a 4xx naming its field, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from data.fx import to_usd
from data.importing.values import CellError, is_empty, parse_count, parse_money, parse_percent, split_list

_Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
_MAX_USD = Decimal("100000000")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and is_empty(value))


def _count(value: Any) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("must be a count such as 250000 or '250K'")
    if isinstance(value, int | float):
        return int(value)
    try:
        return parse_count(str(value))
    except CellError as exc:
        raise ValueError(str(exc)) from None


def _percent(value: Any) -> float | None:
    """'3.5%' → 3.5; 3.5 → 3.5 (a percentage, the way the InfluAI service wrote engagement)."""
    if _blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return parse_percent(str(value), fraction_ok=False)
    except CellError as exc:
        raise ValueError(str(exc)) from None


def usd_amount(value: Any, default_currency: str) -> Decimal | None:
    """A number or a money string ('₹25,000', '$5,000', '20k-30k': the lower bound) → USD, rounded to cents."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("must be an amount such as 5000 or '$5,000'")
    if isinstance(value, int | float | Decimal):
        amount, currency = Decimal(str(value)), None
    else:
        try:
            amount, currency, _range = parse_money(str(value))
        except CellError as exc:
            raise ValueError(str(exc)) from None
    if amount < 0:
        raise ValueError("must not be negative")
    try:
        usd = to_usd(amount, currency or default_currency)
    except KeyError:
        raise ValueError(f"unknown currency {currency}") from None
    if usd > _MAX_USD:
        raise ValueError("is too large")
    return usd


def _usd(default_currency: str) -> Callable[[Any], Decimal | None]:
    return lambda value: usd_amount(value, default_currency)


def _strings(value: Any) -> list[str] | None:
    """A list of strings, or one string holding a comma-separated list."""
    if _blank(value):
        return None
    if isinstance(value, str):
        return split_list(value)
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if not _blank(v) and str(v).strip()]
    raise ValueError("must be a list of strings or a comma-separated string")


def _lines(value: Any) -> list[str]:
    if _blank(value):
        return []
    if isinstance(value, str):
        return [line for line in value.splitlines() if line.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if not _blank(v)]
    raise ValueError("must be a list of 'Key: value' strings")


def _location(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, dict):
        return ", ".join(str(value[k]).strip() for k in ("city", "region", "country") if value.get(k))
    return str(value).strip()


Count = Annotated[Annotated[int, Field(ge=0, le=10_000_000_000)] | None, BeforeValidator(_count)]
Percent = Annotated[Annotated[float, Field(ge=0, le=100_000)] | None, BeforeValidator(_percent)]
UsdFromInr = Annotated[Decimal | None, BeforeValidator(_usd("INR"))]
UsdFromUsd = Annotated[Decimal | None, BeforeValidator(_usd("USD"))]
Strings = Annotated[list[str] | None, BeforeValidator(_strings)]


class Contact(BaseModel):
    model_config = ConfigDict(extra="ignore")
    email: _Text | None = None
    phone: _Text | None = None


class InfluencerData(BaseModel):
    """The creator as the frontend knows them (a search result, or its own demo data)."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    handle: _Text | None = Field(default=None, validation_alias=AliasChoices("handle", "username"))
    category: _Text | None = Field(default=None, validation_alias=AliasChoices("category", "niche"))
    platform: _Text | None = None
    followers: Count = None
    engagement: Percent = Field(default=None, validation_alias=AliasChoices(
        "engagement", "engagementRate", "engagement_rate"))
    rate_inr: UsdFromInr = Field(default=None, validation_alias=AliasChoices("rate_inr", "rate", "rateInr"))
    """The creator's post rate in USD, read from the INR amount the frontend shows (or a string with its currency)."""
    rate_usd: UsdFromUsd = None
    contact: Contact | None = None
    email: _Text | None = None
    phone: _Text | None = None
    location: Annotated[str | None, BeforeValidator(_location)] = None
    languages: Strings = None
    gender: _Text | None = None
    age: Count = None
    past_brands: Strings = Field(default=None, validation_alias=AliasChoices("past_brands", "previousBrandCollabs"))
    dealDetails: Annotated[list[str], BeforeValidator(_lines)] = Field(default_factory=list, max_length=50)


class CampaignDetails(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    name: _Text | None = Field(default=None, validation_alias=AliasChoices("name", "campaign", "campaignName"))
    brand: _Text | None = None
    product: _Text | None = None
    budget: UsdFromUsd = None
    budget_inr: UsdFromInr = None
    deliverables: Strings = None
    timeline: _Text | None = Field(default=None, validation_alias=AliasChoices("timeline", "deadline"))
    goals: _Text | None = Field(default=None, validation_alias=AliasChoices("goals", "campaignGoals"))
    target_audience: _Text | None = Field(default=None, validation_alias=AliasChoices(
        "target_audience", "targetAudience"))
    usage_rights: _Text | None = Field(default=None, validation_alias=AliasChoices("usage_rights", "usageRights"))


class NegotiateIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    userPrompt: Annotated[str, StringConstraints(max_length=5000)] = ""
    influencerData: InfluencerData
    campaignDetails: CampaignDetails | None = None


class ConversationIn(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    conversationId: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    userMessage: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
    influencerData: InfluencerData | None = None
    campaignDetails: CampaignDetails | None = None


class EndIn(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    conversationId: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


# ---------------------------------------------------------------- the deal: campaignDetails + dealDetails lines

_DEAL_KEYS = {
    "campaign": "name", "campaign name": "name", "brand": "brand", "company": "brand", "product": "product",
    "budget": "budget", "deliverables": "deliverables", "deliverable": "deliverables", "deadline": "timeline",
    "timeline": "timeline", "goal": "goals", "goals": "goals", "campaign goals": "goals",
    "target audience": "target_audience", "audience": "target_audience", "usage rights": "usage_rights",
    "usage": "usage_rights",
}
_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(.+?)\s*$")


def deal_from_lines(lines: list[str], field: str = "influencerData.dealDetails"
                    ) -> tuple[dict[str, Any], dict[str, str]]:
    """'Budget: $5,000' lines → ({campaign field: value}, {offending field: why}). Unknown keys are ignored."""
    found: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for i, line in enumerate(lines):
        match = _LINE.match(line)
        key = _DEAL_KEYS.get(match.group(1).strip().lower()) if match else None
        if key is None or key in found:
            continue
        value = match.group(2)
        if key == "budget":
            try:
                found[key] = usd_amount(value, "USD")
            except ValueError as exc:
                problems[f"{field}.{i}"] = f"budget {exc}"
        elif key == "deliverables":
            found[key] = split_list(re.sub(r"\s+(?:and|&)\s+", ", ", value))
        else:
            found[key] = value[:500]
    return found, problems


def merged_deal(body_details: CampaignDetails | None, lines: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """campaignDetails, completed from the dealDetails lines (an explicit campaignDetails field wins)."""
    deal, problems = deal_from_lines(lines)
    if body_details is not None:
        explicit = body_details.model_dump(exclude_none=True)
        if explicit.pop("budget_inr", None) is not None and "budget" not in explicit:
            explicit["budget"] = body_details.budget_inr
        deal.update(explicit)
    if deal.get("budget") is not None and deal["budget"] <= 0:
        problems["budget"] = "the budget must be more than 0"
    return deal, problems
