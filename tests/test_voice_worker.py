"""A call placed by a real Celery worker (`celery -A api.jobs worker`, the command render.yaml runs) through Redis.

The `celery` command has the project on sys.path only while it loads the app and its task modules, so a module
first imported while a task runs (the simulated creator's personas, once) is not found there; this runs the
worker the way production does to keep that from coming back.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from celery import Celery

from tests.builders import service_url

ROOT = Path(__file__).resolve().parents[1]


def test_a_worker_places_a_simulated_call(client: Any, tenant: Any, database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the worker's imports do not depend on the database: once is enough")
    redis_url = service_url("TEST_REDIS_URL")
    from tests.builders import simulated_call, voice_negotiation

    call_id = simulated_call(database_url, voice_negotiation(client, tenant, database_url))
    queue = f"voice-test-{os.urandom(4).hex()}"
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": redis_url,
           "CHROMA_PATH": str(tmp_path / "chroma"), "VOICE_PROVIDER": "simulated"}
    celery_bin = Path(sys.executable).with_name("celery")
    worker = subprocess.Popen([str(celery_bin), "-A", "api.jobs", "worker", "--pool=solo", "-Q", queue,
                               "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        Celery(broker=redis_url).send_task("calls.place", args=[call_id], queue=queue)
        deadline = time.monotonic() + 90
        call: dict[str, Any] = {}
        while time.monotonic() < deadline:
            call = client.get(f"/api/v1/calls/{call_id}", headers=tenant.headers("manager")).json
            if call["status"] not in ("queued", "dialing"):
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert call.get("status") == "completed", (call, output[-3000:])
    assert call["transcript"] and call["turns"] and call["summary"]
