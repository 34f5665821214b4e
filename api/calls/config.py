"""The voice provider for this app's settings: simulated (default) or ElevenLabs."""

from __future__ import annotations

from data.settings import Settings
from voice.provider import VoiceConfig


def voice_config(settings: Settings) -> VoiceConfig:
    return VoiceConfig(
        provider=settings.voice_provider, api_key=settings.elevenlabs_api_key, agent_id=settings.elevenlabs_agent_id,
        phone_number_id=settings.elevenlabs_phone_number_id, telephony=settings.elevenlabs_telephony,
        webhook_secret=settings.elevenlabs_webhook_secret, base_url=settings.elevenlabs_base_url,
        timeout_s=settings.elevenlabs_timeout_s,
    )
