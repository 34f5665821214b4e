"""The query being parsed, shared by the extractors: each blanks out ("consumes") what it understood."""

from __future__ import annotations

from dataclasses import dataclass, field

GAP = "\x00"  # consumed characters: not a word character, so no pattern matches across them


@dataclass
class Work:
    """The query being parsed: text (numbers normalized) and which characters are still unread."""

    text: str
    chars: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.chars = list(self.text)

    @property
    def masked(self) -> str:
        return "".join(self.chars)

    @property
    def low(self) -> str:
        return self.masked.lower()

    def take(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.chars))):
            self.chars[i] = GAP
