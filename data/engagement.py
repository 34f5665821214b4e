"""Engagement by platform convention.

On video-first platforms a post is seen far beyond the followers, so the industry states engagement as
interactions per view there; elsewhere as interactions per follower. An account keeps both rates when it
has them; `engagement_basis` says which one ranking, filters and the profile's average use.
"""

from __future__ import annotations

from typing import Literal

EngagementBasis = Literal["followers", "views"]

VIDEO_PLATFORMS = frozenset({"tiktok", "youtube", "snapchat"})


def engagement_basis(platform: str, rate_by_views: float | None) -> EngagementBasis:
    """'views' for a video platform account that has a rate by views, else 'followers'."""
    return "views" if platform in VIDEO_PLATFORMS and rate_by_views is not None else "followers"


def stated_rate(platform: str, rate_by_followers: float | None, rate_by_views: float | None) -> float | None:
    """The account's engagement rate by its platform's convention."""
    if engagement_basis(platform, rate_by_views) == "views":
        return rate_by_views
    return rate_by_followers


def rate_from(interactions: float, base: float) -> float | None:
    """Interactions as a percentage of followers or views, to 2 decimals; None without a base."""
    return round(interactions / base * 100, 2) if base > 0 else None
