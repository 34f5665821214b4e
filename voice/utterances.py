"""What a creator's words on a call are before they are a negotiation turn.

Speech recognition hands over fragments a person would not count as saying anything ("uh", "hello?",
"can you hear me", "sorry, what?"): they get a brief spoken answer and never move the policy. A creator who
asks not to be called again ("stop calling me", "take me off your list") opts out of calls for the
organization, whatever else the sentence says.

"yes", "okay" and "mm-hmm" are not fragments: after an offer they are an answer, and the policy reads them.
"""

from __future__ import annotations

import hashlib
import re

_FILLERS = (
    r"u+h+|u+m+|h+m+|e+r+m*|a+h+|o+h+|mm+|hi|hey|hello|hallo|"
    r"hello there|hi there|sorry|pardon|what|huh|wait|one sec(?:ond)?|just a sec(?:ond)?|hold on|"
    r"speaking|this is (?:she|he|me)|who is this|who's this|who is calling|who's calling|"
    r"can you hear me|are you there|is anyone there|anybody there|you there|can you repeat that|"
    r"say that again|come again|sorry what|i can't hear you|i cannot hear you|you're breaking up|"
    r"hello can you hear me|sorry i didn't catch that|i didn't catch that"
)
_FRAGMENT_RE = re.compile(rf"^(?:(?:{_FILLERS})[\s,.!?…-]*)+$", re.IGNORECASE)
_CHECK_RE = re.compile(r"hear me|are you there|anyone there|anybody there|you there|hello|breaking up|can't hear|"
                       r"cannot hear", re.IGNORECASE)
_REPEAT_RE = re.compile(r"repeat|again|pardon|what|catch that|sorry", re.IGNORECASE)
_WHO_RE = re.compile(r"who", re.IGNORECASE)
_OPT_OUT_RE = re.compile(
    r"\b(?:(?:stop|quit) (?:calling|phoning|ringing)|"
    r"(?:do not|don't|dont|never) (?:call|phone|ring) (?:me|this number|here|again)|"
    r"take (?:me|my number) off|remove (?:me|my number)|put me on (?:your|the) do[- ]not[- ]call|"
    r"no more (?:calls|phone calls)|lose my number)\b",
    re.IGNORECASE,
)

_CHECK_REPLIES = ("Yes, I can hear you.", "Yes, I'm here.", "Hi, yes, I'm here.")
_REPEAT_REPLIES = ("Sorry, let me say that again.", "Of course.", "No problem.")
_WHO_REPLIES = ("It's {brand} calling about a paid collaboration.",)
_GENERIC_REPLIES = ("Go ahead, I'm listening.", "Take your time.", "Sure, go ahead.")


def is_fragment(text: str) -> bool:
    """True for an utterance that carries no negotiation content: fillers, line checks, "sorry, what?"."""
    stripped = text.strip()
    return not stripped or bool(_FRAGMENT_RE.match(stripped))


def wants_no_calls(text: str) -> bool:
    """True when the creator asks not to be called (again)."""
    return bool(_OPT_OUT_RE.search(text))


def fragment_reply(text: str, *, brand: str = "our brand", last_agent_text: str | None = None) -> str:
    """A brief spoken answer to a fragment; the same fragment always gets the same answer (repeated requests)."""
    digest = int.from_bytes(hashlib.sha256(text.strip().lower().encode()).digest()[:2], "big")
    if _WHO_RE.search(text):
        return _WHO_REPLIES[digest % len(_WHO_REPLIES)].format(brand=brand)
    if _REPEAT_RE.search(text) and last_agent_text:
        return f"{_REPEAT_REPLIES[digest % len(_REPEAT_REPLIES)]} {last_agent_text}"
    if _CHECK_RE.search(text):
        return _CHECK_REPLIES[digest % len(_CHECK_REPLIES)]
    return _GENERIC_REPLIES[digest % len(_GENERIC_REPLIES)]
