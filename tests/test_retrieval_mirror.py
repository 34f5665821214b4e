"""Issue 10, defect 1 in one process: search reads vectors from SQL, one process writes an embedded Chroma
folder (an OS lock), and a store failure during a refresh serves the last snapshot instead of failing."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from agent.query.schema import ParsedQuery
from data.influencers import create_influencer
from data.models import Base, Influencer, Organization, ProfileVector
from retrieval import VectorIndex, mirror, search, set_index, sync_influencers
from retrieval.embeddings import use_embedder
from retrieval.snapshot import SnapshotUnavailable, snapshots
from tests.builders import searchable_profile, use_env
from tests.fakes.hashing_embedder import HashingEmbedder

HOLD_LOCK = """
import fcntl, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(120)
"""


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.delenv("CHROMA_URL", raising=False)
    use_env(monkeypatch, CHROMA_PATH=str(tmp_path / "chroma"), RETRIEVAL_REFRESH_MS="0", RETRIEVAL_RECOUNT_MS="0")
    mirror.release()
    set_index(None)
    use_embedder(HashingEmbedder())
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        org = Organization(name="acme")
        s.add(org)
        s.commit()
        org_id = org.id
    yield {"engine": engine, "org": org_id, "chroma": tmp_path / "chroma"}
    use_embedder(None)
    snapshots.drop()
    mirror.release()
    set_index(None)


def _add(engine: Any, org: str, name: str, topic: str) -> str:
    with Session(engine) as s:
        new = create_influencer(s, org, searchable_profile(name, 20_000, ["food"], [topic])).id
        s.commit()
        sync_influencers(s, org, [new])
    return new


def test_another_process_owns_the_folder_search_still_finds_new_profiles(env: dict[str, Any]) -> None:
    env["chroma"].mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(env["chroma"] / ".writer.lock")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert not mirror.owns_folder() and mirror.writable_index() is None
        ana = _add(env["engine"], env["org"], "Ana Bake", "sourdough baking")
        ben = _add(env["engine"], env["org"], "Ben Brew", "home coffee roasting")
        with Session(env["engine"]) as s:
            assert s.scalar(select(func.count()).select_from(ProfileVector)) == 2
            assert search(s, env["org"], ParsedQuery(topics=["coffee roasting"])).results[0].influencer_id == ben
            assert search(s, env["org"], ParsedQuery(topics=["sourdough"])).results[0].influencer_id == ana
        assert not any(p.name.endswith(".sqlite3") for p in env["chroma"].iterdir())  # never opened here
    finally:
        holder.kill()
        holder.wait()
    # The owner is gone: this process takes the folder over and copies what SQL has.
    assert mirror.owns_folder()
    with Session(env["engine"]) as s:
        assert mirror.catch_up(s, force=True) == 2
        index = VectorIndex.from_env()
        assert sorted(index.ids(env["org"])) == sorted([ana, ben])
        s.delete(s.get(Influencer, ana))
        s.commit()
        sync_influencers(s, env["org"], [ana])
        assert index.ids(env["org"]) == [ben]


def test_a_copy_thread_never_opens_a_folder_other_than_its_own(env: dict[str, Any], tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """What made the test above order-dependent: a background copy started under one configuration (an earlier
    test's app) ran after the next test had named another folder, and locked and opened that one."""
    _add(env["engine"], env["org"], "Ana Bake", "sourdough baking")
    started, go = threading.Event(), threading.Event()
    real_catch_up = mirror.catch_up

    def late(session: Session, **kwargs: Any) -> int:
        started.set()
        assert go.wait(10)
        return real_catch_up(session, **kwargs)

    monkeypatch.setattr(mirror, "catch_up", late)
    with Session(env["engine"]) as s:
        mirror.catch_up_soon(s)
    assert started.wait(10)
    other = tmp_path / "next-tests-chroma"
    use_env(monkeypatch, CHROMA_PATH=str(other))  # the next test's configuration, while the copy still runs
    go.set()
    mirror.release()  # joins the copy thread before letting the lock go
    assert mirror.join_background(0)
    assert not other.exists()


def test_a_failing_refresh_serves_the_last_snapshot(env: dict[str, Any], monkeypatch, caplog) -> None:
    import retrieval.snapshot as snapshot

    ana = _add(env["engine"], env["org"], "Ana Bake", "sourdough baking")
    with Session(env["engine"]) as s:
        assert [h.influencer_id for h in search(s, env["org"], ParsedQuery()).results] == [ana]

    def broken(*_: Any, **__: Any) -> float:
        raise OperationalError("SELECT max(updated_at)", {}, Exception("disk I/O error"))

    monkeypatch.setattr(snapshot, "newest_update", broken)
    time.sleep(0.01)
    with Session(env["engine"]) as s:
        assert [h.influencer_id for h in search(s, env["org"], ParsedQuery()).results] == [ana]
    assert "serving the last one" in caplog.text
    snapshots.drop()
    with Session(env["engine"]) as s, pytest.raises(SnapshotUnavailable):
        search(s, env["org"], ParsedQuery())


def test_search_answers_503_before_any_snapshot_exists(client, tenant, monkeypatch) -> None:
    import retrieval.snapshot as snapshot

    def broken(*_: Any, **__: Any) -> None:
        raise OperationalError("SELECT", {}, Exception("unable to open database file"))

    snapshots.drop()
    monkeypatch.setattr(snapshot, "build", broken)
    answer = client.post("/api/v1/search", json={"query": "beauty creators"}, headers=tenant.headers("marketer"))
    assert answer.status_code == 503 and answer.json["error"]["code"] == "unavailable"


def test_a_forked_child_is_not_the_owner(env: dict[str, Any]) -> None:
    import os

    assert mirror.owns_folder()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report whether it believes it owns the folder, then leave at once
        os.write(write, b"1" if mirror.owns_folder() else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"0"
    assert mirror.owns_folder()  # the parent still does
