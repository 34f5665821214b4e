"""A fake "ElevenLabs caller": drives our custom-LLM endpoint over HTTP the way ElevenLabs does, then posts the
signed post-call webhook.

Each creator utterance sends the whole conversation so far (system prompt, the agent's first message, every turn),
`stream: true`, the agent's tools (the `end_call` system tool) and `elevenlabs_extra_body`. `say(..., retry=True)`
sends the same request twice (ElevenLabs retrying); `say(..., drop=True)` loses the request on the way (the
utterance stays in the transcript and ElevenLabs speaks its own soft-timeout line instead of a reply).
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from voice.webhooks import sign

SOFT_TIMEOUT_LINE = "Sorry, give me a second."


class FakeElevenLabsCaller:
    def __init__(self, base_url: str, *, llm_secret: str, webhook_secret: str, client_data: dict[str, Any],
                 conversation_id: str, first_message: str = "Hi, this is the brand team. Got a minute?") -> None:
        self.base_url = base_url.rstrip("/")
        self.llm_secret, self.webhook_secret = llm_secret, webhook_secret
        self.client_data, self.conversation_id = client_data, conversation_id
        self.messages: list[dict[str, str]] = [{"role": "system", "content": "You are the brand's negotiator."},
                                               {"role": "assistant", "content": first_message}]
        self.transcript: list[dict[str, Any]] = [{"role": "agent", "message": first_message, "time_in_call_secs": 0}]
        self.ended = False
        self.requests = 0
        self.http = httpx.Client(timeout=30)

    def _clock(self) -> int:
        return self.transcript[-1]["time_in_call_secs"] + 4

    def _request(self) -> tuple[str, bool]:
        body = {"model": "custom-llm", "stream": True, "temperature": 0.3, "max_tokens": 5000,
                "messages": self.messages, "user_id": None,
                "tools": [{"type": "function", "function": {
                    "name": "end_call", "description": "End the call",
                    "parameters": {"type": "object", "properties": {"reason": {"type": "string"}},
                                   "required": ["reason"]}}}],
                "elevenlabs_extra_body": self.client_data.get("custom_llm_extra_body")}
        self.requests += 1
        text, ended = [], False
        with self.http.stream("POST", f"{self.base_url}/voice/llm/chat/completions", json=body,
                              headers={"Authorization": f"Bearer {self.llm_secret}"}) as response:
            assert response.status_code == 200, response.read()
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = [line for line in response.iter_lines() if line]
        assert lines[-1] == "data: [DONE]"
        for line in lines[:-1]:
            delta = json.loads(line[len("data: "):])["choices"][0]["delta"]
            text.append(delta.get("content") or "")
            ended = ended or any(c["function"]["name"] == "end_call" for c in delta.get("tool_calls") or [])
        return "".join(text).strip(), ended

    def say(self, text: str, *, retry: bool = False, drop: bool = False) -> str | None:
        """The creator says `text`; the agent's spoken reply (None when the request was dropped)."""
        self.messages.append({"role": "user", "content": text})
        self.transcript.append({"role": "user", "message": text, "time_in_call_secs": self._clock()})
        if drop:
            self.messages.append({"role": "assistant", "content": SOFT_TIMEOUT_LINE})
            self.transcript.append({"role": "agent", "message": SOFT_TIMEOUT_LINE, "time_in_call_secs": self._clock()})
            return None
        reply, ended = self._request()
        if retry:
            again, ended_again = self._request()
            assert (again, ended_again) == (reply, ended), "a retried request must get the same reply"
        self.messages.append({"role": "assistant", "content": reply})
        self.transcript.append({"role": "agent", "message": reply, "time_in_call_secs": self._clock()})
        self.ended = ended
        return reply

    def webhook_body(self, summary: str = "A negotiation call.") -> bytes:
        from tests.fakes.elevenlabs_server import conversation_body

        data = conversation_body(self.conversation_id, self.transcript, client_data=self.client_data,
                                 summary=summary, duration_s=self._clock(), start_unix=int(time.time()) - 120)
        return json.dumps({"type": "post_call_transcription", "event_timestamp": int(time.time()),
                           "data": data}).encode()

    def hang_up(self, *, times: int = 1) -> list[httpx.Response]:
        """Post the signed post-call webhook (`times` deliveries, as ElevenLabs retries)."""
        body = self.webhook_body()
        return [self.http.post(f"{self.base_url}/voice/webhooks/elevenlabs", content=body,
                               headers={"ElevenLabs-Signature": sign(body, self.webhook_secret, int(time.time())),
                                        "Content-Type": "application/json"}) for _ in range(times)]
