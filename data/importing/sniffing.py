"""Column roles from content as well as headers.

Exports lie in their headers: one agency file calls the display name `instagram name` and the handle `name`,
the next does the opposite. The header guess (`headers.py`) is checked against a sample of each column's
values, scored per target field by shape:

- handle: one token of letters, digits, `.`, `_`, `-` (an `@` or a profile URL is fine), mostly lowercase;
- display name: spaces, emoji and symbols, capitals ("Leo Messi", "이지금 IU", "✿ Kids Diana Show");
- counts ("1.2M", "2,345"), percentages, emails, profile URLs, countries and categories parse as such.

The plan is then corrected in two ways, and only where the values clearly disagree with the header:

1. handle ⇄ name: when the column the header calls the handle is not clearly handle-shaped, and a column
   called a name mostly holds handles (and the swap fits the values clearly better), the two swap roles (the
   handle keeps the platform its header named); a handle column clearly holding display names with no
   handle-shaped column to swap with becomes the name.
2. a header guess that most sampled values contradict (an "email" column without addresses, a "country"
   column of categories) takes the field its values fit best, when one fits well and no other column
   already feeds it; an unrecognized column whose values are all emails or profile URLs feeds that field.

An explicit mapping always wins: mapped columns are neither scored nor moved. CSV files only: a flat JSON object
names its own keys, row by row. `sniff` reads at most
`SAMPLE` rows, so its cost does not grow with the file (see `python -m bench import`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from data.importing.headers import Column
from data.importing.targets import Target
from data.importing.values import CellError, clean_handle, is_empty, parse_count, parse_money, parse_percent
from data.taxonomy import country_code, niches_in

SAMPLE = 200
CONTRADICTED = 0.5  # a header guess whose values fit it less than this has lost
CONVINCING = 0.8  # an alternative must fit at least this well to take over
HEADER_WEIGHT = 0.4  # header-chosen confidence = HEADER_WEIGHT + (1 - HEADER_WEIGHT) * content fit

_HANDLE = re.compile(r"^[\w.\-]{1,100}$", re.UNICODE)
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[a-z]{2,}$", re.IGNORECASE)
_URL = re.compile(r"^(https?://|www\.|[\w-]+\.(com|tv|am|be)/)", re.IGNORECASE)
_SYMBOLS = re.compile(r"[^\w\s.\-@'’]", re.UNICODE)


def handle_fit(value: str) -> float:
    """1.0 for 'leomessi', '@kids.diana', a profile URL; 0.0 for 'Leo Messi'; 0.5 for 'MrBeast'."""
    text = value.strip()
    if _URL.match(text):
        return 1.0 if clean_handle(text)[0] and "/" not in clean_handle(text)[0] else 0.5
    bare = text.removeprefix("@")
    if not _HANDLE.match(bare):
        return 0.0
    if bare.replace(".", "").replace(",", "").isdigit():
        return 0.0  # a number (rank, count), not an account name
    if text.startswith("@") or bare == bare.lower() or any(c in bare for c in "._") or any(c.isdigit() for c in bare):
        return 1.0
    return 0.5  # one capitalized word: a handle or a one-word stage name


def name_fit(value: str) -> float:
    """1.0 for 'Leo Messi', '이지금 IU', '✿ Kids Diana Show'; 0.0 for 'leomessi' or 'kids.diana'; 0.5 for 'Shakira'."""
    text = value.strip()
    if _URL.match(text) or text.startswith("@") or "@" in text:
        return 0.0
    if " " in text or _SYMBOLS.search(text):
        return 1.0
    if text != text.lower() and not any(c in text for c in "._") and not any(c.isdigit() for c in text):
        return 0.5
    if not text.isascii() and not any(c in text for c in "._"):
        return 0.5  # one word in another script: a name as often as a handle
    return 0.0


def _parses(parse: Callable[[str], object]) -> Callable[[str], float]:
    def fit(value: str) -> float:
        try:
            parse(value)
        except (CellError, ValueError, ArithmeticError):
            return 0.0
        return 1.0

    return fit


def _count_fit(value: str) -> float:
    try:
        return 1.0 if parse_count(value) >= 0 else 0.0
    except (CellError, ArithmeticError):
        return 0.0


def _percent_fit(value: str) -> float:
    try:
        return 1.0 if 0 <= parse_percent(value, fraction_ok=True) <= 100 else 0.0
    except (CellError, ArithmeticError):
        return 0.0


def _country_fit(value: str) -> float:
    text = value.strip()
    return 1.0 if (len(text) > 2 or text.upper() in {"US", "UK"}) and country_code(text) else 0.0


FITS: dict[str, Callable[[str], float]] = {
    "handle": handle_fit,
    "name": name_fit,
    "followers": _count_fit,
    "avg_interactions": _count_fit,
    "avg_views": _count_fit,
    "engagement_rate": _percent_fit,
    "email": lambda v: 1.0 if _EMAIL.match(v.strip()) else 0.0,
    "profile_url": lambda v: 1.0 if _URL.match(v.strip()) else 0.0,
    "country": _country_fit,
    "niches": lambda v: 1.0 if niches_in(v) else 0.0,
    "rate_post": _parses(parse_money),
}
# Fields whose shape is distinctive enough to take over a contradicted or unrecognized column.
_TAKEOVER = ("email", "profile_url", "country", "niches")
_ANYWHERE = ("email", "profile_url")  # ... and to claim a column with no header guess at all


@dataclass(frozen=True)
class ColumnGuess:
    """How a column's role was chosen: for the import preview."""

    header: str
    target: str | None
    confidence: float
    source: str  # mapping | header | content | none
    alternatives: list[dict[str, object]] = field(default_factory=list)


def _samples(body: Sequence[Sequence[str]], index: int) -> list[str]:
    out = []
    for record in body[:SAMPLE]:
        if index < len(record) and not is_empty(record[index]):
            out.append(record[index])
    return out


def content_scores(values: Sequence[str]) -> dict[str, float]:
    """Mean fit of the values to each scored field (empty when there are no values)."""
    if not values:
        return {}
    return {name: sum(fit(v) for v in values) / len(values) for name, fit in FITS.items()}


def _holders(columns: list[Column], skip: int) -> set[str]:
    return {c.target.field for c in columns if c.target and c.index != skip}


def sniff(
    columns: list[Column], body: Sequence[Sequence[str]], mapped: frozenset[int] = frozenset()
) -> tuple[list[Column], list[ColumnGuess]]:
    """The column plan corrected by content (module docstring), and how each column's role was chosen."""
    scores = {c.index: content_scores(_samples(body, c.index)) for c in columns}
    out = list(columns)
    moved: set[int] = set()

    def fit(index: int, name: str) -> float:
        return scores[index].get(name, 0.5)

    free = [c for c in out if c.index not in mapped and c.target is not None]
    handles = [c for c in free if c.target and c.target.field == "handle" and scores[c.index]]
    names = [c for c in free if c.target and c.target.field == "name" and scores[c.index]]
    for h in handles:
        if fit(h.index, "handle") >= CONVINCING:
            continue
        platform = h.target.platform if h.target else None
        partner = max((n for n in names if n.index not in moved), key=lambda n: fit(n.index, "handle"), default=None)
        swap = partner is not None and fit(partner.index, "handle") >= CONVINCING and (
            fit(partner.index, "handle") + fit(h.index, "name")
            >= fit(h.index, "handle") + fit(partner.index, "name") + 0.5
        )
        if partner is not None and swap:
            out[partner.index] = replace(partner, target=Target("handle", platform=platform))
            moved.add(partner.index)
        elif fit(h.index, "name") < CONVINCING:
            continue  # neither a partner to swap with nor values clearly display names: the header stays
        out[h.index] = replace(h, target=Target("name"))
        moved.add(h.index)
    for c in out:
        if c.index in mapped or c.index in moved or not scores[c.index]:
            continue
        current = c.target.field if c.target else None
        if current is not None and fit(c.index, current) >= CONTRADICTED:
            continue
        if current is not None and current not in FITS:
            continue  # no shape to check the header against (bio, city, topics, ...)
        held = _holders(out, c.index)
        pool = _TAKEOVER if current is not None else _ANYWHERE
        best = max(pool, key=lambda f: fit(c.index, f))
        threshold = CONVINCING if current is not None else 0.9
        if fit(c.index, best) >= threshold and best not in held and best != current:
            out[c.index] = replace(c, target=Target(best))
            moved.add(c.index)
    return out, [_guess(c, columns[i].target, scores[c.index], mapped, moved) for i, c in enumerate(out)]


def _guess(c: Column, header: Target | None, scores: dict[str, float], mapped: frozenset[int],
           moved: set[int]) -> ColumnGuess:
    target = str(c.target) if c.target else None
    alternatives = sorted(
        ({"target": name, "score": round(s, 2)} for name, s in scores.items()
         if s >= 0.3 and (c.target is None or name != c.target.field)),
        key=lambda a: -float(a["score"]),  # type: ignore[arg-type]
    )[:3]
    if c.index in mapped:
        return ColumnGuess(c.header, target, 1.0, "mapping", alternatives)
    if c.target is None:
        return ColumnGuess(c.header, None, 0.0, "none", alternatives)
    content = scores.get(c.target.field, 0.5) if scores else 0.5
    if c.index in moved:  # the values overruled the header: as sure as they fit
        return ColumnGuess(c.header, target, round(content, 2), "content", alternatives)
    agrees = 1.0 if header is not None and header.field == c.target.field else 0.0
    confidence = round(HEADER_WEIGHT * agrees + (1 - HEADER_WEIGHT) * content, 2)
    return ColumnGuess(c.header, target, confidence, "header", alternatives)
