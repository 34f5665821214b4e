"""Named things: platforms, brands (worked with or excluded) and languages."""

from __future__ import annotations

import re
from functools import lru_cache

from agent.query import lexicon as lx
from agent.query.locations import DEMONYMS, country_for
from agent.query.work import Work
from data.types import PLATFORMS


@lru_cache(maxsize=1)
def _platform_re() -> re.Pattern[str]:
    terms = sorted(lx.PLATFORM_TERMS, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(" + "|".join(re.escape(t) for t in terms) + r")(?![\w'])", re.I)


_NEGATION_BEFORE = re.compile(
    r"(?:\bnot|\bno|\bexcept|\bexcluding|\bexclude|\bwithout|\bbesides|\bbut\s+not|\banywhere\s+but|\bnothing)"
    r"\s+(?:on\s+)?$"
)


def platforms(w: Work) -> list[str]:
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
    re.compile(rf"(?i:\b(?:no\s+one|nobody|noone|none|not\s+anyone|no\s+(?:creators?|influencers?|accounts?))"
               rf"\s+(?:who|that)(?:'s|'ve|\s+has|\s+have|\s+had|\s+is|\s+are|\s+was)?"
               rf"(?:\s+(?:ever|already|previously|been|recently))*\s+{_WORK_VERB}(?:\s+(?:with|by|for))?)\s+{_BLIST}"),
    re.compile(rf"(?i:\b(?:but\s+not|and\s+not|nor)\b)\s+{_BLIST}"),
    re.compile(rf"(?i:(?:^|,|;)\s*not)\s+{_BLIST}"),
    re.compile(rf"(?i:\bno\b)\s+(?i:(?:competitors?|competing brands?|brands?)(?:\s+like)?\s+)?{_BLIST}"),
    re.compile(rf"(?i:\b(?:without|with\s+no|no)\s+(?:any\s+|prior\s+|past\s+|previous\s+)*){_BLIST}"
               rf"(?=\s+(?i:deals?|collabs?|partnerships?|sponsorships?|ads|campaigns?|ambassadorships?)\b)"),
]
# What follows an excluded brand and belongs to the exclusion: "no Spotify collabs", "except Gymshark athletes".
_EXCLUSION_TAIL = re.compile(
    r"^\s*(?:deals?|collabs?|collaborations?|partnerships?|sponsorships?|ads|campaigns?|ambassadors?"
    r"|ambassadorships?|athletes|partners|creators|influencers|people|fans)\b",
    re.I,
)
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


def brands(w: Work) -> tuple[list[str], list[str]]:
    excluded: list[str] = []
    worked: list[str] = []
    for patterns, target in ((_EXCLUDE_BRANDS, excluded), (_WORKED_BRANDS, worked)):
        for pattern in patterns:
            for m in list(pattern.finditer(w.masked)):
                names = _brand_names(m.group(1))
                if names:
                    target.extend(n for n in names if n not in target)
                    tail = _EXCLUSION_TAIL.match(w.masked[m.end():]) if target is excluded else None
                    w.take(m.start(), m.end() + (tail.end() if tail else 0))
    return worked, excluded


@lru_cache(maxsize=1)
def _language_re() -> re.Pattern[str]:
    names = "|".join(sorted(lx.LANGUAGES, key=len, reverse=True))
    return re.compile(rf"\b({names})\b", re.I)


_LANG_AFTER = re.compile(r"^[- ]?(?:speaking|speakers?|language|lang|content|videos?|posts?|audio|subtitles?)\b")
_LANG_BEFORE = re.compile(r"\b(?:in|speak|speaks|speaking|bilingual(?:\s+in)?|fluent\s+in|trilingual)\s+$")
_LANG_LINK = re.compile(r"^\s*(?:/|,|&|and|or)\s*$")


def languages(w: Work) -> list[str]:
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


_HANDLE_MENTION = re.compile(r"@([\w][\w.\-]{0,99})(?<![.\-])")
_LIKE_CUE = re.compile(
    r"(?:\b(?:creators?|influencers?|accounts?|people|profiles?)\s+)?(?:\b(?:more|others?|someone|anyone)\s+)?"
    r"\b(?:like|similar\s+to|lookalikes?\s+(?:of|for|to)|resembling|such\s+as|the\s+likes\s+of)\s*$"
)


def like_handles(w: Work) -> list[str]:
    """Seed handles for lookalikes: every @handle in the query ("creators like @sarahglows and @mia")."""
    out: list[str] = []
    for m in list(_HANDLE_MENTION.finditer(w.masked)):
        if m.group(1).lower() not in (h.lower() for h in out):
            out.append(m.group(1))
        cue = _LIKE_CUE.search(w.low[: m.start()])
        w.take(cue.start() if cue else m.start(), m.end())
    return out
