"""The ElevenLabs Agents Platform provider, through the official SDK (`elevenlabs` 2.x).

Outbound calls go through `conversational_ai.twilio.outbound_call` or `conversational_ai.sip_trunk.outbound_call`
(`telephony`), with the SDK's own retries off (`max_retries: 0`): it would retry a POST on 429/5xx by itself and
could ring a creator twice. Whether and when to try again is the caller's decision, keyed by our call id.
`ELEVENLABS_BASE_URL` points the client at another host (a fake server on 127.0.0.1 in tests).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from elevenlabs.client import ElevenLabs
from elevenlabs.core.api_error import ApiError

from voice.provider import (
    CallRefused,
    CallRequest,
    OutcomeUnknown,
    PlacedCall,
    ProviderUnavailable,
    SignedSession,
    VoiceConfig,
    VoiceError,
)
from voice.webhooks import Conversation, conversation_from

_NO_RETRIES: dict[str, Any] = {"max_retries": 0}
_RECOVERY_RETRIES: dict[str, Any] = {"max_retries": 2}  # GETs have no side effect


def _error(exc: ApiError, action: str) -> VoiceError:
    status = exc.status_code or 0
    detail = exc.body if isinstance(exc.body, str | dict | list) else str(exc)
    message = f"ElevenLabs {action} answered {status}: {detail}"[:1000]
    if status == 429 or status >= 500:
        return ProviderUnavailable(message, status=status)
    return CallRefused(message, status=status)


class ElevenLabsProvider:
    name = "elevenlabs"

    def __init__(self, config: VoiceConfig, client: ElevenLabs | None = None) -> None:
        missing = [name for name, value in (("ELEVENLABS_API_KEY", config.api_key),
                                            ("ELEVENLABS_AGENT_ID", config.agent_id)) if not value]
        if missing:
            raise ValueError(f"VOICE_PROVIDER=elevenlabs needs {', '.join(missing)}")
        if config.telephony not in ("twilio", "sip"):
            raise ValueError(f"ELEVENLABS_TELEPHONY must be twilio or sip, not {config.telephony!r}")
        self.config = config
        self.client = client or ElevenLabs(api_key=config.api_key, base_url=config.base_url or None,
                                           timeout=config.timeout_s)

    def place_call(self, request: CallRequest) -> PlacedCall:
        if not self.config.phone_number_id:
            raise CallRefused("ELEVENLABS_PHONE_NUMBER_ID is not set: no number to call from")
        api = self.client.conversational_ai
        telephony = api.twilio if self.config.telephony == "twilio" else api.sip_trunk
        try:
            response = telephony.outbound_call(
                agent_id=self.config.agent_id or "", agent_phone_number_id=self.config.phone_number_id,
                to_number=request.to_number, conversation_initiation_client_data=request.client_data(),
                request_options=_NO_RETRIES,
            )
        except ApiError as exc:
            raise _error(exc, "outbound call") from exc
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise ProviderUnavailable(f"ElevenLabs could not be reached: {exc}") from exc
        except httpx.HTTPError as exc:  # sent, no answer: it may have dialed
            raise OutcomeUnknown(f"ElevenLabs outbound call outcome unknown: {exc}") from exc
        if not response.success:
            raise CallRefused(f"ElevenLabs did not place the call: {response.message}"[:1000])
        provider_call_id = getattr(response, "call_sid", None) or getattr(response, "sip_call_id", None)
        return PlacedCall(conversation_id=response.conversation_id, provider_call_id=provider_call_id)

    def signed_session(self, request: CallRequest) -> SignedSession:
        try:
            response = self.client.conversational_ai.conversations.get_signed_url(
                agent_id=self.config.agent_id or "", request_options=_RECOVERY_RETRIES)
        except ApiError as exc:
            raise _error(exc, "signed URL") from exc
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"ElevenLabs could not be reached: {exc}") from exc
        # ElevenLabs' signed URLs are valid for 15 minutes to start a conversation.
        expires = datetime.now(UTC) + timedelta(seconds=self.config.signed_url_ttl_s)
        return SignedSession(signed_url=response.signed_url, expires_at=expires,
                             extra={"conversation_initiation_client_data": request.client_data()})

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        """The finished conversation (None while ElevenLabs is still on the call or processing it)."""
        try:
            response = self.client.conversational_ai.conversations.get(conversation_id,
                                                                       request_options=_RECOVERY_RETRIES)
        except ApiError as exc:
            if exc.status_code == 404:
                return None
            raise _error(exc, "get conversation") from exc
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"ElevenLabs could not be reached: {exc}") from exc
        if response.status in ("initiated", "in-progress", "processing"):
            return None
        return conversation_from(response.model_dump(mode="json", by_alias=True))
