"""Query parsing through the LLM layer: Gemini's structured answer, or the offline parser as the fallback."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from agent.llm import OfflineProvider, get_provider
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


def provider(fake: FakeGemini):
    return get_provider({"LLM_PROVIDER": "gemini", "GOOGLE_API_KEY": "test-key", "GEMINI_BASE_URL": fake.base_url,
                         "GEMINI_MAX_ATTEMPTS": "1"})


def test_the_model_answer_is_used_when_it_validates(gemini: FakeGemini) -> None:
    gemini.queue_json(MODEL_ANSWER)
    assert parse_query(QUERY, provider(gemini)) == (ParsedQuery.model_validate(MODEL_ANSWER), "gemini")
    [request] = gemini.requests
    assert request.prompt_text == QUERY and request.system_text == system_prompt()
    assert "sustainability" in request.system_text and "pinterest" in request.system_text
    assert request.response_json_schema["title"] == "ParsedQuery"


def test_a_refinement_sends_the_previous_query(gemini: FakeGemini) -> None:
    previous = parse_query_offline("fitness creators on instagram")
    gemini.queue_json({"niches": ["fitness"], "platforms": ["tiktok"]})
    parsed, source = parse_query("only TikTok", provider(gemini), previous=previous)
    assert (parsed.platforms, source) == (["tiktok"], "gemini")
    assert '"platforms": ["instagram"]' in gemini.requests[0].system_text


@pytest.mark.parametrize("program", [
    pytest.param(lambda f: f.queue_error(500), id="http-500"),
    pytest.param(lambda f: f.queue_json({"min_followers": -5}), id="out-of-range"),
    pytest.param(lambda f: f.queue_delay(3.0, json.dumps(MODEL_ANSWER)), id="too-slow"),
])
def test_the_offline_parser_answers_when_the_model_does_not(gemini: FakeGemini, program) -> None:
    program(gemini)
    slow = get_provider({"LLM_PROVIDER": "gemini", "GOOGLE_API_KEY": "k", "GEMINI_BASE_URL": gemini.base_url,
                         "GEMINI_MAX_ATTEMPTS": "1", "GEMINI_TIMEOUT_S": "0.5"})
    assert parse_query(QUERY, slow) == (parse_query_offline(QUERY), "offline")


def test_a_refinement_falls_back_to_the_offline_refiner(gemini: FakeGemini) -> None:
    previous = parse_query_offline("fitness creators on instagram")
    gemini.queue_error(500)
    parsed, source = parse_query("only TikTok", provider(gemini), previous=previous)
    assert source == "offline" and parsed.platforms == ["tiktok"] and parsed.niches == ["fitness"]


def test_without_a_model_the_offline_parser_answers_and_nothing_is_sent() -> None:
    assert parse_query(QUERY) == (parse_query_offline(QUERY), "offline")
    assert parse_query(QUERY, OfflineProvider()) == (parse_query_offline(QUERY), "offline")
