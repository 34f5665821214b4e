"""Flat JSON objects (JSONL lines / JSON array elements) read like CSV rows; the InfluencerIn shape as it is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from data.importing.headers import default_platform, plan_columns
from data.importing.rows import ImportRow, RowBuilder, explain, finish_row
from data.schemas import InfluencerIn


def _flatten(obj: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in obj.items():
        name = f"{prefix} {key}".strip()
        if isinstance(value, dict):
            yield from _flatten(value, name)
        else:
            yield name, value


def _as_text(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [t for v in value for t in _as_text(v)]
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, float):
        return [repr(value)]
    return [str(value)]


def json_object_row(number: int, obj: Any, mapping: dict[str, str] | None) -> ImportRow:
    if not isinstance(obj, dict):
        return ImportRow(number, None, f"expected a JSON object, got {type(obj).__name__}")
    if isinstance(obj.get("platforms"), list):
        try:
            return ImportRow(number, InfluencerIn.model_validate(obj), None)
        except ValidationError as exc:
            return ImportRow(number, None, explain(exc, {}))
    pairs = list(_flatten(obj))
    columns = plan_columns([k for k, _ in pairs], mapping, strict_mapping=False)
    followers = next((c.label for c in columns if c.target and c.target.field == "followers"), "")
    builder = RowBuilder(default_platform(columns), None, followers)
    for col, (_, value) in zip(columns, pairs, strict=True):
        if col.target is not None:
            for text in _as_text(value):
                builder.add(col.target, col.label, text)
    return finish_row(number, builder)

