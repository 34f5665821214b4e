"""The production topology as real processes: gunicorn (4 workers), a Celery worker and beat, a Chroma server
and a Redis of its own, on the machine's PostgreSQL, with a real SMTP server (aiosmtpd) in the test process.

Each service can be killed with SIGKILL or restarted, which is what the fault tests do. Logs go to files under
the run's folder, and a service that does not come up fails with the tail of its log.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psycopg
import requests
from aiosmtpd.controller import Controller
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
# Celery pool processes: each one can have a delivery between the SMTP server taking the message and our
# "sent" commit when the worker is killed, so a kill may repeat up to this many Message-IDs.
WORKER_CONCURRENCY = 2
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(url: str, name: str) -> str:
    """A new, empty database beside the one `url` names (dropped first if it exists); its SQLAlchemy URL."""
    admin = make_url(url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def wait_until(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (requests.RequestException, OSError):
            pass
        time.sleep(interval)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")


@dataclass
class Service:
    """One long-running process of the topology, in its own process group (so SIGKILL takes its children)."""

    name: str
    command: list[str]
    log: Path
    ready: Callable[[], bool] | None = None
    process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str], timeout: float = 90) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(self.command, env=env, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        if self.ready is not None:
            try:
                wait_until(lambda: self.process.poll() is None and self.ready(), timeout, self.name)
            except TimeoutError as exc:
                raise TimeoutError(f"{exc}; log tail:\n{self.tail()}") from None

    def kill(self) -> None:
        """SIGKILL to the whole group: no cleanup, no goodbye, as when a machine dies."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def children(self) -> list[int]:
        """Direct children's pids (gunicorn's workers, for a web-worker kill)."""
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""


class MailSink:
    """A real SMTP server that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def by_message_id(self) -> Counter[str]:
        with self._lock:
            return Counter(str(m["Message-ID"]) for m in self.messages)

    def by_recipient(self) -> dict[str, set[str]]:
        with self._lock:
            out: dict[str, set[str]] = {}
            for m in self.messages:
                out.setdefault(str(m["To"]), set()).add(str(m["Message-ID"]))
            return out

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


@dataclass
class Topology:
    folder: Path
    database_url: str
    mail: MailSink
    ports: dict[str, int] = field(default_factory=lambda: {n: free_port() for n in ("web", "chroma", "redis")})
    services: dict[str, Service] = field(default_factory=dict)
    voice_secret: str = field(default_factory=lambda: os.urandom(16).hex())
    """VOICE_LLM_SECRET of the web workers: the bearer a voice agent's custom-LLM requests carry."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['web']}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports['redis']}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(REPO), "DATABASE_URL": self.database_url,
            "CHROMA_URL": f"http://127.0.0.1:{self.ports['chroma']}", "CHROMA_PATH": str(self.folder / "unused"),
            "CELERY_BROKER_URL": f"{self.redis_url}/0", "CELERY_VISIBILITY_TIMEOUT_S": "15",
            "REDIS_URL": f"{self.redis_url}/1",
            "RATELIMIT_STORAGE_URL": f"{self.redis_url}/1", "RATE_LIMIT_DEFAULT": "100000 per minute",
            "MAIL_TRANSPORT": f"smtp://127.0.0.1:{self.mail.port}?timeout=5", "SEND_RATE_PER_DOMAIN": "0",
            "SEND_LEASE_SECONDS": "5", "SECRET_KEY": "topology-secret", "PUBLIC_BASE_URL": "https://topology.test",
            "RETRIEVAL_REFRESH_MS": "300", "WEB_CONCURRENCY": "4", "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "TOKENIZERS_PARALLELISM": "false",
            "LOG_LEVEL": "INFO",
            "VOICE_LLM_SECRET": self.voice_secret,
        }

    def define(self) -> None:
        log = self.folder.joinpath
        python = str(BIN / "python")
        self.services = {
            "redis": Service("redis", ["redis-server", "--port", str(self.ports["redis"]), "--bind", "127.0.0.1",
                                       "--save", "", "--appendonly", "no"], log("redis.log"),
                             ready=lambda: _redis_ping(self.ports["redis"])),
            "chroma": Service("chroma", [str(BIN / "chroma"), "run", "--path", str(self.folder / "chroma"),
                                         "--host", "127.0.0.1", "--port", str(self.ports["chroma"])],
                              log("chroma.log"),
                              ready=lambda: requests.get(f"http://127.0.0.1:{self.ports['chroma']}/api/v2/heartbeat",
                                                         timeout=1).ok),
            "worker": Service("worker", [str(BIN / "celery"), "-A", "api.jobs", "worker", "--loglevel", "INFO",
                                         "--concurrency", str(WORKER_CONCURRENCY), "--without-gossip",
                                         "--without-mingle"], log("worker.log"),
                              ready=lambda: "ready." in self.services["worker"].log.read_text(errors="replace")),
            "beat": Service("beat", [str(BIN / "celery"), "-A", "api.jobs", "beat", "--loglevel", "INFO",
                                     "--schedule", str(self.folder / "beat-schedule")], log("beat.log")),
            "web": Service("web", [python, "-m", "api", "serve", "--host", "127.0.0.1", "--port",
                                   str(self.ports["web"]), "--workers", "4"], log("web.log"),
                           ready=lambda: requests.get(f"{self.base_url}/health", timeout=2).ok),
        }

    def start(self) -> None:
        self.define()
        self.mail.controller.start()
        env = self.env()
        subprocess.run([str(BIN / "python"), "-m", "api", "migrate"], env=env, cwd=REPO, check=True,
                       capture_output=True)
        for name in ("redis", "chroma", "worker", "beat", "web"):
            self.services[name].start(env)

    def restart(self, name: str, *, kill: bool = True) -> None:
        service = self.services[name]
        service.kill() if kill else service.stop()
        service.start(self.env())

    def stop(self) -> None:
        for name in ("web", "beat", "worker", "chroma", "redis"):
            if name in self.services:
                self.services[name].stop()
        self.mail.controller.stop()


def _redis_ping(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
        conn.sendall(b"PING\r\n")
        return conn.recv(16).startswith(b"+PONG")
