"""Checks run on every draft before it may be sent.

Each problem is a string starting with its kind ("fact:", "claim:", "placeholder:", "spam:", "footer:",
"html:", "subject:"); an empty list means the draft may be sent. The claim check is a heuristic: every
number, @handle, link and capitalized word in the subject and body must come from the draft's facts, the
campaign, our own template wording or a list of common words, so a generated email that names a brand,
a city or a figure nobody gave it is caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.outreach.facts import fact_holds

if TYPE_CHECKING:
    from agent.outreach.drafting import Draft

EMAIL_PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts" / "email"
UNSUBSCRIBE_PLACEHOLDER = "{{unsubscribe_url}}"
UNFILLED_UNSUBSCRIBE = "placeholder: the unsubscribe link is not filled in"
SIGNATURE_DELIMITER = "\n-- \n"

_TOKEN = re.compile(r"https?://[^\s<>\"]+|www\.[^\s<>\"]+|@[\w.]+|\d[\d,.]*|[^\W\d_][\w'’\-]*")
_NUMBER = re.compile(r"\d[\d,.]*")
_WORD = re.compile(r"[^\W\d_][\w'’]*")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")

_PLACEHOLDERS = (
    (re.compile(r"\{\{|\}\}|\{%|%\}|\{#"), "template syntax"),
    (re.compile(r"\[(?:[A-Z][A-Z _]*|first ?name|name|brand|city)\]", re.IGNORECASE), "a [PLACEHOLDER]"),
    (re.compile(r"<(?:FIRST_?NAME|NAME|BRAND|CITY)>"), "a <PLACEHOLDER>"),
    (re.compile(r"\blorem ipsum\b|\blorem\b", re.IGNORECASE), "lorem ipsum"),
)
_EMPTY_VALUES = re.compile(r"\b(None|undefined|null|NaN)\b")

SPAM_PHRASES = (
    "100% free", "act now", "guaranteed", "risk-free", "risk free", "click here", "limited time", "winner",
    "congratulations", "urgent", "no obligation", "make money", "earn money", "cash bonus", "double your",
    "once in a lifetime", "free money", "buy now", "order now", "special promotion", "100% satisfied",
    "dear friend", "no catch", "this isn't spam", "not spam",
    "gratis", "actúa ahora", "actua ahora", "garantizado", "garantizada", "haz clic aquí", "haz click aquí",
    "urgente", "ganador", "tiempo limitado", "sin compromiso", "dinero fácil", "oferta exclusiva", "felicidades",
)
_SPAM_PATTERNS = (
    (re.compile(r"!{2,}"), "repeated exclamation marks"),
    (re.compile(r"\${2,}|€{2,}"), "repeated currency signs"),
    (re.compile(r"\b(?:FREE|GRATIS|URGENT)\b"), "a shouted trigger word"),
)

# Words that may start a sentence or appear capitalized without being a claim, beyond our templates' own.
_COMMON_TEXT = """
    a about absolutely after again all also always am an and any anything are as at be because been before
    best but by can cheers collab collaboration content could creator creators dear do does don't each
    even every excited feel few for from glad great had happy has have hello hey hi hope how however i i'd
    i'll i'm i've if in is it it's its just kind kindly let let's like looking love loved many may maybe me
    more most much my next no not now of on once one only or our out over perfect please quick quite really
    regards reply sincerely so some soon sound sounds still such sure thank thanks that that's the their them
    then there these they this those thought through to today together too truly two up us very want warm
    warmly was we we'd we'll we're we've well were what when where which while who why will with would yes
    yet you you'd you'll you're you've your yours
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december
    instagram tiktok youtube twitter twitch linkedin facebook snapchat pinterest reel reels story stories
    a al algo algún alguna así aunque bien buen buena buenas buenos cada como con contenido creo cuando de
    del desde donde el ella ellos en encantaría encanta entre era es esa ese eso esta este esto estos estamos
    estaría gracias hola hasta hay muy me mi mis más nos nosotros nuestra nuestro nuestros o otra otro para
    pero por porque pronto que qué quería queremos quiero saludos se si sí sin sobre son su sus también te
    tenemos tu tus tú un una uno unos y ya
    lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto
    septiembre octubre noviembre diciembre
"""
COMMON_WORDS = frozenset(_COMMON_TEXT.split())


def _words(text: str) -> set[str]:
    return {w.lower().removesuffix("'s").removesuffix("’s") for w in _WORD.findall(text)}


def _numbers(text: str) -> set[str]:
    return {_norm_number(n) for n in _NUMBER.findall(text)}


def _norm_number(raw: str) -> str:
    value = raw.rstrip(".,").replace(",", "")
    return value[:-2] if value.endswith(".0") else value


@lru_cache(maxsize=1)
def template_vocabulary() -> frozenset[str]:
    """Lower-case words written in our own email templates (the fixed wording, not the variables)."""
    words: set[str] = set()
    for path in EMAIL_PROMPTS_DIR.glob("*.j2"):
        if path.name.startswith("system_"):
            continue
        words |= _words(_TAG.sub(" ", _JINJA.sub(" ", path.read_text(encoding="utf-8"))))
    return frozenset(words)


def campaign_terms(campaign: dict[str, Any]) -> tuple[str, ...]:
    """Every campaign string an email may repeat (the brand's own statements, not claims about the creator)."""
    keys = ("name", "brand", "brand_website", "goals", "product", "timeline", "target_audience")
    terms = [str(campaign[k]) for k in keys if campaign.get(k)]
    terms += [str(d) for d in campaign.get("deliverables") or []]
    sender = campaign.get("sender") or {}
    terms += [str(sender[k]) for k in ("name", "email", "postal_address") if sender.get(k)]
    return tuple(terms)


def unsupported_terms(texts: Iterable[str], sources: Iterable[str]) -> list[str]:
    """Numbers, handles, links and capitalized words in `texts` that no source string accounts for."""
    sources = list(sources)
    joined = "\n".join(sources)
    known_words = _words(joined) | COMMON_WORDS | template_vocabulary()
    known_numbers = _numbers(joined)
    lowered = joined.lower()
    found: list[str] = []
    for text in texts:
        for token in _TOKEN.findall(text):
            if token.lower().startswith(("http", "www.")):
                ok = token.rstrip(".,;:)").lower() in lowered
            elif token.startswith("@"):
                handle = token.rstrip(".").lower()
                ok = handle in lowered or handle[1:] in known_words
            elif token[0].isdigit():
                ok = _norm_number(token) in known_numbers
            else:
                parts = [p for p in re.split(r"[-]", token) if p]
                ok = all(not p[0].isupper() or _words(p) <= known_words for p in parts)
            if not ok and token not in found:
                found.append(token)
    return found


def _main_part(body_text: str) -> str:
    return body_text.split(SIGNATURE_DELIMITER, 1)[0]


def _placeholder_problems(label: str, text: str) -> list[str]:
    problems: list[str] = []
    if UNSUBSCRIBE_PLACEHOLDER in text:
        text = text.replace(UNSUBSCRIBE_PLACEHOLDER, "")
    for pattern, what in _PLACEHOLDERS:
        if pattern.search(text):
            problems.append(f"placeholder: {label} contains {what}")
    for match in _EMPTY_VALUES.finditer(text):
        before = text[: match.start()].rstrip()
        if before and before[-1] not in ".!?\"“'‘(¿¡:;>\n":
            problems.append(f"placeholder: {label} contains the empty value {match.group(1)!r}")
            break
    return problems


def spam_problems(subject: str, body: str) -> list[str]:
    """Trigger phrases and shouting that spam filters and people dislike."""
    problems: list[str] = []
    letters = [c for c in subject if c.isalpha()]
    if len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        problems.append(f"spam: subject is mostly capitals: {subject!r}")
    for where, text in (("subject", subject), ("body", body)):
        low = text.lower()
        for phrase in SPAM_PHRASES:
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", low):
                problems.append(f"spam: {where} contains {phrase!r}")
        for pattern, what in _SPAM_PATTERNS:
            if pattern.search(text):
                problems.append(f"spam: {where} contains {what}")
    if body.count("!") > 3:
        problems.append("spam: body has more than 3 exclamation marks")
    return problems


def check_draft(draft: Draft, profile: dict[str, Any], campaign: dict[str, Any] | None = None) -> list[str]:
    """Everything wrong with `draft` for this profile (and campaign, when given); empty means OK to send."""
    problems: list[str] = []
    for fact in draft.facts:
        if not fact_holds(fact, profile):
            problems.append(f"fact: {fact.field} = {fact.value!r} is not what the profile says")

    if len(set(draft.subject_variants)) < 2:
        problems.append("subject: fewer than 2 distinct subject variants")
    if draft.subject not in draft.subject_variants:
        problems.append("subject: the subject is not one of the variants")
    if not draft.subject.strip() or len(draft.subject) > 150 or any(c in draft.subject for c in "\r\n"):
        problems.append("subject: empty, too long or multi-line")

    if UNSUBSCRIBE_PLACEHOLDER in draft.body_text or UNSUBSCRIBE_PLACEHOLDER in draft.body_html:
        problems.append(UNFILLED_UNSUBSCRIBE)
    for label, text in (("subject", " ".join(draft.subject_variants)), ("text body", draft.body_text),
                        ("html body", draft.body_html)):
        problems += _placeholder_problems(label, text)

    problems += spam_problems(draft.subject, _main_part(draft.body_text))
    for subject in draft.subject_variants:
        if subject != draft.subject:
            problems += spam_problems(subject, "")

    sources = [f.value for f in draft.facts] + list(draft.allowed_terms)
    if campaign is not None:
        sources += list(campaign_terms(campaign))
    for term in unsupported_terms([*draft.subject_variants, _main_part(draft.body_text)], sources):
        problems.append(f"claim: {term!r} is not backed by a fact or the campaign")

    problems += _footer_problems(draft, campaign)
    tags = " ".join(_TAG.findall(draft.body_html))
    if re.search(r"<\s*script|javascript:|\son\w+\s*=", tags, re.IGNORECASE):
        problems.append("html: active content (script, javascript: link or event handler) in the html body")
    return problems


def _footer_problems(draft: Draft, campaign: dict[str, Any] | None) -> list[str]:
    problems: list[str] = []
    if SIGNATURE_DELIMITER not in draft.body_text:
        problems.append("footer: the text body has no footer")
        return problems
    footer = draft.body_text.split(SIGNATURE_DELIMITER, 1)[1]
    if UNSUBSCRIBE_PLACEHOLDER not in footer and not re.search(r"https?://\S+", footer):
        problems.append("footer: no unsubscribe link")
    address = draft.postal_address
    if campaign is not None:
        address = str((campaign.get("sender") or {}).get("postal_address") or address)
    if not address.strip():
        problems.append("footer: no sender postal address")
    elif address not in footer:
        problems.append("footer: the sender postal address is missing from the text body")
    return problems
