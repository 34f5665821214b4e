"""Outgoing mail: MIME building and the transports chosen by MAIL_TRANSPORT.

`outbox` (the default) writes one .eml file per Message-ID under var/outbox/, so a retried send never
produces a second file; `smtp://user:pass@host:587` and `smtps://…:465` deliver through a real server.
SMTP errors are classified so the caller can retry (TemporaryFailure) or suppress the address
(PermanentFailure, a bounce); configuration problems (bad credentials, TLS) are MailConfigError.
"""

from __future__ import annotations

import ipaddress
import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


class MailError(Exception):
    """A message could not be sent."""


class TemporaryFailure(MailError):
    """Worth retrying later: 4xx replies, connection problems, timeouts."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PermanentFailure(MailError):
    """The server refused the message or recipient for good (5xx): treat as a bounce."""

    def __init__(self, message: str, code: int | None = None, recipient: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.recipient = recipient


class MailConfigError(MailError):
    """Our side is misconfigured (credentials, TLS): neither a bounce nor worth a blind retry."""


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    from_name: str
    from_addr: str
    subject: str
    text: str
    html: str
    message_id: str
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    unsubscribe_url: str | None = None
    unsubscribe_mailto: str | None = None
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def make_message_id(domain: str) -> str:
    """A new globally unique Message-ID such as <172…@mail.example.com>."""
    return make_msgid(domain=domain)


# Headers set raw (List-Unsubscribe) are written as we folded them: the default policy would re-fold a line
# longer than 78 characters into RFC 2047 encoded words, which mail clients do not read as URIs (RFC 2369).
MAIL_POLICY = policy.default.clone(refold_source="none")
_URI_CHARS = re.compile(r"^[!-~]+$")  # printable ASCII, no spaces: what RFC 3986 URIs are made of
_HEADER_LINE = 78


def list_unsubscribe_value(uris: list[str]) -> str:
    """`<uri>, <uri>` (RFC 2369), plain ASCII; when that is longer than a line, folded after the commas only."""
    for uri in uris:
        if not _URI_CHARS.match(uri) or "<" in uri or ">" in uri:
            raise ValueError(f"not a URI fit for List-Unsubscribe: {uri!r}")
    one_line = ", ".join(f"<{u}>" for u in uris)
    if len("List-Unsubscribe: ") + len(one_line) <= _HEADER_LINE:
        return one_line
    return ",\r\n ".join(f"<{u}>" for u in uris)


def build_mime(email: OutgoingEmail) -> EmailMessage:
    """multipart/alternative (text, then html) with threading and one-click unsubscribe headers.

    The email library raises ValueError for a header value containing a line break (header injection).
    """
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["From"] = Address(display_name=email.from_name, addr_spec=email.from_addr)
    msg["To"] = email.to
    if email.reply_to:
        msg["Reply-To"] = email.reply_to
    msg["Subject"] = email.subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = email.message_id
    if email.in_reply_to:
        msg["In-Reply-To"] = email.in_reply_to
    references = list(email.references)
    if email.in_reply_to and email.in_reply_to not in references:
        references.append(email.in_reply_to)
    if references:
        msg["References"] = " ".join(references)
    targets = []
    if email.unsubscribe_url:
        targets.append(email.unsubscribe_url)
    if email.unsubscribe_mailto:
        mailto = email.unsubscribe_mailto
        targets.append(mailto if mailto.startswith("mailto:") else "mailto:" + mailto)
    if targets:
        msg.set_raw("List-Unsubscribe", list_unsubscribe_value(targets))
    if email.unsubscribe_url and email.unsubscribe_url.startswith("https://"):
        msg.set_raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")  # RFC 8058 needs an https URI
    for name, value in email.headers.items():
        msg[name] = value
    msg.set_content(email.text)
    msg.add_alternative(email.html, subtype="html")
    return msg


class MailTransport(Protocol):
    def send(self, msg: EmailMessage) -> None: ...


_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


class OutboxTransport:
    """Writes each message to <dir>/<message-id>.eml; the same Message-ID twice leaves one file."""

    def __init__(self, directory: str | os.PathLike[str] = "var/outbox") -> None:
        self.directory = Path(directory)

    def path_for(self, message_id: str) -> Path:
        name = _UNSAFE.sub("_", message_id.strip().strip("<>"))[:200]
        if not name.strip("._"):
            raise ValueError(f"unusable Message-ID {message_id!r}")
        return self.directory / f"{name}.eml"

    def send(self, msg: EmailMessage) -> None:
        message_id = msg["Message-ID"]
        if not message_id:
            raise ValueError("a message needs a Message-ID to be written to the outbox")
        target = self.path_for(str(message_id))
        if target.exists():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".eml")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(msg.as_bytes())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpTransport:
    """Delivers through an SMTP server.

    smtp:// uses STARTTLS whenever the server offers it; smtps:// is TLS from the first byte. Credentials
    are never sent over an unencrypted connection except to a loopback host or with `?require_tls=0`.
    """

    def __init__(self, host: str, port: int, *, username: str | None = None, password: str | None = None,
                 implicit_tls: bool = False, require_tls: bool | None = None, timeout: float = 15.0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.implicit_tls = implicit_tls
        self.require_tls = bool(username) and not _is_loopback(host) if require_tls is None else require_tls
        self.timeout = timeout
        self.ssl_context = ssl_context

    @classmethod
    def from_url(cls, url: str) -> SmtpTransport:
        """smtp[s]://[user[:pass]@]host[:port][?timeout=15&require_tls=0|1]"""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("mail URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        require = query.get("require_tls")
        return cls(
            parts.hostname,
            parts.port or (465 if parts.scheme == "smtps" else 587),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=parts.scheme == "smtps",
            require_tls=None if require is None else require.lower() not in ("0", "false", "no"),
            timeout=float(query.get("timeout", 15)),
        )

    def _connect(self) -> smtplib.SMTP:
        context = self.ssl_context or ssl.create_default_context()
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        elif self.require_tls:
            client.close()
            raise MailConfigError(f"{self.host}:{self.port} does not offer STARTTLS; refusing to send credentials")
        return client

    def send(self, msg: EmailMessage) -> None:
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password or "")
                refused = client.send_message(msg)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailConfigError(f"SMTP login to {self.host} failed ({exc.smtp_code})") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise MailConfigError(f"SMTP server {self.host} does not support: {exc}") from exc
        except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as exc:  # the server won't talk to us now
            raise TemporaryFailure(f"SMTP server {self.host} refused the session: {exc}", exc.smtp_code) from exc
        except smtplib.SMTPSenderRefused as exc:  # our From address: a configuration problem, not a bounce
            if 500 <= exc.smtp_code < 600:
                raise MailConfigError(f"SMTP server refused sender {exc.sender}: {exc.smtp_code}") from exc
            raise TemporaryFailure(f"SMTP sender deferred: {exc.smtp_code}", exc.smtp_code) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            recipient, (code, reply) = next(iter(exc.recipients.items()))
            raise _classify(code, reply, recipient) from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, other replies
            raise _classify(exc.smtp_code, exc.smtp_error, None) from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnects, timeouts, refused connections, TLS
            raise TemporaryFailure(f"SMTP delivery via {self.host}:{self.port} failed: {exc}") from exc
        if refused:
            recipient, (code, reply) = next(iter(refused.items()))
            raise _classify(code, reply, recipient)


def _classify(code: int, reply: bytes | str, recipient: str | None) -> MailError:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    message = f"SMTP {code} {text}".strip() + (f" for {recipient}" if recipient else "")
    if 500 <= code < 600:
        return PermanentFailure(message, code=code, recipient=recipient)
    return TemporaryFailure(message, code=code)


def transport_from_url(url: str, outbox_dir: str = "var/outbox") -> MailTransport:
    """MAIL_TRANSPORT: "outbox", "outbox:/some/dir", "smtp://…" or "smtps://…"."""
    url = (url or "outbox").strip()
    if url == "outbox":
        return OutboxTransport(outbox_dir)
    if url.startswith("outbox:"):
        return OutboxTransport(url.removeprefix("outbox:").removeprefix("//") or outbox_dir)
    if url.startswith(("smtp://", "smtps://")):
        return SmtpTransport.from_url(url)
    raise ValueError(f"unknown MAIL_TRANSPORT {url!r}: use 'outbox', 'outbox:/dir' or smtp://user:pass@host:587")
