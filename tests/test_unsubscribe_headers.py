"""Issue 10, defect 3: List-Unsubscribe as mail clients read it (RFC 2369: `<uri>, <uri>`, plain ASCII, never
RFC 2047 encoded words, folded only after a comma) plus RFC 8058 one-click, checked on the bytes a real SMTP
server (aiosmtpd on 127.0.0.1) received from a campaign launch; and links that follow the serving address.
"""

from __future__ import annotations

import itertools
import re
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from agent.outreach.mailer import OutgoingEmail, build_mime, list_unsubscribe_value
from api import jobs
from data.db import session_scope
from data.models import Suppression
from tests.builders import launch_to, make_campaign, make_outreach_app, seed_creators

LONG_BASE = "https://outreach.example.test/some/longer/public/path/for/links"


class RawCollector:
    """Keeps the DATA bytes exactly as received."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.raw.append(envelope.original_content)
        return "250 OK"


@pytest.fixture()
def smtp() -> Any:
    handler = RawCollector()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


def raw_header(message: bytes, name: str) -> list[bytes]:
    """The physical lines of header `name` (its first line and continuation lines), as sent."""
    head = message.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].split(b"\n")
    for i, line in enumerate(head):
        if line.lower().startswith(name.lower().encode() + b":"):
            lines = [line]
            for more in head[i + 1 :]:
                if more[:1] not in (b" ", b"\t"):
                    break
                lines.append(more)
            return lines
    return []


def check_list_unsubscribe(lines: list[bytes]) -> list[str]:
    """Assert RFC 2369 form on the raw lines; returns the URIs."""
    assert lines, "no List-Unsubscribe header"
    assert all(line.isascii() for line in lines)
    assert not any(b"=?" in line for line in lines), lines  # no RFC 2047 encoded word
    for first, second in itertools.pairwise(lines):
        assert first.endswith(b","), f"folded elsewhere than after a comma: {lines}"
        assert second[:1] == b" "
    value = b"".join(lines).decode().split(":", 1)[1].strip()
    assert re.fullmatch(r"<[^<>\s]+>(,\s*<[^<>\s]+>)*", value), value
    return re.findall(r"<([^<>]+)>", value)


def test_launched_email_carries_usable_unsubscribe_headers(smtp, tenant, database_url) -> None:
    port, handler = smtp
    app = make_outreach_app(database_url, MAIL_TRANSPORT=f"smtp://127.0.0.1:{port}?timeout=5",
                            PUBLIC_BASE_URL=LONG_BASE)
    with app.app_context():
        client = app.test_client()
        ids = seed_creators(database_url, tenant.org_id, 1)
        campaign = make_campaign(client, tenant)
        assert launch_to(client, tenant, campaign["id"], ids).status_code == 202
        assert jobs.wait_idle(60)
        [raw] = handler.raw
        lines = raw_header(raw, "List-Unsubscribe")
        assert len(b"".join(lines)) > 78  # long enough that the old folding encoded it
        [uri] = check_list_unsubscribe(lines)
        assert uri.startswith(f"{LONG_BASE}/u/")
        assert raw_header(raw, "List-Unsubscribe-Post") == [b"List-Unsubscribe-Post: List-Unsubscribe=One-Click"]
        # RFC 8058: the mailbox provider POSTs "List-Unsubscribe=One-Click" to the URI, no cookies, no page.
        answer = client.post(urlsplit(uri).path.removeprefix(urlsplit(LONG_BASE).path),
                             data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        assert answer.status_code == 200
    with session_scope(database_url) as s:
        assert [r.email for r in s.scalars(select(Suppression).where(Suppression.org_id == tenant.org_id))] == [
            "c0@creators.example"]


def test_url_and_mailto_fold_after_the_comma_only() -> None:
    email = OutgoingEmail(to="sarah@example.com", from_name="Ana Lumière", from_addr="ana@lumiere.example",
                          subject="Une collaboration à deux ? " * 6, text="hi", html="<p>hi</p>",
                          message_id="<a.1@lumiere>",
                          unsubscribe_url=f"{LONG_BASE}/u/{'t' * 120}",
                          unsubscribe_mailto="unsubscribe+tok123@lumiere.example")
    raw = build_mime(email).as_bytes()
    uris = check_list_unsubscribe(raw_header(raw, "List-Unsubscribe"))
    assert uris == [f"{LONG_BASE}/u/{'t' * 120}", "mailto:unsubscribe+tok123@lumiere.example"]
    assert b"=?utf-8?" in raw_header(raw, "Subject")[0]  # other headers are still encoded as usual


def test_short_value_stays_on_one_line_and_bad_uris_are_refused() -> None:
    assert list_unsubscribe_value(["https://a.example/u/x"]) == "<https://a.example/u/x>"
    for bad in ("https://a.example/u/x\r\nBcc: victim@example.com", "https://exämple.com/u/x", "https://a/u/<x>"):
        with pytest.raises(ValueError):
            list_unsubscribe_value([bad])


def test_links_default_to_the_serving_address(monkeypatch) -> None:
    from api.cli import serving_overrides
    from tests.builders import use_env

    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    use_env(monkeypatch, PORT="8123")
    from data.settings import get_settings

    assert get_settings().link_base_url == "http://127.0.0.1:8123"
    assert serving_overrides("0.0.0.0", 8080) == {"PUBLIC_BASE_URL": "http://127.0.0.1:8080"}
    assert serving_overrides("127.0.0.1", 5055) == {"PUBLIC_BASE_URL": "http://127.0.0.1:5055"}
    use_env(monkeypatch, PUBLIC_BASE_URL="https://links.example")
    assert serving_overrides("0.0.0.0", 8080) == {}
    assert get_settings().link_base_url == "https://links.example"
