"""MIME building, the file outbox and SMTP delivery to a real aiosmtpd server on loopback."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from agent.outreach.mailer import (
    MailConfigError,
    OutboxTransport,
    OutgoingEmail,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    build_mime,
    make_message_id,
    transport_from_url,
)


def _email(**overrides: object) -> OutgoingEmail:
    values: dict[str, object] = {
        "to": "sarah@example.com",
        "from_name": "Ana Ruiz",
        "from_addr": "ana@lumiere.example",
        "subject": "Lumière & Co x Sarah: Winter Glow",
        "text": "Hi Sarah,\n\nHello in plain text.\n",
        "html": "<p>Hi Sarah,</p><p>Hello in <b>html</b>.</p>",
        "message_id": "<abc.123@lumiere.example>",
        "unsubscribe_url": "https://app.example/u/tok123",
        "unsubscribe_mailto": "unsubscribe+tok123@lumiere.example",
    }
    values.update(overrides)
    return OutgoingEmail(**values)  # type: ignore[arg-type]


def test_build_mime_headers_and_parts() -> None:
    msg = build_mime(_email(in_reply_to="<first@lumiere.example>", references=["<root@lumiere.example>"],
                            headers={"X-Campaign-Id": "cmp_1"}))
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Message-ID"] == "<abc.123@lumiere.example>"
    assert msg["In-Reply-To"] == "<first@lumiere.example>"
    assert msg["References"] == "<root@lumiere.example> <first@lumiere.example>"
    assert msg["List-Unsubscribe"] == "<https://app.example/u/tok123>, <mailto:unsubscribe+tok123@lumiere.example>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["X-Campaign-Id"] == "cmp_1"
    assert msg["Date"]
    assert msg["From"].addresses[0].addr_spec == "ana@lumiere.example"
    assert msg["From"].addresses[0].display_name == "Ana Ruiz"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    # A round trip through bytes keeps the non-ASCII subject and both bodies.
    parsed = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Lumière & Co x Sarah: Winter Glow"
    assert "Hello in plain text." in parsed.get_body(("plain",)).get_content()
    assert "<b>html</b>" in parsed.get_body(("html",)).get_content()


def test_build_mime_without_thread_or_https_unsubscribe() -> None:
    msg = build_mime(_email(unsubscribe_url="http://localhost:5000/u/tok", unsubscribe_mailto=None))
    assert msg["In-Reply-To"] is None and msg["References"] is None
    assert msg["List-Unsubscribe"] == "<http://localhost:5000/u/tok>"
    assert msg["List-Unsubscribe-Post"] is None  # one-click needs an https URI (RFC 8058)


def test_build_mime_refuses_header_injection() -> None:
    with pytest.raises(ValueError):
        build_mime(_email(subject="Hello\r\nBcc: everyone@example.com"))


def test_make_message_id_is_unique_and_well_formed() -> None:
    ids = {make_message_id("lumiere.example") for _ in range(50)}
    assert len(ids) == 50
    assert all(i.startswith("<") and i.endswith("@lumiere.example>") for i in ids)


def test_outbox_writes_one_file_per_message_id(tmp_path: Path) -> None:
    outbox = OutboxTransport(tmp_path / "outbox")
    msg = build_mime(_email())
    outbox.send(msg)
    outbox.send(build_mime(_email(subject="changed on retry")))  # same Message-ID: nothing new written
    outbox.send(build_mime(_email(message_id="<other/../id@lumiere.example>")))
    files = sorted((tmp_path / "outbox").iterdir())
    assert [f.name for f in files] == ["abc.123@lumiere.example.eml", "other_.._id@lumiere.example.eml"]
    saved = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert saved["Subject"] == "Lumière & Co x Sarah: Winter Glow"
    assert saved["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with pytest.raises(ValueError):
        outbox.send(build_mime(_email(message_id="")))


def test_transport_from_url() -> None:
    assert isinstance(transport_from_url("outbox"), OutboxTransport)
    assert transport_from_url("outbox", outbox_dir="/tmp/x").directory == Path("/tmp/x")  # type: ignore[attr-defined]
    assert transport_from_url("outbox:/srv/mail").directory == Path("/srv/mail")  # type: ignore[attr-defined]
    smtp = transport_from_url("smtp://user%40corp:p%3Ass@mail.example.com:587?timeout=3")
    assert isinstance(smtp, SmtpTransport)
    assert (smtp.host, smtp.port, smtp.username, smtp.password) == ("mail.example.com", 587, "user@corp", "p:ss")
    assert smtp.timeout == 3.0 and smtp.require_tls and not smtp.implicit_tls
    smtps = SmtpTransport.from_url("smtps://relay.example.com")
    assert (smtps.port, smtps.implicit_tls, smtps.username, smtps.require_tls) == (465, True, None, False)
    assert SmtpTransport.from_url("smtp://u:p@localhost:2525").require_tls is False
    with pytest.raises(ValueError):
        transport_from_url("sendmail://x")


# --- SMTP against a real server -------------------------------------------------------------------------

class _Recorder:
    def __init__(self, rcpt_reply: str | None = None) -> None:
        self.rcpt_reply = rcpt_reply
        self.envelopes: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"ana", b"s3cret")
    return AuthResult(success=ok, handled=False)


@contextmanager
def _smtp_server(handler: _Recorder, **kwargs: object) -> Iterator[int]:
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_smtp_delivers_without_auth() -> None:
    handler = _Recorder()
    with _smtp_server(handler) as port:
        transport_from_url(f"smtp://127.0.0.1:{port}?timeout=5").send(build_mime(_email()))
    assert len(handler.envelopes) == 1
    mail_from, rcpts, content = handler.envelopes[0]
    assert (mail_from, rcpts) == ("ana@lumiere.example", ["sarah@example.com"])
    received = email.message_from_bytes(content, policy=policy.default)
    assert received["Message-ID"] == "<abc.123@lumiere.example>"
    assert received["List-Unsubscribe"].strip().startswith("<https://app.example/u/tok123>")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_delivers_with_auth_and_rejects_bad_password() -> None:
    handler = _Recorder()
    auth = {"authenticator": _authenticate, "auth_require_tls": False, "auth_required": True}
    with _smtp_server(handler, **auth) as port:
        transport_from_url(f"smtp://ana:s3cret@127.0.0.1:{port}?timeout=5").send(build_mime(_email()))
        with pytest.raises(MailConfigError):
            transport_from_url(f"smtp://ana:wrong@127.0.0.1:{port}?timeout=5").send(build_mime(_email()))
        with pytest.raises(MailConfigError):  # no AUTH: 530 to MAIL FROM is our configuration, not a bounce
            transport_from_url(f"smtp://127.0.0.1:{port}?timeout=5").send(build_mime(_email()))
    assert len(handler.envelopes) == 1


def test_smtp_550_is_a_permanent_failure() -> None:
    with _smtp_server(_Recorder(rcpt_reply="550 5.1.1 No such user here")) as port, \
            pytest.raises(PermanentFailure) as info:
        transport_from_url(f"smtp://127.0.0.1:{port}").send(build_mime(_email()))
    assert info.value.code == 550 and info.value.recipient == "sarah@example.com"
    assert "No such user" in str(info.value)


def test_smtp_4xx_and_no_server_are_temporary() -> None:
    with _smtp_server(_Recorder(rcpt_reply="451 4.7.1 Try again later")) as port, \
            pytest.raises(TemporaryFailure) as info:
        transport_from_url(f"smtp://127.0.0.1:{port}").send(build_mime(_email()))
    assert info.value.code == 451
    with pytest.raises(TemporaryFailure):
        transport_from_url(f"smtp://127.0.0.1:{_free_port()}?timeout=2").send(build_mime(_email()))


def test_smtp_refuses_to_send_credentials_in_clear_to_remote_hosts() -> None:
    handler = _Recorder()
    with _smtp_server(handler) as port:
        transport = SmtpTransport("127.0.0.1", port, username="ana", password="s3cret", require_tls=True, timeout=5)
        with pytest.raises(MailConfigError):
            transport.send(build_mime(_email()))
    assert handler.envelopes == []
