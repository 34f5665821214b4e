"""Cell parsers and header recognition: counts, percentages, money, handles."""

from __future__ import annotations

from decimal import Decimal

import pytest

from data.importer import (
    Target,
    clean_handle,
    parse_count,
    parse_money,
    parse_percent,
    recognize_header,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("409.8M", 409_800_000),
        ("103.8K", 103_800),
        ("1.2k", 1_200),
        ("2,345,678", 2_345_678),
        ("1.5 million", 1_500_000),
        ("12 345", 12_345),
        ("12\u202f345", 12_345),
        ("1,5M", 1_500_000),
        ("1.234.567", 1_234_567),
        ("2 lakh", 200_000),
        ("1.2 crore", 12_000_000),
        ("10K+", 10_000),
        ("1.2B", 1_200_000_000),
        ("987", 987),
        ("1.234", 1_234),
    ],
)
def test_parse_count(raw: str, expected: int) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fraction_ok", "expected"),
    [
        ("4.2%", True, 4.2),
        ("4,2 %", True, 4.2),
        ("0.042", True, 4.2),
        ("0.042", False, 0.042),
        ("4.2", True, 4.2),
        ("1", True, 100.0),
        ("0,035", True, 3.5),
    ],
)
def test_parse_percent(raw: str, fraction_ok: bool, expected: float) -> None:
    assert parse_percent(raw, fraction_ok=fraction_ok) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("₹1,50,000", (Decimal(150000), "INR", False)),
        ("Rs. 25,000", (Decimal(25000), "INR", False)),
        ("US$1.2K", (Decimal(1200), "USD", False)),
        ("€ 1.500,00", (Decimal(1500), "EUR", False)),
        ("20k-30k", (Decimal(20000), None, True)),
        ("-500", (Decimal(-500), None, False)),
        ("1500 GBP", (Decimal(1500), "GBP", False)),
    ],
)
def test_parse_money(raw: str, expected: tuple[Decimal, str | None, bool]) -> None:
    assert parse_money(raw) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Influencer name", Target("name")),
        ("Instagram name", Target("handle", platform="instagram")),
        ("channel_name", Target("name")),
        ("Username", Target("handle")),
        ("Subscribers", Target("followers")),
        ("Followers count", Target("followers")),
        ("ER", Target("engagement_rate")),
        ("Engagement rate (%)", Target("engagement_rate")),
        ("Authentic engagement", Target("avg_interactions")),
        ("Engagement avg", Target("avg_interactions")),
        ("Avg. likes", Target("avg_interactions")),
        ("Category_1", Target("niches")),
        ("category_2", Target("niches")),
        ("Audience country(mostly)", Target("audience_country")),
        ("Country", Target("country")),
        ("Email Address", Target("email")),
        ("Rate (INR)", Target("rate_post", currency="INR")),
        ("rate_inr", Target("rate_post", currency="INR")),
        ("Reel price (€)", Target("rate_reel", currency="EUR")),
        ("YouTube subscribers", Target("followers", platform="youtube")),
        ("Tiktoker name", Target("handle", platform="tiktok")),
        ("Profile URL", Target("profile_url")),
        ("Avg. views", Target("avg_views")),
        ("Total views", None),
        ("rank", None),
        ("Gender", Target("gender")),
        ("Creator age (years)", Target("age")),
        ("Birth year", Target("birth_year")),
        ("Audience age 18-24", None),
        ("Real name", Target("name")),
    ],
)
def test_recognize_header(header: str, expected: Target | None) -> None:
    assert recognize_header(header) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@cristiano", ("cristiano", None)),
        ("https://www.instagram.com/cristiano/?hl=en", ("cristiano", "instagram")),
        ("instagram.com/lina.cooks", ("lina.cooks", "instagram")),
        ("https://www.tiktok.com/@khaby.lame", ("khaby.lame", "tiktok")),
        ("https://youtube.com/@MrBeast", ("MrBeast", "youtube")),
        ("https://www.youtube.com/c/tseries", ("tseries", "youtube")),
        ("https://x.com/elonmusk", ("elonmusk", "twitter")),
        ("https://www.linkedin.com/in/jane-doe", ("jane-doe", "linkedin")),
    ],
)
def test_clean_handle(raw: str, expected: tuple[str, str | None]) -> None:
    assert clean_handle(raw) == expected


# ------------------------------------------------------------------------------------------- taxonomy
