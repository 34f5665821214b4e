"""Ranking: each hard constraint, planted profiles first among generated ones, scores and reasons.

Vectors come from the bag-of-words HashingEmbedder so ~1.5k profiles index in a second; the MiniLM
embedder itself is covered in test_retrieval_embeddings.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from agent.query.schema import AudienceConstraint, ParsedQuery, QueryLocation
from bench.load import bulk_insert, ensure_org
from data.models import Base
from retrieval import VectorIndex, reindex_org, search
from retrieval.embeddings import use_embedder
from retrieval.snapshot import snapshots
from tests.fakes.hashing_embedder import HashingEmbedder

LA = QueryLocation(city="Los Angeles", region="California", country="US")


def profile(name: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name,
        "handle": name.lower().replace(" ", "_"),
        "bio": "Creator sharing everyday life.",
        "location": {"city": "Austin", "region": "Texas", "country": "US"},
        "languages": ["en"],
        "niches": ["lifestyle"],
        "topics": ["daily vlog"],
        "platforms": [
            {
                "platform": "instagram",
                "handle": name.lower().replace(" ", "_"),
                "followers": 30_000,
                "engagement_rate": 2.0,
            }
        ],
        "rates_usd": {"post": 400},
        "past_brands": [],
        "audience": {"female_pct": 50, "age_18_24_pct": 30, "age_25_34_pct": 30, "top_countries": ["US"]},
        "recent_posts": [],
        "verified": False,
    }
    base.update(fields)
    return base


def ig(handle: str, followers: int, er: float = 3.0, platform: str = "instagram") -> list[dict[str, Any]]:
    return [{"platform": platform, "handle": handle, "followers": followers, "engagement_rate": er}]


PLANTED = [
    profile(
        "Sarah Glow",
        bio="Clean beauty and skincare routines for sensitive skin. Honest makeup reviews from Los Angeles.",
        location={"city": "Los Angeles", "region": "California", "country": "US"},
        niches=["beauty", "lifestyle"],
        topics=["skincare routines", "clean beauty", "makeup reviews"],
        platforms=ig("sarahglow", 250_000, 4.5),
        rates_usd={"post": 2500},
        past_brands=["Sephora", "Glossier"],
        audience={"female_pct": 82, "age_18_24_pct": 41, "age_25_34_pct": 37, "top_countries": ["US", "CA"]},
        recent_posts=[{"text": "My 5-step clean beauty skincare routine for glowing skin"}],
        verified=True,
    ),
    profile(
        "Mia Skin",
        bio="Skincare chemist talking clean beauty, sunscreen and skincare routines. LA based.",
        location={"city": "Los Angeles", "region": "California", "country": "US"},
        niches=["beauty"],
        topics=["skincare", "clean beauty", "sunscreen"],
        platforms=ig("miaskin", 120_000, 5.2, "tiktok"),
        rates_usd={"post": 900},
        recent_posts=[{"text": "Clean beauty swaps for your skincare routine"}],
    ),
]
DECOYS = [  # each misses exactly one constraint of the planted query
    profile(
        "Small Beauty",
        location={"city": "Los Angeles", "region": "California", "country": "US"},
        niches=["beauty"],
        topics=["clean beauty", "skincare"],
        bio="Clean beauty skincare routines",
        platforms=ig("smallbeauty", 20_000, 9.0),
    ),
    profile(
        "NY Beauty",
        location={"city": "New York", "region": "New York", "country": "US"},
        niches=["beauty"],
        topics=["clean beauty", "skincare"],
        bio="Clean beauty skincare routines",
        platforms=ig("nybeauty", 300_000, 6.0),
    ),
    profile(
        "LA Fitness",
        location={"city": "Los Angeles", "region": "California", "country": "US"},
        niches=["fitness"],
        topics=["clean beauty", "skincare"],
        bio="Clean beauty skincare routines",
        platforms=ig("lafit", 400_000, 6.0),
    ),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from data.generator import generate_profiles

    root: Path = tmp_path_factory.mktemp("ranking")
    engine = create_engine(f"sqlite:///{root / 'db.sqlite'}")
    Base.metadata.create_all(engine)
    index = _local_index(root)
    use_embedder(HashingEmbedder())
    org = ensure_org(engine, "ranking")
    generated = list(generate_profiles(1500, seed=11))
    ids = bulk_insert(engine, org, [*generated, *PLANTED, *DECOYS])
    with Session(engine) as s:
        assert reindex_org(s, org, index=index) == len(ids)
    yield {"engine": engine, "org": org, "index": index, "ids": ids, "generated": len(generated)}
    use_embedder(None)
    snapshots.drop()


def _local_index(root: Path) -> VectorIndex:
    import chromadb
    from chromadb.config import Settings

    return VectorIndex(
        chromadb.PersistentClient(path=str(root / "chroma"), settings=Settings(anonymized_telemetry=False))
    )


def run(world: dict[str, Any], query: ParsedQuery, limit: int = 20):
    with Session(world["engine"]) as s:
        return search(s, world["org"], query, limit=limit)


def names(world: dict[str, Any], outcome) -> list[str]:
    from data.models import Influencer

    with Session(world["engine"]) as s:
        by_id = {
            i.id: i.name
            for i in s.query(Influencer).filter(Influencer.id.in_([h.influencer_id for h in outcome.results]))
        }
    return [by_id[h.influencer_id] for h in outcome.results]


def test_planted_profiles_come_first(world: dict[str, Any]) -> None:
    query = ParsedQuery(niches=["beauty"], locations=[LA], min_followers=50_000, topics=["clean beauty skincare"])
    out = run(world, query)
    got = names(world, out)
    assert set(got[:2]) == {"Sarah Glow", "Mia Skin"}
    assert not {"Small Beauty", "NY Beauty", "LA Fitness"} & set(got)
    assert out.total_matches >= 2
    top = out.results[0]
    assert "beauty creator" in top.reasons
    assert "Los Angeles" in top.reasons
    assert any(r.endswith("followers ≥ 50K") for r in top.reasons)


def test_scores_in_unit_interval_sorted_with_reasons(world: dict[str, Any]) -> None:
    for query in (
        ParsedQuery(),
        ParsedQuery(topics=["gaming streams"]),
        ParsedQuery(niches=["food"], max_rate_usd=300),
    ):
        out = run(world, query, limit=50)
        assert out.results
        scores = [h.score for h in out.results]
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True)
        assert all(h.reasons and all(isinstance(r, str) and r for r in h.reasons) for h in out.results)
    assert run(world, ParsedQuery()).total_matches == len(world["ids"])


def test_each_hard_constraint(world: dict[str, Any]) -> None:
    with Session(world["engine"]) as s:
        from data.models import Influencer
        from data.serialize import influencer_to_dict

        def check(query: ParsedQuery, ok) -> int:
            out = search(s, world["org"], query, limit=200)
            ids = [h.influencer_id for h in out.results]
            for inf in s.query(Influencer).filter(Influencer.id.in_(ids)):
                assert ok(influencer_to_dict(inf)), (query, inf.name)
            return out.total_matches

        assert check(ParsedQuery(niches=["gaming", "tech"]), lambda p: {"gaming", "tech"} & set(p["niches"])) > 0
        assert check(ParsedQuery(platforms=["youtube"]), lambda p: "youtube" in {a["platform"] for a in p["platforms"]})
        assert check(ParsedQuery(locations=[QueryLocation(country="GB")]), lambda p: p["location"]["country"] == "GB")
        assert check(
            ParsedQuery(min_followers=100_000, max_followers=500_000),
            lambda p: 100_000 <= p["total_followers"] <= 500_000,
        )
        assert check(
            ParsedQuery(platforms=["tiktok"], min_followers=200_000),
            lambda p: any(a["platform"] == "tiktok" and a["followers"] >= 200_000 for a in p["platforms"]),
        )
        assert check(ParsedQuery(min_engagement_rate=6.0), lambda p: (p["avg_engagement_rate"] or 0) >= 6.0)
        assert check(
            ParsedQuery(max_rate_usd=Decimal("150")),
            lambda p: p["rates_usd"]["post"] is None or p["rates_usd"]["post"] <= 150,
        )
        assert check(ParsedQuery(languages=["es"]), lambda p: "es" in p["languages"])
        assert check(
            ParsedQuery(audience=AudienceConstraint(gender="female")),
            lambda p: p["audience"] and p["audience"].get("female_pct", 0) >= 50,
        )
        assert check(
            ParsedQuery(audience=AudienceConstraint(age_min=18, age_max=24)),
            lambda p: p["audience"] and p["audience"].get("age_18_24_pct", 0) >= 40,
        )
        assert check(
            ParsedQuery(audience=AudienceConstraint(countries=["CA"])),
            lambda p: p["audience"] and "CA" in p["audience"]["top_countries"],
        )
        assert check(ParsedQuery(worked_with_brands=["sephora"]), lambda p: "Sephora" in p["past_brands"])
        assert check(ParsedQuery(verified=True), lambda p: p["verified"])
        everyone = run(world, ParsedQuery()).total_matches
        with_sephora = check(ParsedQuery(worked_with_brands=["Sephora"]), lambda p: True)
        assert check(ParsedQuery(exclude_brands=["SEPHORA"]), lambda p: "Sephora" not in p["past_brands"]) == (
            everyone - with_sephora
        )


def test_unknown_rate_is_kept_but_ranked_lower(world: dict[str, Any]) -> None:
    with Session(world["engine"]) as s:
        from data.models import InfluencerRate

        sarah = world["ids"][world["generated"]]
        s.query(InfluencerRate).filter_by(influencer_id=sarah).delete()
        from data.models import Influencer, utcnow

        s.get(Influencer, sarah).updated_at = utcnow()
        s.commit()
        query = ParsedQuery(
            niches=["beauty"],
            locations=[LA],
            min_followers=50_000,
            topics=["clean beauty skincare"],
            max_rate_usd=Decimal("3000"),
        )
        snapshots.get(s, world["org"], force_check=True)  # don't wait for the refresh interval
        out = search(s, world["org"], query)
    got = names(world, out)
    assert got[0] == "Mia Skin" and "Sarah Glow" in got
    sarah_hit = out.results[got.index("Sarah Glow")]
    assert "rate unknown" in sarah_hit.reasons
    assert "$900/post ≤ $3,000" in out.results[0].reasons


def test_sort_orders(world: dict[str, Any]) -> None:
    with Session(world["engine"]) as s:
        from data.models import Influencer

        for sort, key, reverse in (("followers", "total_followers", True), ("engagement", "avg_engagement_rate", True)):
            out = search(s, world["org"], ParsedQuery(niches=["travel"], sort=sort), limit=15)
            rows = {
                i.id: i for i in s.query(Influencer).filter(Influencer.id.in_([h.influencer_id for h in out.results]))
            }
            values = [getattr(rows[h.influencer_id], key) or 0 for h in out.results]
            assert values == sorted(values, reverse=reverse) and len(values) == 15
        out = search(s, world["org"], ParsedQuery(niches=["travel"], sort="rate"), limit=10)
        assert all(r.endswith("/post") for h in out.results for r in h.reasons if r.startswith("$"))
        prices = [Decimal(r[1:-5].replace(",", "")) for h in out.results for r in h.reasons if r.startswith("$")]
        assert prices == sorted(prices) and prices
