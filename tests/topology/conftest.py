"""The topology fixture: one set of real processes shared by every test in this folder.

It needs PostgreSQL (TEST_DATABASE_URL; a database of its own is created next to that one), `redis-server` on the
PATH and the `chroma` server the chromadb package installs. Without them the suite is skipped with the reason;
REQUIRE_SERVICES=1 (.ci/run) makes it mandatory.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.builders import service_url
from tests.topology.harness import BIN, MailSink, Topology, fresh_database


@pytest.fixture(scope="session")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    url = service_url("TEST_DATABASE_URL")
    for tool in ("redis-server", "pgrep"):
        if shutil.which(tool) is None:
            service_url(f"__{tool.upper().replace('-', '_')}_ON_PATH__")  # the same skip-or-fail rule
    if not (BIN / "chroma").exists():
        service_url("__CHROMA_SERVER_BINARY__")
    database = make_url(url).database or "test"
    folder: Path = tmp_path_factory.mktemp("topology")
    topo = Topology(folder=folder, database_url=fresh_database(url, f"{database}_topology"), mail=MailSink())
    try:
        topo.start()
        yield topo
    finally:
        topo.stop()
