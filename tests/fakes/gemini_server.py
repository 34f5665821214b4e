"""A fake Gemini API on loopback that speaks the real REST wire format.

`POST /{version}/models/{model}:generateContent` answers one JSON `GenerateContentResponse`;
`POST /{version}/models/{model}:streamGenerateContent?alt=sse` answers the same content as server-sent events,
one `data: {GenerateContentResponse}` chunk per piece of text.

    with FakeGemini() as gemini:
        gemini.queue_text('{"niches": ["beauty"]}')   # next response: a candidate whose text is this
        gemini.queue_function_call("ParsedQuery", {"niches": ["beauty"]})   # a functionCall part (tool calling)
        gemini.queue_error(500)                        # next response: an HTTP error with a Google error body
        gemini.queue_delay(2.0, "late")                # next response: sent after 2 s (for timeouts)
        provider = GeminiProvider(api_key="test", base_url=gemini.base_url)
        ...
        gemini.requests[0].body["systemInstruction"]   # what the client sent
        gemini.requests[0].response_json_schema       # the structured-output schema it asked for

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
    def api_version(self) -> str:
        """The version segment of the path ("v1", "v1beta")."""
        return self.path.lstrip("/").split("/", 1)[0]

    @property
    def rpc(self) -> str:
        """generateContent or streamGenerateContent."""
        return self.path.split(":", 1)[-1].split("?", 1)[0]

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

    @property
    def response_json_schema(self) -> dict[str, Any] | None:
        """The JSON schema asked for in JSON mode (generationConfig.responseJsonSchema)."""
        return self.generation_config.get("responseJsonSchema")

    @property
    def function_declarations(self) -> list[dict[str, Any]]:
        """Every function declared in `tools` (tool-calling structured output)."""
        return [d for tool in self.body.get("tools") or [] for d in tool.get("functionDeclarations") or []]

    @property
    def function_calling_config(self) -> dict[str, Any]:
        return (self.body.get("toolConfig") or {}).get("functionCallingConfig") or {}


@dataclass
class _Reply:
    status: int = 200
    text: str | None = None
    delay_s: float = 0.0
    raw: dict[str, Any] | None = None
    parts: list[dict[str, Any]] | None = None


def generate_content_body(text: str, parts: list[dict[str, Any]] | None = None,
                          finish_reason: str | None = "STOP") -> dict[str, Any]:
    """A GenerateContentResponse whose first candidate holds `parts` (default: one text part with `text`)."""
    tokens = max(len(text) // 4, 1)
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts or [{"text": text}]}, "index": 0}
    if finish_reason:
        candidate["finishReason"] = finish_reason
    return {
        "candidates": [candidate],
        "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": tokens, "totalTokenCount": 12 + tokens},
        "modelVersion": "fake-gemini",
        "responseId": "fake-response",
    }


def stream_chunks(text: str, size: int = 16) -> list[dict[str, Any]]:
    """streamGenerateContent's chunks: the text in pieces, the last one carrying finishReason."""
    pieces = [text[i:i + size] for i in range(0, len(text), size)] or [""]
    return [generate_content_body(piece, finish_reason="STOP" if i == len(pieces) - 1 else None)
            for i, piece in enumerate(pieces)]


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

    def queue_function_call(self, name: str, args: dict[str, Any]) -> None:
        """Next reply: 200 with a `functionCall` part, as Gemini answers a declared tool."""
        self._push(_Reply(text="", parts=[{"functionCall": {"name": name, "args": args}}]))

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
                method = self.path.split(":", 1)[-1].split("?", 1)[0] if ":" in self.path else ""
                if "/models/" not in self.path or method not in ("generateContent", "streamGenerateContent"):
                    return self._send(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
                reply = fake._pop()
                if reply is None:
                    return self._send(503, {"error": {"code": 503, "message": "no reply queued",
                                                      "status": "UNAVAILABLE"}})
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if method == "streamGenerateContent" and reply.status == 200 and reply.raw is None:
                    chunks = ([generate_content_body("", reply.parts)] if reply.parts
                              else stream_chunks(reply.text or ""))
                    return self._send_events(chunks)
                payload = reply.raw if reply.raw is not None else generate_content_body(reply.text or "", reply.parts)
                self._send(reply.status, payload)

            def _send_events(self, chunks: list[dict[str, Any]]) -> None:
                """Server-sent events as `alt=sse` streams them: `data: <json>` and a blank line per chunk."""
                data = b"".join(b"data: " + json.dumps(chunk).encode() + b"\r\n\r\n" for chunk in chunks)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

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
