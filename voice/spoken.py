"""Spoken wording: the engine's reply as a person says it on a phone line, and the gate for spoken text.

`to_spoken` takes the reply the negotiation engine worded (written for email and chat) and makes it sayable:
amounts in words ("two thousand four hundred dollars"), no greeting line or email sign-off, short sentences.
`spoken_problems` is the validation gate for that text: every amount it speaks must be the decided offer
(the engine's gate reads amounts in words as well as digits), no amount may be left in digits (a voice would
read "$2,400.00" badly) and no sign-off may remain.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from agent.amounts import find_amounts
from agent.negotiation.gate import validate
from agent.negotiation.types import Decision

MAX_SENTENCE_WORDS = 22

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"))

_GREETING_RE = re.compile(r"^\s*(?:hi|hello|hey|dear|hola)\b[^\n]{0,60},\s*$", re.IGNORECASE | re.MULTILINE)
_SIGN_OFF_RE = re.compile(
    r"\n\s*(?:best|thanks|thank you|cheers|regards|kind regards|best regards|warmly|sincerely|saludos|gracias|"
    r"un saludo)\s*[,!.]?\s*(?:\n[^\n]{0,80})?\s*$",
    re.IGNORECASE,
)
_CENTS_AFTER_RE = re.compile(r"^\s+and\s+([a-z -]+?)\s+cents?\b", re.IGNORECASE)
_DIGIT_RE = re.compile(r"\d")
_COUNT_RE = re.compile(r"\b(\d{1,2})\b(?=[ -][a-z])")  # "3 stories", "6 months", "6-month"
_MONEY_PROBLEM_RE = re.compile(r"the decided offer is|but no amount was decided")


def _below_thousand(n: int) -> str:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(f"{_ONES[hundreds]} hundred")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_ONES[rest])
    return " ".join(words)


def number_words(n: int) -> str:
    """2400 → "two thousand four hundred"; 1_250_000 → "one million two hundred fifty thousand"."""
    if n < 0:
        return "minus " + number_words(-n)
    if n == 0:
        return "zero"
    words: list[str] = []
    for size, name in _SCALES:
        count, n = divmod(n, size)
        if count:
            words.append(f"{number_words(count) if count >= 1000 else _below_thousand(count)} {name}")
    if n:
        words.append(_below_thousand(n))
    return " ".join(words)


def money_words(amount: Decimal) -> str:
    """Decimal("2400") → "two thousand four hundred dollars"; cents are spoken after "and"."""
    cents_total = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    dollars, cents = divmod(cents_total, 100)
    text = f"{number_words(dollars)} {'dollar' if dollars == 1 else 'dollars'}"
    if cents:
        text += f" and {number_words(cents)} {'cent' if cents == 1 else 'cents'}"
    return text


def _amounts_in_words(text: str) -> str:
    out: list[str] = []
    cursor = 0
    for amount in find_amounts(text):
        if not _DIGIT_RE.search(amount.text):
            continue  # already in words
        out.append(text[cursor:amount.start])  # the amount as written: "3 stories at $1,400" keeps 1,400
        out.append(money_words(amount.usd if amount.currency != "USD" else amount.value))
        cursor = amount.end
    out.append(text[cursor:])
    return "".join(out)


def _split_long(sentence: str) -> list[str]:
    """A sentence over MAX_SENTENCE_WORDS is cut at its clause breaks (", ", "; ", ": ") into shorter ones."""
    if len(sentence.split()) <= MAX_SENTENCE_WORDS:
        return [sentence]
    end = sentence[-1] if sentence[-1] in ".?!" else "."
    parts = [p.strip() for p in re.split(r"(?<=[;:])\s+|,\s+(?=(?:and|but|so|with|which|plus)\b)",
                                         sentence.rstrip(".?!"))]
    if len(parts) == 1:
        return [sentence]
    pieces = [p.rstrip(";:,") for p in parts if p]
    sentences = [p[0].upper() + p[1:] + "." for p in pieces[:-1]]
    last = pieces[-1]
    sentences.append(last[0].upper() + last[1:] + end)
    return sentences


def to_spoken(text: str) -> str:
    """The reply as said on a call: one paragraph of short sentences, amounts in words, no greeting or sign-off."""
    body = _SIGN_OFF_RE.sub("", text.strip())
    body = _GREETING_RE.sub("", body)
    body = _amounts_in_words(body)
    body = _COUNT_RE.sub(lambda m: number_words(int(m.group(1))) if int(m.group(1)) <= 99 else m.group(1), body)
    body = re.sub(r"\s*\n+\s*", " ", body).strip()
    sentences = [_capitalized(sentence) for sentence in re.split(r"(?<=[.?!])\s+", body) if sentence]
    return " ".join(piece for sentence in sentences for piece in _split_long(sentence))


def _capitalized(sentence: str) -> str:
    """A sentence that now starts with a spoken amount ("$3,000 is…" → "three thousand dollars is…") gets a capital."""
    return sentence[0].upper() + sentence[1:] if sentence[0].islower() else sentence


def counts_in_words(text: str) -> str:
    """"3 stories", "6 months organic" → "three stories", "six months organic"."""
    return _COUNT_RE.sub(lambda m: number_words(int(m.group(1))), text)


def deliverables_words(deliverables: list[str]) -> str:
    """["1 reel", "3 stories"] → "one reel and three stories"."""
    items = [counts_in_words(item) for item in deliverables if item]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def spoken_amounts(text: str) -> list[Decimal]:
    """The dollar amounts a spoken text names, with "and fifty cents" added to the dollars before it."""
    found: list[Decimal] = []
    for amount in find_amounts(text):
        value = amount.total_usd
        cents = _CENTS_AFTER_RE.match(text[amount.end:])
        if cents:
            extra = find_amounts(f"{cents.group(1)} dollars")
            if extra:
                value += extra[0].total / 100
        found.append(value)
    return found


def spoken_problems(text: str, decision: Decision, *, product_allowed: bool = False) -> list[str]:
    """Problems with `text` as the spoken wording of `decision`; [] when it may be said."""
    problems = [p for p in validate(text, decision, product_allowed=product_allowed)
                if not _MONEY_PROBLEM_RE.search(p)]  # amounts are checked below, with spoken cents
    for value in spoken_amounts(text):
        if decision.offer_usd is None:
            problems.append(f"speaks the amount {value} but no amount was decided")
        elif value != decision.offer_usd:
            problems.append(f"speaks the amount {value}, the decided offer is {decision.offer_usd}")
    for amount in find_amounts(text):
        if _DIGIT_RE.search(amount.text):
            problems.append(f"amount {amount.text!r} is in digits, not words")
    if _SIGN_OFF_RE.search("\n" + text.rsplit(".", 1)[-1]) or "\n" in text.strip():
        problems.append("email layout (line breaks or a sign-off) in a spoken reply")
    return problems
