"""Shared helpers of the import parser tests."""

from __future__ import annotations

from pathlib import Path

from data.importer import ImportRow, count_rows, parse_import

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"


def load(name: str, mapping: dict[str, str] | None = None) -> dict[int, ImportRow]:
    data = (FIXTURES / name).read_bytes()
    rows = list(parse_import(data, name, mapping))
    numbers = [r.row for r in rows]
    assert numbers == sorted(set(numbers)), "each row number exactly once, in order"
    assert len(rows) == count_rows(data, name)
    return {r.row: r for r in rows}


def csv_rows(text: str, name: str = "x.csv", mapping: dict[str, str] | None = None) -> list[ImportRow]:
    return list(parse_import(text.encode("utf-8"), name, mapping))
