"""Bytes → records: text decoding, delimiter sniffing, the header row among title lines, JSON Lines / arrays."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from data.importing.headers import Column, default_platform, plan_columns, usable
from data.importing.sniffing import ColumnGuess, sniff
from data.importing.targets import ImportFormatError
from data.importing.values import CellError, is_empty, parse_number


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    return text.replace("\x00", "")


def _delimiter(text: str) -> str:
    """The candidate delimiter that splits the first records into the most consistent number of fields."""
    sample = text[:65536]
    truncated = len(text) > len(sample)
    best, best_score = ",", (0, 0)
    for delim in (",", ";", "\t", "|"):
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delim) if any(c.strip() for c in r)][:30]
        if truncated and len(rows) > 1:
            rows = rows[:-1]
        widths = [len(r) for r in rows]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        score = (widths.count(mode) if mode > 1 else 0, mode)
        if score > best_score:
            best, best_score = delim, score
    return best


class _FieldLimit:
    """Raise `csv.field_size_limit` only while an import reads, then put back what was there.

    The limit is interpreter-wide, so it is reference-counted under a lock: the first reader in raises it and
    the last one out restores it, and concurrent imports never lower it under each other. Other code reading
    CSV at the same moment sees the higher limit for that time, which only accepts more.
    """

    LIMIT = 1 << 24  # 16 MiB: a cell holding a long bio or a pasted post list (the csv default is 128 KiB)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._readers = 0
        self._saved = 0

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._readers == 0:
                self._saved = csv.field_size_limit(max(self.LIMIT, csv.field_size_limit()))
            self._readers += 1
        try:
            yield
        finally:
            with self._lock:
                self._readers -= 1
                if self._readers == 0:
                    csv.field_size_limit(self._saved)


_large_fields = _FieldLimit()


@dataclass
class CsvTable:
    columns: list[Column]
    records: Iterator[list[str]]
    default_platform: str
    fraction_columns: frozenset[str]
    followers_column: str
    guesses: list[ColumnGuess]


_HEADER_SCAN = 10


def open_csv(
    data: bytes, filename: str, mapping: dict[str, str] | None, *, need_columns: bool = True, sniffing: bool = True
) -> CsvTable:
    text = decode(data)
    first_line, _, rest = text.partition("\n")
    sep = re.fullmatch(r"\s*sep=(.)\s*", first_line)
    if sep:
        text = rest
    if not text.strip():
        raise ImportFormatError("the file has no rows")
    delim = sep.group(1) if sep else "\t" if filename.lower().endswith(".tsv") else _delimiter(text)
    with _large_fields():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        seen: list[list[str]] = []
        header: list[str] | None = None
        for record in reader:
            if not any(c.strip() for c in record):
                continue
            seen.append(record)
            if not need_columns or usable(plan_columns(record, mapping, strict_mapping=False)):
                header = record
                break
            if len(seen) >= _HEADER_SCAN:
                break
        body = list(reader) if header is not None else []
    if header is None:
        shown = seen[0] if seen else []
        raise ImportFormatError(
            "no recognizable columns: a file needs a followers column and a name, handle or profile-URL column "
            f"(found {[' '.join(h.split()) for h in shown][:30]}); map them with a mapping such as "
            '{"Your column": "followers"}'
        )
    columns = plan_columns(header, mapping, strict_mapping=True)
    guesses: list[ColumnGuess] = []
    if sniffing:
        columns, guesses = sniff(columns, body, frozenset(c.index for c in columns if c.mapped))
    fraction_columns = _fraction_columns(body, columns)
    followers = next((c.label for c in columns if c.target and c.target.field == "followers"), "followers")
    return CsvTable(columns, iter(body), default_platform(columns), fraction_columns, followers, guesses)


def _fraction_columns(body: list[list[str]], columns: list[Column]) -> frozenset[str]:
    """Engagement-rate columns whose plain (no '%') values are all <= 1: they hold fractions."""
    out: set[str] = set()
    for col in columns:
        if not col.target or col.target.field != "engagement_rate":
            continue
        fractions = True
        for record in body:
            raw = record[col.index].strip() if col.index < len(record) else ""
            if is_empty(raw) or raw.endswith("%"):
                continue
            try:
                value, suffixed = parse_number(raw, kind="percent")
            except CellError:
                continue
            if not suffixed and abs(value) > 1:
                fractions = False
                break
        if fractions:
            out.add(col.label)
    return frozenset(out)


def json_records(data: bytes, filename: str) -> Iterator[tuple[int, str]]:
    """(number, JSON text) for each non-blank line, or each element of a top-level array."""
    text = decode(data)
    stripped = text.lstrip()
    if not stripped:
        raise ImportFormatError("the file has no rows")
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{filename}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        return ((i, json.dumps(item)) for i, item in enumerate(items, start=1))
    if not stripped.startswith("{"):
        raise ImportFormatError(f"{filename}: not JSON Lines (the first line is not a JSON object)")
    return ((i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip())

