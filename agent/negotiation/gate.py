"""Validation gate: a generated reply may only say what the policy decided.

`validate(text, decision)` lists the problems; an empty list means the text may be sent. Checked: every
money amount equals the decided offer (in USD), no acceptance wording unless the act is an acceptance, no
deliverables, usage durations, paid usage or exclusivity beyond the decision, no template placeholders.
"""

from __future__ import annotations

import re

from agent.amounts import find_amounts
from agent.negotiation.pricing import deliverable_mentions, is_paid_usage, parse_deliverables, usage_months
from agent.negotiation.types import Action, Decision

MAX_CHARS = 1500

_PLACEHOLDER_RE = re.compile(
    r"\{\{|\}\}|\{%|%\}|\[[^\]]{1,40}\]|<[A-Za-z_ ]{1,30}>|\b(?:TODO|TBD|XXX|lorem ipsum)\b|\bNone\b", re.IGNORECASE
)
_ACCEPT_RE = re.compile(
    r"\b(?:it'?s a deal|deal (?:at|for)\b|we have a deal|you'?ve got a deal|deal!|deal\.|we accept|"
    r"we'?re happy to accept|"
    r"(?:we )?agree to your|accepted|agreed|confirm(?:ing|ed)? (?:the|our|your) (?:deal|rate|price|agreement)|"
    r"trato hecho|tenemos un trato|aceptamos|cerramos en|confirmamos)",
    re.IGNORECASE,
)
_DURATION_RE = re.compile(
    r"\b(\d{1,3}|one|two|three|six|twelve|un|una|dos|tres|seis|doce)[\s-]+"
    r"(months?|mos|weeks?|years?|days?|meses|mes|semanas?|años?|días?)\b",
    re.IGNORECASE,
)
_EXCLUSIVE_RE = re.compile(r"exclusiv", re.IGNORECASE)
_PAID_RE = re.compile(r"\bpaid (?:usage|media|ads?)|whitelist|\bboost(?:ing|ed)?\b|anuncios pagados|uso pagado",
                      re.IGNORECASE)
_PERPETUAL_RE = re.compile(r"perpetu|forever|para siempre", re.IGNORECASE)
_PRODUCT_RE = re.compile(r"\b(?:free product|gift(?:ed)?|send you|product|producto|regalo)\b", re.IGNORECASE)


def validate(text: str, decision: Decision, *, product_allowed: bool = False) -> list[str]:
    """Problems with `text` as the wording of `decision`; [] when it may be sent."""
    problems: list[str] = []
    stripped = text.strip()
    if not stripped:
        return ["empty reply"]
    if len(stripped) > MAX_CHARS:
        problems.append(f"reply longer than {MAX_CHARS} characters")
    if _PLACEHOLDER_RE.search(stripped):
        problems.append("placeholder or template syntax left in the text")
    problems.extend(_money_problems(stripped, decision))
    if decision.action != Action.ACCEPT and _ACCEPT_RE.search(stripped):
        problems.append(f"acceptance wording in a {decision.action.value} reply")
    problems.extend(_deliverable_problems(stripped, decision))
    problems.extend(_usage_problems(stripped, decision))
    if not product_allowed and _PRODUCT_RE.search(stripped):
        problems.append("mentions a product or gift that was not decided")
    return problems


def _money_problems(text: str, decision: Decision) -> list[str]:
    problems: list[str] = []
    offer = decision.offer_usd
    for amount in find_amounts(text):
        if offer is None:
            problems.append(f"mentions {amount.text!r} but no amount was decided")
        elif amount.currency != "USD" or amount.total != offer:
            problems.append(f"mentions {amount.text!r}, the decided offer is {offer}")
    return problems


def _deliverable_problems(text: str, decision: Decision) -> list[str]:
    decided = parse_deliverables(decision.deliverables)
    problems: list[str] = []
    for kind, count, explicit in deliverable_mentions(text):
        if kind not in decided:
            problems.append(f"mentions {kind}, not in the decided deliverables")
        elif explicit and count != decided[kind]:
            problems.append(f"mentions {count} {kind}(s), the decision has {decided[kind]}")
    return list(dict.fromkeys(problems))


def _usage_problems(text: str, decision: Decision) -> list[str]:
    problems: list[str] = []
    if _EXCLUSIVE_RE.search(text):
        problems.append("mentions exclusivity, which was not decided")
    usage = decision.usage_rights
    if _PAID_RE.search(text) and not is_paid_usage(usage):
        problems.append("mentions paid usage, which was not decided")
    if _PERPETUAL_RE.search(text) and (usage_months(usage) or 0) < 120:
        problems.append("mentions perpetual usage, which was not decided")
    decided_months = usage_months(usage) if usage else None
    for m in _DURATION_RE.finditer(text):
        months = usage_months(m.group(0))
        if decided_months is None or months != decided_months:
            problems.append(f"mentions {m.group(0)!r}, not a decided term")
    return problems
