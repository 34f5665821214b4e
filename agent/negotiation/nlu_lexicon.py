"""Weighted cue lexicons for the dialogue act of a creator message (English, some Spanish).

Each intent has regexes with weights; `score_cues` sums the weights of the cues present in normalized
(lower-cased, straight-quoted) text. The weights are hand-set: 3 = decisive phrase, 2 = clear, 1 = hint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

Cue = tuple[re.Pattern[str], float]


def _cues(*pairs: tuple[str, float]) -> list[Cue]:
    return [(re.compile(pattern), weight) for pattern, weight in pairs]


# Decisive acts checked first: an auto-reply or an opt-out is that, whatever else the text says.
STOP = _cues(
    (r"\bunsubscribe\b", 3),
    (r"\b(?:stop|quit|cease) (?:e-?mailing|emailing|contacting|messaging|texting|sending|writing)\b", 3),
    (r"\bremove me\b|\btake me off\b|\bopt(?:ing)? (?:me )?out\b", 3),
    (r"\b(?:do not|don't|dont|never) (?:contact|email|e-mail|message|text|write to) me\b", 3),
    (r"\bleave me alone\b|\bno more (?:e-?mails|messages)\b", 3),
    (r"\bdar(?:me)? de baja\b|\bno me (?:escribas|contactes|escriban)\b", 3),
)
OUT_OF_OFFICE = _cues(
    (r"\bout of (?:the )?office\b|\booo\b", 3),
    (r"\bauto-?(?:matic )?reply\b|\bautoresponder\b|\bauto-?response\b", 3),
    (r"\b(?:on|off on) (?:vacation|holiday|leave|parental leave|maternity leave|sabbatical) (?:until|till|through)\b",
     3),
    (r"\b(?:currently|presently) (?:away|travell?ing|out)\b.*\b(?:until|till|return)\b", 3),
    (r"\blimited (?:access to )?(?:e-?mail|internet)\b", 2),
    (r"\bwill (?:respond|reply|get back to you) (?:when|once|upon) (?:i|my) (?:return|get back|am back)\b", 3),
    (r"\bfuera de (?:la )?oficina\b|\bde vacaciones hasta\b", 3),
)

INTENT_CUES: Mapping[str, list[Cue]] = {
    "accept": _cues(
        (r"(?<!no )(?<!not a )(?<!good )(?<!great )(?<!better )\bdeal\b(?! (?:with|breaker|on))", 2.5),
        (r"\b(?:you've|you have|you got|we have|we've got|it's a|its a) (?:a )?deal\b", 3),
        (r"\bsounds? (?:good|great|fair|perfect|fine|reasonable|amazing)\b", 2.5),
        (r"\bworks for (?:me|us)\b|\bthat works\b|\bthis works\b|\b(?:would|will) work\b(?! for (?:me|us) if| out)", 2),
        (r"\blet'?s (?:do it|do this|go|go ahead|move forward|proceed|lock it in)\b", 3),
        (r"\b(?:i|we) (?:accept|agree)\b|\bagreed\b|\baccepted\b", 3),
        (r"\b(?:happy|glad|excited|thrilled) to (?:move forward|proceed|accept|go ahead|confirm|do it|work)\b", 2.5),
        (r"\bcount (?:me|us) in\b|\bi'?m in\b|\bwe'?re in\b", 2.5),
        (r"\bsend (?:me |over |us )*(?:the )?(?:contract|agreement|paperwork|brief)\b", 2),
        (r"\b(?:that |this |it )?looks (?:good|great|fine)\b|(?:^|that's |that is |sounds |this is )perfect\b", 1.5),
        (r"\b(?:that's|that is|is) fine\b|\bfine by me\b|\bfair enough\b", 1.5),
        (r"\bi'?ll take it\b|\d\s+it is\b|\bconfirmed\b|\bi confirm\b", 1.5),
        (r"\b(?:i|we) can (?:do|make) (?:that|it|this)(?! (?:for|if|at|only|but))\b", 2.5),
        (r"^(?:ok(?:ay)?|sure|yes|yep|yeah|great|cool|awesome|done)\b[\s!.,]*(?:thanks?(?: you)?[\s!.,]*)?$", 2),
        (r"\btrato hecho\b|\bde acuerdo\b|\bme parece bien\b|\bacepto\b", 3),
    ),
    "condition": _cues(
        (r"\b(?:only )?if you (?:can |could |would |will )?(?:add|include|cover|pay|throw|send|give|do|extend|"
         r"drop|remove|increase|bump|make|allow|agree|handle|provide|let)\b", 2),
        (r"\bonly if\b|\bas long as\b|\bprovided (?:that )?\b|\bon (?:the )?condition\b|\bassuming\b", 2),
        (r"\bbut (?:i|we)(?:'d| would)? (?:need|require|want)\b|\bsubject to\b", 1.5),
    ),
    "reject": _cues(
        (r"\bno,? thanks?\b|\bno thank you\b|\bnot interested\b|\bnot for me\b", 3),
        (r"\b(?:i'?ll|i will|i'?m going to|gonna|have to|i must|we'?ll|going to) (?:have to )?pass\b", 3),
        (r"\btoo (?:low|little|cheap)\b|\blow-?ball\b|\bway below\b|\bnot enough\b|\binsulting\b", 2),
        (r"\b(?:can(?:no|')?t|cannot|won'?t|couldn'?t) (?:do|accept|take|go|agree|work with|make) "
         r"(?:that|this|it|those|less|lower|under|below)\b", 2),
        (r"\b(?:doesn'?t|does not|won'?t|will not|wouldn'?t) work for (?:me|us)\b", 2.5),
        (r"\b(?:i|we) (?:decline|refuse|reject)\b|\bno deal\b|\bnot a (?:good )?fit\b|\bnot worth (?:it|my)\b", 3),
        (r"\b(?:have to|must|going to|gonna) (?:say no|decline|turn (?:this|it) down)\b|\bturn(?:ing)? down\b", 3),
        (r"\bunfortunately\b|\bi'?m afraid\b|\bsorry\b", 0.8),
        (r"^no\b|\bnope\b|\bno way\b", 1.5),
        (r"\bno gracias\b|\bno me interesa\b", 3),
        # walking away without a price: "let's leave it", "we're too far apart", "I don't think this will work"
        (r"\b(?:don'?t|do not) think\b[^.!?]{0,40}?\b(?:work|agree|get there|be a (?:good )?fit)\b", 3),
        (r"\blet'?s (?:just )?(?:leave it|drop it|call it)\b|\b(?:should|will|'ll) (?:just )?leave it\b|"
         r"\btoo far apart\b|\bwalk(?:ing)? away\b", 3),
        (r"\b(?:decided|chosen|choose) not to\b|\bnot (?:going to |gonna )?take (?:this|it) on\b", 3),
    ),
    "counter": _cues(
        (r"\bhow about\b|\bwhat about\b|\bwould you (?:do|take|consider|accept|go|be willing|be open)\b", 2),
        (r"\b(?:could|can|will) you (?:do|take|go|meet|come|make it|stretch|bump|increase|raise|match)\b", 2),
        (r"\bmy (?:rate|fee|price|standard rate|usual rate|rate card|minimum|budget|quote|asking)\b", 2),
        (r"\b(?:i|we) (?:usually |normally |typically )?(?:charge|quote|ask for|need|require|want|'d want|'d need)\b",
         1.5),
        (r"\b(?:i|we) (?:can|could|would|will|'d|'ll) (?:do|go|take|accept|offer|pay|give|let it go|sell|settle)\b",
         1.5),
        (r"\bmeet (?:me |you )?(?:in the middle|halfway)\b|\bsplit the difference\b|\bcounter(?:-?offer)?\b", 2),
        (r"\b(?:best|lowest|highest|final) (?:i can do|i can go|offer|price)\b|\bfirm\b|\bnon-?negotiable\b", 2),
        (r"\bcan'?t go (?:any )?(?:lower|below|under|less)\b|\bat least\b|\bminimum\b|\bhoping for\b", 1.5),
        (r"\b(?:go|come) (?:up|down|higher|lower)\b|\bbump\b|\bincrease\b|\braise\b|\bhigher\b|\blower\b", 1),
        (r"\band (?:you|we)(?:'ve)? (?:have|got) (?:yourself |a )?(?:a )?deal\b|\band it'?s (?:yours|a deal)\b", 3),
        (r"\bwilling to (?:go|come) (?:any )?(?:lower|down|higher|up)\b|\bcome down\b|\bwiggle room\b|"
         r"\bnegotiable\b|\b(?:lowest|highest|best) (?:you|price|rate)\b|\blower (?:the|your) (?:price|rate)\b", 2),
        (r"\bmi tarifa\b|\bcobro\b|\bqu[eé] tal\b", 2),
    ),
    "inquire": _cues(
        (r"(?:^|[.!?]\s+|\b(?:and|but|so|also|ok|okay|hi|hey|thanks)[,!]?\s+)(?:what|how|when|which|who|where|why|"
         r"can you|could you|do you|does|did|is there|are there|is it|are you|will there|would there|would it|"
         r"is the|are the|what's|how's|do i|should i|can i|could i|may i)\b[^.!?]*\?", 2),
        (r"\b(?:can|could) you (?:tell|share|send|clarify|explain|confirm|let me know)\b", 2),
        (r"\b(?:i'?d like to know|i was wondering|wondering if|curious (?:about|if|what)|more (?:details|info)|"
         r"any (?:details|info)|let me know (?:what|how|when|which|if))\b", 1.5),
        (r"\?\s*$", 1),
        (r"¿", 1.5),
    ),
    "delay": _cues(
        (r"\bget back to you\b|\bcircle back\b|\bfollow up (?:later|next week|soon)\b|\bwill let you know\b", 2.5),
        (r"\blet me (?:think|check|see|look|consider|discuss|review|run it by|talk)\b"
         r"|\bthink (?:about it|it over)\b", 2),
        (r"\b(?:need|want) (?:some |a (?:bit|little) (?:of |more )?|more )?time\b|\bsleep on it\b", 2),
        (r"\bcheck with (?:my )?(?:manager|agent|team|management|partner|agency)\b", 2),
        (r"\b(?:next|later this) (?:week|month)\b|\bin a few days\b|\b(?:talk|chat|speak) (?:later|soon|tomorrow)\b",
         1.5),
        (r"\b(?:busy|swamped) (?:right now|this week|at the moment)\b|\bafter the (?:holidays|weekend)\b", 1.5),
        (r"\bte (?:aviso|confirmo)\b|\blo pienso\b|\bla pr[oó]xima semana\b", 2),
    ),
    "greet": _cues(
        (r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening|day)|greetings|hola|buenas)\b", 1),
        (r"\bthanks? (?:so much )?for (?:reaching out|getting in touch|contacting|the (?:message|email|offer))\b", 1),
        (r"\bnice to (?:meet|hear from) you\b|\bhow are you\b|\binterested in\b", 1),
    ),
}


def score_cues(text: str, cues: list[Cue]) -> float:
    return sum(weight for pattern, weight in cues if pattern.search(text))


def any_cue(text: str, cues: list[Cue]) -> bool:
    return any(pattern.search(text) for pattern, _ in cues)
