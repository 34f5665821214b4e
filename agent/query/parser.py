"""Offline, deterministic natural-language query → ParsedQuery.

Extractors run in a fixed order over one working copy of the query; each one blanks out ("consumes") the
characters it understood, so later extractors never re-read them ("$1k" is a price, not 1,000 followers;
"audience in Canada" is the audience, not the creator's location). Whatever content words are left at the
end become `topics`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from agent.amounts import find_amounts
from agent.query import lexicon as lx
from agent.query.locations import DEMONYMS, country_for, resolve_place
from agent.query.numbers import COUNT_RE, has_magnitude, normalize_numbers, parse_count
from agent.query.schema import AudienceConstraint, ParsedQuery, QueryLocation
from data.types import PLATFORMS

_GAP = "\x00"  # consumed characters: not a word character, so no pattern matches across them


@dataclass
class _Work:
    """The query being parsed: text (numbers normalized) and which characters are still unread."""

    text: str
    chars: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.chars = list(self.text)

    @property
    def masked(self) -> str:
        return "".join(self.chars)

    @property
    def low(self) -> str:
        return self.masked.lower()

    def take(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.chars))):
            self.chars[i] = _GAP


# --- typos ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    words = {w for term in (*lx.NICHE_TERMS, *lx.SUBTOPICS, *lx.PLATFORM_TERMS) for w in term.split()}
    words |= set(lx.LANGUAGES) | {"influencers", "creators", "followers", "engagement", "verified", "subscribers",
                                  "audience", "bloggers", "youtubers", "tiktokers"}
    return tuple(sorted(w for w in words if len(w) >= 4 and w.isalpha()))


def _fix_typos(text: str) -> str:
    """Correct lowercase misspellings of known vocabulary ("instagarm", "fitnes"); names are left alone."""
    vocab = _vocabulary()
    known = set(vocab) | lx.FILLER

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if len(word) < 6 or not word.islower() or word in known:
            return word
        close = difflib.get_close_matches(word, vocab, n=1, cutoff=0.85)
        plural = (close and close[0] in (word + "s", word + "es") and not word.endswith("s")) or (
            close and word == close[0] + "s")
        if not close or plural:
            return word
        return close[0]

    return re.sub(r"[A-Za-z]+", fix, text)


# --- extractors ----------------------------------------------------------------------------------------

def _sort(w: _Work) -> str:
    for pattern, order in lx.SORT_PATTERNS:
        m = re.search(pattern, w.low)
        if m:
            w.take(*m.span())
            return order
    return "relevance"


_PRICE_BEFORE = re.compile(
    r"(?:(?:a\s+)?(?:budget|rates?|prices?|costs?|charging|charges?|fees?)\s*(?:of\s+|is\s+|are\s+)?)?"
    r"(?:under|below|less than|cheaper than|up to|at most|max(?:imum)?|no more than|not more than|<=?|around"
    r"|about|~|within)?\s*$"
)
_PRICE_MIN_BEFORE = re.compile(r"(?:over|above|more than|at least|min(?:imum)?)\s*$")
_PRICE_AFTER = re.compile(
    r"^(?:\s*(?:(?:/|per|a|an|each)\s*(?:post|video|reel|story|piece|deliverable|collab)s?|each|max(?:imum)?"
    r"|or less|tops|and under))*"
)
_BARE_NUMBER = re.compile(rf"\s*{COUNT_RE}\s*", re.I)


def _max_rate(w: _Work) -> Decimal | None:
    found: Decimal | None = None
    for amount in find_amounts(w.masked):
        if _BARE_NUMBER.fullmatch(amount.text) and not amount.per:
            continue  # "10k" alone is a count, not money
        before = w.low[: amount.start]
        after = w.low[amount.end :]
        if re.match(r"\s*(?:followers?|subs|subscribers?)\b", after):
            continue
        cue = _PRICE_BEFORE.search(before)
        tail = _PRICE_AFTER.match(after)
        is_min = _PRICE_MIN_BEFORE.search(before) is not None
        w.take(cue.start() if cue else amount.start, amount.end + (tail.end() if tail else 0))
        if not is_min and found is None:
            found = amount.usd
    return found


_NUM = r"(\d+(?:\.\d+)?)"
_PCT = r"\s*(?:%|percent|pct)"
_ENG = r"(?:engagement(?:\s+rates?)?|\ber\b|eng\.?\s+rate)"
_CMP_MIN = r"(?:above|over|at least|min(?:imum)?|>=?|greater than|more than|higher than|of|north of|is)"
_ENGAGEMENT = [
    re.compile(rf"{_ENG}\s*(?:{_CMP_MIN}\s*)*{_NUM}{_PCT}(?:\s*\+|\s+or (?:more|higher|above))?"),
    re.compile(rf"(?:{_CMP_MIN}\s*)*{_NUM}{_PCT}\s*\+?\s*(?:or (?:more|higher|above)\s*)?{_ENG}"),
]


def _engagement(w: _Work) -> float | None:
    for pattern in _ENGAGEMENT:
        m = pattern.search(w.low)
        if m:
            w.take(*m.span())
            return float(m.group(1))
    return None


_FW = r"(?:\s*(?:follower count|followers?|subscribers?|subs|fans|following)\b)"
_N = rf"({COUNT_RE})"
_FOLLOWER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"(?:between\s+)?{_N}\s*(?:-|–|to|and)\s*{_N}({_FW})?", re.I)),
    ("min", re.compile(rf"{_N}({_FW})\s*(?:or more|\+|and up|or above|and above|plus)", re.I)),
    ("min", re.compile(rf"(?:over|more than|at least|atleast|above|min(?:imum)?|>=?|north of|upwards of|greater than"
                       rf"|no less than)\s*{_N}\s*\+?({_FW})?", re.I)),
    ("min", re.compile(rf"{_N}\s*(?:\+|plus\b|or more\b|and up\b)({_FW})?", re.I)),
    ("max", re.compile(rf"(?:under|below|less than|fewer than|up to|at most|max(?:imum)?|<=?|no more than"
                       rf"|not more than)\s*{_N}({_FW})?", re.I)),
]
_TIER = re.compile(
    r"\b(nano|micro|mid[- ]?tier|mid[- ]?sized?|mid(?=[- ]?(?:influencers?|creators?|level))|macro|mega)"
    r"(?:[- ]?(?:influencers?|creators?|level|sized|tier|accounts?))?\b"
)


def _is_count(raw: str, value: int, follower_word: bool) -> bool:
    if follower_word or has_magnitude(raw):
        return True
    return value >= 1000 and not (1900 <= value <= 2100)


def _followers(w: _Work) -> tuple[int | None, int | None]:
    low: int | None = None
    high: int | None = None
    for kind, pattern in _FOLLOWER_PATTERNS:
        for m in list(pattern.finditer(w.low)):
            if re.match(r"\s*(?:%|percent|year|yo\b|y/o)", w.low[m.end() :]):
                continue
            fw = bool(m.groups()[-1])
            if kind == "range":
                a_raw, b_raw = m.group(1), m.group(2)
                a, b = parse_count(a_raw), parse_count(b_raw)
                if a is None or b is None:
                    continue
                if not has_magnitude(a_raw) and has_magnitude(b_raw):
                    scaled = a * (b // max(parse_count(re.sub(r"[^\d.,]", "", b_raw)) or 1, 1))
                    a = scaled if scaled <= b else a
                if not (_is_count(a_raw, a, fw) or _is_count(b_raw, b, fw)) or a > b:
                    continue
                low, high = a, b
            else:
                value = parse_count(m.group(1))
                if value is None or not _is_count(m.group(1), value, fw):
                    continue
                if kind == "min":
                    low = value
                else:
                    high = value
            w.take(*m.span())
    tier = _TIER.search(w.low)
    if tier:
        key = re.sub(r"[- ]?(?:sized?|tier)$", "", tier.group(1))
        t_low, t_high = lx.TIERS["mid" if key.startswith("mid") else key]
        low = t_low if low is None and high is None else low
        high = t_high if high is None and (low is None or low == t_low) else high
        w.take(*tier.span())
    return low, high


_AUD_CUE = re.compile(
    r"\b(?:audiences?|viewers(?:hip)?|fan ?base|demographics?|followers(?=\s+(?:are|is|skew|mostly|predominantly)))\b"
)
_FEMALE = r"female|females|women|woman|ladies|girls|moms|mothers"
_MALE = r"male|males|men|man|guys|dads"
_AGE_RANGE = re.compile(
    r"\b(?:aged?\s+)?(\d{2})\s*(?:-|–|to)\s*(\d{2})\b(?:\s*(?:year[- ]olds?|years?[- ]old|y/?o|yrs?))?"
)
_AGE_MIN = re.compile(r"\b(?:aged?\s+)?(?:over|above|older than)\s+(\d{2})\b|\b(\d{2})\s*\+")
_AGE_MAX = re.compile(r"\b(?:aged?\s+)?(?:under|below|younger than)\s+(\d{2})\b")


def _audience(w: _Work) -> AudienceConstraint | None:
    gender: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    countries: list[str] = []
    countries += _audience_countries(w)
    for cue in list(_AUD_CUE.finditer(w.low)):
        text = w.low
        start = max(cue.start() - 45, 0)
        before = text[start : cue.start()]
        cut = max(before.rfind(","), before.rfind(" with "), before.rfind(" whose "), before.rfind(" and "),
                  before.rfind(_GAP))
        if cut >= 0:
            start += cut + 1
        end = min(cue.end() + 45, len(text))
        after = text[cue.end() : end]
        stop = re.search(rf",|;|{_GAP}| who | on | verified| under \D", after)
        if stop:
            end = cue.end() + stop.start()
        clause = (start, end)
        for rx, value in ((rf"\b(?:{_FEMALE})\b", "female"), (rf"\b(?:{_MALE})\b", "male")):
            m = re.compile(rx).search(text, *clause)
            if m and gender is None:
                gender = value
                w.take(*m.span())
        m = _AGE_RANGE.search(text, *clause)
        if m and 13 <= int(m.group(1)) <= int(m.group(2)) <= 100:
            age_min, age_max = int(m.group(1)), int(m.group(2))
            w.take(*m.span())
        else:
            m = _AGE_MIN.search(text, *clause)
            if m and 13 <= int(m.group(1) or m.group(2)) <= 100:
                age_min = int(m.group(1) or m.group(2))
                w.take(*m.span())
            m = _AGE_MAX.search(text, *clause)
            if m and 13 <= int(m.group(1)) <= 100:
                age_max = int(m.group(1))
                w.take(*m.span())
        w.take(*cue.span())
    if gender is None and age_min is None and age_max is None and not countries:
        return None
    return AudienceConstraint(gender=gender, age_min=age_min, age_max=age_max, countries=countries)


_PLACE_WORDS = r"(?:the\s+)?[A-Za-z][A-Za-z.'\-]*(?:\s+[A-Za-z][A-Za-z.'\-]*){0,2}"


def _audience_countries(w: _Work) -> list[str]:
    """Countries of the audience: "audience in the UK and Ireland", "a US audience"."""
    out: list[str] = []
    m = re.search(
        r"\b(?:audiences?|followers|viewers)\s+(?:is\s+|are\s+|mostly\s+|primarily\s+|mainly\s+|largely\s+"
        r"|based\s+)*(?:in|from)\s+", w.masked, re.I)
    if m:
        pos = m.end()
        while (found := _country_prefix(w.masked[pos:])) is not None:
            out.append(found[0])
            pos += found[1]
            sep = re.match(r"\s*(?:,|\band\b|\bor\b|&|/)\s*", w.masked[pos:])
            if not sep or _country_prefix(w.masked[pos + sep.end() :]) is None:
                break
            pos += sep.end()
        if out:
            w.take(m.start(), pos)
    for m in re.finditer(r"((?:[A-Za-z.]+[ -]){1,3}?)(?:based\s+)?audiences?\b", w.masked):
        words = m.group(1).split()
        for size in range(min(3, len(words)), 0, -1):
            phrase = " ".join(words[-size:])
            code = country_for(phrase) if phrase[0].isupper() or phrase.lower() in DEMONYMS else None
            if code:
                out.append(code)
                w.take(m.start(1) + m.group(1).rstrip().rfind(phrase), m.end())
                break
    return list(dict.fromkeys(out))


def _country_prefix(text: str) -> tuple[str, int] | None:
    """(country code, characters used) for a country name at the start of `text`."""
    m = re.match(r"(?:the\s+)?([A-Za-z][A-Za-z.'\-]*(?:\s+[A-Za-z][A-Za-z.'\-]*){0,2})", text)
    if not m:
        return None
    words = m.group(1).split()
    for size in range(len(words), 0, -1):
        phrase = " ".join(words[:size])
        code = country_for(phrase)
        if code:
            return code, m.start(1) + len(phrase)
    return None


_VERIFIED = re.compile(
    r"\b(?:only\s+verified|verified(?:\s+(?:accounts?|profiles?|creators?|influencers?))?(?:\s+only)?"
    r"|blue[- ]?(?:check|tick)(?:mark)?(?:ed|s)?)\b"
)


def _verified(w: _Work) -> bool | None:
    m = _VERIFIED.search(w.low)
    if not m:
        return None
    w.take(*m.span())
    return True


@lru_cache(maxsize=1)
def _platform_re() -> re.Pattern[str]:
    terms = sorted(lx.PLATFORM_TERMS, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(" + "|".join(re.escape(t) for t in terms) + r")(?![\w'])", re.I)


_NEGATION_BEFORE = re.compile(
    r"(?:\bnot|\bno|\bexcept|\bexcluding|\bexclude|\bwithout|\bbesides|\bbut\s+not|\banywhere\s+but|\bnothing)"
    r"\s+(?:on\s+)?$"
)


def _platforms(w: _Work) -> list[str]:
    included: list[str] = []
    excluded: list[str] = []
    matches = list(_platform_re().finditer(w.masked))
    spans = [m.span() for m in matches]
    for i, m in enumerate(matches):
        raw, term = m.group(1), m.group(1).lower()
        before = w.low[: m.start()]
        after = w.low[m.end() :]
        if term in lx.AMBIGUOUS_PLATFORM_TERMS:
            listed = re.search(r"(?:\bor|\band|,|/)\s*$", before) and i > 0 and spans[i - 1][1] >= m.start() - 6
            listed = listed or (re.match(r"\s*(?:or|and|,|/)\s*", after) is not None and i + 1 < len(matches)
                                and spans[i + 1][0] <= m.end() + 6)
            on = re.search(r"\bon\s+$", before) is not None
            creators = re.match(r"\s*(?:creators?|influencers?|accounts?|stars?)\b", after) is not None
            if term == "x" and raw != "X":
                continue
            if term in {"x", "shorts"} and not (on or listed or re.match(r"\s*\(\s*twitter", after)):
                continue
            if term in {"snap", "pins", "tt"} and not (on or listed or creators):
                continue
        slug = lx.PLATFORM_TERMS[term]
        neg = _NEGATION_BEFORE.search(before)
        target = excluded if neg else included
        if slug not in target:
            target.append(slug)
        on_before = re.search(r"\b(?:not\s+)?on\s+$", before)
        w.take(neg.start() if neg else (on_before.start() if on_before else m.start()), m.end())
    result = [p for p in included if p not in excluded]
    if not result and excluded:
        result = [p for p in PLATFORMS if p not in excluded]
    return result


_BRAND = r"(?:[A-Z0-9][\w'’&.\-]*|[a-z]+[A-Z][\w'’&.\-]*)(?:\s+[A-Z][\w'’&.\-]*){0,2}"
_BLIST = rf"({_BRAND}(?:\s*(?:,|/|\s&|\bor\b|\band\b|\bnor\b)\s*{_BRAND})*)"
_WORK_VERB = (r"(?:work(?:ed|ing)?|partner(?:ed|ing)?|collab(?:orated|orating|bed|bing)?|sponsored|promot(?:ed|ing)"
              r"|repp?(?:ed|ing)?|affiliated|done\s+(?:deals?|ads?|collabs?))")
_EXCLUDE_BRANDS = [
    re.compile(rf"(?i:\b(?:not|never|haven'?t|havent|hasn'?t|hasnt|didn'?t|didnt|don'?t|dont|without)\s+"
               rf"(?:(?:yet|ever|previously|already|been|currently|any|a|ever\s+been)\s+)*{_WORK_VERB}"
               rf"(?:\s+(?:with|by|for))?)\s+{_BLIST}"),
    re.compile(rf"(?i:\b(?:excluding|exclude|except|minus|avoid|drop|skip|remove)\b"
               rf"(?:\s+(?:the\s+)?(?:anyone|anybody|those|people|creators|influencers|ones|any))?"
               rf"(?:\s+(?:who|that)(?:'ve|\s+have|\s+has|\s+had)?)?"
               rf"(?:\s+(?:worked|partnered|collaborated|promoted|repped|done|did|sponsored)(?:\s+(?:with|by|for))?)?)"
               rf"\s+{_BLIST}"),
    re.compile(rf"(?i:\b(?:but\s+not|and\s+not|nor)\b)\s+{_BLIST}"),
    re.compile(rf"(?i:\bno\b)\s+(?i:(?:competitors?|competing brands?|brands?)(?:\s+like)?\s+)?{_BLIST}"),
]
_WORKED_BRANDS = [
    re.compile(rf"(?i:\b(?:worked|working|partnered|partnering|collaborated|collabed|collabs?|partnerships?|deals?"
               rf"|sponsorships?|history)\s+(?:with|for|by)|\bsponsored\s+by|\brepped|\bpromoted|\bambassadors?\s+for)"
               rf"\s+{_BLIST}"),
    re.compile(rf"(?i:\b(?:done|did|had|has\s+done|have\s+done|past|previous|prior|with)\s+){_BLIST}"
               rf"\s+(?i:collabs?|sponsorships?|partnerships?|deals?|campaigns?|ads|ambassadorships?)"),
]


def _brand_names(raw: str) -> list[str]:
    names = re.split(r"\s*(?:,|/|\s&\s|\bor\b|\band\b|\bnor\b)\s*", raw)
    out = []
    for name in names:
        name = name.strip(" .,'’")
        low = name.lower()
        if (not name or low in lx.PLATFORM_TERMS or low in lx.NICHE_TERMS or low in lx.LANGUAGES
                or low in lx.FILLER or country_for(name) or low in DEMONYMS):
            continue
        out.append(name)
    return out


def _brands(w: _Work) -> tuple[list[str], list[str]]:
    excluded: list[str] = []
    worked: list[str] = []
    for patterns, target in ((_EXCLUDE_BRANDS, excluded), (_WORKED_BRANDS, worked)):
        for pattern in patterns:
            for m in list(pattern.finditer(w.masked)):
                names = _brand_names(m.group(1))
                if names:
                    target.extend(n for n in names if n not in target)
                    w.take(*m.span())
    return worked, excluded


@lru_cache(maxsize=1)
def _language_re() -> re.Pattern[str]:
    names = "|".join(sorted(lx.LANGUAGES, key=len, reverse=True))
    return re.compile(rf"\b({names})\b", re.I)


_LANG_AFTER = re.compile(r"^[- ]?(?:speaking|speakers?|language|lang|content|videos?|posts?|audio|subtitles?)\b")
_LANG_BEFORE = re.compile(r"\b(?:in|speak|speaks|speaking|bilingual(?:\s+in)?|fluent\s+in|trilingual)\s+$")
_LANG_LINK = re.compile(r"^\s*(?:/|,|&|and|or)\s*$")


def _languages(w: _Work) -> list[str]:
    matches = list(_language_re().finditer(w.low))
    accepted = [False] * len(matches)
    for i, m in enumerate(matches):
        after, before = w.low[m.end() :], w.low[: m.start()]
        accepted[i] = (m.group(1) in lx.BARE_LANGUAGES or bool(_LANG_AFTER.match(after))
                       or bool(_LANG_BEFORE.search(before)))
    for _ in range(2):  # "English/Spanish speaking", "bilingual English/Spanish": a list shares its cue
        for i in range(len(matches) - 1):
            linked = _LANG_LINK.match(w.low[matches[i].end() : matches[i + 1].start()])
            if linked and (accepted[i] or accepted[i + 1]):
                accepted[i] = accepted[i + 1] = True
    out: list[str] = []
    for m, ok in reversed(list(zip(matches, accepted, strict=True))):
        if not ok:
            continue
        code = lx.LANGUAGES[m.group(1)]
        if code not in out:
            out.insert(0, code)
        tail = _LANG_AFTER.match(w.low[m.end() :])
        head = _LANG_BEFORE.search(w.low[: m.start()])
        w.take(head.start() if head else m.start(), m.end() + (tail.end() if tail else 0))
    return out


_TOKEN = re.compile(r"[A-Za-z][A-Za-z.'’\-]*[A-Za-z.]|[A-Za-z]")
_LOC_CUE = re.compile(
    r"\b(?:in|from|near|around|across|throughout|within|out of|located in|living in|based in)\s+$", re.I
)
_LINK = re.compile(r"^\s*(?:,|/|&|\bor\b|\band\b)\s*$", re.I)


def _adjacent(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    return text[a.end() : b.start()].strip(" ") == ""


def _place_at(text: str, toks: list[re.Match[str]], i: int) -> tuple[list[QueryLocation], int] | None:
    """The longest place name starting at token i: (places, index after it), qualifier included."""
    start = i + 1 if toks[i].group().lower() == "the" and i + 1 < len(toks) else i
    for size in range(4, 0, -1):
        j = start + size
        if j > len(toks) or any(not _adjacent(text, toks[k], toks[k + 1]) for k in range(start, j - 1)):
            continue
        phrase = text[toks[start].start() : toks[j - 1].end()]
        places = resolve_place(phrase)
        if not places:
            continue
        # "Orange, CA" / "Sydney, Australia": a qualifier pins the city
        if j < len(toks) and places[0].city and text[toks[j - 1].end() : toks[j].start()].strip() == ",":
            for q in range(min(3, len(toks) - j), 0, -1):
                qual = text[toks[j].start() : toks[j + q - 1].end()]
                pinned = resolve_place(phrase, qualifier=qual)
                if pinned and (pinned[0].region or pinned[0].country) and _is_qualifier(qual):
                    return pinned, j + q
        return places, j
    return None


def _is_qualifier(text: str) -> bool:
    from agent.query.locations import _qualifier

    return _qualifier(text) is not None


def _locations(w: _Work) -> list[QueryLocation]:
    text = w.masked
    toks = list(_TOKEN.finditer(text))
    out: list[QueryLocation] = []
    used: set[int] = set()

    def add(places: list[QueryLocation], first: int, last: int, take_from: int) -> None:
        for p in places:
            if p not in out:
                out.append(p)
        used.update(range(first, last))
        w.take(take_from, toks[last - 1].end())

    i = 0
    while i < len(toks):
        tok = toks[i]
        cue = _LOC_CUE.search(text[: tok.start()])
        if cue and i not in used:
            found = _place_at(text, toks, i)
            if found:
                places, j = found
                add(places, i, j, cue.start())
                while j < len(toks):
                    k = j + 1 if toks[j].group().lower() in {"or", "and"} else j
                    if k >= len(toks) or not _LINK.match(text[toks[j - 1].end() : toks[k].start()]):
                        break
                    nxt = _place_at(text, toks, k)
                    if not nxt:
                        break
                    add(nxt[0], k, nxt[1], toks[j - 1].end())
                    j = nxt[1]
                i = j
                continue
        i += 1
    for m in re.finditer(r"([A-Za-z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*){0,2})[- ]based\b", w.masked):
        words = m.group(1).split()
        for size in range(len(words), 0, -1):
            places = resolve_place(" ".join(words[-size:]))
            if places:
                out.extend(p for p in places if p not in out)
                w.take(m.end(1) - len(" ".join(words[-size:])), m.end())
                break
    for m in _TOKEN.finditer(w.masked):  # bare country names, aliases and nationality words
        word = m.group().rstrip(".")
        if not word[0].isupper():
            continue
        code = DEMONYMS.get(word.lower())
        if code is None:
            places = resolve_place(word)
            code = places[0].country if len(places) == 1 and places[0].city is None and places[0].region is None \
                else None
            if code is None and places and word.isupper() and len(word) <= 3:  # NYC, LA, SF
                out.extend(p for p in places if p not in out)
                w.take(*m.span())
                continue
        if code:
            loc = QueryLocation(country=code)
            if loc not in out and not any(p.country == code for p in out):
                out.append(loc)
            w.take(*m.span())
    return out


@dataclass
class _Hit:
    start: int
    end: int
    niche: str | None
    topic: str | None
    subject: str | None


@lru_cache(maxsize=1)
def _niche_re() -> re.Pattern[str]:
    terms = sorted({*lx.NICHE_TERMS, *lx.SUBTOPICS}, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(" + "|".join(re.escape(t) for t in terms) + r")(?![\w'])")


def _niches(w: _Work) -> tuple[list[str], list[_Hit]]:
    niches: list[str] = []
    hits: list[_Hit] = []
    for m in list(_niche_re().finditer(w.low)):
        term = m.group(1)
        negated = re.search(r"\b(?:no|not|except|excluding|without|minus)\s+$", w.low[: m.start()])
        if negated:
            w.take(negated.start(), m.end())
            continue
        niche, topic = lx.SUBTOPICS.get(term, (lx.NICHE_TERMS.get(term), None))
        if niche and niche not in niches:
            niches.append(niche)
        subject = lx.SUBJECT_NOUNS.get(term) or lx.SUBJECT_NOUNS.get(term.split()[0]) if topic is None else None
        hits.append(_Hit(m.start(), m.end(), niche, topic, subject))
        w.take(*m.span())
    return niches, hits


_WORD = re.compile(r"[a-z0-9][a-z0-9'’&\-]*")


def _topics(w: _Work, hits: list[_Hit]) -> list[str]:
    low = w.low
    chunks: list[tuple[int, int, list[str]]] = []
    for m in _WORD.finditer(low):
        word = m.group().strip("'’-")
        keep = (word and word not in lx.FILLER and word not in lx.UNSUPPORTED_PLATFORMS and not word.isdigit()
                and len(word) > 1)
        if not keep:
            continue
        if chunks and low[chunks[-1][1] : m.start()].strip(" ") == "":
            start, _, words = chunks[-1]
            chunks[-1] = (start, m.end(), [*words, word])
        else:
            chunks.append((m.start(), m.end(), [word]))
    topics: list[str] = []
    for _, end, words in chunks:
        nxt = next((h for h in hits if h.start > end - 1 and low[end : h.start].strip(" ") == ""), None)
        phrase = " ".join(words)
        if nxt is not None and nxt.subject:
            phrase = f"{phrase} {nxt.subject}"
            nxt.topic = phrase
            continue
        if len(words) <= 4:
            topics.append(phrase)
    ordered = sorted((h for h in hits if h.topic), key=lambda h: h.start)
    result = [h.topic for h in ordered if h.topic] + topics
    return list(dict.fromkeys(result))


# --- entry point ---------------------------------------------------------------------------------------

def parse_query_offline(text: str) -> ParsedQuery:
    """Parse a discovery query without any model: deterministic, no network."""
    original = normalize_numbers(_fix_typos(text.strip()))
    w = _Work(original)
    sort = _sort(w)
    max_rate = _max_rate(w)
    engagement = _engagement(w)
    min_f, max_f = _followers(w)
    audience = _audience(w)
    verified = _verified(w)
    platforms = _platforms(w)
    worked, excluded = _brands(w)
    languages = _languages(w)
    locations = _locations(w)
    niches, hits = _niches(w)
    topics = _topics(w, hits)
    if min_f is not None and max_f is not None and min_f > max_f:
        min_f, max_f = max_f, min_f
    return ParsedQuery(
        niches=niches, platforms=platforms, locations=locations, min_followers=min_f, max_followers=max_f,
        min_engagement_rate=engagement, max_rate_usd=max_rate, languages=languages, audience=audience,
        exclude_brands=excluded, worked_with_brands=worked, verified=verified, topics=topics, sort=sort,
    )
