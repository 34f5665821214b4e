"""The chroma index (upsert, delete, rebuild) and keeping the search snapshot in step with SQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from agent.query.schema import ParsedQuery
from data.influencers import create_influencer
from data.models import Base, Influencer, Organization
from data.schemas import InfluencerPatch
from retrieval import VectorIndex, reindex_org, search, sync_influencers
from retrieval.embeddings import use_embedder
from retrieval.snapshot import snapshots
from tests.builders import searchable_profile, use_env
from tests.fakes.hashing_embedder import HashingEmbedder


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.delenv("CHROMA_URL", raising=False)
    # deletions must be caught by the result check
    use_env(monkeypatch, CHROMA_PATH=str(tmp_path / "chroma"), RETRIEVAL_REFRESH_MS="0", RETRIEVAL_RECOUNT_MS="3600000")
    use_embedder(HashingEmbedder())
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        org = Organization(name="acme")
        other = Organization(name="other")
        s.add_all([org, other])
        s.commit()
        ids = {}
        for p in (
            searchable_profile("Ana Bake", 40_000, ["food"], ["sourdough baking"]),
            searchable_profile("Ben Lift", 90_000, ["fitness"], ["powerlifting"]),
            searchable_profile("Cat Code", 15_000, ["tech"], ["python programming"]),
        ):
            ids[p.name] = create_influencer(s, org.id, p).id
        s.commit()
        org_id, other_id = org.id, other.id
    index = VectorIndex.from_env()
    yield {"engine": engine, "org": org_id, "other": other_id, "ids": ids, "index": index}
    use_embedder(None)
    snapshots.drop()


def test_from_env_uses_chroma_path_and_passes_healthcheck(env: dict[str, Any], tmp_path: Path) -> None:
    env["index"].healthcheck()
    assert (tmp_path / "chroma").is_dir()


def test_upsert_get_delete_and_reset(env: dict[str, Any]) -> None:
    index: VectorIndex = env["index"]
    index.upsert("org-a", ["1", "2"], ["sourdough bread", "deadlift form"], stamps=[10.0, 20.0])
    index.upsert("org-b", ["1"], ["something else"])
    assert index.count("org-a") == 2 and index.count("org-b") == 1
    ids, matrix, stamps = index.get_embeddings("org-a")
    assert sorted(ids) == ["1", "2"] and matrix.shape == (2, 384)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    assert dict(zip(ids, stamps, strict=True)) == {"1": 10.0, "2": 20.0}
    index.upsert("org-a", ["1"], ["totally different words"], stamps=[30.0])  # replaces, no duplicate
    ids, _, stamps = index.get_embeddings("org-a", ["1", "missing"])
    assert ids == ["1"] and stamps == [30.0] and index.count("org-a") == 2
    index.delete("org-a", ["2"])
    assert index.count("org-a") == 1 and index.count("org-b") == 1
    index.reset_org("org-a")
    assert index.count("org-a") == 0 and index.count("org-b") == 1


def test_reindex_and_sync_follow_sql(env: dict[str, Any]) -> None:
    index, engine, org = env["index"], env["engine"], env["org"]
    seen: list[tuple[int, int]] = []
    with Session(engine) as s:
        assert reindex_org(s, org, progress=lambda done, total: seen.append((done, total)), index=index) == 3
    assert index.count(org) == 3 and seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert index.count(env["other"]) == 0
    with Session(engine) as s:
        s.delete(s.get(Influencer, env["ids"]["Cat Code"]))
        new = create_influencer(s, org, searchable_profile("Dan Trail", 60_000, ["outdoors"], ["trail running"])).id
        s.commit()
        sync_influencers(s, org, [env["ids"]["Cat Code"], new], index=index)
    ids, _, _ = index.get_embeddings(org)
    assert sorted(ids) == sorted([env["ids"]["Ana Bake"], env["ids"]["Ben Lift"], new])


def _names(engine: Any, outcome: Any) -> list[str]:
    with Session(engine) as s:
        return [s.get(Influencer, h.influencer_id).name for h in outcome.results]


def test_snapshot_sees_changes_made_by_another_process(env: dict[str, Any]) -> None:
    """Writes through a second session and a second index object (as a job worker would), while this
    'web process' keeps its snapshot: the next search reflects updates, creations and deletions."""
    index, engine, org = env["index"], env["engine"], env["org"]
    with Session(engine) as s:
        reindex_org(s, org, index=index)
    with Session(engine) as web:
        assert _names(engine, search(web, org, ParsedQuery(topics=["sourdough baking"])))[0] == "Ana Bake"
        assert search(web, org, ParsedQuery(min_followers=50_000)).total_matches == 1

    worker_index = VectorIndex.from_env()
    with Session(engine) as worker:
        ben = worker.get(Influencer, env["ids"]["Ben Lift"])
        from data.influencers import apply_fields

        apply_fields(
            ben,
            InfluencerPatch.model_validate(
                {"topics": ["sourdough baking", "bread"], "bio": "Now I bake sourdough baking bread"}
            ),
            only_set=True,
        )
        worker.delete(worker.get(Influencer, env["ids"]["Cat Code"]))
        new = create_influencer(worker, org, searchable_profile("Eve Big", 500_000, ["fitness"], ["marathons"])).id
        worker.commit()
        snapshot_before = snapshots.peek(worker, org)
        snapshots._snapshots.clear()  # the worker process has no snapshot of its own
        sync_influencers(worker, org, [env["ids"]["Ben Lift"], env["ids"]["Cat Code"], new], index=worker_index)
        snapshots._snapshots[(str(engine.url), org)] = snapshot_before  # back to the 'web process' view

    with Session(engine) as web:
        everyone = search(web, org, ParsedQuery())
        assert everyone.total_matches == 3
        assert env["ids"]["Cat Code"] not in {h.influencer_id for h in everyone.results}
        big = search(web, org, ParsedQuery(min_followers=50_000))
        assert big.total_matches == 2 and set(_names(engine, big)) == {"Ben Lift", "Eve Big"}
        top = _names(
            engine, search(web, org, ParsedQuery(topics=["sourdough bread baking"], niches=["fitness"]))
        )
        assert top[0] == "Ben Lift"


def test_in_process_sync_updates_snapshot_immediately(env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, RETRIEVAL_REFRESH_MS="3600000")  # no SQL re-check: only the in-process path can help
    index, engine, org = env["index"], env["engine"], env["org"]
    with Session(engine) as s:
        reindex_org(s, org, index=index)
        assert search(s, org, ParsedQuery(niches=["outdoors"])).total_matches == 0
        new = create_influencer(s, org, searchable_profile("Fay Peak", 70_000, ["outdoors"], ["alpine climbing"])).id
        s.commit()
        sync_influencers(s, org, [new], index=index)
        out = search(s, org, ParsedQuery(niches=["outdoors"]))
    assert [h.influencer_id for h in out.results] == [new]


def test_organizations_are_isolated(env: dict[str, Any]) -> None:
    index, engine = env["index"], env["engine"]
    with Session(engine) as s:
        reindex_org(s, env["org"], index=index)
        assert search(s, env["other"], ParsedQuery()).total_matches == 0
        assert search(s, env["org"], ParsedQuery()).total_matches == 3
