"""What about: niches from the taxonomy lexicon, and the leftover content words as topics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from agent.query import lexicon as lx
from agent.query.work import Work


@dataclass
class Hit:
    start: int
    end: int
    niche: str | None
    topic: str | None
    subject: str | None


@lru_cache(maxsize=1)
def _niche_re() -> re.Pattern[str]:
    terms = sorted({*lx.NICHE_TERMS, *lx.SUBTOPICS}, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(" + "|".join(re.escape(t) for t in terms) + r")(?![\w'])")


def niches(w: Work) -> tuple[list[str], list[Hit]]:
    niches: list[str] = []
    hits: list[Hit] = []
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
        hits.append(Hit(m.start(), m.end(), niche, topic, subject))
        w.take(*m.span())
    return niches, hits


_WORD = re.compile(r"[a-z0-9][a-z0-9'’&\-]*")


def topics(w: Work, hits: list[Hit]) -> list[str]:
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
