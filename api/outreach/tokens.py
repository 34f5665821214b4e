"""Signed unsubscribe tokens: who (organization, address) and where from (campaign, creator), tamper-proof.

The token is signed, not encrypted, and never expires: an unsubscribe link must keep working for as long
as the email sits in an inbox. Changing SECRET_KEY invalidates every link already sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "outreach.unsubscribe.v1"


@dataclass(frozen=True)
class UnsubscribeClaim:
    org_id: str
    email: str
    campaign_id: str | None = None
    influencer_id: str | None = None


def _serializer(secret_key: str) -> URLSafeSerializer:
    if not secret_key:
        raise ValueError("SECRET_KEY is required to sign unsubscribe links")
    return URLSafeSerializer(secret_key, salt=_SALT)


def make_unsubscribe_token(secret_key: str, claim: UnsubscribeClaim) -> str:
    payload = {"o": claim.org_id, "e": claim.email.strip().lower()}
    if claim.campaign_id:
        payload["c"] = claim.campaign_id
    if claim.influencer_id:
        payload["i"] = claim.influencer_id
    return _serializer(secret_key).dumps(payload)


def read_unsubscribe_token(secret_key: str, token: str) -> UnsubscribeClaim | None:
    """The claim, or None when the token was not signed by us (or is garbled)."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("o"), str) or not isinstance(data.get("e"), str):
        return None
    return UnsubscribeClaim(org_id=data["o"], email=data["e"], campaign_id=data.get("c"),
                            influencer_id=data.get("i"))


def unsubscribe_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"
