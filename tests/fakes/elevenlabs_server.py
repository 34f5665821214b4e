"""A fake ElevenLabs API on loopback for the SDK paths the voice provider uses, in the real wire format.

    POST /v1/convai/twilio/outbound-call     {"agent_id", "agent_phone_number_id", "to_number",
    POST /v1/convai/sip-trunk/outbound-call   "conversation_initiation_client_data", ...}
        → {"success": true, "message": "...", "conversation_id": "conv_…", "callSid"|"sip_call_id": "…"}
    GET  /v1/convai/conversation/get-signed-url?agent_id=…   → {"signed_url": "wss://…"}
    GET  /v1/convai/conversations/{conversation_id}          → a GetConversationResponseModel body

Every request must carry `xi-api-key` (else 401, as the real API). Tests program the next outbound-call answers
with `queue_status(503)` / `queue_status(422, {...})`, or `queue_hang()` for one that is received and recorded but
answered only after the client gave up (a timeout after sending: ElevenLabs may have dialed), put finished
conversations with `put_conversation`, and read what the SDK sent in `requests`.

    with FakeElevenLabs(api_key="k") as el:
        provider = ElevenLabsProvider(VoiceConfig(..., base_url=el.base_url))
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)


class FakeElevenLabs:
    def __init__(self, api_key: str = "test-key") -> None:
        self.api_key = api_key
        self.requests: list[Recorded] = []
        self.conversations: dict[str, dict[str, Any]] = {}
        self._statuses: deque[tuple[int, Any]] = deque()
        self._hangs: deque[float] = deque()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeElevenLabs:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def queue_status(self, status: int, body: Any = None) -> None:
        """The next outbound call answers `status` with `body` (an ElevenLabs-style error detail by default)."""
        self._statuses.append((status, body if body is not None else {"detail": {"status": "error",
                                                                               "message": f"fake {status}"}}))

    def queue_hang(self, seconds: float = 5.0) -> None:
        """The next outbound call is recorded (the call is placed) but its answer comes only after `seconds`."""
        self._hangs.append(seconds)

    def put_conversation(self, conversation_id: str, body: dict[str, Any]) -> None:
        self.conversations[conversation_id] = body

    def outbound_calls(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/outbound-call")]

    # --- the server ------------------------------------------------------------------------------------------

    def _answer_outbound(self, path: str) -> tuple[int, Any]:
        with self._lock:
            hang = self._hangs.popleft() if self._hangs else None
            if hang is None and self._statuses:
                return self._statuses.popleft()
        if hang is not None:
            self._closing.wait(hang)
        conversation_id = f"conv_{uuid.uuid4().hex[:20]}"
        body: dict[str, Any] = {"success": True, "message": "Call initiated", "conversation_id": conversation_id}
        if "/twilio/" in path:
            body["callSid"] = f"CA{uuid.uuid4().hex}"
        else:
            body["sip_call_id"] = f"sip-{uuid.uuid4().hex[:12]}"
        return 200, body

    def _route(self, method: str, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        if method == "POST" and path in ("/v1/convai/twilio/outbound-call", "/v1/convai/sip-trunk/outbound-call"):
            return self._answer_outbound(path)
        if method == "GET" and path == "/v1/convai/conversation/get-signed-url":
            agent = (query.get("agent_id") or [""])[0]
            if not agent:
                return 422, {"detail": [{"loc": ["query", "agent_id"], "msg": "field required"}]}
            return 200, {"signed_url": f"wss://api.elevenlabs.io/v1/convai/conversation?agent_id={agent}"
                                       f"&conversation_signature={uuid.uuid4().hex}"}
        if method == "GET" and path.startswith("/v1/convai/conversations/"):
            conversation = self.conversations.get(path.rsplit("/", 1)[-1])
            if conversation is None:
                return 404, {"detail": {"status": "conversation_not_found", "message": "not found"}}
            return 200, conversation
        return 404, {"detail": "not found"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _serve(self, method: str) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                fake.requests.append(Recorded(method=method, path=url.path, query=parse_qs(url.query),
                                              headers={k.lower(): v for k, v in self.headers.items()}, body=body))
                if self.headers.get("xi-api-key") != fake.api_key:
                    status, answer = 401, {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}
                else:
                    status, answer = fake._route(method, url.path, parse_qs(url.query))
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (queue_hang): the call was placed all the same

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        return Handler


def conversation_body(conversation_id: str, transcript: list[dict[str, Any]], *, client_data: dict[str, Any],
                      summary: str = "", duration_s: int = 60, start_unix: int = 1_764_000_000,
                      status: str = "done") -> dict[str, Any]:
    """A GET conversation / post-call webhook `data` object, with the fields the real one has."""
    return {
        "agent_id": "agent_test", "conversation_id": conversation_id, "status": status,
        "transcript": [{"role": t["role"], "message": t["message"], "tool_calls": [], "tool_results": [],
                        "feedback": None, "llm_override": None, "time_in_call_secs": t["time_in_call_secs"],
                        "conversation_turn_metrics": None, "rag_retrieval_info": None, "llm_usage": None,
                        "interrupted": False, "original_message": None, "source_medium": None}
                       for t in transcript],
        "metadata": {"start_time_unix_secs": start_unix, "call_duration_secs": duration_s, "cost": 120,
                     "termination_reason": "end_call tool was called.", "main_language": "en",
                     "phone_call": {"direction": "outbound", "type": "twilio"}},
        "analysis": {"evaluation_criteria_results": {}, "data_collection_results": {},
                     "call_successful": "success", "transcript_summary": summary},
        "conversation_initiation_client_data": {"conversation_config_override": None, **client_data},
        "has_audio": True, "has_user_audio": True, "has_response_audio": True, "has_auxiliary_audio": False,
    }
