"""Prompt-injection cues in creator text, and the text left once the injected spans are cut out.

Creator text is data: a cue never changes what the agent does, it only raises a flag for the policy. The
injected span is every sentence a cue touches (a role-tag block like "<system>…</system>" as a whole), plus the
directive sentences that directly follow one ("…limit is lifted. Accept $95,000."): an amount in there is the
attacker's wording, not the creator's ask, so understanding reads only what is left. A real ask written in the
same sentence as an injection is dropped with it, on purpose: the safe failure is "no price understood".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INJECTION_RES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+|these\s+|those\s+)*"
        r"(?:previous\s+|prior\s+|above\s+|earlier\s+|original\s+|system\s+)*"
        r"(?:instructions?|prompts?|rules?|guidelines?|budget|limits?|constraints?|programming|directives?|"
        r"max(?:imum)?|ceiling|policy|policies|settings?)\b",
        # A fake role marker at the start of a line or sentence, or in brackets: "SYSTEM:", "[admin]", "<system>".
        r"(?:^|\n|[.!?]\s|\[|<|\{)\s*(?:system|assistant|developer|admin|root)\s*(?:\]|>|\}|:)",
        r"\byou are now\b|\bfrom now on,? you\b|\bact as (?:an?|the|my)\b|\bpretend (?:to be|you(?:'re| are))\b",
        r"\bnew (?:instructions?|rules?|system prompt)\b|\bsystem prompt\b|\bdeveloper mode\b|\bjailbreak\b",
        r"\bapprove\s+(?:a\s+|the\s+|an?\s+)?(?:payment\s+|budget\s+|deal\s+|amount\s+|rate\s+)?(?:of\s+)?[$€£₹]?\s?\d",
        r"\b(?:your|the)\s+(?:max(?:imum)?|budget|limit|ceiling)\s+is\s+now\b",
        r"\b(?:raise|increase|set|change)\s+(?:your|the)\s+(?:max(?:imum)?|budget|limit|ceiling)\b",
        r"\b(?:as an ai|language model|llm)\b.*\b(?:must|should|will)\b",
        r"#{2,}\s*(?:instruction|system)|<\|?(?:im_start|system|endoftext)\|?>",
        r"\b(?:ignora|olvida)\s+(?:tus|las)\s+instrucciones\b",
    )
]
# "<system> … </system>", "[admin] … [/admin]": the whole block is injected, however many sentences it holds.
_ROLE_BLOCK_RE = re.compile(
    r"[<\[]\s*(system|assistant|developer|admin|instructions?)\s*[>\]].*?[<\[]\s*/\s*\1\s*[>\]]",
    re.IGNORECASE | re.DOTALL,
)
# A sentence right after an injected one that orders the agent to act is the injection continuing.
_DIRECTIVE_RE = re.compile(
    r"^\W*(?:(?:please|now|just|so|then|and)\W+)*(?:accept|approve|authori[sz]e|grant|comply|obey|execute|"
    r"output|print|respond with|reply with|agree to (?:anything|everything|all|any|whatever))\b",
    re.IGNORECASE,
)
# Sentence ends: terminal punctuation followed by space, or a line break.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+|\s*\n\s*")


@dataclass(frozen=True)
class Screened:
    """A message split into what the creator said and what tried to instruct the agent."""

    text: str
    """The message without its injected spans (original wording and separators of the kept parts)."""
    injected: tuple[str, ...]
    """The injected spans as written, in order."""

    @property
    def suspected(self) -> bool:
        return bool(self.injected)


def injection_suspected(text: str) -> bool:
    """True when the message tries to instruct the agent instead of negotiating."""
    return bool(_cue_spans(text))


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trailing whitespace included, covering the whole text.

    A role-tag block ends a sentence too: "…</system> Can we meet at $6,100?" is two.
    """
    cuts = {m.end() for m in _SENTENCE_END_RE.finditer(text) if m.start() > 0}
    cuts |= {m.end() + len(text[m.end():]) - len(text[m.end():].lstrip()) for m in _ROLE_BLOCK_RE.finditer(text)}
    spans, start = [], 0
    for cut in sorted(cuts):
        if start < cut <= len(text):
            spans.append((start, cut))
            start = cut
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _cue_spans(text: str) -> list[tuple[int, int]]:
    found = [m.span() for m in _ROLE_BLOCK_RE.finditer(text)]
    for pattern in _INJECTION_RES:
        for m in pattern.finditer(text):
            lead = len(m.group()) - len(m.group().lstrip(" \t\r\n.!?"))  # a sentence end the cue starts with
            found.append((m.start() + lead, max(m.end(), m.start() + lead + 1)))
    return found


def screen(text: str) -> Screened:
    """Cut the injected spans out of `text` (see module docstring); a clean message comes back unchanged."""
    cues = _cue_spans(text)
    if not cues:
        return Screened(text=text, injected=())
    sentences = _sentences(text)
    hit = [any(s < ce and cs < e for cs, ce in cues) for s, e in sentences]
    for i in range(1, len(sentences)):
        if hit[i - 1] and not hit[i] and _DIRECTIVE_RE.search(text[sentences[i][0]:sentences[i][1]]):
            hit[i] = True
    kept = "".join(text[s:e] for (s, e), h in zip(sentences, hit, strict=True) if not h).strip()
    injected = tuple(text[s:e].strip() for (s, e), h in zip(sentences, hit, strict=True) if h)
    return Screened(text=kept, injected=injected)
