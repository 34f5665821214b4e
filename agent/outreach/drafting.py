"""Personalized outreach emails (initial and two follow-ups) built from verified profile facts.

The template path is the default and always available. With a model provider (LLM_PROVIDER=gemini) the
model is given only the fact list and the campaign, writes the middle paragraphs and subjects as JSON, and
its draft must pass the same checks as a template draft; otherwise the template draft is used.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import escape
from pydantic import BaseModel, Field

from agent.llm import LLMProvider
from agent.outreach.checks import (
    EMAIL_PROMPTS_DIR,
    SIGNATURE_DELIMITER,
    UNFILLED_UNSUBSCRIBE,
    UNSUBSCRIBE_PLACEHOLDER,
    campaign_terms,
    check_draft,
)
from agent.outreach.facts import Fact, excerpt, select_facts

log = logging.getLogger(__name__)

Kind = Literal["initial", "followup_1", "followup_2"]
KINDS: tuple[str, ...] = ("initial", "followup_1", "followup_2")
LANGUAGES = ("en", "es")

# Which facts each kind of email may mention (subjects included).
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    "initial": ("name", "post", "post_platform", "niche", "city", "past_brand", "audience"),
    "followup_1": ("name", "niche"),
    "followup_2": ("name",),
}
# Free-text roles dropped first when a fact's own wording makes a draft fail the checks.
_DROPPABLE = ("post", "post_platform", "past_brand")

_PLATFORM_LABELS = {"tiktok": "TikTok", "youtube": "YouTube", "linkedin": "LinkedIn"}
_NICHE_ES = {
    "beauty": "belleza", "fashion": "moda", "fitness": "fitness", "food": "cocina", "travel": "viajes",
    "tech": "tecnología", "gaming": "videojuegos", "finance": "finanzas", "parenting": "crianza",
    "lifestyle": "estilo de vida", "music": "música", "sports": "deportes", "education": "educación",
    "health": "salud", "pets": "mascotas", "home": "hogar", "automotive": "motor", "entertainment":
    "entretenimiento", "business": "negocios", "art": "arte", "photography": "fotografía", "comedy": "humor",
    "outdoors": "aire libre", "sustainability": "sostenibilidad",
}
_AUDIENCE_GROUP = {("en", "female_pct"): "women", ("en", "male_pct"): "men",
                   ("es", "female_pct"): "mujeres", ("es", "male_pct"): "hombres"}
_LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
_GREETINGS = {"en": "Hi <first name>,", "es": "Hola <first name>:"}
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|rv)\s*:\s*", re.IGNORECASE)

_env = Environment(
    loader=FileSystemLoader(EMAIL_PROMPTS_DIR),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)


@dataclass(frozen=True)
class Draft:
    subject: str
    subject_variants: list[str]
    body_text: str
    body_html: str
    facts: list[Fact]
    language: str
    source: str  # "template" | "gemini"
    kind: str = "initial"
    postal_address: str = ""
    allowed_terms: tuple[str, ...] = ()  # campaign strings the draft was written from

    def to_dict(self) -> dict[str, Any]:
        """The drafts endpoint's JSON (README "Campaigns, outreach and follow-ups") plus language and source."""
        return {
            "subject": self.subject,
            "subject_variants": list(self.subject_variants),
            "body_text": self.body_text,
            "body_html": self.body_html,
            "facts": [f.to_dict() for f in self.facts],
            "language": self.language,
            "source": self.source,
        }


class _ModelEmail(BaseModel):
    """What the model must answer: subjects, the middle paragraphs and the facts it used."""

    subject_variants: list[str] = Field(min_length=2, max_length=5)
    paragraphs: list[str] = Field(min_length=1, max_length=6)
    facts_used: list[str] = Field(default_factory=list, max_length=30)


def pick_language(profile: dict[str, Any]) -> str:
    """Spanish when it is the creator's first (or only) language, English otherwise."""
    languages = [str(code).lower() for code in profile.get("languages") or []]
    return "es" if languages[:1] == ["es"] else "en"


def fill_unsubscribe(draft: Draft, url: str) -> Draft:
    """The draft with its unsubscribe placeholder replaced by the real link (escaped in the HTML part)."""
    return replace(
        draft,
        body_text=draft.body_text.replace(UNSUBSCRIBE_PLACEHOLDER, url),
        body_html=draft.body_html.replace(UNSUBSCRIBE_PLACEHOLDER, str(escape(url))),
    )


def draft_outreach(
    profile: dict[str, Any],
    campaign: dict[str, Any],
    *,
    kind: Kind = "initial",
    provider: LLMProvider | None = None,
    unsubscribe_url: str = UNSUBSCRIBE_PLACEHOLDER,
    previous_subject: str | None = None,
    seed: int = 0,
) -> Draft:
    """An email for this creator and campaign. `seed` picks the subject variant (A/B);
    `previous_subject` makes follow-ups answer the thread ("Re: …")."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    language = pick_language(profile)
    available = select_facts(profile, campaign)
    roles = {r: f for r, f in available.items() if r in ROLES_BY_KIND[kind]}
    if provider is not None and provider.name != "offline":
        drafted = _model_draft(profile, campaign, roles, kind, language, provider, unsubscribe_url,
                               previous_subject, seed)
        if drafted is not None:
            return drafted
    draft = _template_draft(campaign, roles, kind, language, unsubscribe_url, previous_subject, seed)
    for drop in (_DROPPABLE, tuple(r for r in roles if r != "name")):
        if not _blocking(check_draft(draft, profile, campaign)):
            break
        roles = {r: f for r, f in roles.items() if r not in drop}
        draft = _template_draft(campaign, roles, kind, language, unsubscribe_url, previous_subject, seed)
    return draft


def _blocking(problems: list[str]) -> list[str]:
    return [p for p in problems if p != UNFILLED_UNSUBSCRIBE]


def _first_name(name: str) -> str:
    parts = name.split()
    while len(parts) > 1 and parts[0].endswith("."):
        parts = parts[1:]
    return parts[0] if parts else ""


def _context(campaign: dict[str, Any], roles: dict[str, Fact], kind: str, language: str,
             previous_subject: str | None) -> dict[str, Any]:
    sender = campaign.get("sender") or {}
    value = {role: fact.value for role, fact in roles.items()}
    niche = value.get("niche")
    platform = value.get("post_platform")
    audience = roles.get("audience")
    return {
        "kind": kind,
        "first_name": _first_name(value.get("name", "")) or ("there" if language == "en" else ""),
        "sender_name": str(sender.get("name") or campaign.get("brand") or ""),
        "brand": str(campaign.get("brand") or ""),
        "brand_website": campaign.get("brand_website") or None,
        "campaign_name": str(campaign.get("name") or campaign.get("brand") or ""),
        "product": campaign.get("product") or None,
        "deliverables": [str(d) for d in campaign.get("deliverables") or []],
        "timeline": campaign.get("timeline") or None,
        "post_excerpt": excerpt(value["post"]) if "post" in value else None,
        "post_platform": _PLATFORM_LABELS.get(platform, platform.capitalize()) if platform else None,
        "niche": (_NICHE_ES.get(niche, niche) if language == "es" else niche) if niche else None,
        "city": value.get("city"),
        "past_brand": value.get("past_brand"),
        "audience_pct": audience.value if audience else None,
        "audience_group": _AUDIENCE_GROUP[(language, audience.field.split(".")[-1])] if audience else None,
        "previous_subject": _REPLY_PREFIX.sub("", previous_subject or "").strip() or None,
    }


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _subjects(context: dict[str, Any], language: str, seed: int) -> tuple[str, list[str]]:
    rendered = _env.get_template(f"subjects.{language}.txt.j2").render(context)
    variants: list[str] = []
    for line in rendered.splitlines():
        subject = " ".join(line.split())[:150]
        if subject and subject not in variants:
            variants.append(subject)
    chosen = variants[0] if context["previous_subject"] else variants[seed % len(variants)]
    return chosen, variants


def _html_blocks(main_text: str) -> list[dict[str, list[str]]]:
    """Paragraphs of the text part as HTML blocks: runs of "- " lines become lists."""
    blocks: list[dict[str, list[str]]] = []
    for paragraph in main_text.split("\n\n"):
        current: dict[str, list[str]] | None = None
        for line in paragraph.split("\n"):
            is_item = line.startswith("- ")
            if current is None or bool(current["list_items"]) != is_item:
                current = {"lines": [], "list_items": []}
                blocks.append(current)
            if is_item:
                current["list_items"].append(line[2:])
            else:
                current["lines"].append(line)
    return blocks


def _assemble(main_text: str, subject: str, variants: list[str], facts: list[Fact], campaign: dict[str, Any],
              kind: str, language: str, unsubscribe_url: str, source: str) -> Draft:
    sender = campaign.get("sender") or {}
    footer_context = {
        "brand": str(campaign.get("brand") or ""),
        "sender_name": str(sender.get("name") or campaign.get("brand") or ""),
        "postal_address": str(sender.get("postal_address") or ""),
        "unsubscribe_url": unsubscribe_url,
    }
    main_text = _tidy(main_text)
    footer = _tidy(_env.get_template(f"footer.{language}.txt.j2").render(footer_context))
    html = _env.get_template(f"email.{language}.html.j2").render(
        footer_context, subject=subject, blocks=_html_blocks(main_text)
    )
    return Draft(
        subject=subject,
        subject_variants=variants,
        body_text=f"{main_text}\n{SIGNATURE_DELIMITER}{footer}\n",
        body_html=html,
        facts=facts,
        language=language,
        source=source,
        kind=kind,
        postal_address=footer_context["postal_address"],
        allowed_terms=campaign_terms(campaign),
    )


def _template_draft(campaign: dict[str, Any], roles: dict[str, Fact], kind: str, language: str,
                    unsubscribe_url: str, previous_subject: str | None, seed: int) -> Draft:
    context = _context(campaign, roles, kind, language, previous_subject)
    main = _env.get_template(f"{kind}.{language}.txt.j2").render(context)
    subject, variants = _subjects(context, language, seed)
    return _assemble(main, subject, variants, list(roles.values()), campaign, kind, language, unsubscribe_url,
                     "template")


def _model_prompt(campaign: dict[str, Any], roles: dict[str, Fact], kind: str, language: str) -> str:
    keys = ("name", "brand", "product", "goals", "deliverables", "timeline", "target_audience")
    return json.dumps(
        {
            "email": {"initial": "first outreach", "followup_1": "first follow-up (short)",
                      "followup_2": "last follow-up (very short, polite close)"}[kind],
            "language": _LANGUAGE_NAMES[language],
            "facts": [f.to_dict() for f in roles.values()],
            "campaign": {k: campaign[k] for k in keys if campaign.get(k)},
        },
        ensure_ascii=False,
        indent=1,
        default=str,
    )


def _model_draft(profile: dict[str, Any], campaign: dict[str, Any], roles: dict[str, Fact], kind: str,
                 language: str, provider: LLMProvider, unsubscribe_url: str, previous_subject: str | None,
                 seed: int) -> Draft | None:
    system = _env.get_template("system_gemini.txt.j2").render(
        language_name=_LANGUAGE_NAMES[language], greeting=_GREETINGS[language]
    )
    answer = provider.generate_json(system=system, prompt=_model_prompt(campaign, roles, kind, language),
                                    schema=_ModelEmail)
    if answer is None:
        return None
    by_field = {f.field: f for f in roles.values()}
    used = [roles["name"]] if "name" in roles else []
    used += [by_field[f] for f in dict.fromkeys(answer.facts_used) if f in by_field and by_field[f] not in used]
    paragraphs = [" ".join(p.split()) for p in answer.paragraphs if p.strip()]
    variants = list(dict.fromkeys(" ".join(s.split())[:150] for s in answer.subject_variants if s.strip()))
    context = _context(campaign, roles, kind, language, previous_subject)
    if context["previous_subject"]:
        variants = [f"Re: {context['previous_subject']}", *variants]
    if len(variants) < 2 or not paragraphs:
        return None
    subject = variants[0] if context["previous_subject"] else variants[seed % len(variants)]
    main = _env.get_template(f"body_llm.{language}.txt.j2").render(context, paragraphs=paragraphs)
    draft = _assemble(main, subject, variants, used, campaign, kind, language, unsubscribe_url, "gemini")
    problems = _blocking(check_draft(draft, profile, campaign))
    if problems:
        log.info("model draft rejected, using the template: %s", "; ".join(problems))
        return None
    return draft
