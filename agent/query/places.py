"""Where: places after a cue ("in", "based in"), "X-based", bare country names and nationality words."""

from __future__ import annotations

import re

from agent.query.locations import DEMONYMS, resolve_place
from agent.query.schema import QueryLocation
from agent.query.work import Work

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


def locations(w: Work) -> list[QueryLocation]:
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
