"""Follow-ups edit the previous ParsedQuery instead of starting over."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.query.parser import parse_query_offline
from agent.query.refine import refine_query
from agent.query.schema import ParsedQuery, QueryLocation

LA = QueryLocation(city="Los Angeles", region="California", country="US")


@pytest.fixture
def base() -> ParsedQuery:
    q = parse_query_offline("micro fitness influencers on Instagram and YouTube in LA under $500 a post")
    assert q.platforms == ["instagram", "youtube"] and q.locations == [LA]
    return q


def test_only_tiktok_replaces_platforms_and_keeps_the_rest(base: ParsedQuery) -> None:
    q = refine_query(base, "only TikTok")
    assert q.platforms == ["tiktok"]
    assert (q.niches, q.locations, q.max_rate_usd) == (["fitness"], [LA], Decimal("500"))


def test_add_youtube_too_extends_platforms() -> None:
    prev = parse_query_offline("beauty creators on TikTok")
    assert refine_query(prev, "add YouTube too").platforms == ["tiktok", "youtube"]
    assert refine_query(prev, "add YouTube too").topics == []


def test_drop_anyone_who_worked_with_nike(base: ParsedQuery) -> None:
    q = refine_query(base, "drop anyone who worked with Nike")
    assert q.exclude_brands == ["Nike"]
    assert q.platforms == base.platforms and q.min_followers == base.min_followers


def test_drop_brand_also_removes_it_from_worked_with() -> None:
    prev = parse_query_offline("runners who worked with Nike or Adidas")
    q = refine_query(prev, "drop the ones who worked with Nike")
    assert q.exclude_brands == ["Nike"] and q.worked_with_brands == ["Adidas"]


def test_bigger_accounts_moves_the_follower_band_up(base: ParsedQuery) -> None:
    q = refine_query(base, "bigger accounts")
    assert (q.min_followers, q.max_followers) == (100000, None)
    assert q.topics == []


def test_smaller_accounts_moves_it_down(base: ParsedQuery) -> None:
    q = refine_query(base, "smaller accounts")
    assert (q.min_followers, q.max_followers) == (None, 9999)


def test_cheaper_lowers_the_cap_or_sorts_by_rate(base: ParsedQuery) -> None:
    assert refine_query(base, "cheaper").max_rate_usd == Decimal("375.00")
    no_cap = parse_query_offline("fitness creators")
    q = refine_query(no_cap, "cheaper ones")
    assert q.max_rate_usd is None and q.sort == "rate"


def test_explicit_price_replaces_the_cap(base: ParsedQuery) -> None:
    assert refine_query(base, "under $1k").max_rate_usd == Decimal("1000")


def test_in_canada_instead_replaces_locations(base: ParsedQuery) -> None:
    q = refine_query(base, "in Canada instead")
    assert q.locations == [QueryLocation(country="CA")]
    assert q.platforms == base.platforms


def test_also_in_nyc_adds_a_location(base: ParsedQuery) -> None:
    q = refine_query(base, "also in NYC")
    assert q.locations == [LA, QueryLocation(city="New York", region="New York", country="US")]


def test_not_on_youtube_removes_one_platform(base: ParsedQuery) -> None:
    assert refine_query(base, "not on YouTube").platforms == ["instagram"]


def test_only_the_ones_on_tiktok_from_contract(base: ParsedQuery) -> None:
    assert refine_query(base, "only the ones on TikTok").platforms == ["tiktok"]


def test_verified_and_sort_are_layered_on(base: ParsedQuery) -> None:
    q = refine_query(base, "verified only, most followed first")
    assert q.verified is True and q.sort == "followers" and q.niches == ["fitness"]


def test_start_over_discards_the_previous_query(base: ParsedQuery) -> None:
    q = refine_query(base, "start over: gamers on twitch")
    assert (q.niches, q.platforms, q.locations, q.max_rate_usd) == (["gaming"], ["twitch"], [], None)
