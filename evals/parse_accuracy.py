"""Field-level accuracy of the query parser against the labeled set in evals/queries.jsonl.

Each line is `{"query": "...", "expected": {partial ParsedQuery}}`; a field left out of `expected` means
"no constraint", so a parser that invents one is charged a false positive.

Scoring, per field, micro-averaged over the set and then over all fields:
- list fields (niches, platforms, languages, brands, topics, locations, audience.countries): each element is
  one item; an item in both = TP, only predicted = FP, only expected = FN. Brands compare case-insensitively;
  topics compare lower-cased with a plural "s" ignored per word; a location is identified by
  (city, country), accents folded, when it names a city, else (region, country), else country.
- scalar fields (min/max_followers, min_engagement_rate, min/max_rate_usd (to the cent), verified, sort,
  audience.gender/age_min/age_max, creator_gender/age_min/age_max): equal values = TP; a wrong value =
  FP + FN; a value where none was expected = FP; a missing value = FN. `sort="relevance"` and
  `verified=None` count as absent.

`python -m evals.parse_accuracy [--verbose] [--min-f1 0.95]` (the lead wires `python -m evals parse-accuracy`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from agent.query.schema import ParsedQuery, QueryLocation

DEFAULT_FILE = Path(__file__).with_name("queries.jsonl")
LIST_FIELDS = ("niches", "platforms", "locations", "languages", "exclude_brands", "worked_with_brands", "topics",
               "audience.countries", "like_handles")
SCALAR_FIELDS = ("min_followers", "max_followers", "min_engagement_rate", "max_rate_usd", "min_rate_usd", "verified",
                 "sort", "audience.gender", "audience.age_min", "audience.age_max", "creator_gender",
                 "creator_age_min", "creator_age_max")
FIELDS = LIST_FIELDS + SCALAR_FIELDS


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass
class Miss:
    query: str
    field: str
    expected: Any
    predicted: Any


@dataclass
class Report:
    per_field: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    misses: list[Miss] = field(default_factory=list)
    queries: int = 0

    @property
    def overall(self) -> Counts:
        total = Counts()
        for counts in self.per_field.values():
            total.add(counts)
        return total

    def as_dict(self) -> dict[str, Any]:
        def row(c: Counts) -> dict[str, Any]:
            return {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
                    "tp": c.tp, "fp": c.fp, "fn": c.fn}

        return {"queries": self.queries, "overall": row(self.overall),
                "fields": {name: row(c) for name, c in self.per_field.items()}}


def _topic_key(topic: str) -> str:
    words = re.findall(r"[a-z0-9][a-z0-9'\-]*", topic.lower())
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _location_key(loc: QueryLocation) -> tuple[str | None, ...]:
    if loc.city:
        return ("city", _fold(loc.city), loc.country)
    if loc.region:
        return ("region", _fold(loc.region), loc.country)
    return ("country", loc.country)


def _items(query: ParsedQuery, name: str) -> list[Any]:
    if name == "audience.countries":
        return [c.upper() for c in (query.audience.countries if query.audience else [])]
    values = getattr(query, name)
    if name == "locations":
        return [_location_key(v) for v in values]
    if name == "topics":
        return [_topic_key(v) for v in values]
    if name in ("exclude_brands", "worked_with_brands", "like_handles"):
        return [v.casefold().replace("’", "'") for v in values]
    return [str(v).lower() for v in values]


def _scalar(query: ParsedQuery, name: str) -> Any:
    if name.startswith("audience."):
        return getattr(query.audience, name.split(".", 1)[1]) if query.audience else None
    value = getattr(query, name)
    if name == "sort" and value == "relevance":
        return None
    if name in ("max_rate_usd", "min_rate_usd") and value is not None:
        return Decimal(value).quantize(Decimal("0.01"))
    if name == "min_engagement_rate" and value is not None:
        return round(float(value), 3)
    return value


def score(expected: ParsedQuery, predicted: ParsedQuery) -> dict[str, Counts]:
    """Counts per field for one query."""
    out: dict[str, Counts] = {}
    for name in LIST_FIELDS:
        exp, got = set(_items(expected, name)), set(_items(predicted, name))
        out[name] = Counts(tp=len(exp & got), fp=len(got - exp), fn=len(exp - got))
    for name in SCALAR_FIELDS:
        exp, got = _scalar(expected, name), _scalar(predicted, name)
        if exp is None and got is None:
            out[name] = Counts()
        elif exp == got:
            out[name] = Counts(tp=1)
        else:
            out[name] = Counts(fp=int(got is not None), fn=int(exp is not None))
    return out


def load_cases(path: Path = DEFAULT_FILE) -> list[tuple[str, ParsedQuery]]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            cases.append((row["query"], ParsedQuery.model_validate(row.get("expected", {}))))
        except Exception as exc:  # a bad label is a bug in the data set: say where
            raise ValueError(f"{path}:{number}: invalid expected value: {exc}") from exc
    return cases


def evaluate(cases: Iterable[tuple[str, ParsedQuery]], parse: Callable[[str], ParsedQuery]) -> Report:
    report = Report()
    for query, expected in cases:
        report.queries += 1
        predicted = parse(query)
        for name, counts in score(expected, predicted).items():
            report.per_field[name].add(counts)
            if counts.fp or counts.fn:
                exp = _items(expected, name) if name in LIST_FIELDS else _scalar(expected, name)
                got = _items(predicted, name) if name in LIST_FIELDS else _scalar(predicted, name)
                report.misses.append(Miss(query, name, exp, got))
    return report


@click.command(name="parse-accuracy")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_FILE,
              show_default=True, help="Labeled queries (JSONL).")
@click.option("--verbose", "-v", is_flag=True, help="List every misparsed query and field.")
@click.option("--since", type=int, default=None,
              help="Score only the labeled queries from this 1-based position on (e.g. those added for one issue).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--min-f1", type=float, default=None, help="Exit with status 1 when overall F1 is below this.")
def command(path: Path, since: int | None, verbose: bool, as_json: bool, min_f1: float | None) -> None:
    """Field-level precision, recall and F1 of the offline query parser."""
    from agent.query.parser import parse_query_offline

    cases = load_cases(path)
    report = evaluate(cases[since - 1 :] if since else cases, parse_query_offline)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(f"{report.queries} queries\n{'field':<22}{'precision':>10}{'recall':>10}{'f1':>8}{'support':>9}")
        for name, c in report.per_field.items():
            click.echo(f"{name:<22}{c.precision:>10.3f}{c.recall:>10.3f}{c.f1:>8.3f}{c.tp + c.fn:>9}")
        o = report.overall
        click.echo(f"{'OVERALL (micro)':<22}{o.precision:>10.3f}{o.recall:>10.3f}{o.f1:>8.3f}{o.tp + o.fn:>9}")
    if verbose:
        for miss in report.misses:
            click.echo(f"- {miss.query!r} [{miss.field}] expected={miss.expected} got={miss.predicted}", err=as_json)
    if min_f1 is not None and report.overall.f1 < min_f1:
        raise SystemExit(1)


if __name__ == "__main__":
    command()
