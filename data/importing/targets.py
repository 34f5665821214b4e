"""Mapping targets: the fields a column can feed, and the `"followers:youtube"` / `"rate_post:INR"` spec syntax."""

from __future__ import annotations

from dataclasses import dataclass

from data.fx import known_currencies
from data.taxonomy import platform_for
from data.types import PLATFORMS


class ImportFormatError(ValueError):
    """The whole file is unusable (format, header or mapping); no row can be imported."""



ACCOUNT_FIELDS = frozenset({"handle", "followers", "engagement_rate", "avg_interactions", "avg_views", "profile_url"})
RATE_FIELDS = frozenset({"rate_post", "rate_story", "rate_reel", "rate_video"})
LIST_FIELDS = frozenset({"languages", "niches", "topics", "past_brands", "audience_country"})
TARGETS: tuple[str, ...] = (
    "name", "handle", "email", "phone", "bio", "city", "region", "country", "location", "languages", "niches",
    "topics", "platform", "followers", "engagement_rate", "avg_interactions", "avg_views", "profile_url",
    "rate_post", "rate_story", "rate_reel", "rate_video", "rate_currency", "past_brands", "verified",
    "audience_country", "gender", "birth_year", "age", "ignore",
)


@dataclass(frozen=True)
class Target:
    """Where a column's values go: a field, with the platform (account fields) or currency (rates) it names."""

    field: str
    platform: str | None = None
    currency: str | None = None

    def __str__(self) -> str:
        qualifier = self.platform or self.currency
        return f"{self.field}:{qualifier}" if qualifier else self.field


def parse_target(spec: str) -> Target:
    """Parse a mapping target such as 'followers', 'followers:youtube' or 'rate_post:INR'."""
    name, _, qualifier = spec.strip().partition(":")
    name, qualifier = name.strip().lower(), qualifier.strip()
    if name not in TARGETS:
        raise ImportFormatError(f"unknown mapping target '{spec}'; valid targets: {', '.join(TARGETS)}")
    if not qualifier:
        return Target(name)
    if name in ACCOUNT_FIELDS:
        platform = platform_for(qualifier)
        if platform is None:
            raise ImportFormatError(f"unknown platform in mapping target '{spec}'; platforms: {', '.join(PLATFORMS)}")
        return Target(name, platform=platform)
    if name in RATE_FIELDS:
        if qualifier.upper() not in known_currencies():
            raise ImportFormatError(f"unknown currency in mapping target '{spec}'")
        return Target(name, currency=qualifier.upper())
    raise ImportFormatError(f"mapping target '{name}' takes no ':qualifier' (only account and rate targets do)")

