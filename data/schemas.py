"""Pydantic schemas of an influencer profile as users send it (README "Influencers").

Used by the API for request validation, by the importer for each row and by the seed generator, so a
profile is validated the same way whichever door it comes through.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from data.engagement import VIDEO_PLATFORMS
from data.types import Niche, Platform, UsdAmount

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Percent = Annotated[float, Field(ge=0, le=100)]
# Engagement by followers may pass 100 % where a video reaches far beyond the followers (TikTok, Shorts).
EngagementPercent = Annotated[float, Field(ge=0, le=100_000)]
Gender = Literal["female", "male", "nonbinary"]
Rate = Annotated[UsdAmount, Field(ge=0, max_digits=12, decimal_places=2)]
MAX_COUNT = 100_000_000_000
"""Views, likes and comments per post: far above any real count, and inside the 64-bit columns that store them."""

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_HANDLE = re.compile(r"^@?[\w.\-]{1,100}$", re.UNICODE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if not _COUNTRY.match(code):
        raise ValueError("must be an ISO-3166 alpha-2 country code such as 'US'")
    return code


class Location(_Strict):
    city: ShortText | None = None
    region: ShortText | None = None
    country: str | None = None

    _check_country = field_validator("country")(classmethod(lambda cls, v: _country(v)))


class PlatformAccount(_Strict):
    platform: Platform
    handle: ShortText
    followers: Annotated[int, Field(ge=0, le=10_000_000_000)]
    engagement_rate: EngagementPercent | None = None  # over 100 on video platforms only (see the validator)
    avg_views: Annotated[int, Field(ge=0, le=MAX_COUNT)] | None = None
    engagement_rate_by_views: EngagementPercent | None = None

    @field_validator("engagement_rate")
    @classmethod
    def _rate_by_followers(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and value > 100 and info.data.get("platform") not in VIDEO_PLATFORMS:
            raise ValueError("Input should be less than or equal to 100 (only video platforms reach beyond followers)")
        return value

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if not _HANDLE.match(value):
            raise ValueError("may contain letters, digits, '.', '_' and '-' only")
        return value.lstrip("@")


class Rates(_Strict):
    post: Rate | None = None
    story: Rate | None = None
    reel: Rate | None = None
    video: Rate | None = None


class Audience(_Strict):
    female_pct: Percent | None = None
    male_pct: Percent | None = None
    age_13_17_pct: Percent | None = None
    age_18_24_pct: Percent | None = None
    age_25_34_pct: Percent | None = None
    age_35_44_pct: Percent | None = None
    age_45_plus_pct: Percent | None = None
    top_countries: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("top_countries")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        return [c for c in (_country(v) for v in value) if c]

    @model_validator(mode="after")
    def _sums(self) -> Audience:
        if (self.female_pct or 0) + (self.male_pct or 0) > 100.0001:
            raise ValueError("female_pct + male_pct cannot exceed 100")
        ages = [self.age_13_17_pct, self.age_18_24_pct, self.age_25_34_pct, self.age_35_44_pct, self.age_45_plus_pct]
        if sum(a or 0 for a in ages) > 100.0001:
            raise ValueError("age brackets cannot add up to more than 100")
        return self


class RecentPost(_Strict):
    platform: Platform | None = None
    text: LongText
    posted_at: datetime | None = None
    likes: Annotated[int, Field(ge=0, le=MAX_COUNT)] | None = None
    comments: Annotated[int, Field(ge=0, le=MAX_COUNT)] | None = None
    url: Annotated[str, StringConstraints(max_length=2000)] | None = None


def _languages(value: list[str]) -> list[str]:
    out: list[str] = []
    for item in value:
        code = item.strip().lower()
        if not _LANGUAGE.match(code):
            raise ValueError(f"'{item}' is not an ISO-639-1 language code such as 'en'")
        if code not in out:
            out.append(code)
    return out


def _dedupe(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for v in values:
        v = v.strip()
        if v and v.lower() not in seen:
            seen[v.lower()] = v
    return list(seen.values())


class InfluencerFields(_Strict):
    """Every writable field; optional here so PATCH can reuse it."""

    name: ShortText | None = None
    handle: ShortText | None = None
    email: EmailStr | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()\-.]{5,25}$")] | None = None
    bio: LongText | None = None
    location: Location | None = None
    gender: Gender | None = None
    birth_year: int | None = None
    languages: list[str] | None = Field(default=None, max_length=20)
    niches: list[Niche] | None = Field(default=None, max_length=10)
    topics: list[ShortText] | None = Field(default=None, max_length=50)
    platforms: list[PlatformAccount] | None = Field(default=None, min_length=1, max_length=20)
    rates_usd: Rates | None = None
    past_brands: list[ShortText] | None = Field(default=None, max_length=200)
    audience: Audience | None = None
    recent_posts: list[RecentPost] | None = Field(default=None, max_length=50)
    verified: bool | None = None

    @field_validator("languages")
    @classmethod
    def _check_languages(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _languages(value)

    @field_validator("birth_year")
    @classmethod
    def _plausible_birth_year(cls, value: int | None) -> int | None:
        if value is not None and not 1900 <= value <= datetime.now(UTC).year - 5:
            raise ValueError(f"must be a year between 1900 and {datetime.now(UTC).year - 5}")
        return value

    @field_validator("topics", "past_brands")
    @classmethod
    def _unique_text(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _dedupe(value)

    @field_validator("niches")
    @classmethod
    def _unique_niches(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else list(dict.fromkeys(value))

    @field_validator("platforms")
    @classmethod
    def _one_account_per_platform_handle(cls, value: list[PlatformAccount] | None) -> list[PlatformAccount] | None:
        if value is not None:
            keys = [(p.platform, p.handle.lower()) for p in value]
            if len(keys) != len(set(keys)):
                raise ValueError("the same platform and handle appear twice")
        return value


class InfluencerIn(InfluencerFields):
    """A full profile (POST, import rows, seed data): a name and at least one platform account."""

    name: ShortText
    platforms: list[PlatformAccount] = Field(min_length=1, max_length=20)
    languages: list[str] = Field(default_factory=list, max_length=20)
    niches: list[Niche] = Field(default_factory=list, max_length=10)
    topics: list[ShortText] = Field(default_factory=list, max_length=50)
    past_brands: list[ShortText] = Field(default_factory=list, max_length=200)
    recent_posts: list[RecentPost] = Field(default_factory=list, max_length=50)
    verified: bool = False


class InfluencerPatch(InfluencerFields):
    """PATCH body: only the fields present change; `null` clears an optional field."""



class Sender(_Strict):
    name: ShortText
    email: EmailStr
    postal_address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=500)]


class CampaignFields(_Strict):
    """Every writable campaign field; optional here so PATCH can reuse it."""

    name: ShortText | None = None
    brand: ShortText | None = None
    brand_website: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
    goals: LongText | None = None
    product: LongText | None = None
    budget_total_usd: Annotated[UsdAmount, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    deliverables: list[ShortText] | None = Field(default=None, max_length=30)
    timeline: ShortText | None = None
    target_audience: LongText | None = None
    sender: Sender | None = None
    followups_max: Annotated[int, Field(ge=0, le=10)] | None = None
    followup_interval_days: Annotated[int, Field(ge=1, le=60)] | None = None
    call_attempts_max: Annotated[int, Field(ge=1, le=10)] | None = None
    """Dial attempts per voice call (null: the service's VOICE_MAX_CALL_ATTEMPTS)."""


class CampaignIn(CampaignFields):
    name: ShortText
    brand: ShortText
    deliverables: list[ShortText] = Field(default_factory=list, max_length=30)
    followups_max: Annotated[int, Field(ge=0, le=10)] = 2
    followup_interval_days: Annotated[int, Field(ge=1, le=60)] = 3


class CampaignPatch(CampaignFields):
    """PATCH body: only the fields present change."""
