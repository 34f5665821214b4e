"""Deal terms in a creator message: deliverable bundles, usage rights and exclusivity."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from text_to_num import text2num

_KINDS = {
    "post": "post", "posts": "post", "feed post": "post", "feed posts": "post", "carousel": "post",
    "carousels": "post", "tweet": "post", "tweets": "post", "pin": "post", "pins": "post",
    "story": "story", "stories": "story", "story frame": "story", "story frames": "story", "frame": "story",
    "frames": "story", "reel": "reel", "reels": "reel", "video": "video", "videos": "video", "tiktok": "video",
    "tiktoks": "video", "short": "video", "shorts": "video", "youtube video": "video", "yt video": "video",
    "integration": "video", "integrations": "video", "livestream": "video", "live stream": "video",
}
_PLURAL = {"post": "posts", "story": "stories", "reel": "reels", "video": "videos"}
_ORDER = ("reel", "video", "post", "story")
_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|a couple|a pair of|"
                 "a single|a|an|another|single|an extra|one more|two more|three more")
_KIND_RE = "|".join(sorted((re.escape(k) for k in _KINDS), key=len, reverse=True))
_QUALIFIER = (r"(?:(?:more|extra|additional|dedicated|sponsored|static|single|short|long|ig|instagram|insta|"
              r"tiktok|youtube|yt|facebook|fb|twitter|x|pinterest|snapchat|feed|in-feed|video|\d+-?(?:second|sec|s|"
              r"minute|min)|long-form|short-form)\s+){0,3}")
_ITEM_RE = re.compile(rf"(?<![$€£₹\w.,])(\d{{1,2}}|{_NUMBER_WORDS})\s*(?:x\s*)?{_QUALIFIER}({_KIND_RE})\b",
                      re.IGNORECASE)
_ADD_RE = re.compile(r"\b(?:add(?:ing|ed)?|plus|throw(?:ing)? in|include|including|extra|additional|another|"
                     r"one more|bonus|on top)\b[^.,;:]{0,20}$", re.IGNORECASE)
_REMOVE_RE = re.compile(r"\b(?:drop(?:ping)?|remov(?:e|ing)|without|skip(?:ping)?|cut(?:ting)?|no|minus|"
                        r"instead of|rather than|lose)\b[^.,;:]{0,12}$", re.IGNORECASE)
_SWAP_RE = re.compile(rf"\b(?:swap(?:ping)?|switch(?:ing)?|replac(?:e|ing)|trad(?:e|ing)|exchang(?:e|ing))\s+"
                      rf"(?:the|a|an|one|that)?\s*{_QUALIFIER}({_KIND_RE})\s+(?:for|with|to|into)\s+"
                      rf"(?:a|an|one|the)?\s*{_QUALIFIER}({_KIND_RE})\b", re.IGNORECASE)
_PRICE_BEFORE_RE = re.compile(r"(?:per|/|each|every)\s*$|[\d$€£₹kK]\s+(?:a|an)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class DeliverableChange:
    """Deliverables a message names: a whole bundle, additions, removals (counts per kind)."""

    bundle: Counter[str]
    added: Counter[str]
    removed: Counter[str]

    @property
    def mentioned(self) -> bool:
        return bool(self.bundle or self.added or self.removed)


def _count(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in {"a", "an", "another", "single", "a single", "an extra", "one more"}:
        return 1
    if word in {"a couple", "a couple of", "a pair of", "two more"}:
        return 2
    if word == "three more":
        return 3
    try:
        return int(text2num(word, "en"))
    except ValueError:
        return 1


def format_deliverables(counts: Counter[str]) -> list[str]:
    """Counter({"reel": 1, "story": 3}) → ["1 reel", "3 stories"] in a stable order."""
    kinds = sorted(counts, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER))
    return [f"{counts[k]} {k if counts[k] == 1 else _PLURAL.get(k, k + 's')}" for k in kinds if counts[k] > 0]


def parse_deliverable_list(items: list[str] | None) -> Counter[str]:
    """["1 reel", "3 stories"] → Counter; unknown items are ignored."""
    counts: Counter[str] = Counter()
    for item in items or []:
        for m in _ITEM_RE.finditer(item):
            counts[_KINDS[m.group(2).lower()]] += _count(m.group(1))
    return counts


def find_deliverables(text: str) -> DeliverableChange:
    bundle: Counter[str] = Counter()
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    for m in _SWAP_RE.finditer(text):  # "swap the reel for a TikTok": one fewer of the first, one more of the second
        removed[_KINDS[m.group(1).lower()]] += 1
        added[_KINDS[m.group(2).lower()]] += 1
    text = _SWAP_RE.sub(" ", text)
    for m in _ITEM_RE.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        if _PRICE_BEFORE_RE.search(before):
            continue  # "$500 a post" is a unit price, not a deliverable
        kind = _KINDS[m.group(2).lower()]
        count = _count(m.group(1))
        if _REMOVE_RE.search(before):
            removed[kind] += count
        elif _ADD_RE.search(before) or m.group(1).lower() in {"another", "an extra", "one more", "two more",
                                                               "three more"}:
            added[kind] += count
        else:
            bundle[kind] += count
    return DeliverableChange(bundle, added, removed)


def resolve_deliverables(change: DeliverableChange, current: list[str] | None) -> list[str] | None:
    """The bundle the message asks for, given the current one; None when the message names no deliverables."""
    if not change.mentioned:
        return None
    if change.bundle:
        # A named bundle is the package itself ("drop one story: 1 reel and 2 stories"); additions and removals
        # only count for kinds it does not name ("1 reel, without the stories").
        base = Counter(change.bundle)
        base.update({k: n for k, n in change.added.items() if k not in change.bundle})
        base.subtract({k: n for k, n in change.removed.items() if k not in change.bundle})
    else:
        base = parse_deliverable_list(current)
        base.update(change.added)
        base.subtract(change.removed)
    return format_deliverables(+base) or None


# --- usage rights and exclusivity -------------------------------------------------------------------------------

_DURATION = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty-four|thirty|" \
            r"sixty|ninety)[\s-]*(day|week|month|year|yr|mo)s?"
_USAGE_KIND = (r"(paid (?:usage|media|ads?|social|amplification)|whitelisting|whitelist(?:ed)?|spark ads?|boosting|"
               r"organic(?: usage| use)?|usage rights?|usage|licens(?:e|ing)|rights|repost(?:ing)? rights)")
_USAGE_DURATION_RE = re.compile(rf"\b{_DURATION}(?:\s+of)?\s+{_USAGE_KIND}", re.IGNORECASE)
_USAGE_FOR_RE = re.compile(rf"\b{_USAGE_KIND}\s+(?:for|of|up to|limited to|to|down to|at)\s+{_DURATION}\b",
                           re.IGNORECASE)
# "usage rights, can we make it 3 months?": a usage word, then a duration in the same sentence
_USAGE_LOOSE_RE = re.compile(rf"\b{_USAGE_KIND}\b[^.!?]{{0,40}}?\b{_DURATION}\b", re.IGNORECASE)
_PERPETUAL_RE = re.compile(r"\b(?:perpetual|in perpetuity|forever|unlimited (?:usage|use|rights)|full buy-?out|"
                           r"lifetime (?:usage|rights))\b", re.IGNORECASE)
_ORGANIC_ONLY_RE = re.compile(r"\borganic(?: usage| use| posting)? only\b|\bonly organic\b"
                              r"|\bno paid (?:usage|ads|media)|\bno whitelisting\b|\bno ads\b", re.IGNORECASE)
_PAID_RE = re.compile(r"\b(?:paid (?:usage|media|ads?|social|amplification)|whitelist(?:ing|ed)?|spark ads?|"
                      r"boost(?:ing)? (?:the )?(?:post|content)|ad usage|run (?:it|them) as ads)\b", re.IGNORECASE)

_EXCL_DURATION_RE = re.compile(
    rf"\b{_DURATION}(?:\s+of)?\s+(?:category\s+|brand\s+|competitor\s+)?exclusiv(?:ity|e)\b", re.IGNORECASE)
_EXCL_FOR_RE = re.compile(
    rf"\b(?:exclusiv(?:ity|e)|no (?:other )?competitors?|no competing (?:brands?|products?)|not work(?:ing)? with "
    rf"(?:any )?competitors?)\b[^.;]{{0,30}}?\b(?:for|of|during)\s+(?:the\s+next\s+)?{_DURATION}\b", re.IGNORECASE)
_NO_EXCL_RE = re.compile(r"\bnon-?exclusive\b|\bno exclusivity\b|\bwithout exclusivity\b", re.IGNORECASE)
_EXCL_RE = re.compile(r"\bexclusiv(?:ity|e)\b|\bno competitors?\b", re.IGNORECASE)


def _duration(number: str, unit: str) -> str:
    count = _count(number.replace("-", " "))
    unit = {"yr": "year", "mo": "month"}.get(unit.lower(), unit.lower())
    return f"{count} {unit}{'' if count == 1 else 's'}"


def find_usage_rights(text: str) -> str | None:
    """"6 months usage", "organic only", "paid usage", "perpetual", or combinations like "6 months paid usage"."""
    if _PERPETUAL_RE.search(text):
        return "perpetual paid usage" if _PAID_RE.search(text) else "perpetual"
    if _ORGANIC_ONLY_RE.search(text):
        return "organic only"
    m = _USAGE_DURATION_RE.search(text)
    if m:
        duration, kind = _duration(m.group(1), m.group(2)), m.group(3).lower()
    elif (m := _USAGE_FOR_RE.search(text)) or (
            (m := _USAGE_LOOSE_RE.search(text)) and not _EXCL_RE.search(m.group(0))):
        duration, kind = _duration(m.group(2), m.group(3)), m.group(1).lower()
    else:
        return "paid usage" if _PAID_RE.search(text) else None
    paid = _PAID_RE.search(kind) or _PAID_RE.search(text)
    organic = kind.startswith("organic")
    return f"{duration} {'paid usage' if paid else 'organic usage' if organic else 'usage'}"


def find_exclusivity(text: str) -> str | None:
    """"30 days exclusivity", "none" for non-exclusive, "exclusivity" when no duration is given."""
    if _NO_EXCL_RE.search(text):
        return "none"
    if m := _EXCL_DURATION_RE.search(text):
        return f"{_duration(m.group(1), m.group(2))} exclusivity"
    if m := _EXCL_FOR_RE.search(text):
        return f"{_duration(m.group(1), m.group(2))} exclusivity"
    return "exclusivity" if _EXCL_RE.search(text) else None


# --- dates and product in lieu ------------------------------------------------------------------------------------

_WHEN = (r"(?:next|this|early|late|mid|the end of)\s*-?\s*(?:week|month|year|january|february|march|april|may|june|"
         r"july|august|september|october|november|december)|(?:\d{1,2}|one|two|three|four|six|a few|a couple of)\s+"
         r"(?:days?|weeks?|months?)|january|february|march|april|june|july|august|september|october|november|"
         r"december")
_TIMELINE_RES = (
    re.compile(rf"\b(?:push|move|shift|postpone|reschedule|delay)\w*\s+(?:the\s+|it\s+|them\s+|my\s+)?"
               rf"(?:post(?:ing|s)?\s+|content\s+|launch\s+|date\s+|deadline\s+|shoot\s+|campaign\s+)?"
               rf"(?:back\s+)?(?:to|until|till|by|into)\s+(?:{_WHEN})\b", re.IGNORECASE),
    re.compile(rf"\b(?:post|publish|go live|deliver|film|shoot)\w*\s+(?:it\s+|them\s+|the content\s+)?"
               rf"(?:in|by|after|around)\s+(?:{_WHEN})\b", re.IGNORECASE),
    re.compile(r"\b(?:extend|later)\w*\s+(?:the\s+)?(?:timeline|deadline|posting date|go-?live date|due date)\b"
               r"|\bmore time (?:to|for) (?:create|film|shoot|post|deliver|the content)\b", re.IGNORECASE),
)
_PRODUCT_IN_LIEU_RE = re.compile(
    r"\b(?:the |your |some )?(?:product|products|gifted items?|free (?:product|items?|stuff))\b[^.?!]{0,30}?"
    r"\b(?:instead of|in lieu of|in place of|as part of|towards?|on top|for part of|counts? for)\b"
    r"|\b(?:in lieu of|instead of)\s+(?:part of\s+)?(?:the |my )?(?:fee|cash|payment|money)\b[^.?!]{0,30}?\bproducts?\b"
    r"|\bin[- ]kind\b|\bgift(?:ed|ing)? (?:collab|collaboration|deal)\b"
    r"|\bif you (?:can |could )?(?:send|include|add|throw in)\b[^.?!]{0,20}?\bproducts?\b",
    re.IGNORECASE)


def find_timeline(text: str) -> str | None:
    """A change of dates the creator proposes ("push it to next month", "post in 3 weeks"), as written."""
    for pattern in _TIMELINE_RES:
        if m := pattern.search(text):
            return m.group(0)
    return None


def find_product_in_lieu(text: str) -> bool:
    """The creator asks for the brand's product instead of, or as part of, the fee."""
    return bool(_PRODUCT_IN_LIEU_RE.search(text))
