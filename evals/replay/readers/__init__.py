"""Readers: a file of any supported kind → transcripts, plus what could not be read and why.

The kind is recognized from the content (and `.txt` for plain text): CraigslistBargain JSON, an ElevenLabs
conversation or post-call webhook body, our transcript export, our negotiation export (JSONL).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.replay.readers import craigslist, elevenlabs, ours, plain
from evals.replay.readers.elevenlabs import SetupLookup
from evals.replay.transcript import ReadError, ReadResult

__all__ = ["SetupLookup", "read_data", "read_path"]


def read_path(path: Path | str, defaults: dict[str, Any] | None = None,
              lookup: SetupLookup | None = None) -> ReadResult:
    """Every transcript in the file at `path` (never raises for bad content: it is reported)."""
    path = Path(path)
    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ReadResult(errors=[ReadError(origin=origin, message=f"cannot read: {exc}")])
    if path.suffix.lower() in (".txt", ".text", ".md"):
        return plain.read(text, origin, defaults)
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return plain.read(text, origin, defaults)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if stripped.startswith("{"):
            return _read_jsonl(text, origin, defaults, lookup)
        return ReadResult(errors=[ReadError(origin=origin, message=f"not JSON: line {exc.lineno}: {exc.msg}")])
    return read_data(data, origin, defaults, lookup)


def read_data(data: Any, origin: str, defaults: dict[str, Any] | None = None,
              lookup: SetupLookup | None = None) -> ReadResult:
    """Parsed JSON of any supported kind (also what POST /api/v1/replays takes as `transcript`)."""
    if craigslist.looks_like(data):
        return craigslist.read(data, origin)
    if elevenlabs.looks_like(data):
        return elevenlabs.read(data, origin, defaults, lookup)
    if isinstance(data, dict) and isinstance(data.get("transcripts"), list):
        data = data["transcripts"]
    if isinstance(data, dict):
        return ours.read_items([(origin, data)], defaults)
    if isinstance(data, list):
        result = ReadResult()
        for index, item in enumerate(data):
            where = f"{origin} item {index}"
            if elevenlabs.looks_like(item):
                result.extend(elevenlabs.read(item, where, defaults, lookup))
            else:
                result.extend(ours.read_items([(where, item)], defaults))
        return result
    return ReadResult(errors=[ReadError(origin=origin, message="unrecognized transcript format")])


def _read_jsonl(text: str, origin: str, defaults: dict[str, Any] | None, lookup: SetupLookup | None) -> ReadResult:
    result = ReadResult()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin} line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            result.errors.append(ReadError(origin=where, message=f"not JSON: column {exc.colno}: {exc.msg}"))
            continue
        result.extend(read_data(item, where, defaults, lookup))
    return result
