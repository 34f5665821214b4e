"""Understanding a creator's negotiation message, offline and deterministic (rules + lexicons).

`understand` reads one message and returns its dialogue act, the price asked (USD after FX), deliverable,
usage-rights and exclusivity changes, sentiment, a confidence for the policy (which escalates to a person
when it is low) and an injection flag. Creator text is data: nothing in it is followed as an instruction, and
the spans that try to instruct the agent (`nlu_safety.screen`) are cut out before anything else is read, so
"<injection> <message>" is understood exactly like "<message>", apart from the flag.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from agent.amounts import Amount, find_amounts
from agent.negotiation.nlu_lexicon import INTENT_CUES, OUT_OF_OFFICE, STOP, any_cue, score_cues
from agent.negotiation.nlu_safety import screen
from agent.negotiation.nlu_terms import (
    find_deliverables,
    find_exclusivity,
    find_product_in_lieu,
    find_timeline,
    find_usage_rights,
    parse_deliverable_list,
    resolve_deliverables,
)
from agent.negotiation.types import Intent, Understanding

if TYPE_CHECKING:
    from agent.llm import LLMProvider


@dataclass(frozen=True)
class NegotiationContext:
    """What the conversation already established, to read a message against it."""

    last_agent_offer_usd: Decimal | None = None
    deliverables: Sequence[str] = field(default_factory=tuple)
    """The package currently on the table, e.g. ("1 reel", "3 stories")."""
    currency: str = "USD"
    """The currency a bare number is in (the creator's usual currency)."""


def normalize(text: str) -> str:
    """Lower-case, NFKC, straight quotes, single spaces: the form the cue lexicons are written for."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


# --- price ------------------------------------------------------------------------------------------------------

_ASK_BEFORE_RE = re.compile(
    r"(?:how about|what about|my (?:rate|fee|price|quote|minimum)|i (?:can|could|would|'d|will|'ll) (?:do|go|take|"
    r"accept|offer|pay|let it go)|could you do|would you (?:do|take|accept|consider)|do it for|for you|asking|"
    r"i(?:'d| would)? need|at least|settle (?:at|for)|meet (?:in the middle|halfway) at|counter|package|all[- ]in|"
    r"total|comes to|charge|i want|i'd want|rate (?:is|for)|price (?:is|for)|go (?:up|down) to)\W+(?:\w+\W+){0,3}$"
)
# "…, so $2,400 total", "$2,400 all in": the amount the creator sums their quote to, over its itemised parts.
_TOTAL_AFTER_RE = re.compile(r"^\W{0,3}(?:total|in total|all[- ]in|altogether|overall|for everything|for the lot)\b")
_HISTORY_BEFORE_RE = re.compile(
    r"(?:bought|paid|retail|originally|new (?:for|at)|listed|msrp|saw (?:one|it|them)|sells? for|selling for|"
    r"in stores|on amazon|worth|last (?:campaign|brand|time|year)|usually|normally|typically|you offered|your offer|"
    r"you said|you mentioned|instead of|rather than|other brands|from)\W+(?:\w+\W+){0,3}$"
)
_DELIVERABLE_UNITS = {"post", "story", "reel", "video", "short", "tiktok", "tweet", "stream", "deliverable", "piece",
                      "unit", "item", "episode"}
_UNIT_KIND = {"short": "video", "tiktok": "video", "tweet": "post", "stream": "video"}


def _matches(a: Decimal, b: Decimal | None) -> bool:
    return b is not None and abs(a - b) <= max(Decimal(1), b * Decimal("0.01"))


def _pick_amount(text: str, amounts: list[Amount], ctx: NegotiationContext) -> Amount | None:
    """The creator's own ask among the amounts: after an ask cue, not a past/reference price, not our offer."""
    if not amounts:
        return None
    lowered = normalize(text)
    best, best_score = amounts[0], float("-inf")
    for amount in amounts:
        before = lowered[max(0, amount.start - 60):amount.start]
        score = 0.0
        if _ASK_BEFORE_RE.search(before):
            score += 2
        if len(amounts) > 1 and _TOTAL_AFTER_RE.search(lowered[amount.end:amount.end + 20]):
            score += 3
        if _HISTORY_BEFORE_RE.search(before):
            score -= 2
        if len(amounts) > 1 and _matches(amount.total_usd, ctx.last_agent_offer_usd):
            score -= 3
        if score > best_score:  # ties keep the first mention
            best, best_score = amount, score
    return best


def _package_price(amount: Amount, deliverables: list[str] | None) -> tuple[Decimal | None, Decimal | None]:
    """(total USD, unit USD): a per-deliverable price is multiplied by how many of that deliverable are asked."""
    if amount.per not in _DELIVERABLE_UNITS:
        return amount.usd, None
    unit = amount.usd
    if amount.quantity:
        return unit * amount.quantity, unit
    counts = parse_deliverable_list(deliverables)
    kind = _UNIT_KIND.get(amount.per, amount.per)
    if not counts:
        return unit, unit  # nothing known about the package: a single deliverable
    if set(counts) == {kind} or (amount.per in {"deliverable", "piece", "unit", "item"} and counts):
        return unit * sum(counts.values()), unit
    return None, unit  # a unit price for one part of a mixed package: the total is not stated


# --- intent -----------------------------------------------------------------------------------------------------


def _classify(norm: str, price: Decimal | None, ctx: NegotiationContext, terms_changed: bool
              ) -> tuple[Intent, float]:
    if any_cue(norm, STOP):
        return Intent.STOP, 0.95
    if any_cue(norm, OUT_OF_OFFICE):
        return Intent.OUT_OF_OFFICE, 0.95
    cues = {name: score_cues(norm, patterns) for name, patterns in INTENT_CUES.items()}
    accept, condition, reject, counter = cues["accept"], cues["condition"], cues["reject"], cues["counter"]
    scores: dict[Intent, float] = {
        Intent.ACCEPT: accept,
        Intent.ACCEPT_WITH_CONDITION: accept + condition if accept and (condition or terms_changed) else 0.0,
        Intent.REJECT: reject,
        # A question that names other terms ("can we make it 3 months?") proposes them: a counter, not a query.
        Intent.COUNTER: counter + (1.0 + cues["inquire"] if terms_changed else 0.0),
        Intent.INQUIRE: 0.0 if terms_changed and price is None else cues["inquire"],
        Intent.DELAY: cues["delay"],
        Intent.GREET: cues["greet"] * 0.9,
    }
    if price is not None:
        if _matches(price, ctx.last_agent_offer_usd):
            # They name our own number: agreeing to it, or turning it down ("$500 is too low").
            if reject > accept:
                scores[Intent.REJECT] += 2
            else:
                scores[Intent.ACCEPT] += 2
            scores[Intent.COUNTER] = 0.0
        elif ctx.last_agent_offer_usd is None and accept >= 2 and counter == 0 and reject == 0:
            scores[Intent.ACCEPT] += 1  # "$60 it is", "$1700 is a deal": agreeing to a price we can't check
            scores[Intent.COUNTER] += 2
        else:
            # A price of their own is a counter, even when worded as a refusal ("too low, I need 7k") or as
            # agreement to their own number ("$6,000 and we have a deal").
            scores[Intent.COUNTER] += 3 + reject + accept + 0.5 * cues["inquire"]
            scores[Intent.ACCEPT] = 0.0
            scores[Intent.REJECT] = 0.0
            scores[Intent.INQUIRE] = 0.0
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (top, s1), (_, s2) = ranked[0], ranked[1]
    if s1 <= 0:
        return Intent.OFF_TOPIC, 0.4
    confidence = min(0.95, 0.35 + 0.18 * s1) * (1 - 0.6 * s2 / s1)
    if top is Intent.ACCEPT_WITH_CONDITION and s2 == accept:
        confidence = min(0.95, 0.35 + 0.18 * s1) * 0.7  # the accept score is a part of its own score
    return top, round(max(0.05, confidence), 3)


# --- sentiment --------------------------------------------------------------------------------------------------

_FALLBACK_LEXICON = {
    "thanks": 0.3, "thank": 0.3, "great": 0.5, "love": 0.6, "excited": 0.6, "happy": 0.5, "perfect": 0.6,
    "good": 0.3, "deal": 0.2, "sorry": -0.2, "unfortunately": -0.4, "no": -0.3, "not": -0.2, "low": -0.3,
    "insulting": -0.8, "disappointed": -0.6, "annoyed": -0.6, "stop": -0.4,
}


@lru_cache(maxsize=1)
def _vader():  # -> SentimentIntensityAnalyzer | None (optional dependency)
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """Polarity in [-1, 1]: VADER's compound score when installed, else a small lexicon."""
    analyzer = _vader()
    if analyzer is not None:
        return round(float(analyzer.polarity_scores(text)["compound"]), 3)
    words = re.findall(r"[a-z']+", text.lower())
    total = sum(_FALLBACK_LEXICON.get(w, 0.0) for w in words)
    return round(max(-1.0, min(1.0, total)), 3)


# --- entry point ------------------------------------------------------------------------------------------------


def understand(text: str, *, context: NegotiationContext | None = None,
               provider: LLMProvider | None = None) -> Understanding:
    """What one creator message means for the negotiation (see module docstring).

    When the rules are unsure and a language model is configured (or `provider` is given), the model reads the
    screened message into the same schema and its checked reading is used (`agent.llm.message_reading`).
    """
    ctx = context or NegotiationContext()
    screened = screen(text)
    text = screened.text
    norm = normalize(text)
    change = find_deliverables(text)
    deliverables = resolve_deliverables(change, list(ctx.deliverables))
    usage_rights = find_usage_rights(text)
    exclusivity = find_exclusivity(text)
    current = parse_deliverable_list(list(ctx.deliverables))
    terms_changed = bool(
        (deliverables is not None and parse_deliverable_list(deliverables) != current) or usage_rights or exclusivity
    )

    amount = _pick_amount(text, find_amounts(text, ctx.currency), ctx)
    total = unit = None
    if amount is not None:
        total, unit = _package_price(amount, deliverables or list(ctx.deliverables))
    intent, confidence = _classify(norm, total if total is not None else unit, ctx, terms_changed)

    if intent in {Intent.STOP, Intent.OUT_OF_OFFICE} or (
        intent is Intent.REJECT and amount is not None and _matches(amount.total_usd, ctx.last_agent_offer_usd)
    ):
        amount = total = unit = None  # dates/phones in auto-replies; our own offer quoted back in a refusal
    offline = Understanding(
        intent=intent,
        price_usd=total,
        unit_price_usd=unit,
        original_amount=amount.text if amount else None,
        currency=amount.currency if amount else None,
        deliverables=deliverables,
        usage_rights=usage_rights,
        exclusivity=exclusivity,
        timeline=find_timeline(text),
        product_in_lieu=find_product_in_lieu(text),
        sentiment=max(-1.0, min(1.0, sentiment(text))),
        confidence=confidence,
        injection_suspected=screened.suspected,
    )
    from agent.llm.message_reading import reread_if_unsure  # imported late: agent.llm imports this package

    return reread_if_unsure(text, offline, last_agent_offer_usd=ctx.last_agent_offer_usd,
                            deliverables=ctx.deliverables, currency=ctx.currency, provider=provider)
