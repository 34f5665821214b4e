"""Offline query parser: README "Discovery" examples, the issue's phrasings and the labeled eval threshold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.query import lexicon as lx
from agent.query.parser import parse_query_offline as parse
from agent.query.schema import QueryLocation
from data.taxonomy import NICHE_SYNONYMS, niches_in, normalize_label
from evals.parse_accuracy import evaluate, load_cases
from tests.builders import use_env

LA = QueryLocation(city="Los Angeles", region="California", country="US")


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("skincare gurus", "niches", ["beauty"]),
        ("on TikTok or Reels", "platforms", ["tiktok", "instagram"]),
        ("in LA", "locations", [LA]),
        ("50K+", "min_followers", 50000),
        ("engagement above 4%", "min_engagement_rate", 4.0),
        ("under $500 a post", "max_rate_usd", Decimal("500")),
        ("Spanish-speaking", "languages", ["es"]),
        ("not working with Nike", "exclude_brands", ["Nike"]),
        ("who've done Sephora collabs", "worked_with_brands", ["Sephora"]),
        ("verified only", "verified", True),
        ("vegan recipe creators", "topics", ["vegan recipes"]),
        ("cheapest first", "sort", "rate"),
    ],
)
def test_contract_examples(text: str, field: str, expected: object) -> None:
    assert getattr(parse(text), field) == expected


def test_contract_micro_influencers_and_audience() -> None:
    q = parse("micro-influencers")
    assert (q.min_followers, q.max_followers) == (10000, 99999)
    audience = parse("audience mostly women 18-34").audience
    assert audience is not None
    assert (audience.gender, audience.age_min, audience.age_max) == ("female", 18, 34)
    assert parse("audience mostly women 18-34").min_followers is None  # ages are not follower counts


@pytest.mark.parametrize(
    ("text", "niche"),
    [("MUA", "beauty"), ("gym rats", "fitness"), ("personal finance", "finance"), ("mom bloggers", "parenting"),
     ("streamers", "gaming"), ("skinfluencers", "beauty"), ("foodies", "food"), ("techies", "tech"),
     ("finfluencers", "finance"), ("dog people", "pets")],
)
def test_niche_slang(text: str, niche: str) -> None:
    assert parse(f"{text} in Chicago").niches == [niche]


@pytest.mark.parametrize(
    ("text", "platform"),
    [("Reels creators", "instagram"), ("YouTube Shorts creators", "youtube"), ("creators on X", "twitter"),
     ("IG creators", "instagram"), ("tik tok creators", "tiktok")],
)
def test_platform_slang(text: str, platform: str) -> None:
    assert parse(text).platforms == [platform]


def test_x_is_a_platform_only_in_platform_context() -> None:
    assert parse("beauty creators on X").platforms == ["twitter"]
    assert parse("brand x beauty creators").platforms == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in NYC", QueryLocation(city="New York", region="New York", country="US")),
        ("in the UK", QueryLocation(country="GB")),
        ("in the SF Bay Area", QueryLocation(city="San Francisco", region="California", country="US")),
        ("in the States", QueryLocation(country="US")),
        ("in the DMV", QueryLocation(city="Washington", region="District of Columbia", country="US")),
        ("in Texas", QueryLocation(region="Texas", country="US")),
        ("in Canada", QueryLocation(country="CA")),
        ("in Toronto", QueryLocation(city="Toronto", region="Ontario", country="CA")),
        ("based in Orange, CA", QueryLocation(city="Orange", region="California", country="US")),
        ("from Sydney, Australia", QueryLocation(city="Sydney", region="New South Wales", country="AU")),
        ("UK-based", QueryLocation(country="GB")),
    ],
)
def test_locations(text: str, expected: QueryLocation) -> None:
    assert parse(f"fitness creators {text}").locations == [expected]


def test_city_names_that_are_words_need_a_place_cue() -> None:
    assert parse("nice fashion creators in Nice").locations == [QueryLocation(city="Nice", country="FR")]
    assert parse("nice mobile gaming creators").locations == []
    reading = parse("book influencers in Reading").locations
    assert reading == [QueryLocation(city="Reading", region="England", country="GB")]
    assert parse("reading and bath products").locations == []


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("50K+", 50000, None), ("10k-100k", 10000, 100000), ("over a million followers", 1000000, None),
     ("at least twenty thousand followers", 20000, None), ("5-20k followers", 5000, 20000),
     ("under 2k followers", None, 2000), ("nano", None, 9999), ("micro", 10000, 99999),
     ("mid-tier", 100000, 499999), ("macro", 100000, 999999), ("mega", 1000000, None),
     ("with 2.5M followers or more", 2500000, None), ("fewer than 10,000 followers", None, 10000)],
)
def test_follower_expressions(text: str, low: int | None, high: int | None) -> None:
    q = parse(f"beauty creators {text}")
    assert (q.min_followers, q.max_followers) == (low, high)


@pytest.mark.parametrize(
    ("text", "usd"),
    [("below 40k INR per post", "480.00"), ("€300 max", "324.00"), ("under £1,000 per post", "1270.00"),
     ("under 50,000 yen a post", "335.00"), ("under ₹25,000 per post", "300.00")],
)
def test_prices_in_any_currency_become_usd_decimals(text: str, usd: str) -> None:
    q = parse(f"travel creators {text}")
    assert isinstance(q.max_rate_usd, Decimal)
    assert q.max_rate_usd == Decimal(usd)
    assert q.min_followers is None and q.max_followers is None  # money is not a follower count


def test_fx_table_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, FX_RATES='{"EUR": "2"}')
    assert parse("creators under €300 a post").max_rate_usd == Decimal("600.00")


def test_several_constraints_at_once() -> None:
    q = parse("Spanish speaking beauty creators in Miami with mostly female audience, verified, under $1,500, "
              "no Nike, sorted by engagement")
    assert q.niches == ["beauty"]
    assert q.languages == ["es"]
    assert q.locations == [QueryLocation(city="Miami", region="Florida", country="US")]
    assert q.audience is not None and q.audience.gender == "female"
    assert q.verified is True
    assert q.max_rate_usd == Decimal("1500")
    assert q.exclude_brands == ["Nike"]
    assert q.sort == "engagement"
    assert q.topics == []


def test_negations() -> None:
    assert "tiktok" not in parse("fitness influencers not on TikTok").platforms
    assert parse("travel creators on instagram, not tiktok").platforms == ["instagram"]
    assert parse("tech but no gaming creators").niches == ["tech"]
    q = parse("food creators who have worked with HelloFresh but not Blue Apron")
    assert (q.worked_with_brands, q.exclude_brands) == (["HelloFresh"], ["Blue Apron"])


def test_typos_and_filler() -> None:
    q = parse("show me fitnes infleuncers on instagarm")
    assert (q.niches, q.platforms, q.topics) == (["fitness"], ["instagram"], [])
    assert parse("find me some creators").model_dump(exclude_defaults=True) == {}


def test_audience_countries_are_not_creator_locations() -> None:
    q = parse("finance creators whose audience is in Canada")
    assert q.audience is not None and q.audience.countries == ["CA"]
    assert q.locations == []


def test_is_deterministic() -> None:
    text = "macro gaming influencers on twitch or youtube in the UK, no Razer"
    assert parse(text) == parse(text)


def test_eval_set_f1_at_least_095() -> None:
    cases = load_cases()
    assert len(cases) >= 150
    report = evaluate(cases, parse)
    assert report.overall.f1 >= 0.95, [m.__dict__ for m in report.misses]


# ----------------------------------------------------------------------------- one vocabulary with the taxonomy


def test_search_niche_words_agree_with_the_taxonomy() -> None:
    for word, slug in NICHE_SYNONYMS.items():
        niche = lx.SUBTOPICS[word][0] if word in lx.SUBTOPICS else lx.NICHE_TERMS.get(word)
        assert niche == slug or (niche is None and word in lx.QUERY_FREE_TEXT), word
    assert not lx.QUERY_FREE_TEXT - set(NICHE_SYNONYMS)
    for word, slug in lx.QUERY_SLANG.items():
        assert word not in NICHE_SYNONYMS, f"{word}: shared words belong in data/taxonomy.py only"
        assert niches_in(word) in ((), (slug,)), word  # a spelling variant ("make-up") agrees with the taxonomy
    for word, (slug, _) in lx.SUBTOPICS.items():
        if normalize_label(word) in NICHE_SYNONYMS:
            assert NICHE_SYNONYMS[normalize_label(word)] == slug, word


@pytest.mark.parametrize(("word", "text", "niches", "topic"), [
    ("wellness", "wellness creators", ["health"], None),
    ("dancers", "dancers on tiktok", [], "dance"),
    ("booktok", "booktok creators", [], "books"),
    ("k pop", "k pop fans", ["music"], "k-pop"),
])
def test_reconciled_words_mean_the_same_in_search_and_import(word: str, text: str, niches: list[str],
                                                               topic: str | None) -> None:
    parsed = parse(text)
    assert parsed.niches == niches
    assert (topic in parsed.topics) if topic else not parsed.topics
    assert list(niches_in(word)) == niches
