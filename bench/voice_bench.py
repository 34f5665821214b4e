"""`python -m bench voice`: custom-LLM latency over real HTTP, next to a trivial SSE echo in the same run.

A threaded server on 127.0.0.1 runs the app (SQLite in a temp dir, offline language layer); each negotiation is
talked through the way ElevenLabs does it (the whole history each turn, streaming, the end_call tool offered) by a
creator who counters until agreed. Per request: time to the first byte, to the first content chunk and to the
last chunk; p50/p95 for our endpoint and for an echo endpoint that streams the same shape without any work.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from flask import Response
from werkzeug.serving import make_server

CREATOR_LINES = ("Hi! My rate is five thousand dollars.", "I could do four thousand five hundred.",
                 "How about four thousand?", "Three thousand eight hundred is my best.", "Okay, deal.")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _setup(database_url: str, count: int) -> list[str]:
    from agent.negotiation import service
    from data.db import session_scope
    from data.influencers import create_influencer
    from data.models import Campaign, Organization
    from data.schemas import InfluencerIn
    from tests.payloads import creator

    ids = []
    with session_scope(database_url) as s:
        org = Organization(name="bench-voice")
        s.add(org)
        s.flush()
        campaign = Campaign(org_id=org.id, name="Bench", brand="Glow", deliverables=["1 reel", "3 stories"])
        s.add(campaign)
        s.flush()
        for n in range(count):
            inf = create_influencer(s, org.id, InfluencerIn.model_validate(creator(n, email=f"b{n}@bench.example")))
            neg = service.start(s, org_id=org.id, campaign=campaign, influencer=inf, channel="voice",
                                target_usd=Decimal(2500), max_usd=Decimal(4000), deliverables=["1 reel", "3 stories"],
                                usage_rights="6 months organic")
            ids.append(neg.id)
    return ids


def _timed(client: httpx.Client, url: str, body: dict[str, Any], secret: str) -> tuple[float, float, float, str]:
    start = time.perf_counter()
    first_byte = first_content = 0.0
    text = []
    with client.stream("POST", url, json=body, headers={"Authorization": f"Bearer {secret}"}) as response:
        for line in response.iter_lines():
            now = time.perf_counter() - start
            if not first_byte:
                first_byte = now
            if line.startswith("data: {") and '"content":"' in line and '"content":""' not in line:
                if not first_content:
                    first_content = now
                text.append(line)
    return first_byte, first_content or first_byte, time.perf_counter() - start, "".join(text)


def _echo() -> Response:
    from voice.chat_wire import Reply, Stream

    stream = Stream("echo")
    return Response((c for c in [stream.opening(), *stream.reply(Reply("Echo. Nothing else."), end_call=False)]),
                    mimetype="text/event-stream")


def run(turns: int = 200) -> dict[str, Any]:
    from api import create_app
    from data.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="bench-voice-"))
    database_url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    app.add_url_rule("/bench/echo", "bench_echo", _echo, methods=["POST"])
    secret = app.extensions["settings"].voice_llm_secret
    negotiations = _setup(database_url, turns // len(CREATOR_LINES) + 2)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    ours: list[tuple[float, float, float]] = []
    echo: list[tuple[float, float, float]] = []
    try:
        with httpx.Client(timeout=30) as client:
            for neg in negotiations:
                messages: list[dict[str, str]] = [{"role": "system", "content": "x"},
                                                  {"role": "assistant", "content": "Hi, this is Glow."}]
                for line in CREATOR_LINES:
                    if len(ours) >= turns:
                        break
                    messages.append({"role": "user", "content": line})
                    body = {"model": "m", "stream": True, "messages": messages,
                            "tools": [{"type": "function", "function": {"name": "end_call"}}],
                            "elevenlabs_extra_body": {"negotiation_id": neg}}
                    fb, fc, last, text = _timed(client, f"{base}/voice/llm/chat/completions", body, secret)
                    ours.append((fb, fc, last))
                    echo.append(_timed(client, f"{base}/bench/echo", body, secret)[:3])
                    messages.append({"role": "assistant", "content": text or "ok"})
                    if "end_call" in text:
                        break
    finally:
        server.shutdown()

    def stats(rows: list[tuple[float, float, float]], i: int) -> dict[str, float]:
        values = [r[i] * 1000 for r in rows]
        return {"p50_ms": round(statistics.median(values), 2), "p95_ms": round(_percentile(values, 0.95), 2)}

    names = ("first_byte", "first_content", "last_chunk")
    result = {"turns": len(ours),
              "ours": {n: stats(ours, i) for i, n in enumerate(names)},
              "echo": {n: stats(echo, i) for i, n in enumerate(names)}}
    result["p95_last_chunk_ratio_vs_echo"] = round(result["ours"]["last_chunk"]["p95_ms"]
                                                   / max(result["echo"]["last_chunk"]["p95_ms"], 0.01), 1)
    return result


def main() -> int:
    result = run()
    for side in ("ours", "echo"):
        cells = ", ".join(f"{k} p50 {v['p50_ms']} ms / p95 {v['p95_ms']} ms" for k, v in result[side].items())
        print(f"{side:5s} ({result['turns']} turns): {cells}")
    print(f"p95 last chunk: {result['p95_last_chunk_ratio_vs_echo']}x the echo endpoint")
    return 0
