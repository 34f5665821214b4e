"""The import entry points: a file's bytes → ImportRows, a row count for progress bars, a column preview."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, replace
from itertools import islice
from typing import Any

from data.importing.jsonrows import json_object_row
from data.importing.reading import CsvTable, json_records, open_csv
from data.importing.rows import ImportRow, RowBuilder, finish_row
from data.importing.targets import ImportFormatError, parse_target
from data.taxonomy import normalize_label


def _merge_index(parsed: CsvTable, merge_on: str | None) -> int | None:
    if not merge_on:
        return None
    wanted = normalize_label(merge_on)
    for col in parsed.columns:
        if col.header == merge_on.strip() or normalize_label(col.header) == wanted:
            return col.index
    raise ImportFormatError(f"merge_on names no column of the file: {merge_on!r}")


def _csv_rows(parsed: CsvTable, merge_on: str | None = None) -> Iterator[ImportRow]:
    used = [c for c in parsed.columns if c.target is not None]
    merge_index = _merge_index(parsed, merge_on)
    for number, record in enumerate(parsed.records, start=1):
        if not any(c.strip() for c in record):
            continue
        builder = RowBuilder(parsed.default_platform, parsed.fraction_columns, parsed.followers_column)
        for col in used:
            if col.index < len(record):
                assert col.target is not None
                builder.add(col.target, col.label, record[col.index])
        row = finish_row(number, builder)
        if merge_index is not None and merge_index < len(record) and record[merge_index].strip():
            row = replace(row, merge_key=record[merge_index].strip())
        yield row


def _jsonl_rows(records: Iterator[tuple[int, str]], mapping: dict[str, str] | None) -> Iterator[ImportRow]:
    for number, line in records:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ImportRow(number, None, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield json_object_row(number, obj, mapping)


_CSV_EXT = (".csv", ".tsv", ".txt")
_JSON_EXT = (".jsonl", ".ndjson", ".json")


def _kind(filename: str) -> str:
    name = filename.lower().strip()
    if name.endswith(_CSV_EXT):
        return "csv"
    if name.endswith(_JSON_EXT):
        return "jsonl"
    if name.endswith((".xlsx", ".xls", ".numbers", ".ods")):
        raise ImportFormatError(f"{filename}: spreadsheet files are not supported; export the sheet as CSV")
    raise ImportFormatError(f"{filename}: unsupported file type; use CSV (.csv, .tsv) or JSON Lines (.jsonl)")


def parse_import(
    data: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    *,
    merge_on: str | None = None,
    sniffing: bool = True,
) -> Iterator[ImportRow]:
    """One ImportRow per non-empty data row, in file order.

    `merge_on` names a column whose equal values mark rows of one creator (CSV only); `sniffing=False`
    plans columns by header alone (for the import benchmark). Raises ImportFormatError immediately (not on
    first iteration) when the file as a whole is unusable.
    """
    for target in (mapping or {}).values():
        parse_target(target)
    if _kind(filename) == "csv":
        parsed = open_csv(data, filename, mapping, sniffing=sniffing)
        _merge_index(parsed, merge_on)
        return _csv_rows(parsed, merge_on)
    return _jsonl_rows(json_records(data, filename), mapping)


def count_rows(data: bytes, filename: str, mapping: dict[str, str] | None = None) -> int:
    """How many ImportRows `parse_import` will yield (non-empty data rows), for progress bars."""
    if _kind(filename) == "csv":
        try:
            parsed = open_csv(data, filename, mapping)
        except ImportFormatError:
            parsed = open_csv(data, filename, None, need_columns=False)
        return sum(1 for r in parsed.records if any(c.strip() for c in r))
    return sum(1 for _ in json_records(data, filename))


def column_plan(data: bytes, filename: str, mapping: dict[str, str] | None = None) -> list[tuple[str, str | None]]:
    """(column header, target or None when ignored) for each CSV column — for an import preview."""
    if _kind(filename) != "csv":
        return []
    return [(c.header, str(c.target) if c.target else None) for c in open_csv(data, filename, mapping).columns]


def preview(
    data: bytes, filename: str, mapping: dict[str, str] | None = None, rows: int = 10, merge_on: str | None = None
) -> dict[str, Any]:
    """The chosen column mapping (confidence, alternatives, how it was chosen) and the first rows as stored."""
    columns: list[dict[str, Any]] = []
    if _kind(filename) == "csv":
        columns = [asdict(g) for g in open_csv(data, filename, mapping).guesses]
    sample = []
    for item in islice(parse_import(data, filename, mapping, merge_on=merge_on), max(0, rows)):
        sample.append({
            "row": item.row,
            "profile": item.profile.model_dump(mode="json", exclude_defaults=True) if item.profile else None,
            "error": item.error,
            "warnings": list(item.warnings),
        })
    return {"columns": columns, "rows": sample, "total_rows": count_rows(data, filename, mapping)}
