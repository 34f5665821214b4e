"""Prompt-injection cues in creator text. Creator text is data: a hit only raises a flag for the policy."""

from __future__ import annotations

import re

_INJECTION_RES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+|these\s+|those\s+)*"
        r"(?:previous\s+|prior\s+|above\s+|earlier\s+|original\s+|system\s+)*"
        r"(?:instructions?|prompts?|rules?|guidelines?|budget|limits?|constraints?|programming|directives?|"
        r"max(?:imum)?|ceiling|policy|policies|settings?)\b",
        r"(?:^|\n|\[|<|\{)\s*(?:system|assistant|developer|admin|root)\s*(?:\]|>|\}|:)",
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


def injection_suspected(text: str) -> bool:
    """True when the message tries to instruct the agent instead of negotiating."""
    return any(p.search(text) for p in _INJECTION_RES)
