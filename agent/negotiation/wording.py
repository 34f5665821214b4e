"""Wording (NLG): turn the policy's decision into the reply text.

Templates live in prompts/negotiation/<language>/<act>.j2, several variants per file separated by a
`{# --- #}` line; the variant is picked deterministically from (act, round, seed), so replies vary
across turns yet tests are reproducible, and a variant that would open the same way as the agent's previous
message (`opener`) is skipped for the next one, so no two consecutive messages open alike. With a language
model, the model words the reply from the decided act and terms, and `gate.validate` must find no problem in
it (nor an opening like the previous message's), else the template is sent.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, StrictUndefined, Template

from agent.llm import LLMProvider
from agent.negotiation.gate import validate
from agent.negotiation.pricing import parse_deliverables, usage_months
from agent.negotiation.types import Decision

PROMPTS = Path(__file__).resolve().parents[2] / "prompts" / "negotiation"
LANGUAGES = ("en", "es")
_SEPARATOR = re.compile(r"^\{# --- #\}\s*$", re.MULTILINE)
_HEADER_COMMENT = re.compile(r"^\{#.*?#\}\s*", re.DOTALL)
_ENV = Environment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)

ACT_MEANING = {
    "opening": "first message: propose the package and ask for the creator's rate; no amount",
    "counter": "counter-offer at the decided amount",
    "final_offer": "best and final offer at the decided amount; we will not go higher (not 'the budget limit')",
    "lever_deliverables": "propose a smaller package at the decided amount",
    "lever_usage": "propose shorter usage rights at the decided amount",
    "lever_product": "the cash cannot go higher; offer the product on top of the decided amount",
    "accept": "accept: the deal is agreed at the decided amount",
    "walk_away": "politely decline: the budget cannot meet the creator's rate; no amount",
    "ask_rate": "ask the creator for their rate for the package; no amount",
    "answer": "answer briefly and restate the current offer",
    "wait": "acknowledge the creator is away or busy; no change; no amount",
    "close": "confirm we will stop contacting them; no amount",
    "escalate": "say a colleague will follow up; no amount",
}
ACT_MEANING_PACKAGE = {
    "counter_package": "the creator changed the package: name the new package and our offer for it",
    "keep_package": "the creator offered more content for more money than our budget holds: thank them, keep the "
                    "package named here and offer the decided amount for it",
}
_LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
_KIND_NAMES = {
    "en": {"post": ("post", "posts"), "story": ("story", "stories"), "reel": ("reel", "reels"),
           "video": ("video", "videos")},
    "es": {"post": ("publicación", "publicaciones"), "story": ("historia", "historias"), "reel": ("reel", "reels"),
           "video": ("video", "videos")},
}


@dataclass(frozen=True)
class WordingContext:
    """Names and settings the text needs beyond the decision."""

    language: str = "en"
    brand: str = "our brand"
    campaign: str = ""
    creator_name: str | None = None
    sender_name: str | None = None
    product: str | None = None
    seed: int = 0
    round: int = 0
    creator_text: str = ""
    """The creator's last message, shown to a language model as quoted data only."""
    previous_opener: str | None = None
    """How the agent's previous message in this thread opened; this one must open differently."""


@dataclass(frozen=True)
class Wording:
    text: str
    source: str
    """"template" or the provider's name when the model's text passed the gate."""
    problems: list[str] = field(default_factory=list)
    """What the gate found in the model's text when it fell back to the template."""


def format_usd(amount: Decimal) -> str:
    """$7,500 or $7,500.50: always USD with a dollar sign, as the gate and the creator read it."""
    whole = amount == amount.to_integral_value()
    return f"${amount:,.0f}" if whole else f"${amount:,.2f}"


def describe_deliverables(deliverables: list[str], language: str = "en") -> str:
    names = _KIND_NAMES.get(language, _KIND_NAMES["en"])
    parts = [f"{n} {names[kind][0] if n == 1 else names[kind][1]}"
             for kind, n in parse_deliverables(deliverables).items()]
    joiner = " y " if language == "es" else " and "
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + joiner + parts[-1] if parts else ""


def describe_usage(usage: str | None, language: str = "en") -> str | None:
    if not usage or language != "es":
        return usage
    months = usage_months(usage)
    if months is None:
        return usage
    kind = "en anuncios pagados" if re.search(r"paid|ads", usage, re.IGNORECASE) else "en orgánico"
    return f"{months} {'mes' if months == 1 else 'meses'} {kind}"


@lru_cache(maxsize=64)
def _variants(language: str, act: str) -> tuple[Template, ...]:
    language = language if language in LANGUAGES else "en"
    path = PROMPTS / language / f"{act}.j2"
    if not path.exists():
        path = PROMPTS / "en" / f"{act}.j2"
    source = _HEADER_COMMENT.sub("", path.read_text(encoding="utf-8"), count=1)
    return tuple(_ENV.from_string(chunk.strip()) for chunk in _SEPARATOR.split(source) if chunk.strip())


@lru_cache(maxsize=4)
def _prompt(name: str) -> Template:
    return _ENV.from_string((PROMPTS / name).read_text(encoding="utf-8"))


def variant_index(act: str, round_: int, seed: int, count: int) -> int:
    digest = hashlib.sha256(f"{seed}:{round_}:{act}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % count


def variant_count(act: str, language: str = "en") -> int:
    return len(_variants(language, act))


def _variables(act: str, decision: Decision, ctx: WordingContext) -> dict[str, object]:
    default_creator = "" if ctx.language == "es" else "there"
    sender = ctx.sender_name or (f"el equipo de {ctx.brand}" if ctx.language == "es" else f"the {ctx.brand} team")
    if ctx.language == "es":
        intro = f"Soy {ctx.sender_name}, de {ctx.brand}" if ctx.sender_name else f"Te escribimos desde {ctx.brand}"
    else:
        intro = (f"This is {ctx.sender_name} from {ctx.brand}" if ctx.sender_name
                 else f"We're reaching out from {ctx.brand}")
    return {
        "act": act,
        "intro": intro,
        "creator": ctx.creator_name or default_creator,
        "brand": ctx.brand,
        "campaign": ctx.campaign,
        "sender": sender,
        "product": ctx.product or "",
        "offer": format_usd(decision.offer_usd) if decision.offer_usd is not None else "",
        "deliverables": describe_deliverables(decision.deliverables, ctx.language),
        "usage": describe_usage(decision.usage_rights, ctx.language) or "",
    }


def opener(text: str) -> str:
    """The first word of a message, lower-cased without punctuation: how it "opens"."""
    match = re.search(r"[^\W\d_]+", text)
    return match.group(0).lower() if match else ""


def _render(template: Template, act: str, decision: Decision, ctx: WordingContext) -> str:
    text = template.render(**_variables(act, decision, ctx))
    text = re.sub(r"[ \t]+([,.?!])", r"\1", text)  # an empty name leaves "Hola :" style gaps
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def render_template(act: str, decision: Decision, ctx: WordingContext, *, variant: int | None = None) -> str:
    """The template text: the variant for (act, round, seed), or the next one that opens differently from the
    previous message."""
    variants = _variants(ctx.language, act)
    if variant is not None:
        return _render(variants[variant % len(variants)], act, decision, ctx)
    start = variant_index(act, ctx.round, ctx.seed, len(variants))
    first = ""
    for step in range(len(variants)):
        text = _render(variants[(start + step) % len(variants)], act, decision, ctx)
        if step == 0:
            first = text
        if not ctx.previous_opener or opener(text) != ctx.previous_opener:
            return text
    return first


def word(act: str, decision: Decision, ctx: WordingContext, *, provider: LLMProvider | None = None) -> Wording:
    """The reply text: the model's wording when it passes the gate, else the template."""
    template_text = render_template(act, decision, ctx)
    if provider is None or provider.name == "offline":
        return Wording(template_text, "template")
    variables = _variables(act, decision, ctx)
    system = _prompt("llm_system.j2").render(language_name=_LANGUAGE_NAMES.get(ctx.language, "English"))
    prompt = _prompt("llm_prompt.j2").render(
        **variables, act_meaning={**ACT_MEANING, **ACT_MEANING_PACKAGE}.get(act, act),
        creator_text=ctx.creator_text[:2000],
        reference=template_text,
    )
    generated = provider.generate_text(system=system, prompt=prompt)
    if not generated:
        return Wording(template_text, "template", ["no text from the model"])
    problems = validate(generated, decision, product_allowed=act == "lever_product" or decision.product_included)
    if ctx.previous_opener and opener(generated) == ctx.previous_opener:
        problems.append("opens like the previous message")
    if problems:
        return Wording(template_text, "template", problems)
    return Wording(generated.strip(), provider.name)
