"""One entry point for query understanding: the configured model first, the offline parser always behind it."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.llm import LLMProvider
from agent.query.parser import parse_query_offline
from agent.query.refine import refine_query
from agent.query.schema import ParsedQuery
from data.fx import DEFAULT_USD_PER_UNIT, known_currencies, usd_per_unit
from data.types import NICHES, PLATFORMS

log = logging.getLogger(__name__)

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
SYSTEM_TEMPLATE = "search_query_system.j2"
TIMEOUT_S = 10.0


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
    """(ParsedQuery, source): the provider's validated answer, or the offline parser's ("offline").

    With `previous`, the text is a follow-up that edits that query. The offline parser answers whenever
    there is no provider, or the model fails, times out or returns something that does not validate.
    """
    if provider is not None and provider.name != "offline":
        try:
            result = provider.generate_json(system=system_prompt(previous), prompt=text, schema=ParsedQuery,
                                            timeout_s=TIMEOUT_S)
        except Exception:  # a provider should not raise; if one does, the offline parser still answers
            log.exception("LLM provider %s raised while parsing a query", provider.name)
            result = None
        if isinstance(result, ParsedQuery):
            return result, provider.name
        log.info("query parsed offline: provider %s gave no valid answer", provider.name)
    return _offline(text, previous), "offline"
