"""Who: the audience (gender, age, countries) and verified accounts."""

from __future__ import annotations

import re

from agent.query.locations import DEMONYMS, country_for
from agent.query.schema import AudienceConstraint
from agent.query.work import GAP, Work

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


def audience(w: Work) -> AudienceConstraint | None:
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
                  before.rfind(GAP))
        if cut >= 0:
            start += cut + 1
        end = min(cue.end() + 45, len(text))
        after = text[cue.end() : end]
        stop = re.search(rf",|;|{GAP}| who | on | verified| under \D", after)
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


def _audience_countries(w: Work) -> list[str]:
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


def verified(w: Work) -> bool | None:
    m = _VERIFIED.search(w.low)
    if not m:
        return None
    w.take(*m.span())
    return True


# Generations as creator/audience ages (fixed ranges, as marketers use them).
_GENERATIONS: list[tuple[str, int, int]] = [
    (r"gen(?:eration)?[- ]?z(?:ers?)?|zoomers?", 13, 29), (r"millennials?", 30, 45),
    (r"gen(?:eration)?[- ]?x(?:ers?)?", 46, 61),
    (r"(?:baby )?boomers?", 62, 100), (r"teens?|teenagers?|teenage", 13, 19),
]
_AUDIENCE_AFTER = re.compile(r"^\s*(?:audiences?|followers|viewers|fans|demographics?|crowd)\b")
_AUDIENCE_BEFORE = re.compile(r"\b(?:popular\s+with|loved\s+by|reach(?:ing)?|targeting|among|for)\s+(?:the\s+)?$")
_CREATOR_GENDER = re.compile(
    r"\b(female|women|woman|girls?|male|men|man|guys?|moms?|mothers|dads?|fathers|non[- ]?binary)\b(?!['’])"
)
_GENDER_OF = {"female": "female", "women": "female", "woman": "female", "girl": "female", "girls": "female",
              "mom": "female", "moms": "female", "mothers": "female", "male": "male", "men": "male", "man": "male",
              "guy": "male", "guys": "male", "dad": "male", "dads": "male", "fathers": "male"}
_CREATOR_AGE_MIN = re.compile(r"\b(?:over|above|older than)\s+(\d{2})\b(?!\s*(?:%|k\b|followers|\$))")
_CREATOR_AGE_MAX = re.compile(r"\b(?:under|below|younger than)\s+(\d{2})\b(?!\s*(?:%|k\b|followers|\$))")


def creator(
    w: Work, aud: AudienceConstraint | None
) -> tuple[str | None, int | None, int | None, AudienceConstraint | None]:
    """The creator's own gender and age; a generation word next to an audience cue goes to `aud` instead."""
    gender: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    for pattern, lo, hi in _GENERATIONS:
        for m in list(re.finditer(rf"\b(?:{pattern})\b", w.low)):
            said = w.text.lower()  # the audience word may already be read ("with a Gen Z audience")
            if _AUDIENCE_AFTER.match(said[m.end():]) or _AUDIENCE_BEFORE.search(said[: m.start()]):
                aud = aud or AudienceConstraint()
                if aud.age_min is None and aud.age_max is None:
                    aud = aud.model_copy(update={"age_min": lo, "age_max": hi})
                tail = _AUDIENCE_AFTER.match(w.low[m.end():])
                w.take(m.start(), m.end() + (tail.end() if tail else 0))
            elif age_min is None and age_max is None:
                age_min, age_max = lo, hi
                w.take(*m.span())
    m = _CREATOR_GENDER.search(w.low)
    if m:
        word = m.group(1)
        gender = "nonbinary" if word.startswith("non") else _GENDER_OF[word]
        if not word.startswith(("mom", "mother", "dad", "father")):
            w.take(*m.span())  # "moms" also names the parenting niche: leave it to the niche lexicon
    for rx in (_CREATOR_AGE_MIN, _CREATOR_AGE_MAX):
        found = rx.search(w.low)
        if found and 16 <= int(found.group(1)) <= 90:
            if rx is _CREATOR_AGE_MIN and age_min is None:
                age_min = int(found.group(1))
            elif rx is _CREATOR_AGE_MAX and age_max is None:
                age_max = int(found.group(1))
            w.take(*found.span())
    return gender, age_min, age_max, aud
