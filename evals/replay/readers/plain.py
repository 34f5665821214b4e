"""Plain-text transcripts: `Creator: …` / `Agent: …` lines.

    # id: sarah-spring
    # max_usd: 2400
    # target_usd: 1500
    # deliverables: 1 reel, 2 stories
    Agent: Hi Sarah, would you do 1 reel and 2 stories for our launch?
    Creator: My rate is $3,000.
      (an indented line continues the turn above)

`# key: value` lines before the first turn give the brief; a line of `---` starts the next transcript in the
same file. Creator may also be written Influencer, Seller or User; Agent as Brand, Buyer or Assistant.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from evals.replay.readers.common import Tracker, inferred_outcome, merged_setup
from evals.replay.transcript import (
    ReadError,
    ReadResult,
    RecordedTurn,
    Setup,
    Transcript,
    describe_validation_error,
)

SPEAKERS = {"creator": "creator", "influencer": "creator", "seller": "creator", "user": "creator",
            "agent": "agent", "brand": "agent", "buyer": "agent", "assistant": "agent"}
HEADER_KEYS = ("id", "max_usd", "target_usd", "deliverables", "usage_rights", "followers", "engagement_rate",
               "platform", "creator_name", "brand", "max_rounds", "creator_floor_usd")
_SPEAKER_RE = re.compile(r"^([A-Za-z][A-Za-z ]{0,20}):\s*(.*)$")
_HEADER_RE = re.compile(r"^#\s*([a-z_]+)\s*:\s*(.*)$")


class TextError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")


def read(text: str, origin: str, defaults: dict[str, Any] | None = None) -> ReadResult:
    """Every transcript of a text file; one with a wrong line is reported (with the line) and the rest read."""
    result = ReadResult()
    for number, (start, lines) in enumerate(_blocks(text), start=1):
        where = f"{origin} transcript {number} (line {start})"
        try:
            result.transcripts.append(_transcript(lines, where, f"{origin}#{number}", defaults))
        except (TextError, ValueError) as exc:
            result.errors.append(ReadError(origin=where, message=str(exc)))
        except ValidationError as exc:
            result.errors.append(ReadError(origin=where, message=describe_validation_error(exc)))
    return result


def _blocks(text: str) -> list[tuple[int, list[tuple[int, str]]]]:
    blocks: list[tuple[int, list[tuple[int, str]]]] = [(1, [])]
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == "---":
            blocks.append((number + 1, []))
        else:
            blocks[-1][1].append((number, line))
    return [(start, lines) for start, lines in blocks if any(line.strip() for _, line in lines)]


def _parse(lines: list[tuple[int, str]]) -> tuple[dict[str, Any], list[tuple[str, int, str]]]:
    header: dict[str, Any] = {}
    turns: list[tuple[str, int, str]] = []
    for number, raw in lines:
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            match = _HEADER_RE.match(line.strip())
            if turns or not match:
                continue  # a comment
            key, value = match.groups()
            if key not in HEADER_KEYS:
                raise TextError(number, f"unknown header {key!r} (known: {', '.join(HEADER_KEYS)})")
            header[key] = [d.strip() for d in value.split(",") if d.strip()] if key == "deliverables" else value
            continue
        if raw[:1].isspace() and turns:
            role, start, said = turns[-1]
            turns[-1] = (role, start, f"{said} {line.strip()}")
            continue
        match = _SPEAKER_RE.match(line)
        if not match:
            raise TextError(number, "expected 'Creator: …' or 'Agent: …'")
        speaker, said = match.group(1).strip().lower(), match.group(2).strip()
        if speaker not in SPEAKERS:
            raise TextError(number, f"unknown speaker {match.group(1)!r} (expected Creator or Agent)")
        if not said:
            raise TextError(number, f"{match.group(1)} says nothing")
        if turns and turns[-1][0] == SPEAKERS[speaker]:  # two lines by one speaker are one turn
            turns[-1] = (turns[-1][0], turns[-1][1], f"{turns[-1][2]} {said}")
        else:
            turns.append((SPEAKERS[speaker], number, said))
    return header, turns


def _transcript(lines: list[tuple[int, str]], where: str, default_id: str,
                defaults: dict[str, Any] | None) -> Transcript:
    header, said = _parse(lines)
    if not any(role == "creator" for role, _, _ in said):
        raise ValueError("no Creator: line to replay")
    transcript_id = header.pop("id", None) or default_id
    setup_fields = merged_setup(header, defaults)
    if setup_fields.get("max_usd") is None:
        raise ValueError("no budget: add a '# max_usd: …' line or pass --max-usd")
    setup = Setup.model_validate(setup_fields)
    tracker = Tracker(setup.deliverables)
    turns: list[RecordedTurn] = []
    for role, number, text in said:
        turns.append(tracker.creator_turn(text, seq=number) if role == "creator"
                     else tracker.agent_turn(text, seq=number))
    return Transcript(id=str(transcript_id), source="text", origin=where, setup=setup, turns=turns,
                      outcome=inferred_outcome(turns))
