"""The inbound-email webhook's edge: the provider's signature and the body it posts (README "Outreach").

Inbound email is authenticated by `X-Signature: sha256=<hex>`, the HMAC-SHA256 with INBOUND_EMAIL_SECRET of
`<X-Timestamp>.<raw body>`, where X-Timestamp is Unix seconds and must be within the tolerance (default
300 s) of our clock: the timestamp is signed, so an old delivery cannot be replayed with a fresh one.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from email.utils import parseaddr
from typing import Annotated

from flask import request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from agent.outreach.inbound import InboundMail
from api.http.errors import ApiError
from api.http.extensions import current_settings


class InboundIn(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    from_: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)] = Field(
        alias="from")
    to: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    subject: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    text: Annotated[str, StringConstraints(max_length=100_000)]
    in_reply_to: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    references: list[str] | str | None = None
    message_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None

    @field_validator("from_")
    @classmethod
    def _address(cls, value: str) -> str:
        address = parseaddr(value)[1]
        if "@" not in address:
            raise ValueError("must be an email address")
        return address.lower()

    def mail(self) -> InboundMail:
        """The email for `agent.outreach.inbound`; without a Message-ID, one derived from its content."""
        refs = self.references or []
        if isinstance(refs, str):
            refs = refs.split()
        message_id = self.message_id or "<{}@inbound.invalid>".format(
            hashlib.sha256(f"{self.from_}\n{self.subject}\n{self.text}".encode()).hexdigest()[:32])
        return InboundMail(sender=self.from_, text=self.text, message_id=message_id, to=self.to,
                           subject=self.subject, in_reply_to=self.in_reply_to, references=tuple(refs))


def verify_signature() -> None:
    """401 unless the request carries a fresh, valid signature; 503 when no secret is configured."""
    secret = current_settings().inbound_email_secret
    if not secret:
        raise ApiError(503, "inbound email is not configured (set INBOUND_EMAIL_SECRET)", code="not_configured")
    stamp = request.headers.get("X-Timestamp", "").strip()
    given = request.headers.get("X-Signature", "").strip().removeprefix("sha256=")
    tolerance = current_settings().inbound_email_tolerance_seconds
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > tolerance:
        raise ApiError(401, "missing or stale X-Timestamp")
    expected = hmac.new(str(secret).encode(), stamp.encode() + b"." + request.get_data(cache=True),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        raise ApiError(401, "the X-Signature does not match the body")


def sign_inbound(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers a mail provider (or a test) sends with an inbound email."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Timestamp": stamp, "X-Signature": f"sha256={digest}"}
