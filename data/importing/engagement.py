"""One account's engagement cells → its rate by followers (and by views), following the platform's convention.

Interactions per post without a rate give rate = interactions / followers × 100 (2 decimals). On a video
platform (TikTok, YouTube, Snapchat; `data/engagement.py`) a post routinely reaches far beyond the
followers, so a rate over 100 % there is kept with a note on the row; elsewhere it is an error. With an
average-views column the rate by views (interactions / views × 100) is kept as well, and ranking uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from data.engagement import VIDEO_PLATFORMS, rate_from
from data.importing.values import CellError, parse_count, parse_number, parse_percent


@dataclass
class Engagement:
    rate: tuple[float, tuple[str, str]] | None = None  # (rate by followers %, (target, source column))
    by_views: float | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _fail(out: Engagement, target: str, column: str, message: str) -> Engagement:
    out.errors.append(f'{target} (column "{column}"): {message}')
    return out


def account_engagement(
    platform: str,
    values: dict[str, tuple[str, str]],
    followers: int,
    views: int | None,
    fraction_columns: frozenset[str] | None,
) -> Engagement:
    """Read the `engagement_rate` / `avg_interactions` cells of one account (field → (column, raw))."""
    out = Engagement()
    rate, interactions = values.get("engagement_rate"), values.get("avg_interactions")
    if rate:
        column, raw = rate
        text = raw.strip()
        try:
            _, suffixed = parse_number(text.removesuffix("%"), kind="percent")
            if not suffixed or text.endswith("%"):
                fraction_ok = fraction_columns is None or column in fraction_columns
                out.rate = parse_percent(text, fraction_ok=fraction_ok), ("engagement_rate", column)
                return out
        except CellError as exc:
            return _fail(out, "engagement_rate", column, str(exc))
        interactions = rate  # "3.2M" in an engagement column: a count of interactions
    if not interactions:
        return out
    column, raw = interactions
    try:
        count = parse_count(raw)
    except CellError as exc:
        return _fail(out, "avg_interactions", column, str(exc))
    if count < 0:
        return _fail(out, "avg_interactions", column, f"interactions cannot be negative (got {raw.strip()})")
    if views:
        out.by_views = rate_from(count, views)
    if followers < 0:
        return out  # the schema reports the negative followers
    if followers == 0:
        if count and out.by_views is None:
            return _fail(out, "avg_interactions", column, f"{raw.strip()} interactions per post with 0 followers")
        return out
    value = round(count / followers * 100, 2)
    if value > 100:
        what = f"{raw.strip()} interactions per post for {followers:,} followers is a {value:,.0f}% engagement rate"
        if platform not in VIDEO_PLATFORMS:
            return _fail(out, "avg_interactions", column, f"{what} (over 100%)")
        basis = "by views" if out.by_views is not None else "by followers (no views column for a rate by views)"
        out.notes.append(f"engagement: {what}; videos on {platform} reach beyond the followers, kept; "
                         f"ranking uses the rate {basis}")
    out.rate = value, ("avg_interactions", column)
    return out
