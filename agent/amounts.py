"""Money mentions in free text: "$7,500", "7.5k", "₹2,50,000", "seven thousand five hundred dollars"...

`find_amounts` returns every span that reads as money, converted to USD through `data.fx`. A number only
counts as money when something says so: a currency symbol/code/word, a money magnitude ("7.5k", "two
grand") or a price cue right before it ("for 150", "how about 120"). Counts ("3 posts", "50k followers"),
years, dates, times, percentages and phone numbers are not money.

Slang and glued forms: "a grand" / "a couple grand" / "two grand" are thousands; an upper-case ISO code may
be glued to the digits ("USD7,500", "EUR2.000"), as may "Rs"/"Rs." ("Rs.5000").

Decimal marks are decided by the currency. With a dollar (or any dot-decimal currency) a single dot followed by
three digits is a decimal point: "$1.500" reads as 1.5 dollars, exactly as written, not 1,500; two or more dot
groups ("$1.500.000") are thousands. In comma-decimal currencies (EUR, BRL, ...) "€1.500" is 1,500 and "12,50" is
12.5. A number with no currency written reads in `default_currency`'s convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from text_to_num import text2num

from agent.amount_units import NUMBER_WORDS, SMALL_NUMBERS, alternation, per_and_quantity
from data.fx import to_usd


@dataclass(frozen=True)
class Amount:
    """One money mention. `value` is in `currency`; `usd` is the FX conversion."""

    value: Decimal
    currency: str
    usd: Decimal
    text: str
    start: int
    end: int
    per: str | None = None
    """The unit the amount is priced per ("post", "story", "month"...), "unit" for a bare "each"."""
    quantity: int | None = None
    """How many units the per-unit price is for ("$500 per post for 3 posts" → 3)."""

    @property
    def total(self) -> Decimal:
        """`value` times `quantity` when the amount is a unit price with a quantity, else `value`."""
        return self.value * self.quantity if self.quantity else self.value

    @property
    def total_usd(self) -> Decimal:
        return self.usd * self.quantity if self.quantity else self.usd


# --- currencies -------------------------------------------------------------------------------------------

_DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"})

# Symbols and codes written before the number; longest first so "R$" wins over "$".
_PREFIX = {
    "US$": "USD", "U.S.$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD",
    "S$": "SGD", "HK$": "HKD", "R$": "BRL", "MX$": "MXN", "Mex$": "MXN", "$": "$", "€": "EUR", "£": "GBP",
    "¥": "¥", "₹": "INR", "Rs.": "INR", "Rs": "INR", "₩": "KRW", "₱": "PHP", "₦": "NGN", "₺": "TRY",
    "Rp": "IDR", "zł": "PLN", "Fr.": "CHF",
}
_CODES = (
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "INR", "JPY", "CNY", "RMB", "KRW", "BRL", "MXN", "CHF", "SEK",
    "NOK", "DKK", "PLN", "SGD", "HKD", "AED", "ZAR", "PHP", "IDR", "NGN", "TRY",
)
# Words written after the number (lower case).
_SUFFIX_WORDS = {
    "dollars": "$", "dollar": "$", "bucks": "$", "usd": "USD", "us dollars": "USD", "american dollars": "USD",
    "canadian dollars": "CAD", "australian dollars": "AUD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
    "pound": "GBP", "quid": "GBP", "rupees": "INR", "rupee": "INR", "rs": "INR", "yen": "JPY", "yuan": "CNY",
    "rmb": "CNY", "reais": "BRL", "real": "BRL", "pesos": "MXN", "francs": "CHF", "kronor": "SEK", "krona": "SEK",
    "kroner": "NOK", "dirhams": "AED", "rand": "ZAR", "won": "KRW", "rupiah": "IDR", "naira": "NGN", "lira": "TRY",
    "zloty": "PLN", "kr": "SEK", "dólares": "$", "dolares": "$",
}
_SUFFIX_SYMBOLS = {"$": "$", "€": "EUR", "£": "GBP", "₹": "INR", "¥": "¥", "zł": "PLN"}
# Currencies that conventionally write "3.000,00" (dot groups thousands, comma is the decimal mark).
_COMMA_DECIMAL = frozenset({"EUR", "BRL", "PLN", "TRY", "IDR", "DKK", "NOK", "SEK", "CHF"})


_PREFIX_RE = re.compile(
    rf"(?:(?P<sym>{alternation(list(_PREFIX))})|(?<![A-Za-z])(?P<code>{alternation(_CODES)}))\s?$"
)
_SUFFIX_RE = re.compile(
    rf"^(?:\s?(?P<sym>{alternation(list(_SUFFIX_SYMBOLS))})|\s*(?P<code>{alternation(_CODES)})\b"
    rf"|\s*(?P<word>{alternation(list(_SUFFIX_WORDS))})\b)",
    re.IGNORECASE,
)

# --- numbers ------------------------------------------------------------------------------------------------

_MULTIPLIERS = {
    "k": Decimal(1000), "K": Decimal(1000), "thousand": Decimal(1000), "grand": Decimal(1000),
    "m": Decimal(10) ** 6, "M": Decimal(10) ** 6, "mn": Decimal(10) ** 6, "mm": Decimal(10) ** 6,
    "million": Decimal(10) ** 6, "bn": Decimal(10) ** 9, "billion": Decimal(10) ** 9, "hundred": Decimal(100),
    "lakh": Decimal(10) ** 5, "lakhs": Decimal(10) ** 5, "lac": Decimal(10) ** 5, "lacs": Decimal(10) ** 5,
    "crore": Decimal(10) ** 7, "crores": Decimal(10) ** 7, "mil": Decimal(1000),
}
_MULT_RE = re.compile(
    r"^(?:(?P<glued>[kKmM]|mn|mm|bn)(?![\w])|\s?(?P<short>[kK]|mn|bn)(?![\w])"
    r"|\s*(?P<word>thousand|grand|million|billion|hundred|lakhs?|lacs?|crores?)\b)",
    re.IGNORECASE,
)
# Codes and "Rs" may be glued to the digits ("USD7,500", "Rs.5000"); any other letter before digits is not money.
_GLUED_PREFIX = "|".join(rf"(?<=\b{re.escape(code)})" for code in (*_CODES, "Rs", "Rs."))
_DIGITS_RE = re.compile(
    rf"(?:(?<![\w.,/:#@+])|{_GLUED_PREFIX})(?<![A-Za-z]-)"
    r"(\d{1,3}(?:[,.]\d{2,3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?)(?![\d:]|/\d)"
)
_RANGE_GAP_RE = re.compile(r"^\s*(?:-|–|—|to)\s*$")
_RANGE_MULT_RE = re.compile(r"^\s*(?:-|–|—|to)\s*\D{0,2}\d+(?:\.\d+)?([kKmM])\b")

_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD = rf"(?:{'|'.join(NUMBER_WORDS + _TENS)}|hundred|thousand|million|billion)"
_WORDNUM_RE = re.compile(
    rf"\b(?:an?\s+(?=(?:hundred|thousand|million)\b))?{_WORD}(?:(?:\s+and\s+|[\s-]+){_WORD})*\b", re.IGNORECASE
)
# "a grand", "a couple grand": the article is the count and "grand" the magnitude, unless "grand" is an adjective.
_GRAND_COUNT_RE = re.compile(
    r"\b(a couple(?: of)?|an?)(?=\s+grand\b(?!\s+(?:total|prize|opening|reopening|finale|final|scheme|canyon|slam|"
    r"piano|jury|tour|master|theft|plan|gesture|idea|vision|entrance|event|launch|style|scale|champion|old|hotel)\b))",
    re.IGNORECASE,
)

# --- what is not money ----------------------------------------------------------------------------------

_COUNT_NOUNS = (
    r"followers?|fans|subs|subscribers?|views?|likes?|comments?|shares?|impressions?|reach|people|users|"
    r"posts?|stories|story|reels?|videos?|shorts?|tiktoks?|tweets?|lives?|streams?|photos?|pics?|images?|"
    r"carousels?|deliverables?|pieces?|items?|units?|days?|weeks?|wks?|months?|mos?|years?|yrs?|hours?|hrs?|"
    r"minutes?|mins?|seconds?|secs?|times?|x|percent|per\s?cent|pct|miles?|mi|km|kms|kg|lbs?|pounds of|ft|feet|"
    r"inches?|in\.|cm|mm|sq|seats?|beds?|bedrooms?|baths?|bathrooms?|kids?|children|am|pm|a\.m\.|p\.m\.|"
    r"st|nd|rd|th|yo|episodes?|words?|slides?|frames?|links?|mentions?|rounds?|revisions?|languages?|countries|"
    r"cities|brands?|campaigns?|collabs?|sponsorships?|clients?|members?|gb|tb|mb|mp|mph|hp|cc|gallons?"
)
_COUNT_AFTER_RE = re.compile(rf"^(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?\s*[kKmM]?)?"  # a range end: "7-10 years"
                             rf"\s*(?:-\s*)?(?:(?:more|new|extra|additional|total|ig|instagram|tiktok|"
                             rf"youtube|monthly|weekly|daily|organic|paid|sponsored|separate|dedicated)\s+)*"
                             rf"(?:{_COUNT_NOUNS})\b|^\s*%|^(?:\"|''|')(?!\w)", re.IGNORECASE)
_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_MASK_RES = [
    re.compile(r"(?:\+\d{1,3}[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b"),  # phone numbers
    re.compile(r"\+\d[\d\s-]{8,}\d"),  # international phone numbers
    re.compile(r"\b\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\b|\b\d{1,2}/\d{1,2}\b"),  # dates
    re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?", re.IGNORECASE),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?", re.IGNORECASE),
    re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)", re.IGNORECASE),  # times
    re.compile(r"\b\d{1,2}:\d{2}\b"),
]

# Words right before a bare number that make it a price ("for 150", "how about 120", "pay 12").
_CUES = (
    r"for|at|pay|paying|paid|price|priced|rate|rates|fee|fees|budget|offer|offering|offered|do|take|taking|accept|"
    r"charge|charging|cost|costs|asking|ask|about|around|approximately|approx\.?|roughly|~|how about|what about|"
    r"go|go to|make it|meet|settle|split|under|below|over|above|max|maximum|min|minimum|up to|than|only|just|"
    r"give|sell|selling|sold|buy|bought|worth|spend|spent|is|was|be|firm|listed|want|need|need at least|"
    r"at least|at most|something like|somewhere around|closer to|lower to|down to|up to|come down to|counter|"
    r"propose|suggest|quote|quoted|compensation|payment|down to|lower to|price to|say|say to|afford|consider|"
    r"does|counter with|offer of|budget of|total of|rate of|fee of|in the|low"
)
# Cues weak enough that a year-like number after them ("for 2026", "in 2026") stays a year.
_WEAK_CUE_RE = re.compile(r"(?:^|[^\w])(?:for|at|is|was|be|about|around|over|under|only|just|in the|than)\s+$",
                          re.IGNORECASE)
# Words right after a bare number that make it a price ("2200 and you have a deal", "400 sound good?").
_AFTER_CUE_RE = re.compile(
    r"^\s*(?:(?:is|would be|will be|sounds?|seems?|works?|it is|and (?:you|we)|and it'?s|and i|even|cash|obo|"
    r"or best|firm|tops|max|is what i|is my|is the (?:lowest|best|most)|is fair|is a (?:deal|fair))\b|[?!]*\s*$)",
    re.IGNORECASE,
)
# A number that is a difference, not a price ("1800 below my price", "$200 off").
_DIFFERENCE_AFTER_RE = re.compile(r"^\s*(?:below|above|less|more|off|cheaper|higher|lower|under|over)\b",
                                  re.IGNORECASE)
_CUE_RE = re.compile(
    rf"(?:^|[^\w])(?:{_CUES})\s+(?:(?:you|me|it|that|this|them|us|with|like|maybe|just|only|the|a|an|price|"
    rf"rate|of|at|for|is|be|around|about|to|it's|its|then|than|is|would|say|even)\s+){{0,3}}$",
    re.IGNORECASE,
)

def _parse_digits(raw: str, currency: str | None) -> Decimal | None:
    """Digits with grouping/decimal marks → Decimal ("7,500", "2,50,000", "3.000,00", "7.5")."""
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
    elif "," in raw:
        # One comma followed by one or two digits is a decimal comma ("12,50"); otherwise grouping.
        decimal_mark = "," if re.fullmatch(r"\d+,\d{1,2}", raw) else None
    elif "." in raw:
        groups = raw.split(".")
        thousands = len(groups) > 2 or (currency in _COMMA_DECIMAL and len(groups[-1]) == 3)
        decimal_mark = None if thousands else "."
    else:
        decimal_mark = None
    if decimal_mark is None:
        clean = raw.replace(",", "").replace(".", "")
    else:
        other = "." if decimal_mark == "," else ","
        clean = raw.replace(other, "").replace(decimal_mark, ".")
    try:
        return Decimal(clean)
    except InvalidOperation:
        return None


def _resolve(currency: str, default_currency: str) -> str:
    default_currency = default_currency.upper()
    if currency == "$":
        return default_currency if default_currency in _DOLLAR_CURRENCIES else "USD"
    if currency == "¥":
        return "CNY" if default_currency == "CNY" else "JPY"
    if currency == "RMB":
        return "CNY"
    if currency == "SEK" and default_currency in {"NOK", "DKK"}:  # "kr"
        return default_currency
    return currency.upper()


@dataclass
class _Candidate:
    start: int
    end: int
    value: Decimal | None  # None until the currency (which decides the decimal mark) is known
    raw: str
    is_word: bool
    small_word: bool = False


def _masked(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in _MASK_RES:
        spans.extend(m.span() for m in pattern.finditer(text))
    return spans


def _candidates(text: str) -> list[_Candidate]:
    masked = _masked(text)
    found: list[_Candidate] = []
    for m in _DIGITS_RE.finditer(text):
        if any(s <= m.start() < e for s, e in masked):
            continue
        found.append(_Candidate(m.start(), m.end(), None, m.group(1), is_word=False))
    for m in _WORDNUM_RE.finditer(text):
        phrase = re.sub(r"^an?\s+", "one ", m.group(0).lower()).replace("-", " ")
        try:
            value = Decimal(text2num(phrase, "en"))
        except ValueError:
            continue
        small = not re.search(r"hundred|thousand|million|billion", phrase) and value < 20
        found.append(_Candidate(m.start(), m.end(), value, m.group(0), is_word=True, small_word=small))
    for m in _GRAND_COUNT_RE.finditer(text):
        count = Decimal(SMALL_NUMBERS[m.group(1).lower()])
        found.append(_Candidate(m.start(), m.end(), count, m.group(0), is_word=True, small_word=True))
    return sorted(found, key=lambda c: c.start)


def find_amounts(text: str, default_currency: str = "USD") -> list[Amount]:
    """Every money mention in `text`, in order. `default_currency` applies when none is written."""
    amounts: list[Amount] = []
    for cand in _candidates(text):
        if amounts and cand.start < amounts[-1].end:
            continue  # already part of the previous amount ("1.2 million", "two grand")
        previous = amounts[-1] if amounts and _RANGE_GAP_RE.match(text[amounts[-1].end:cand.start]) else None
        amount = _read_amount(text, cand, default_currency, range_currency=previous.currency if previous else None)
        if amount is not None:
            amounts.append(amount)
    return amounts


def _read_amount(text: str, cand: _Candidate, default_currency: str, range_currency: str | None = None
                 ) -> Amount | None:
    start, end = cand.start, cand.end
    # Magnitude after the number: "7.5k", "2 lakh", "two grand", "1.2 million".
    multiplier = Decimal(1)
    strong_magnitude = False
    mult = _MULT_RE.match(text[end:])
    if mult and not (cand.is_word and (mult.group("glued") or mult.group("short"))):
        key = next(g for g in mult.groups() if g)
        multiplier = _MULTIPLIERS.get(key) or _MULTIPLIERS[key.lower()]
        strong_magnitude = key.lower() not in {"hundred", "m"}
        end += mult.end()
    elif cand.is_word and re.search(r"thousand|million|billion", cand.raw, re.IGNORECASE):
        strong_magnitude = True
    elif (range_mult := _RANGE_MULT_RE.match(text[end:])) and not cand.is_word:
        multiplier = _MULTIPLIERS[range_mult.group(1)]  # "$5-7k": the magnitude applies to both ends
    lakh_system = bool(mult and re.match(r"\s*(?:lakh|lac|crore)", text[cand.end:], re.IGNORECASE))

    # Currency before ("$", "USD ", "Rs. ") or after ("USD", "dollars", "€").
    currency: str | None = None
    pre = _PREFIX_RE.search(text[:start])
    if pre:
        currency = _PREFIX.get(pre.group("sym")) if pre.group("sym") else pre.group("code").upper()
        start = pre.start()
    suf = _SUFFIX_RE.match(text[end:])
    if suf and (suf.group("word") or "").lower() not in {"real", "won", "rand"} | ({"kr"} if currency else set()):
        suffix_currency = (
            _SUFFIX_SYMBOLS.get(suf.group("sym")) if suf.group("sym")
            else suf.group("code").upper() if suf.group("code")
            else _SUFFIX_WORDS[re.sub(r"\s+", " ", suf.group("word").lower())]
        )
        if currency is None or currency == "$" or suffix_currency == currency:
            currency = suffix_currency
            end += suf.end()
    elif suf and (suf.group("word") or "").lower() in {"real", "won", "rand"} and currency is None:
        return None  # "one real", "I won", ambiguous words: never money without a symbol

    if currency is None and range_currency is not None:
        currency = range_currency  # the second end of "$500 - 700"
    elif currency is None and lakh_system:
        currency = "INR"
    if currency is None:
        if (cand.small_word and multiplier == 1) or _COUNT_AFTER_RE.match(text[end:]):
            return None
        if _DIFFERENCE_AFTER_RE.match(text[end:]):
            return None
        cue = _CUE_RE.search(text[:start]) or _AFTER_CUE_RE.match(text[end:])
        if not cand.is_word and re.fullmatch(r"(19|20)\d\d", cand.raw) and multiplier == 1 and (
            not cue or _WEAK_CUE_RE.search(text[:start]) or re.search(r"\b(?:in|since|of|by|until|from|year|model)\s+$",
                                                                  text[:start], re.IGNORECASE)
        ):
            return None  # a year
        if not strong_magnitude and not cue:
            return None
        if cand.is_word and cand.value is not None and cand.value < 20 and multiplier == 1:
            return None

    resolved = _resolve(currency or default_currency, default_currency)
    base = cand.value if cand.is_word else _parse_digits(cand.raw, resolved)
    if base is None:
        return None
    value = base * multiplier
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    try:
        usd = to_usd(value, resolved)
    except KeyError:
        return None
    per, quantity = per_and_quantity(text, start, end)
    return Amount(value=value, currency=resolved, usd=usd, text=text[start:end], start=start, end=end,
                  per=per, quantity=quantity)
