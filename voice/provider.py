"""The voice provider interface: place an outbound call, open a browser session, fetch a finished conversation.

Two implementations: `simulated` (the default; offline, a creator persona plays the call) and `elevenlabs` (the
Agents Platform through the official SDK). Errors say whether trying again is safe: a refusal (the provider
answered 4xx) never is, a failure the provider reported (429, 5xx) or a request that never left is, and a
request whose outcome is unknown (a timeout after sending) is not, because it may have rung the creator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from voice.webhooks import Conversation


@dataclass(frozen=True)
class VoiceConfig:
    """Everything a provider needs, filled from the service settings by the caller."""

    provider: str = "simulated"
    api_key: str | None = None
    agent_id: str | None = None
    phone_number_id: str | None = None
    telephony: str = "twilio"
    webhook_secret: str | None = None
    base_url: str | None = None
    timeout_s: float = 15.0
    signed_url_ttl_s: int = 15 * 60


@dataclass(frozen=True)
class CallRequest:
    """One outbound call: our ids travel with it so every later request and webhook finds the call again."""

    call_id: str
    negotiation_id: str
    to_number: str
    creator_name: str
    brand: str
    campaign: str
    persona: str | None = None
    """The simulated creator's persona (simulated provider only)."""

    def client_data(self) -> dict[str, Any]:
        """`conversation_initiation_client_data` exactly as README "Voice" describes it."""
        return {
            "custom_llm_extra_body": {"negotiation_id": self.negotiation_id, "call_id": self.call_id},
            "dynamic_variables": {"negotiation_id": self.negotiation_id, "call_id": self.call_id,
                                  "creator_name": self.creator_name, "brand": self.brand,
                                  "campaign": self.campaign},
        }


@dataclass(frozen=True)
class PlacedCall:
    conversation_id: str | None
    provider_call_id: str | None = None
    """Twilio's CallSid or the SIP call id."""
    finished: Conversation | None = None
    """Set by a provider that ran the whole call already (simulated): the webhook-shaped result."""


@dataclass(frozen=True)
class SignedSession:
    signed_url: str
    expires_at: datetime
    extra: dict[str, Any] = field(default_factory=dict)


class VoiceError(RuntimeError):
    """A provider call that did not succeed; `retryable` says whether the same call may be placed again."""

    retryable: bool = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class CallRefused(VoiceError):
    """The provider refused the request (4xx other than 429): retrying cannot help."""


class ProviderUnavailable(VoiceError):
    """The provider answered 429/5xx, or could not be reached before anything was sent: safe to retry later."""

    retryable = True


class ProviderMisconfigured(VoiceError):
    """The service's voice settings are incomplete or wrong (a missing key, an unknown provider): nothing was sent."""


class OutcomeUnknown(VoiceError):
    """The request may have reached the provider (timeout after sending): never redialed automatically."""


class VoiceProvider(Protocol):
    name: str

    def place_call(self, request: CallRequest) -> PlacedCall: ...

    def signed_session(self, request: CallRequest) -> SignedSession: ...

    def get_conversation(self, conversation_id: str) -> Conversation | None: ...
