"""Gemini provider against a fake generateContent server on loopback, and the offline fallback."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from agent.llm import get_provider
from agent.llm.gemini import GeminiProvider
from agent.query.parser import parse_query_offline
from agent.query.schema import ParsedQuery
from agent.query.service import parse_query, system_prompt
from tests.fakes.gemini_server import FakeGemini

QUERY = "beauty influencers in LA under $500 a post"
MODEL_ANSWER = {"niches": ["beauty"], "platforms": ["instagram"], "topics": ["from the model"]}


@pytest.fixture
def gemini() -> Iterator[FakeGemini]:
    with FakeGemini() as fake:
        yield fake


def provider_for(fake: FakeGemini, timeout_s: float = 2.0) -> GeminiProvider:
    return GeminiProvider.from_env({"GOOGLE_API_KEY": "test-key", "GEMINI_BASE_URL": fake.base_url,
                                    "GEMINI_TIMEOUT_S": str(timeout_s)})


def test_happy_path_returns_the_validated_model_answer(gemini: FakeGemini) -> None:
    gemini.queue_json(MODEL_ANSWER)
    parsed, source = parse_query(QUERY, provider_for(gemini))
    assert source == "gemini"
    assert parsed == ParsedQuery.model_validate(MODEL_ANSWER)


def test_request_carries_prompt_system_instruction_schema_and_key(gemini: FakeGemini) -> None:
    gemini.queue_json(MODEL_ANSWER)
    parse_query(QUERY, provider_for(gemini))
    [request] = gemini.requests
    assert request.model == "gemini-2.5-flash"
    assert request.path.endswith("/models/gemini-2.5-flash:generateContent")
    assert request.prompt_text == QUERY
    assert request.system_text == system_prompt()
    assert "sustainability" in request.system_text and "pinterest" in request.system_text
    config = request.generation_config
    assert config["responseMimeType"] == "application/json"
    schema = json.dumps(config["responseJsonSchema"])
    assert "min_followers" in schema and "exclude_brands" in schema
    assert request.headers.get("x-goog-api-key") == "test-key"


def test_refinement_sends_the_previous_query_to_the_model(gemini: FakeGemini) -> None:
    previous = parse_query_offline("fitness creators on instagram")
    gemini.queue_json({"niches": ["fitness"], "platforms": ["tiktok"]})
    parsed, source = parse_query("only TikTok", provider_for(gemini), previous=previous)
    assert (parsed.platforms, source) == (["tiktok"], "gemini")
    assert '"platforms": ["instagram"]' in gemini.requests[0].system_text


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(lambda f: f.queue_error(500), id="http-500"),
        pytest.param(lambda f: f.queue_error(429), id="http-429"),
        pytest.param(lambda f: f.queue_text("this is not json"), id="invalid-json"),
        pytest.param(lambda f: f.queue_json({"niches": ["underwater basket weaving"]}), id="wrong-enum"),
        pytest.param(lambda f: f.queue_json({"niches": ["beauty"], "colour": "red"}), id="extra-field"),
        pytest.param(lambda f: f.queue_json({"min_followers": -5}), id="out-of-range"),
        pytest.param(lambda f: f.queue_json(["beauty"]), id="not-an-object"),
        pytest.param(lambda f: f.queue_raw({"candidates": []}), id="no-candidates"),
    ],
)
def test_every_failure_falls_back_to_the_offline_parser(gemini: FakeGemini, program) -> None:
    program(gemini)
    parsed, source = parse_query(QUERY, provider_for(gemini))
    assert source == "offline"
    assert parsed == parse_query_offline(QUERY)
    assert len(gemini.requests) == 1  # no silent retries


def test_timeout_falls_back_quickly(gemini: FakeGemini) -> None:
    gemini.queue_delay(3.0, json.dumps(MODEL_ANSWER))
    started = time.monotonic()
    parsed, source = parse_query(QUERY, provider_for(gemini, timeout_s=0.5))
    assert source == "offline" and parsed == parse_query_offline(QUERY)
    assert time.monotonic() - started < 2.5


def test_unreachable_server_falls_back() -> None:
    with FakeGemini() as fake:
        url = fake.base_url
    provider = GeminiProvider(api_key="k", base_url=url, timeout_s=1.0)
    assert parse_query(QUERY, provider) == (parse_query_offline(QUERY), "offline")


def test_generate_text(gemini: FakeGemini) -> None:
    provider = provider_for(gemini)
    gemini.queue_text("  Hello Sarah  ")
    assert provider.generate_text(system="be brief", prompt="greet") == "Hello Sarah"
    gemini.queue_error(503)
    assert provider.generate_text(system="be brief", prompt="greet") is None


def test_no_provider_or_offline_provider_uses_the_parser() -> None:
    assert parse_query(QUERY) == (parse_query_offline(QUERY), "offline")
    assert parse_query(QUERY, get_provider({"LLM_PROVIDER": "offline"}))[1] == "offline"


def test_get_provider_builds_gemini_from_env(gemini: FakeGemini) -> None:
    provider = get_provider({"LLM_PROVIDER": "gemini", "GOOGLE_API_KEY": "k", "GEMINI_MODEL": "gemini-x",
                             "GEMINI_BASE_URL": gemini.base_url})
    assert isinstance(provider, GeminiProvider) and provider.model == "gemini-x"
    gemini.queue_json({"verified": True})
    assert parse_query("verified", provider) == (ParsedQuery(verified=True), "gemini")
    assert gemini.requests[0].model == "gemini-x"
    with pytest.raises(ValueError, match="GOOGLE_API_KEY"):
        GeminiProvider.from_env({"LLM_PROVIDER": "gemini"})


def test_fake_answers_503_when_nothing_is_queued(gemini: FakeGemini) -> None:
    assert provider_for(gemini).generate_json(system="s", prompt="p", schema=ParsedQuery) is None
    assert gemini.pending == 0 and len(gemini.requests) == 1
