"""ParsedQuery: the structured form of a discovery query (README "Discovery"). Absent or empty = no constraint."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from data.types import Niche, Platform, UsdAmount


class QueryLocation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    city: str | None = None
    region: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")


class AudienceConstraint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    gender: Literal["female", "male"] | None = None
    age_min: Annotated[int, Field(ge=13, le=100)] | None = None
    age_max: Annotated[int, Field(ge=13, le=100)] | None = None
    countries: list[str] = Field(default_factory=list)


SortOrder = Literal["relevance", "followers", "engagement", "rate"]
Handle = Annotated[str, Field(pattern=r"^[\w.\-]{1,100}$")]


class ParsedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    niches: list[Niche] = Field(default_factory=list)
    platforms: list[Platform] = Field(default_factory=list)
    locations: list[QueryLocation] = Field(default_factory=list)
    min_followers: Annotated[int, Field(ge=0)] | None = None
    max_followers: Annotated[int, Field(ge=0)] | None = None
    min_engagement_rate: Annotated[float, Field(ge=0, le=100)] | None = None
    max_rate_usd: Annotated[UsdAmount, Field(ge=0)] | None = None
    min_rate_usd: Annotated[UsdAmount, Field(ge=0)] | None = None  # "at least $500 a post"
    languages: list[str] = Field(default_factory=list)
    audience: AudienceConstraint | None = None
    exclude_brands: list[str] = Field(default_factory=list)
    worked_with_brands: list[str] = Field(default_factory=list)
    verified: bool | None = None
    topics: list[str] = Field(default_factory=list)
    sort: SortOrder = "relevance"
    # The creator's own gender and age ("female creators", "Gen Z creators"); `audience` is who follows them.
    creator_gender: Literal["female", "male", "nonbinary"] | None = None
    creator_age_min: Annotated[int, Field(ge=13, le=100)] | None = None
    creator_age_max: Annotated[int, Field(ge=13, le=100)] | None = None
    like_handles: list[Handle] = Field(default_factory=list)  # lookalikes: "creators like @sarahglows"
