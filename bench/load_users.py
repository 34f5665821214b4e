"""The load's users (locust, as a library, headless) and one bounded run of them: `python -m bench.load_users PLAN`.

Run in a process of its own by bench/load_run.py: importing locust patches the standard library for gevent,
which the topology's own process (threads, subprocesses, an asyncio SMTP server) must not get. PLAN is a JSON
file: {"host", "key", "campaign_id", "influencer_ids", "users", "seconds", "warmup_s", "out"}; the result
(per-route counts, requests/s, p50/p95/p99 in ms, error messages) is written to "out" as JSON.

Each user is a marketer-and-manager at a keyboard: it searches, refines its last search, talks a negotiation
forward one creator message at a time (a new one once it closes), creates and edits creators, and the health
route is hit in the same mix as the trivial reference. It also carries a voice call: each turn is what ElevenLabs
sends our custom LLM (the call's messages so far plus the creator's newest words, streamed SSE read to `[DONE]`);
reads a negotiation's transcript as an evaluator would; and, signed in through the login form, opens the
negotiation inbox page. Think time is 0.2-1 s between actions.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, between, task  # patches the standard library for gevent
from locust.env import Environment

QUERIES = [
    "beauty creators in Los Angeles", "fitness influencers on TikTok with 50K+ followers",
    "vegan recipe creators", "micro-influencers in travel with engagement above 4%",
    "tech reviewers on YouTube", "Spanish-speaking lifestyle creators", "gaming streamers on Twitch",
    "skincare gurus audience mostly women 18-34", "parenting bloggers in Texas", "sustainable fashion creators",
]
REFINEMENTS = ["only the ones on TikTok", "under $1k", "verified only", "drop the ones who worked with Nike",
               "cheapest first", "with more than 20K followers"]
ASKS = [9000, 7500, 6400, 5200, 4500, 3900, 3400, 3000]
SPOKEN = ["I'd want nine thousand dollars for that.", "Maybe seven thousand five hundred?",
          "I could do six thousand.", "Five thousand two hundred is as low as I go.",
          "Let's say four thousand five hundred."]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PLAN: dict[str, Any] = {}
_serial = itertools.count()


class ApiUser(FastHttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.n = next(_serial)
        self.auth = {"Authorization": f"Bearer {PLAN['key']}"}
        self.session_id: str | None = None
        self.negotiation: str | None = None
        self.turn = 0
        self.created: list[str] = []
        self.pool = itertools.cycle(PLAN["influencer_ids"][self.n::max(1, PLAN["users"])] or PLAN["influencer_ids"])
        self.call: str | None = None  # the voice negotiation on the line
        self.call_messages: list[dict[str, str]] = []
        self.signed_in = self._sign_in()

    def _post(self, path: str, body: dict[str, Any], name: str) -> dict[str, Any] | None:
        with self.client.post(path, json=body, name=name, headers=self._headers(), catch_response=True) as r:
            if r.status_code >= 400:
                r.failure(f"{r.status_code}: {(r.text or '')[:200]}")
                return None
            return r.json()

    def _start(self, channel: str, name: str) -> str | None:
        """A new negotiation with the next creator of this user's share; its id (None when it was refused)."""
        body = {"campaign_id": PLAN["campaign_id"], "influencer_id": next(self.pool), "channel": channel,
                "target_usd": 2000, "max_usd": 5000}
        opened = self._post("/api/v1/negotiations", body, name)
        return opened["id"] if opened else None

    def _headers(self) -> dict[str, str]:
        return self.auth

    @task(4)
    def search(self) -> None:
        found = self._post("/api/v1/search", {"query": random.choice(QUERIES), "limit": 20}, "search")
        self.session_id = found["session_id"] if found else None

    @task(2)
    def refine(self) -> None:
        if self.session_id is None:
            return self.search()
        body = {"query": random.choice(REFINEMENTS), "session_id": self.session_id, "limit": 20}
        self._post("/api/v1/search", body, "search refine")
        return None

    @task(3)
    def negotiate(self) -> None:
        if self.negotiation is None:
            self.negotiation, self.turn = self._start("chat", "negotiation start"), 0
            return
        text = f"My rate for this package would be ${ASKS[min(self.turn, len(ASKS) - 1)]:,}"
        if self.turn >= len(ASKS):
            text = "Deal, let's do it."
        answer = self._post(f"/api/v1/negotiations/{self.negotiation}/messages", {"text": text}, "negotiation turn")
        self.turn += 1
        if answer is None or answer.get("status") != "open":
            self.negotiation = None

    @task(2)
    def voice_turn(self) -> None:
        """One spoken turn: the call so far plus the creator's newest words, as ElevenLabs posts it."""
        if self.call is None:
            self.call = self._start("voice", "voice negotiation start")
            self.call_messages = [{"role": "system", "content": "You negotiate for the brand."},
                                  {"role": "assistant", "content": "Hi, this is the brand team calling."}]
            return
        said = SPOKEN[min(len(self.call_messages) // 2 - 1, len(SPOKEN) - 1)]
        messages = [*self.call_messages, {"role": "user", "content": said}]
        body = {"model": "custom", "stream": True, "messages": messages,
                "elevenlabs_extra_body": {"negotiation_id": self.call},
                "tools": [{"type": "function", "function": {"name": "end_call"}}]}
        headers = {"Authorization": f"Bearer {PLAN['voice_secret']}"}
        with self.client.post("/voice/llm/chat/completions", json=body, headers=headers, name="voice turn (stream)",
                              catch_response=True) as r:
            text = r.text or ""
            if r.status_code != 200 or not text.rstrip().endswith("data: [DONE]"):
                r.failure(f"{r.status_code}: {text[-200:]}")
                self.call = None
                return
        reply, ended = _spoken_reply(text)
        self.call_messages = [*messages, {"role": "assistant", "content": reply}]
        if ended or len(self.call_messages) > 2 * len(SPOKEN) + 2:
            self.call = None

    @task(1)
    def transcript(self) -> None:
        """An evaluator reading a negotiation as it happened (the user's chat one, else its call)."""
        negotiation = self.negotiation or self.call
        if negotiation is None:
            return
        with self.client.get(f"/api/v1/negotiations/{negotiation}/transcript", name="transcript (evaluator)",
                             headers=self._headers(), catch_response=True) as r:
            if r.status_code != 200 or not isinstance((r.json() or {}).get("turns"), list):
                r.failure(f"{r.status_code}: {(r.text or '')[:200]}")

    @task(1)
    def inbox_page(self) -> None:
        """The manager's negotiation inbox, rendered for a signed-in browser session."""
        if not self.signed_in:
            self.signed_in = self._sign_in()
            return
        with self.client.get("/app/negotiations", name="web inbox page", allow_redirects=False,
                             catch_response=True) as r:
            if r.status_code != 200 or 'name="api_key"' in (r.text or ""):
                r.failure(f"{r.status_code}: not the inbox ({(r.text or '')[:120]!r})")
                self.signed_in = False

    def _sign_in(self) -> bool:
        """The login form: its CSRF token, then the API key exchanged for a session cookie (kept by the client)."""
        with self.client.get("/login", name="web login", catch_response=True) as r:
            token = CSRF.search(r.text or "")
            if r.status_code != 200 or token is None:
                r.failure(f"{r.status_code}: no login form")
                return False
        form = urlencode({"api_key": PLAN["key"], "csrf_token": token.group(1)})
        with self.client.post("/login", data=form, name="web login", allow_redirects=False, catch_response=True,
                              headers={"Content-Type": "application/x-www-form-urlencoded"}) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code}: sign-in refused")
                return False
        return True

    @task(1)
    def write_influencer(self) -> None:
        if self.created and random.random() < 0.5:
            path = f"/api/v1/influencers/{random.choice(self.created)}"
            body = {"bio": f"Pottery and ceramics, wheel-throwing tutorials ({time.time():.0f})"}
            with self.client.patch(path, json=body, name="influencer patch", headers=self._headers(),
                                   catch_response=True) as r:
                if r.status_code >= 400:
                    r.failure(f"{r.status_code}: {(r.text or '')[:200]}")
            return
        tag = f"{self.n}x{len(self.created)}x{random.getrandbits(24):06x}"
        made = self._post("/api/v1/influencers", creator_body(tag), "influencer create")
        if made:
            self.created.append(made["id"])

    @task(1)
    def health(self) -> None:
        with self.client.get("/health", name="health (trivial)", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {(r.text or '')[:200]}")


def _spoken_reply(events: str) -> tuple[str, bool]:
    """The reply's words and whether it asked to end the call, from the SSE chunks of a streamed completion."""
    words: list[str] = []
    ended = False
    for part in events.split("\n\n"):
        if not part.startswith("data: {"):
            continue
        delta = json.loads(part[6:])["choices"][0].get("delta") or {}
        words.append(delta.get("content") or "")
        ended = ended or any((c.get("function") or {}).get("name") == "end_call" for c in delta.get("tool_calls") or [])
    return "".join(words), ended


def creator_body(tag: str) -> dict[str, Any]:
    handle = f"load{tag}"
    return {"name": f"Load Creator {tag}", "handle": handle, "email": f"{handle}@load.example",
            "bio": "Ceramics and pottery wheel tutorials", "location": {"city": "Austin", "region": "Texas",
                                                                         "country": "US"},
            "languages": ["en"], "niches": ["art"], "topics": ["pottery"],
            "platforms": [{"platform": "instagram", "handle": handle, "followers": 42000, "engagement_rate": 3.1}],
            "rates_usd": {"post": 800}}


def run(plan: dict[str, Any]) -> dict[str, Any]:
    """One headless run: ramp up, warm up, reset the stats, measure for plan["seconds"], stop."""
    import gevent

    PLAN.update(plan)
    env = Environment(user_classes=[ApiUser], host=plan["host"], catch_exceptions=True)
    runner = env.create_local_runner()
    runner.start(plan["users"], spawn_rate=max(1, plan["users"]))
    gevent.sleep(plan.get("warmup_s", 3))
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(plan["seconds"])
    elapsed = time.monotonic() - started
    routes = {name: _entry(e, elapsed) for (name, _method), e in sorted(env.stats.entries.items())}
    total = _entry(env.stats.total, elapsed)
    errors = [{"route": e.name, "error": str(e.error), "count": e.occurrences} for e in env.stats.errors.values()]
    runner.quit()
    return {"users": plan["users"], "seconds": round(elapsed, 1), "routes": routes, "total": total,
            "errors": errors}


def _entry(e: Any, elapsed: float) -> dict[str, Any]:
    if not e.num_requests:
        return {"requests": 0, "errors": e.num_failures, "rps": 0.0, "p50_ms": None, "p95_ms": None, "p99_ms": None}
    return {"requests": e.num_requests, "errors": e.num_failures, "rps": round(e.num_requests / elapsed, 1),
            "p50_ms": e.get_response_time_percentile(0.5), "p95_ms": e.get_response_time_percentile(0.95),
            "p99_ms": e.get_response_time_percentile(0.99)}


def main(argv: list[str]) -> int:
    plan = json.loads(Path(argv[0]).read_text())
    result = run(plan)
    Path(plan["out"]).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
