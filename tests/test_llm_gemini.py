"""The Gemini provider (LangChain ChatGoogleGenerativeAI) against a fake Gemini REST server on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from pydantic import SecretStr, ValidationError

from agent.llm import OFFLINE, LLMConfig, OfflineProvider, get_provider, provider_for
from agent.llm.gemini import GeminiProvider
from agent.query.schema import ParsedQuery
from tests.fakes.gemini_server import FakeGemini

REQUEST = {"system": "Return the query as JSON {braces stay literal}", "prompt": "verified beauty creators"}


@pytest.fixture
def gemini() -> Iterator[FakeGemini]:
    with FakeGemini() as fake:
        yield fake


def provider_for_fake(fake: FakeGemini, *, attempts: int = 1, timeout_s: float = 5.0,
                      model: str = "") -> GeminiProvider:
    return GeminiProvider.from_env({"GOOGLE_API_KEY": "test-key", "GEMINI_BASE_URL": fake.base_url,
                                    "GEMINI_TIMEOUT_S": str(timeout_s), "GEMINI_MAX_ATTEMPTS": str(attempts),
                                    "GEMINI_MODEL": model})


def test_structured_output_sends_the_json_schema_and_validates_the_answer(gemini: FakeGemini) -> None:
    gemini.queue_json({"niches": ["beauty"], "verified": True})
    answer = provider_for_fake(gemini).structured(ParsedQuery).invoke(REQUEST)
    assert (answer.value, answer.source, answer.error) == (ParsedQuery(niches=["beauty"], verified=True), "gemini",
                                                          None)
    [request] = gemini.requests
    assert request.rpc == "generateContent" and request.model == "gemini-2.5-flash"
    assert request.system_text == REQUEST["system"] and request.prompt_text == REQUEST["prompt"]
    assert request.body["contents"][0]["role"] == "user"
    config = request.generation_config
    assert config["responseMimeType"] == "application/json" and config["temperature"] == 0
    schema = request.response_json_schema
    assert schema is not None and schema["title"] == "ParsedQuery"
    assert {"niches", "min_followers", "exclude_brands"} <= set(schema["properties"])
    assert request.headers.get("x-goog-api-key") == "test-key"


def test_function_calling_declares_the_schema_as_a_forced_tool(gemini: FakeGemini) -> None:
    gemini.queue_function_call("ParsedQuery", {"platforms": ["tiktok"]})
    answer = provider_for_fake(gemini).structured(ParsedQuery, method="function_calling").invoke(REQUEST)
    assert answer.value == ParsedQuery(platforms=["tiktok"]) and answer.source == "gemini"
    [request] = gemini.requests
    assert [d["name"] for d in request.function_declarations] == ["ParsedQuery"]
    assert request.function_calling_config == {"mode": "ANY", "allowedFunctionNames": ["ParsedQuery"]}
    assert "responseJsonSchema" not in request.generation_config


@pytest.mark.parametrize(
    "program",
    [
        pytest.param(lambda f: f.queue_error(500), id="http-500"),
        pytest.param(lambda f: f.queue_error(429), id="http-429"),
        pytest.param(lambda f: f.queue_error(400, "bad request"), id="http-400"),
        pytest.param(lambda f: f.queue_text("this is not json"), id="invalid-json"),
        pytest.param(lambda f: f.queue_json({"niches": ["underwater basket weaving"]}), id="wrong-enum"),
        pytest.param(lambda f: f.queue_json({"niches": ["beauty"], "colour": "red"}), id="extra-field"),
        pytest.param(lambda f: f.queue_json(["beauty"]), id="not-an-object"),
        pytest.param(lambda f: f.queue_raw({"candidates": []}), id="no-candidates"),
        pytest.param(lambda f: f.queue_raw({"promptFeedback": {"blockReason": "SAFETY"}}), id="blocked"),
    ],
)
def test_every_model_failure_is_answered_by_the_fallback(gemini: FakeGemini, program) -> None:
    program(gemini)
    answer = provider_for_fake(gemini).structured(ParsedQuery, fallback=lambda text: ParsedQuery(topics=[text])
                                                  ).invoke(REQUEST)
    assert answer.value == ParsedQuery(topics=[REQUEST["prompt"]])
    assert answer.source == OFFLINE and answer.error
    assert len(gemini.requests) == 1  # one attempt configured: no retry behind the caller's back


def test_the_library_retries_a_server_error_when_attempts_allow(gemini: FakeGemini) -> None:
    gemini.queue_error(503)
    gemini.queue_json({"verified": True})
    answer = provider_for_fake(gemini, attempts=2).structured(ParsedQuery).invoke(REQUEST)
    assert (answer.value, answer.source) == (ParsedQuery(verified=True), "gemini")
    assert len(gemini.requests) == 2 and gemini.requests[0].body == gemini.requests[1].body


def test_the_library_does_not_retry_a_client_error(gemini: FakeGemini) -> None:
    gemini.queue_error(400, "invalid argument")
    gemini.queue_json({"verified": True})
    assert provider_for_fake(gemini, attempts=3).generate_json(schema=ParsedQuery, **REQUEST) is None
    assert len(gemini.requests) == 1 and gemini.pending == 1


def test_a_reply_slower_than_the_timeout_is_not_waited_for(gemini: FakeGemini) -> None:
    gemini.queue_delay(3.0, json.dumps({"verified": True}))  # valid, but after the 0.5 s timeout
    answer = provider_for_fake(gemini, timeout_s=0.5).structured(ParsedQuery).invoke(REQUEST)
    assert answer.source == OFFLINE and answer.value is None and "Timeout" in (answer.error or "")


def test_unreachable_server_falls_back() -> None:
    with FakeGemini() as fake:
        provider = provider_for_fake(fake)
    assert provider.structured(ParsedQuery).invoke(REQUEST).source == OFFLINE


def test_text_generation_and_streaming(gemini: FakeGemini) -> None:
    provider = provider_for_fake(gemini)
    gemini.queue_text("  Hello Sarah  ")
    assert provider.generate_text(system="be brief", prompt="greet") == "Hello Sarah"
    for failure in (lambda: gemini.queue_error(503), lambda: gemini.queue_text("   ")):
        failure()
        assert provider.generate_text(system="be brief", prompt="greet") is None
    gemini.queue_text("A streamed reply, long enough to come in several chunks.")
    chunks = [chunk.text for chunk in provider.chat_model.stream("greet")]
    assert len(chunks) > 1 and "".join(chunks) == "A streamed reply, long enough to come in several chunks."
    assert gemini.requests[-1].rpc == "streamGenerateContent" and "alt=sse" in gemini.requests[-1].path


def test_model_name_is_configurable(gemini: FakeGemini) -> None:
    gemini.queue_json({})
    provider = provider_for_fake(gemini, model="gemini-x-test")
    assert provider.model == "gemini-x-test" and provider.generate_json(schema=ParsedQuery, **REQUEST) == ParsedQuery()
    assert gemini.requests[0].model == "gemini-x-test"


def test_fake_answers_503_when_nothing_is_queued(gemini: FakeGemini) -> None:
    assert provider_for_fake(gemini).generate_json(system="s", prompt="p", schema=ParsedQuery) is None
    assert gemini.pending == 0 and len(gemini.requests) == 1


# --- configuration ------------------------------------------------------------------------------------------


def test_offline_is_the_default_and_never_calls_a_model() -> None:
    provider = get_provider({})
    assert isinstance(provider, OfflineProvider)
    answer = provider.structured(ParsedQuery, fallback=lambda text: ParsedQuery(topics=[text])).invoke(REQUEST)
    assert (answer.value, answer.source, answer.error) == (ParsedQuery(topics=[REQUEST["prompt"]]), OFFLINE, None)
    assert provider.generate_text(system="s", prompt="p") is None


def test_get_provider_builds_gemini_from_environment_names(gemini: FakeGemini) -> None:
    provider = get_provider({"LLM_PROVIDER": " Gemini ", "GOOGLE_API_KEY": "k", "GEMINI_MODEL": "gemini-x",
                             "GEMINI_BASE_URL": gemini.base_url})
    assert isinstance(provider, GeminiProvider) and provider.model == "gemini-x"
    assert provider.chat_model.max_retries == 2 and provider.chat_model.timeout == 10.0  # the defaults
    assert get_provider({"LLM_PROVIDER": "gemini", "GOOGLE_API_KEY": "k", "GEMINI_MODEL": "gemini-x",
                         "GEMINI_BASE_URL": gemini.base_url}) is provider  # one client per configuration


@pytest.mark.parametrize("env, message", [
    ({"LLM_PROVIDER": "gemini"}, "GOOGLE_API_KEY"),
    ({"LLM_PROVIDER": "gemini", "GOOGLE_API_KEY": "  "}, "GOOGLE_API_KEY"),
    ({"LLM_PROVIDER": "openai"}, "llm_provider"),
    ({"LLM_PROVIDER": "gemini", "GOOGLE_API_KEY": "k", "GEMINI_TIMEOUT_S": "0"}, "gemini_timeout_s"),
    ({"LLM_PROVIDER": "gemini", "GOOGLE_API_KEY": "k", "GEMINI_MAX_ATTEMPTS": "0"}, "gemini_max_attempts"),
])
def test_a_bad_configuration_fails_loudly(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        get_provider(env)


def test_config_from_the_settings_object_takes_the_shared_fields() -> None:
    class Settings:  # the shape of data.settings.Settings: every field present, unset ones None
        llm_provider = "gemini"
        google_api_key = "secret"
        gemini_model = None
        gemini_base_url = "http://127.0.0.1:9"
        gemini_timeout_s = 3.0
        database_url = "sqlite://"

    config = LLMConfig.from_settings(Settings())
    assert config.llm_provider == "gemini" and config.gemini_model == "gemini-2.5-flash"
    assert config.google_api_key == SecretStr("secret") and config.gemini_timeout_s == 3.0
    assert "secret" not in repr(config)
    assert isinstance(provider_for(config), GeminiProvider)
    with pytest.raises(ValidationError):
        LLMConfig(llm_understanding_below=1.5)
