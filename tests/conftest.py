"""Shared fixtures: a migrated database per backend (SQLite always; PostgreSQL through TEST_DATABASE_URL),
an app bound to it, and API keys of every role in two organizations.

`REQUIRE_SERVICES=1` (set by .ci/run) turns a missing PostgreSQL/Redis into a failure instead of a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.builders import Tenant, make_tenant, service_url, use_outreach_env

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    from data.migrate import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = service_url("TEST_DATABASE_URL")
        _reset_postgres(url)
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def chroma_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chroma")


@pytest.fixture(scope="session")
def app(database_url: str, chroma_dir: Path) -> Iterator[object]:
    os.environ["CHROMA_PATH"] = str(chroma_dir)
    from api import create_app

    application = create_app({"DATABASE_URL": database_url, "TESTING": True, "RATELIMIT_ENABLED": False})
    yield application


@pytest.fixture()
def client(app: object) -> object:
    return app.test_client()  # type: ignore[attr-defined]


@pytest.fixture()
def tenant(database_url: str, request: pytest.FixtureRequest) -> Tenant:
    return make_tenant(database_url, f"org-{request.node.name[:60]}-{os.urandom(3).hex()}")


@pytest.fixture()
def other_tenant(database_url: str) -> Tenant:
    return make_tenant(database_url, f"other-{os.urandom(4).hex()}")


@pytest.fixture()
def outreach_db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """`database_url`, which outreach tasks called outside any app (send_row, send_due_followups) also use."""
    use_outreach_env(monkeypatch, database_url)
    return database_url


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Settings are read once per process; a test that changed the environment must not leak it into the next."""
    yield
    from data.settings import get_settings

    get_settings.cache_clear()
