"""A second reading of a creator message by the language model, when the rule-based reader is unsure.

The offline reader (`agent.negotiation.understanding`) always reads first. When a model is configured and that
reading's confidence is below `LLM_UNDERSTANDING_BELOW`, the model reads the same (already screened) message
into the same `Understanding` schema through LangChain structured output, with the offline reading as the
fallback. The model's reading is then checked against the text before it replaces the offline one:

* a price must be one the message states (an amount found in the text, converted by our FX table, or a unit
  price times the package count); the written amount and currency are taken from the text, not the model;
* deliverables, usage rights and exclusivity are re-read by the rule-based term readers, so only terms the
  policy can price pass, in the policy's own wording;
* sentiment and the injection flag stay the offline reader's (the flag can only be raised, never cleared);
* the result's confidence is capped, and a reading less sure than the offline one is not taken.

Any failed check keeps the offline reading whole. The policy still decides everything; the message reaches the
model with its injected spans already cut out, quoted as data.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.amounts import Amount, find_amounts
from agent.llm import OFFLINE, LLMProvider, configured_provider, llm_config
from agent.negotiation.nlu_terms import (
    find_exclusivity,
    find_usage_rights,
    format_deliverables,
    parse_deliverable_list,
)
from agent.negotiation.types import Understanding
from data.fx import DEFAULT_USD_PER_UNIT, known_currencies, to_usd, usd_per_unit

log = logging.getLogger(__name__)

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts" / "negotiation"
SYSTEM_TEMPLATE = "llm_understanding_system.j2"
CONFIDENCE_CAP = 0.9
"""A model reading is never taken as surer than this: a person still looks at odd cases the policy flags."""
_MAX_MESSAGE_CHARS = 4000
_BARE_NUMBER = re.compile(r"(?<![\w.,$€£₹])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s?k)?(?![\w,]|\.\d)", re.IGNORECASE)
_OWN_FIELDS = {"sentiment", "injection_suspected"}
_DESCRIBED_FIELDS = {"intent", "price_usd", "unit_price_usd", "original_amount", "currency", "deliverables",
                     "usage_rights", "exclusivity", "confidence"}


class Rejected(ValueError):
    """The model's reading claims something the message does not support."""


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(PROMPTS_DIR), undefined=StrictUndefined, autoescape=False)


def system_prompt() -> str:
    currencies = sorted(known_currencies() or DEFAULT_USD_PER_UNIT)
    fx = ", ".join(f"{code} {usd_per_unit(code)}" for code in currencies)
    extra = sorted(set(Understanding.model_fields) - _DESCRIBED_FIELDS - _OWN_FIELDS)
    return _env().get_template(SYSTEM_TEMPLATE).render(fx=fx, extra_fields=", ".join(extra))


def user_prompt(text: str, *, last_agent_offer_usd: Decimal | None, deliverables: Sequence[str],
                currency: str) -> str:
    """The conversation facts and the message, as one JSON document (the message is a string value: data)."""
    return json.dumps({
        "package_on_the_table": list(deliverables),
        "brand_last_offer_usd": str(last_agent_offer_usd) if last_agent_offer_usd is not None else None,
        "creator_usual_currency": currency,
        "creator_message": text[:_MAX_MESSAGE_CHARS],
    }, ensure_ascii=False, indent=1)


def reread_if_unsure(text: str, offline: Understanding, *, last_agent_offer_usd: Decimal | None = None,
                     deliverables: Sequence[str] = (), currency: str = "USD",
                     provider: LLMProvider | None = None, below: float | None = None) -> Understanding:
    """The model's checked reading of `text` when `offline` is unsure and a model is configured, else `offline`.

    `text` is the screened message (injected spans removed). `provider` defaults to the configured one and
    `below` to LLM_UNDERSTANDING_BELOW.
    """
    threshold = llm_config().llm_understanding_below if below is None else below
    if offline.confidence >= threshold or not text.strip():
        return offline
    provider = provider if provider is not None else configured_provider()
    if provider.name == OFFLINE:
        return offline
    request = {"system": system_prompt(),
               "prompt": user_prompt(text, last_agent_offer_usd=last_agent_offer_usd, deliverables=deliverables,
                                     currency=currency)}
    answer = provider.structured(Understanding, fallback=lambda _: offline).invoke(request)
    if answer.source == OFFLINE or answer.value is None or answer.value is offline:
        return offline
    try:
        return checked(answer.value, offline, text, deliverables=deliverables, currency=currency)
    except Rejected as exc:
        log.info("model reading of a creator message not used: %s", exc)
        return offline


def checked(model: Understanding, offline: Understanding, text: str, *, deliverables: Sequence[str] = (),
            currency: str = "USD") -> Understanding:
    """`model` made safe to use (see the module docstring), or Rejected."""
    confidence = min(model.confidence, CONFIDENCE_CAP)
    if confidence <= offline.confidence:
        raise Rejected(f"less sure ({model.confidence}) than the offline reading ({offline.confidence})")
    package = _terms(model.deliverables, "deliverables", _package) if model.deliverables else None
    usage = _terms(model.usage_rights, "usage rights", find_usage_rights) if model.usage_rights else None
    exclusivity = _terms(model.exclusivity, "exclusivity", find_exclusivity) if model.exclusivity else None
    for name in set(Understanding.model_fields) - _DESCRIBED_FIELDS - _OWN_FIELDS:  # e.g. a proposed timeline
        value = getattr(model, name)
        if isinstance(value, str) and (len(value) > 200 or "\n" in value):
            raise Rejected(f"{name} is not a short term: {value[:60]!r}")
    amounts = find_amounts(text, currency) + bare_numbers(text, currency)
    count = sum(parse_deliverable_list(package or list(deliverables)).values())
    price_source = _grounded(model.price_usd, amounts, count, "price") if model.price_usd is not None else None
    if model.unit_price_usd is not None:
        unit_source = _grounded(model.unit_price_usd, amounts, 1, "unit price")
        price_source = price_source or unit_source
    return model.model_copy(update={
        "price_usd": _cents(model.price_usd),
        "unit_price_usd": _cents(model.unit_price_usd),
        "deliverables": package,
        "usage_rights": usage,
        "exclusivity": exclusivity,
        "original_amount": price_source.text if price_source else None,
        "currency": price_source.currency if price_source else None,
        "sentiment": offline.sentiment,
        "injection_suspected": offline.injection_suspected or model.injection_suspected,
        "confidence": round(confidence, 3),
    })


def _terms(value: Any, what: str, reader: Callable[[Any], Any]) -> Any:
    """`value` as the rule-based `reader` of that term reads it (the policy's wording), or Rejected."""
    source = " and ".join(value) if isinstance(value, list) else str(value)
    if len(source) > 200 or "\n" in source:
        raise Rejected(f"{what} is not a short term: {source[:60]!r}")
    read = reader(value) if isinstance(value, list) else reader(source)
    if not read:
        raise Rejected(f"{what} {source!r} is not a term the policy can price")
    return read


def _package(items: list[str]) -> list[str] | None:
    """The bundle in the offline reader's wording; None when any item is not a deliverable it knows."""
    counts = [parse_deliverable_list([item]) for item in items]
    if not counts or not all(counts) or any(n > 50 for c in counts for n in c.values()):
        return None
    return format_deliverables(sum(counts, Counter())) or None


def bare_numbers(text: str, currency: str) -> list[Amount]:
    """Numbers without a currency sign ("north of 2,400", "7.2k"), in the creator's usual currency.

    The rule-based amount reader leaves these out (they are often counts, dates or follower numbers); a model
    that reads one as the ask may still be right, and this is what its price is checked against.
    """
    if currency.upper() not in known_currencies():
        return []
    found = []
    for m in _BARE_NUMBER.finditer(text):
        value = Decimal(m.group(1).replace(",", "")) * (1000 if m.group(2) else 1)
        if value > 0:
            found.append(Amount(value=value, currency=currency, usd=to_usd(value, currency), text=m.group(0).strip(),
                                start=m.start(), end=m.end()))
    return found


def _cents(amount: Decimal | None) -> Decimal | None:
    return amount.quantize(Decimal("0.01")) if amount is not None else None


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= max(Decimal(1), b * Decimal("0.01"))


def _grounded(price: Decimal, amounts: list[Amount], count: int, what: str) -> Amount:
    """The amount in the text that `price` is (as is, with its stated quantity, or times the package count)."""
    for amount in amounts:
        candidates = {amount.usd, amount.total_usd}
        if count > 1:
            candidates.add(amount.usd * count)
        if any(_close(price, c) for c in candidates):
            return amount
    raise Rejected(f"{what} {price} is not an amount the message states")
