"""One entry point for query understanding: the configured model first, the offline parser always behind it."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.llm import OFFLINE, LLMProvider, OfflineProvider
from agent.query.parser import parse_query_offline
from agent.query.refine import refine_query
from agent.query.schema import ParsedQuery
from data.fx import DEFAULT_USD_PER_UNIT, known_currencies, usd_per_unit
from data.types import NICHES, PLATFORMS

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
SYSTEM_TEMPLATE = "search_query_system.j2"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(PROMPTS_DIR), undefined=StrictUndefined, keep_trailing_newline=True,
                       autoescape=False)


def system_prompt(previous: ParsedQuery | None = None) -> str:
    """The model's instructions: taxonomy, platform slugs, tiers, FX table and, when refining, the old query."""
    currencies = sorted(known_currencies() or DEFAULT_USD_PER_UNIT)
    fx = ", ".join(f"{code} {usd_per_unit(code)}" for code in currencies)
    prev = json.dumps(previous.model_dump(mode="json", exclude_defaults=True)) if previous is not None else None
    return _env().get_template(SYSTEM_TEMPLATE).render(niches=NICHES, platforms=PLATFORMS, fx=fx, previous=prev)


def _offline(text: str, previous: ParsedQuery | None) -> ParsedQuery:
    return refine_query(previous, text) if previous is not None else parse_query_offline(text)


def parse_query(text: str, provider: LLMProvider | None = None,
                previous: ParsedQuery | None = None) -> tuple[ParsedQuery, str]:
    """(ParsedQuery, source): the model's validated answer (source: the provider's name), else the offline
    parser's ("offline").

    With `previous`, the text is a follow-up that edits that query. The query goes to the model through LangChain
    structured output with the offline parser as its fallback, which answers whenever there is no model, or the
    model fails, times out or returns something that does not validate as a ParsedQuery.
    """
    provider = provider if provider is not None else OfflineProvider()
    chain = provider.structured(ParsedQuery, fallback=lambda query: _offline(query, previous))
    system = system_prompt(previous) if provider.name != OFFLINE else ""  # offline reads the text alone
    answer = chain.invoke({"system": system, "prompt": text})
    if answer.value is None:  # a fallback never answers None; a model answer is a ParsedQuery
        return _offline(text, previous), OFFLINE
    return answer.value, answer.source
