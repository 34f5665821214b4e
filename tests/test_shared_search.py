"""search() over the shared snapshot file (RETRIEVAL_SHARED_SNAPSHOT): the same answers as the per-process
snapshot, profiles created or deleted after the export, and a missing or broken file falling back.

SQLite, generated profiles, bag-of-words HashingEmbedder vectors (as test_retrieval_ranking.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from agent.query.schema import AudienceConstraint, ParsedQuery, QueryLocation
from bench.load import bulk_insert, ensure_org
from data.models import Base, Influencer
from data.settings import get_settings
from retrieval import VectorIndex, reindex_org, search, shared_search
from retrieval.embeddings import use_embedder
from retrieval.snapshot import snapshots
from retrieval.sync import sync_influencers
from tests.fakes.hashing_embedder import HashingEmbedder
from tests.test_retrieval_ranking import profile

QUERIES = [
    ParsedQuery(topics=["travel vlogs and hidden gems"]),
    ParsedQuery(),
    ParsedQuery(niches=["beauty"]),
    ParsedQuery(platforms=["tiktok"], topics=["dance challenges"]),
    ParsedQuery(locations=[QueryLocation(country="US")], topics=["street food"]),
    ParsedQuery(niches=["fitness"], min_followers=50_000, sort="followers"),
    ParsedQuery(platforms=["tiktok"], max_rate_usd=Decimal(500), audience=AudienceConstraint(gender="female")),
    ParsedQuery(niches=["food"], sort="rate"),
    ParsedQuery(topics=["fitness"], sort="engagement", min_engagement_rate=2.0),
    ParsedQuery(locations=[QueryLocation(region="California", country="US")], topics=["surf"]),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import chromadb
    from chromadb.config import Settings

    from data.generator import generate_profiles

    root: Path = tmp_path_factory.mktemp("shared_search")
    engine = create_engine(f"sqlite:///{root / 'db.sqlite'}")
    Base.metadata.create_all(engine)
    client = chromadb.PersistentClient(path=str(root / "chroma"), settings=Settings(anonymized_telemetry=False))
    index = VectorIndex(client)
    use_embedder(HashingEmbedder())
    org = ensure_org(engine, "shared")
    bulk_insert(engine, org, generate_profiles(800, seed=5))
    with Session(engine) as s:
        reindex_org(s, org, index=index)
    yield {"engine": engine, "org": org, "index": index, "root": root}
    use_embedder(None)
    snapshots.drop()
    shared_search.drop_views()


@pytest.fixture()
def shared_dir(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The setting on, a fresh export in its own folder, and this process's in-memory snapshot dropped."""
    monkeypatch.setenv("RETRIEVAL_SHARED_SNAPSHOT", str(tmp_path))
    monkeypatch.setenv("RETRIEVAL_REFRESH_MS", "0")
    monkeypatch.setenv("RETRIEVAL_RECOUNT_MS", "0")
    monkeypatch.setenv("RETRIEVAL_SHARED_EXPORT_S", "3600")  # no re-export by the syncs below: the overlay is tested
    get_settings.cache_clear()
    shared_search.drop_views()
    with Session(world["engine"]) as s:
        assert shared_search.export_org(s, world["org"]) == tmp_path / f"{world['org']}.bundle"
    snapshots.drop()
    return tmp_path


def _answers(world: dict[str, Any], q: ParsedQuery, limit: int = 15) -> tuple[list[tuple[str, float, list[str]]], int]:
    with Session(world["engine"]) as s:
        out = search(s, world["org"], q, limit=limit)
    return [(h.influencer_id, h.score, h.reasons) for h in out.results], out.total_matches


def _in_process(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, q: ParsedQuery) -> Any:
    monkeypatch.delenv("RETRIEVAL_SHARED_SNAPSHOT", raising=False)
    get_settings.cache_clear()
    try:
        return _answers(world, q)
    finally:
        snapshots.drop()


def _shared_on(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("RETRIEVAL_SHARED_SNAPSHOT", str(folder))
    get_settings.cache_clear()


def test_shared_search_answers_what_the_per_process_snapshot_answers(
    world: dict[str, Any], shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = [_answers(world, q) for q in QUERIES]
    with Session(world["engine"]) as s:
        assert snapshots.peek(s, world["org"]) is None  # ranked over the file, not an in-process copy
    want = [_in_process(world, monkeypatch, q) for q in QUERIES]
    assert shared == want
    assert sum(len(r) for r, _ in want) > 100


def test_a_profile_created_after_the_export_is_found_and_a_deleted_one_vanishes(
    world: dict[str, Any], shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, org = world["engine"], world["org"]
    topic = ParsedQuery(topics=["zanzibar kitesurfing lagoons"])
    (new_id,) = bulk_insert(engine, org, [profile("Kite Zanzi", topics=["zanzibar kitesurfing lagoons"],
                                                  bio="Kitesurfing the lagoons of Zanzibar.")])
    with Session(engine) as s:
        sync_influencers(s, org, [new_id], index=world["index"])
    before = _answers(world, ParsedQuery())[1]
    results, _ = _answers(world, topic)
    assert results[0][0] == new_id
    assert results == _in_process(world, monkeypatch, topic)[0]
    _shared_on(monkeypatch, shared_dir)

    gone = results[1][0]  # an exported profile, deleted now
    with Session(engine) as s:
        s.execute(delete(Influencer).where(Influencer.id.in_([new_id, gone])))
        s.commit()
        sync_influencers(s, org, [new_id, gone], index=world["index"])
    after, total = _answers(world, topic)
    assert new_id not in [r[0] for r in after] and gone not in [r[0] for r in after]
    assert _answers(world, ParsedQuery())[1] == before - 2
    assert (after, total) == _in_process(world, monkeypatch, topic)


def test_a_deleted_profile_is_dropped_before_the_recount(
    world: dict[str, Any], shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETRIEVAL_RECOUNT_MS", "3600000")
    get_settings.cache_clear()
    q = ParsedQuery(niches=["food"])
    first, _ = _answers(world, q, limit=5)
    with Session(world["engine"]) as s:
        s.execute(delete(Influencer).where(Influencer.id == first[0][0]))
        s.commit()
    again, _ = _answers(world, q, limit=5)
    assert first[0][0] not in [r[0] for r in again] and again[:4] == first[1:5]


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated"])
def test_a_missing_or_broken_file_falls_back_to_the_per_process_snapshot(
    world: dict[str, Any], shared_dir: Path, monkeypatch: pytest.MonkeyPatch, damage: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = shared_dir / f"{world['org']}.bundle"
    if damage == "missing":
        path.unlink()
    elif damage == "garbage":
        path.write_bytes(b"not a bundle" * 100)
    else:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    q = QUERIES[0]
    got = _answers(world, q)
    with Session(world["engine"]) as s:
        assert snapshots.peek(s, world["org"]) is not None  # it ranked in process
    assert got == _in_process(world, monkeypatch, q)
    assert len(got[0]) == 15
    assert "ranking in process" in caplog.text



def test_the_recount_finds_deletions_that_no_result_showed(world: dict[str, Any], shared_dir: Path) -> None:
    q = ParsedQuery(niches=["food"])
    shown, total = _answers(world, q, limit=3)
    with Session(world["engine"]) as s:
        unseen = [h.influencer_id for h in search(s, world["org"], q, limit=50).results][-1]
        s.execute(delete(Influencer).where(Influencer.id == unseen))
        s.commit()
    again, total_after = _answers(world, q, limit=3)
    assert unseen not in [r[0] for r in shown] and again == shown
    assert total_after == total - 1
