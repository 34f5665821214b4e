"""Launch throughput: one campaign to `count` creators over real SMTP (aiosmtpd on 127.0.0.1), end to end.

Measures from the launch request to the last email accepted by the server, through the same path as
production (HTTP route → Celery tasks on the in-process pool → draft, checks, SMTP, negotiation), with the
per-domain rate limit off. `python -m bench.launch_bench [COUNT]`.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _Sink:
    """Counts messages accepted by the SMTP server."""

    def __init__(self) -> None:
        self.count = 0
        self.finished_at = 0.0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.count += 1
            self.finished_at = time.perf_counter()
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _seed(database_url: str, org_id: str, count: int) -> list[str]:
    from data.db import session_scope
    from data.influencers import create_influencer
    from data.schemas import InfluencerIn

    ids = []
    with session_scope(database_url) as s:
        for n in range(count):
            profile = InfluencerIn.model_validate(
                {
                    "name": f"Bench Creator {n}",
                    "email": f"creator{n}@bench.example",
                    "languages": ["en"],
                    "niches": ["beauty"],
                    "location": {"city": "Austin", "country": "US"},
                    "platforms": [
                        {
                            "platform": "instagram",
                            "handle": f"bench{n}",
                            "followers": 20_000 + n * 97,
                            "engagement_rate": 3.5,
                        }
                    ],
                    "rates_usd": {"post": 900, "reel": 1400},
                    "recent_posts": [
                        {
                            "platform": "instagram",
                            "text": "Morning skincare routine, step by step",
                            "posted_at": "2026-10-02T10:00:00Z",
                        }
                    ],
                }
            )
            ids.append(create_influencer(s, org_id, profile).id)
    return ids


def raw_smtp_rate(count: int, port: int) -> float:
    """Baseline: the same number of prebuilt messages sent by plain smtplib over one connection.

    It is the ceiling for this server and machine: everything launch adds (drafting, checks, the exactly-once
    bookkeeping, a connection per message, opening negotiations) shows as the ratio between the two.
    """
    import smtplib

    from agent.outreach.mailer import OutgoingEmail, build_mime, make_message_id

    messages = [
        build_mime(OutgoingEmail(to=f"creator{n}@bench.example", from_name="Ana", from_addr="ana@lumen.example",
                                 subject="Collaboration", text="Hello", html="<p>Hello</p>",
                                 message_id=make_message_id("lumen.example")))
        for n in range(count)
    ]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as server:
        for message in messages:
            server.send_message(message)
    return count / (time.perf_counter() - started)


def run(count: int = 200, database_url: str | None = None) -> dict[str, Any]:
    """Launch to `count` creators and report emails per second (SQLite in a temp dir unless a URL is given)."""
    from api import create_app, jobs
    from api.http.auth import issue_key
    from data.db import session_scope
    from data.migrate import upgrade
    from data.models import Organization

    workdir = Path(tempfile.mkdtemp(prefix="launch-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    sink, port = _Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = create_app(
            {
                "DATABASE_URL": url,
                "RATELIMIT_ENABLED": False,
                "SEND_RATE_PER_DOMAIN": "0",
                "MAIL_TRANSPORT": f"smtp://127.0.0.1:{port}",
                "PUBLIC_BASE_URL": "https://bench.example",
            }
        )
        with session_scope(url) as s:
            org = Organization(name=f"bench-{time.time_ns()}")
            s.add(org)
            s.flush()
            org_id, key = org.id, issue_key(s, org, "manager")[1]
        ids = _seed(url, org_id, count)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {key}"}
        campaign = client.post(
            "/api/v1/campaigns",
            headers=headers,
            json={
                "name": "Bench launch",
                "brand": "Lumen",
                "deliverables": ["1 reel", "3 stories"],
                "sender": {"name": "Ana", "email": "ana@lumen.example", "postal_address": "1 Main St, Austin, TX"},
            },
        ).json
        started = time.perf_counter()
        r = client.post(
            f"/api/v1/campaigns/{campaign['id']}/launch",
            headers=headers,
            json={"influencer_ids": ids, "channel": "email", "pricing": {"target_usd": 1500, "max_usd": 2200}},
        )
        if r.status_code != 202:
            raise RuntimeError(f"launch refused: {r.status_code} {r.get_json()}")
        jobs.wait_idle(600)
        elapsed = (sink.finished_at or time.perf_counter()) - started
        job = client.get(f"/api/v1/jobs/{r.json['job_id']}", headers=headers).json
        launched = sink.count
        baseline = raw_smtp_rate(count, port)
        rate = launched / elapsed if elapsed > 0 else 0.0
        return {
            "count": count,
            "delivered": launched,
            "seconds": round(elapsed, 2),
            "emails_per_s": round(rate, 1),
            "raw_smtp_loop_emails_per_s": round(baseline, 1),
            "ratio_to_raw_smtp": round(rate / baseline, 3) if baseline else None,
            "job_status": job["status"],
            "backend": url.split(":", 1)[0],
        }
    finally:
        controller.stop()


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
