"""Dialogue state → fixed-length feature vector for the deal-probability model.

Domain-neutral: a turn is a role (agent = buyer/brand, creator = seller), a coarse act, an optional
price and a sentiment. Prices are only used relative to a reference price (the ask), so the same
features describe a $200 Craigslist bike and a $5,000 sponsorship.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np

Role = Literal["agent", "creator"]

# Coarse act categories the features count. Creator acts are agent.negotiation.types.Intent values,
# agent acts are Action values; both collapse onto these.
ACT_CATEGORIES: tuple[str, ...] = ("accept", "reject", "counter", "inquire", "stop", "other")
_ACT_CATEGORY: dict[str, str] = {
    "accept": "accept",
    "accept_with_condition": "accept",
    "reject": "reject",
    "counter": "counter",
    "inquire": "inquire",
    "ask": "inquire",
    "stop": "stop",
    "close": "stop",
}
_ROLES: tuple[Role, ...] = ("agent", "creator")
_CLIP = 3.0  # relative prices beyond ±3× the ask are parse noise, not signal


@dataclass(frozen=True)
class Turn:
    """One message or action of a negotiation, as the model sees it."""

    role: Role
    act: str
    price: Decimal | None = None
    sentiment: float = 0.0


def act_category(act: str) -> str:
    """Collapse an Intent/Action value (or anything else) onto ACT_CATEGORIES."""
    return _ACT_CATEGORY.get(str(act).lower(), "other")


def _names() -> tuple[str, ...]:
    names = [
        "turn_index_log",
        "has_reference",
        "has_creator_price",
        "has_agent_price",
        "has_both_prices",
        "creator_last_rel",
        "agent_last_rel",
        "gap_rel",
        "gap_closed_frac",
        "creator_concession_total",
        "creator_concession_rate",
        "creator_concession_last",
        "agent_concession_total",
        "agent_concession_rate",
        "agent_concession_last",
        "creator_price_count",
        "agent_price_count",
        "creator_insists",
        "has_budget",
        "creator_over_budget_rel",
        "creator_within_budget",
        "agent_offer_vs_budget",
        "last_role_agent",
        "sentiment_mean",
        "sentiment_last",
        "sentiment_min",
        "creator_sentiment_mean",
        "creator_sentiment_last",
        "agent_to_creator_ratio",
        "turns_since_price_log",
        # added in v2: price moves, repeats, agreement on the table, per-role recency and the last two acts
        "creator_price_moves",
        "agent_price_moves",
        "creator_repeats",
        "prices_crossed",
        "agent_at_budget",
        "creator_turns_log",
        "agent_turns_log",
        "creator_sentiment_trend",
        "turns_since_creator_price_log",
        "turns_since_agent_price_log",
        # v3: the creator's listed price for the package (CB: the listing price), when known
        "has_listed_price",
        "budget_vs_listed",
        "agent_last_vs_listed",
        "creator_last_vs_listed",
        # v4: whether budget_max is a hard ceiling (production, the agent simulation) or a soft target (CB's buyer)
        "budget_is_ceiling",
    ]
    for role in _ROLES:
        names += [f"{role}_count_{cat}" for cat in ACT_CATEGORIES]
        names += [f"{role}_last_{cat}" for cat in ACT_CATEGORIES]
    names += [f"turn_last_{cat}" for cat in ACT_CATEGORIES]
    names += [f"turn_prev_{cat}" for cat in ACT_CATEGORIES]
    names += ["turn_prev_same_role"]
    return tuple(names)


FEATURE_NAMES: tuple[str, ...] = _names()
# A row is filled by position (a list copied from the default row, then one tuple): the replay builds one per prefix of
# every dialogue, and a name-keyed dict copied and read back in order cost about as much as the values.
_AT: dict[str, int] = {name: i for i, name in enumerate(FEATURE_NAMES)}
_COUNT_AT = {(r, c): _AT[f"{r}_count_{c}"] for r in _ROLES for c in ACT_CATEGORIES}
_LAST_AT = {(r, c): _AT[f"{r}_last_{c}"] for r in _ROLES for c in ACT_CATEGORIES}
(_TURN_INDEX_LOG, _BUDGET_IS_CEILING, _HAS_REFERENCE, _CREATOR_PRICE_COUNT, _AGENT_PRICE_COUNT, _CREATOR_LAST_REL,
 _LAST_ROLE_AGENT, _SENTIMENT_MEAN, _SENTIMENT_LAST, _SENTIMENT_MIN, _CREATOR_SENTIMENT_MEAN,
 _CREATOR_SENTIMENT_LAST, _TURNS_SINCE_PRICE_LOG, _CREATOR_PRICE_MOVES, _AGENT_PRICE_MOVES, _CREATOR_REPEATS,
 _PRICES_CROSSED, _AGENT_AT_BUDGET, _CREATOR_TURNS_LOG, _AGENT_TURNS_LOG, _CREATOR_SENTIMENT_TREND,
 _TURN_PREV_SAME_ROLE) = (_AT[name] for name in (
    "turn_index_log", "budget_is_ceiling", "has_reference", "creator_price_count", "agent_price_count",
    "creator_last_rel", "last_role_agent", "sentiment_mean", "sentiment_last", "sentiment_min",
    "creator_sentiment_mean", "creator_sentiment_last", "turns_since_price_log", "creator_price_moves",
    "agent_price_moves", "creator_repeats", "prices_crossed", "agent_at_budget", "creator_turns_log",
    "agent_turns_log", "creator_sentiment_trend", "turn_prev_same_role"))
# Defaults when a side has not named a price: the creator at the ask (relative price 1), the agent nowhere (0).
_DEFAULT_ROW: list[float] = [1.0 if i == _CREATOR_LAST_REL else 0.0 for i in range(len(FEATURE_NAMES))]


def _rel(value: Decimal, reference: Decimal) -> float:
    return _clip(float(value / reference))


def _clip(x: float) -> float:
    # Plain floats, not numpy scalars: the replay computes this for every prefix of every dialogue.
    return -_CLIP if x < -_CLIP else _CLIP if x > _CLIP else x


class DialogueSoFar:
    """What the features need of a dialogue, kept up to date turn by turn (`add`), so that the features after
    every prefix of a dialogue cost one pass over it, not one per prefix (the replay scores them all)."""

    def __init__(self) -> None:
        self.n = 0
        self.n_creator = 0
        self.prices: dict[Role, list[Decimal]] = {"agent": [], "creator": []}
        self.priced: dict[Role, int] = {}  # the last priced turn's index per role
        self.last_priced: int | None = None  # the last priced turn's index, either role
        self.moves: dict[Role, int] = {"agent": 0, "creator": 0}  # price changes between a role's prices
        self.creator_repeats = 0
        self.first_gap: Decimal | None = None  # creator's minus agent's price when both first had one
        # Sentiments (all turns', the creator's): the values (for means over 8+), the sum added left to right (the
        # mean of fewer, as `_mean` takes it), the lowest.
        self.sentiments: list[float] = []
        self.creator_sentiments: list[float] = []
        self.sentiment_sum = 0.0
        self.creator_sentiment_sum = 0.0
        self.sentiment_min = 0.0
        self.counts: dict[int, float] = {}  # by position in the row
        self.last_cat: dict[Role, str] = {}
        # (role, act category) of the last two turns
        self.last: tuple[Role, str] | None = None
        self.prev: tuple[Role, str] | None = None
        # The price block of the features changes only when a price is added: kept for the next prefix.
        self._price_block: tuple[tuple[Decimal | None, Decimal | None], list[float]] | None = None

    def add(self, t: Turn) -> None:
        if t.price is not None and t.price > 0:
            self._price_block = None
            own = self.prices[t.role]
            if own:
                self.moves[t.role] += own[-1] != t.price
                if t.role == "creator":
                    self.creator_repeats += own[-1] == t.price
            own.append(t.price)
            self.priced[t.role] = self.last_priced = self.n
            cp, ap = self.prices["creator"], self.prices["agent"]
            if self.first_gap is None and cp and ap:
                self.first_gap = cp[-1] - ap[-1]
        sentiment = float(t.sentiment)
        self.sentiments.append(sentiment)
        self.sentiment_sum += sentiment
        if self.n == 0 or sentiment < self.sentiment_min:  # min()'s pick: the first of the lowest
            self.sentiment_min = sentiment
        if t.role == "creator":
            self.n_creator += 1
            self.creator_sentiments.append(sentiment)
            self.creator_sentiment_sum += sentiment
        cat = act_category(t.act)
        at = _COUNT_AT[t.role, cat]
        self.counts[at] = self.counts.get(at, 0.0) + 1.0
        self.last_cat[t.role] = cat
        self.prev, self.last = self.last, (t.role, cat)
        self.n += 1

    def features(self, *, ask: Decimal | None = None, budget_max: Decimal | None = None,
                 budget_is_ceiling: bool = True) -> tuple[float, ...]:
        """The feature values of the dialogue so far in FEATURE_NAMES order (see `dialogue_features`)."""
        cp, ap = self.prices["creator"], self.prices["agent"]
        ref = (cp or ap or [None])[0]
        listed = ask if ask is not None and ask > 0 else None
        # The prices' block (over the defaults: creator at the ask, agent nowhere) is kept between prefixes.
        row = (self._price_row(ref, budget_max, listed) if ref is not None or listed is not None
               else _DEFAULT_ROW).copy()
        n = self.n
        # Every count below is at most n: one bound check, then plain table reads.
        log1p = _LOG1P_TABLE.__getitem__ if n < len(_LOG1P_TABLE) else _log1p
        row[_TURN_INDEX_LOG] = log1p(n)
        row[_BUDGET_IS_CEILING] = float(budget_is_ceiling)
        last = self.last
        if last is not None:  # i.e. n > 0
            row[_LAST_ROLE_AGENT] = float(last[0] == "agent")
            row[_SENTIMENT_MEAN] = self.sentiment_sum / n if n < 8 else _mean(self.sentiments)
            row[_SENTIMENT_LAST] = self.sentiments[-1]
            row[_SENTIMENT_MIN] = self.sentiment_min
            cs = self.creator_sentiments
            if cs:
                row[_CREATOR_SENTIMENT_MEAN] = self.creator_sentiment_sum / len(cs) if len(cs) < 8 else _mean(cs)
                row[_CREATOR_SENTIMENT_LAST] = cs[-1]
                row[_CREATOR_SENTIMENT_TREND] = cs[-1] - cs[0]
            last_priced = self.last_priced
            row[_TURNS_SINCE_PRICE_LOG] = log1p(n - 1 - last_priced if last_priced is not None else n)
            row[_TURN_LAST_AT[last[1]]] = 1.0
            prev = self.prev
            if prev is not None:
                row[_TURN_PREV_AT[prev[1]]] = 1.0
                row[_TURN_PREV_SAME_ROLE] = float(prev[0] == last[0])
        row[_CREATOR_TURNS_LOG] = log1p(self.n_creator)
        row[_AGENT_TURNS_LOG] = log1p(n - self.n_creator)
        for role, since_at in _SINCE_AT.items():
            last_at = self.priced.get(role)
            row[since_at] = log1p(n - 1 - last_at if last_at is not None else n)
        for at, count in self.counts.items():
            row[at] = count
        for role, cat in self.last_cat.items():
            row[_LAST_AT[role, cat]] = 1.0
        return tuple(row)

    def _price_row(self, ref: Decimal | None, budget_max: Decimal | None, listed: Decimal | None) -> list[float]:
        """The default row with the features made of prices filled in: both sides' against the reference (where
        they are, how far they came, the gap), against the listed price and the budget, and how many there were
        and how they moved. Their Decimal arithmetic is most of a row's cost, and they change only when a price is
        added, so the row is kept until then (the other features are written over a copy of it; none of them is
        a price feature)."""
        key = (budget_max, listed)
        kept = self._price_block
        if kept is not None and kept[0] == key:
            return kept[1]
        cp, ap = self.prices["creator"], self.prices["agent"]
        f: dict[str, float] = {}
        if listed is not None:
            f["has_listed_price"] = 1.0
            f["budget_vs_listed"] = _rel(budget_max, listed) if budget_max is not None and budget_max > 0 else 0.0
            f["agent_last_vs_listed"] = _rel(ap[-1], listed) if ap else 0.0
            f["creator_last_vs_listed"] = _rel(cp[-1], listed) if cp else 1.0
        if ref is not None:
            self._prices(f, ref, budget_max)
        row = _DEFAULT_ROW.copy()
        for name, value in f.items():
            row[_AT[name]] = value
        row[_HAS_REFERENCE] = float(ref is not None)
        row[_CREATOR_PRICE_COUNT] = float(len(cp))
        row[_AGENT_PRICE_COUNT] = float(len(ap))
        row[_CREATOR_PRICE_MOVES] = float(self.moves["creator"])
        row[_AGENT_PRICE_MOVES] = float(self.moves["agent"])
        row[_CREATOR_REPEATS] = float(self.creator_repeats)
        row[_PRICES_CROSSED] = float(bool(cp and ap and cp[-1] <= ap[-1]))
        row[_AGENT_AT_BUDGET] = float(bool(ap and budget_max and ap[-1] >= budget_max * _AT_BUDGET))
        self._price_block = (key, row)
        return row

    def _prices(self, f: dict[str, float], ref: Decimal, budget_max: Decimal | None) -> None:
        cp, ap = self.prices["creator"], self.prices["agent"]
        if cp:
            f["has_creator_price"] = 1.0
            f["creator_last_rel"] = _rel(cp[-1], ref)
            f["creator_concession_total"] = _rel(cp[0] - cp[-1], ref)
            f["creator_concession_rate"] = f["creator_concession_total"] / max(1, len(cp) - 1)
            f["creator_concession_last"] = _rel(cp[-2] - cp[-1], ref) if len(cp) > 1 else 0.0
            f["creator_insists"] = float(len(cp) > 1 and cp[-1] == cp[-2])
        if ap:
            f["has_agent_price"] = 1.0
            f["agent_last_rel"] = _rel(ap[-1], ref)
            f["agent_concession_total"] = _rel(ap[-1] - ap[0], ref)
            f["agent_concession_rate"] = f["agent_concession_total"] / max(1, len(ap) - 1)
            f["agent_concession_last"] = _rel(ap[-1] - ap[-2], ref) if len(ap) > 1 else 0.0
        if cp and ap:
            f["has_both_prices"] = 1.0
            f["gap_rel"] = _rel(cp[-1] - ap[-1], ref)
            f["agent_to_creator_ratio"] = _rel(ap[-1], cp[-1])
            if self.first_gap is not None and self.first_gap > 0:
                f["gap_closed_frac"] = _clip(1.0 - float((cp[-1] - ap[-1]) / self.first_gap))
        if budget_max is not None and budget_max > 0:
            f["has_budget"] = 1.0
            creator_now = cp[-1] if cp else ref
            f["creator_over_budget_rel"] = _rel(creator_now - budget_max, ref)
            f["creator_within_budget"] = float(creator_now <= budget_max)
            f["agent_offer_vs_budget"] = _rel(ap[-1], budget_max) if ap else 0.0


_AT_BUDGET = Decimal("0.99")
_SINCE_AT = {role: _AT[f"turns_since_{role}_price_log"] for role in _ROLES}
_TURN_LAST_AT = {cat: _AT[f"turn_last_{cat}"] for cat in ACT_CATEGORIES}
_TURN_PREV_AT = {cat: _AT[f"turn_prev_{cat}"] for cat in ACT_CATEGORIES}


def dialogue_features(
    turns: Sequence[Turn], *, ask: Decimal | None = None, budget_max: Decimal | None = None,
    budget_is_ceiling: bool = True,
) -> np.ndarray:
    """Features of the dialogue so far, in FEATURE_NAMES order (float64).

    Prices are relative to the creator's first price (else the agent's). `ask` is the creator's listed
    price for the package when known (CB: the listing price; production: the creator's listed rates summed
    over the package, see reference.py); it adds the *_vs_listed features. `budget_max` is the agent's
    ceiling, when known; `budget_is_ceiling` is False only for CB, whose buyer's target may be exceeded, where
    production's max_usd never is: the same gap to the budget means less there.
    """
    so_far = DialogueSoFar()
    for t in turns:
        so_far.add(t)
    return np.array(so_far.features(ask=ask, budget_max=budget_max, budget_is_ceiling=budget_is_ceiling),
                    dtype=np.float64)


def prefix_features(
    turns: Sequence[Turn], ends: Sequence[int], *, ask: Decimal | None = None, budget_max: Decimal | None = None,
    budget_is_ceiling: bool = True,
) -> list[tuple[float, ...]]:
    """`dialogue_features(turns[:end])` for each end (ascending), in one pass over the turns; the rows as tuples,
    to be stacked into one matrix by the caller (one numpy array per row would cost more than the row)."""
    so_far = DialogueSoFar()
    rows: list[tuple[float, ...]] = []
    taken = 0
    for end in ends:
        if end < taken:
            raise ValueError("prefix ends must ascend")
        for t in turns[taken:end]:
            so_far.add(t)
        taken = end
        rows.append(so_far.features(ask=ask, budget_max=budget_max, budget_is_ceiling=budget_is_ceiling))
    return rows


def _mean(values: list[float]) -> float:
    """np.mean's value to the bit, without the call's overhead (the replay takes a mean per prefix)."""
    n = len(values)
    if n < 8 or n > _PAIRWISE_BLOCK:
        return sum(values) / n if n < 8 else float(np.mean(values))
    return _unrolled_sum(values) / n


# numpy sums a contiguous float64 array of up to 128 values in 8 interleaved partial sums, combined pairwise,
# and adds the tail one by one (numpy/_core/src/umath/loops_utils.h.src, pairwise_sum); fewer than 8 it adds
# one by one, as sum() does. Above 128 it splits the array in two, which is left to numpy itself.
_PAIRWISE_BLOCK = 128


def _unrolled_sum(v: list[float]) -> float:
    r0, r1, r2, r3, r4, r5, r6, r7 = v[:8]
    whole = len(v) - len(v) % 8
    for i in range(8, whole, 8):
        r0 += v[i]
        r1 += v[i + 1]
        r2 += v[i + 2]
        r3 += v[i + 3]
        r4 += v[i + 4]
        r5 += v[i + 5]
        r6 += v[i + 6]
        r7 += v[i + 7]
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for x in v[whole:]:
        total += x
    return total


# numpy's log1p of the counts a dialogue has, as plain floats: a table lookup per prefix instead of a numpy
# call, and the same bits as np.log1p (math.log1p differs in the last place), so the features stay those
# the model was trained on.
_LOG1P_TABLE: tuple[float, ...] = tuple(float(v) for v in np.log1p(np.arange(512, dtype=np.float64)))


def _log1p(n: int) -> float:
    return _LOG1P_TABLE[n] if 0 <= n < len(_LOG1P_TABLE) else float(np.log1p(n))
