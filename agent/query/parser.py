"""Offline, deterministic natural-language query → ParsedQuery.

Extractors run in a fixed order over one working copy of the query; each one blanks out ("consumes") the
characters it understood, so later extractors never re-read them ("$1k" is a price, not 1,000 followers;
"audience in Canada" is the audience, not the creator's location). Whatever content words are left at the
end become `topics`.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from agent.query import lexicon as lx
from agent.query import measures, mentions, people, places, topics
from agent.query.numbers import normalize_numbers
from agent.query.schema import ParsedQuery
from agent.query.work import Work

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


# --- entry point ---------------------------------------------------------------------------------------

def parse_query_offline(text: str) -> ParsedQuery:
    """Parse a discovery query without any model: deterministic, no network."""
    original = normalize_numbers(_fix_typos(text.strip()))
    w = Work(original)
    like = mentions.like_handles(w)
    sort = measures.sort(w)
    min_rate, max_rate = measures.rates(w)
    engagement = measures.engagement(w)
    min_f, max_f = measures.followers(w)
    audience = people.audience(w)
    gender, age_min, age_max, audience = people.creator(w, audience)
    verified = people.verified(w)
    platforms = mentions.platforms(w)
    worked, excluded = mentions.brands(w)
    languages = mentions.languages(w)
    locations = places.locations(w)
    niches, hits = topics.niches(w)
    found_topics = topics.topics(w, hits)
    if min_f is not None and max_f is not None and min_f > max_f:
        min_f, max_f = max_f, min_f
    return ParsedQuery(
        niches=niches, platforms=platforms, locations=locations, min_followers=min_f, max_followers=max_f,
        min_engagement_rate=engagement, max_rate_usd=max_rate, min_rate_usd=min_rate, languages=languages,
        audience=audience, exclude_brands=excluded, worked_with_brands=worked, verified=verified,
        topics=found_topics, sort=sort, creator_gender=gender, creator_age_min=age_min, creator_age_max=age_max,
        like_handles=like,
    )
