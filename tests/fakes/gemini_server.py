"""A fake Gemini API on loopback that speaks the real generateContent wire format.

    with FakeGemini() as gemini:
        gemini.queue_text('{"niches": ["beauty"]}')   # next response: a candidate whose text is this
        gemini.queue_error(500)                        # next response: an HTTP error with a Google error body
        gemini.queue_delay(2.0, "late")                # next response: sent after 2 s (for timeouts)
        provider = GeminiProvider(api_key="test", base_url=gemini.base_url)
        ...
        gemini.requests[0].body["systemInstruction"]   # what the client sent

With an empty queue the server answers 503, so a test never passes by accident on a default reply.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> str:
        """The model named in the path (/v1beta/models/{model}:generateContent)."""
        return self.path.split("/models/", 1)[-1].split(":", 1)[0]

    @property
    def system_text(self) -> str:
        parts = (self.body.get("systemInstruction") or {}).get("parts") or []
        return "".join(p.get("text", "") for p in parts)

    @property
    def prompt_text(self) -> str:
        return "".join(p.get("text", "") for c in self.body.get("contents", []) for p in c.get("parts", []))

    @property
    def generation_config(self) -> dict[str, Any]:
        return self.body.get("generationConfig") or {}


@dataclass
class _Reply:
    status: int = 200
    text: str | None = None
    delay_s: float = 0.0
    raw: dict[str, Any] | None = None


def generate_content_body(text: str) -> dict[str, Any]:
    """A generateContent response whose first candidate holds `text`."""
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": max(len(text) // 4, 1),
                          "totalTokenCount": 12 + max(len(text) // 4, 1)},
        "modelVersion": "fake-gemini",
        "responseId": "fake-response",
    }


class FakeGemini:
    """Programmable Gemini endpoint in a background thread; use as a context manager."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._queue: deque[_Reply] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- programming the replies ------------------------------------------------------------------------
    def queue_text(self, text: str) -> None:
        """Next reply: 200 with a candidate whose part text is `text` (valid JSON or not, as given)."""
        self._push(_Reply(text=text))

    def queue_json(self, value: Any) -> None:
        self.queue_text(json.dumps(value))

    def queue_error(self, status: int, message: str = "fake error") -> None:
        """Next reply: HTTP `status` with a Google-style error body."""
        self._push(_Reply(status=status, raw={"error": {"code": status, "message": message, "status": "INTERNAL"}}))

    def queue_delay(self, seconds: float, text: str) -> None:
        """Next reply: like queue_text, but sent after `seconds` (drives client timeouts)."""
        self._push(_Reply(text=text, delay_s=seconds))

    def queue_raw(self, body: dict[str, Any], status: int = 200) -> None:
        """Next reply: this exact JSON body (e.g. no candidates, a safety block)."""
        self._push(_Reply(status=status, raw=body))

    def _push(self, reply: _Reply) -> None:
        with self._lock:
            self._queue.append(reply)

    def _pop(self) -> _Reply | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    # --- server ----------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeGemini is not running: use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeGemini:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_unparsed": raw.decode("utf-8", "replace")}
                fake.requests.append(Recorded("POST", self.path, dict(self.headers.items()), body))
                if ":generateContent" not in self.path:
                    return self._send(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
                reply = fake._pop()
                if reply is None:
                    return self._send(503, {"error": {"code": 503, "message": "no reply queued",
                                                      "status": "UNAVAILABLE"}})
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                payload = reply.raw if reply.raw is not None else generate_content_body(reply.text or "")
                self._send(reply.status, payload)

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-gemini", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
