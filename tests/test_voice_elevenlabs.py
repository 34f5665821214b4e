"""The ElevenLabs provider through the real SDK against a fake ElevenLabs API on 127.0.0.1."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.fakes.elevenlabs_server import FakeElevenLabs, conversation_body
from voice.elevenlabs import ElevenLabsProvider
from voice.provider import CallRefused, CallRequest, OutcomeUnknown, ProviderUnavailable, VoiceConfig

REQUEST = CallRequest(call_id="c" * 32, negotiation_id="n" * 32, to_number="+13105550100", creator_name="Sarah",
                      brand="Glow", campaign="Summer glow")


@pytest.fixture()
def fake() -> FakeElevenLabs:
    with FakeElevenLabs(api_key="key-1") as server:
        yield server


def _provider(fake: FakeElevenLabs, telephony: str = "twilio", **overrides: Any) -> ElevenLabsProvider:
    config = VoiceConfig(provider="elevenlabs", api_key="key-1", agent_id="agent_1", phone_number_id="phnum_1",
                         telephony=telephony, base_url=fake.base_url, timeout_s=5)
    return ElevenLabsProvider(dataclasses.replace(config, **overrides))


@pytest.mark.parametrize(("telephony", "path", "id_field"), [
    ("twilio", "/v1/convai/twilio/outbound-call", "callSid"),
    ("sip", "/v1/convai/sip-trunk/outbound-call", "sip_call_id"),
])
def test_outbound_call_sends_the_contract_client_data(fake: FakeElevenLabs, telephony: str, path: str,
                                                      id_field: str) -> None:
    placed = _provider(fake, telephony).place_call(REQUEST)
    [sent] = fake.outbound_calls()
    assert sent.path == path and sent.headers["xi-api-key"] == "key-1"
    assert sent.body["agent_id"] == "agent_1" and sent.body["agent_phone_number_id"] == "phnum_1"
    assert sent.body["to_number"] == "+13105550100"
    assert sent.body["conversation_initiation_client_data"] == {
        "custom_llm_extra_body": {"negotiation_id": "n" * 32, "call_id": "c" * 32},
        "dynamic_variables": {"negotiation_id": "n" * 32, "call_id": "c" * 32, "creator_name": "Sarah",
                              "brand": "Glow", "campaign": "Summer glow"},
    }
    assert placed.conversation_id and placed.conversation_id.startswith("conv_")
    assert placed.provider_call_id


def test_a_5xx_is_retryable_and_the_sdk_does_not_retry_by_itself(fake: FakeElevenLabs) -> None:
    fake.queue_status(503)
    fake.queue_status(503)
    with pytest.raises(ProviderUnavailable) as caught:
        _provider(fake).place_call(REQUEST)
    assert caught.value.retryable and caught.value.status == 503
    assert len(fake.outbound_calls()) == 1  # one POST: the SDK's own retries would have rung twice


def test_a_429_is_retryable(fake: FakeElevenLabs) -> None:
    fake.queue_status(429)
    with pytest.raises(ProviderUnavailable):
        _provider(fake).place_call(REQUEST)
    assert len(fake.outbound_calls()) == 1


@pytest.mark.parametrize("status", [400, 403, 422])
def test_a_4xx_is_a_refusal(fake: FakeElevenLabs, status: int) -> None:
    fake.queue_status(status, {"detail": [{"loc": ["body", "to_number"], "msg": "invalid number"}]})
    with pytest.raises(CallRefused) as caught:
        _provider(fake).place_call(REQUEST)
    assert not caught.value.retryable and "invalid number" in str(caught.value)


def test_a_wrong_api_key_is_refused(fake: FakeElevenLabs) -> None:
    with pytest.raises(CallRefused) as caught:
        _provider(fake, api_key="wrong").place_call(REQUEST)
    assert caught.value.status == 401


def test_an_unreachable_server_is_retryable_and_a_timeout_is_not() -> None:
    config = VoiceConfig(provider="elevenlabs", api_key="k", agent_id="a", phone_number_id="p",
                         base_url="http://127.0.0.1:9", timeout_s=2)
    with pytest.raises(ProviderUnavailable):
        ElevenLabsProvider(config).place_call(REQUEST)
    assert not OutcomeUnknown("x").retryable


def test_success_false_is_a_refusal(fake: FakeElevenLabs) -> None:
    fake.queue_status(200, {"success": False, "message": "Number is blocked", "conversation_id": None})
    with pytest.raises(CallRefused, match="blocked"):
        _provider(fake).place_call(REQUEST)


def test_signed_url(fake: FakeElevenLabs) -> None:
    session = _provider(fake).signed_session(REQUEST)
    [sent] = [r for r in fake.requests if r.path.endswith("get-signed-url")]
    assert sent.query["agent_id"] == ["agent_1"]
    assert session.signed_url.startswith("wss://") and "conversation_signature=" in session.signed_url
    assert session.extra["conversation_initiation_client_data"] == REQUEST.client_data()


def test_get_conversation_reads_transcript_summary_and_duration(fake: FakeElevenLabs) -> None:
    fake.put_conversation("conv_1", conversation_body("conv_1", [
        {"role": "agent", "message": "Hi Sarah, this is Glow.", "time_in_call_secs": 0},
        {"role": "user", "message": "Hi! My rate is three thousand.", "time_in_call_secs": 4},
    ], client_data=REQUEST.client_data(), summary="Asked for 3000.", duration_s=42))
    conversation = _provider(fake).get_conversation("conv_1")
    assert conversation is not None
    assert [(line.role, line.t_s) for line in conversation.transcript] == [("agent", 0.0), ("influencer", 4.0)]
    assert conversation.summary == "Asked for 3000." and conversation.duration_s == 42
    assert conversation.call_id == "c" * 32 and conversation.negotiation_id == "n" * 32
    assert _provider(fake).get_conversation("conv_missing") is None


def test_a_conversation_still_in_progress_is_not_finished(fake: FakeElevenLabs) -> None:
    fake.put_conversation("conv_2", conversation_body("conv_2", [], client_data=REQUEST.client_data(),
                                                      status="in-progress"))
    assert _provider(fake).get_conversation("conv_2") is None


def test_missing_configuration_is_named() -> None:
    with pytest.raises(ValueError, match="ELEVENLABS_AGENT_ID"):
        ElevenLabsProvider(VoiceConfig(provider="elevenlabs", api_key="k"))
    with pytest.raises(ValueError, match="ELEVENLABS_TELEPHONY"):
        ElevenLabsProvider(VoiceConfig(provider="elevenlabs", api_key="k", agent_id="a", telephony="pots"))
