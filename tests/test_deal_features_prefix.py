"""`prefix_features` (one pass, what the replay scores with) gives exactly `dialogue_features` of each prefix."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.deal_probability.features import FEATURE_NAMES, Turn, dialogue_features, prefix_features

_ACTS = ["ask", "counter", "accept", "reject", "inquire", "stop", "close", "accept_with_condition", "greet"]
_turns = st.lists(st.builds(
    Turn,
    role=st.sampled_from(["agent", "creator"]),
    act=st.sampled_from(_ACTS),
    price=st.one_of(st.none(), st.decimals(min_value=0, max_value=20_000, places=2, allow_nan=False)),
    sentiment=st.floats(min_value=-1, max_value=1, allow_nan=False),
), max_size=14)


@settings(max_examples=150, deadline=None)
@given(turns=_turns, ask=st.one_of(st.none(), st.decimals(min_value=1, max_value=9_000, places=0)),
       budget=st.one_of(st.none(), st.decimals(min_value=0, max_value=9_000, places=0)), ceiling=st.booleans())
def test_every_prefix_row_equals_the_row_of_that_prefix(turns, ask, budget, ceiling) -> None:
    ends = list(range(len(turns) + 1))
    rows = np.array(prefix_features(turns, ends, ask=ask, budget_max=budget, budget_is_ceiling=ceiling))
    alone = np.vstack([dialogue_features(turns[:end], ask=ask, budget_max=budget, budget_is_ceiling=ceiling)
                       for end in ends])
    assert np.array_equal(rows, alone)


def test_a_repeated_price_counts_as_insisting_and_not_as_a_move() -> None:
    turns = [Turn("creator", "counter", Decimal(100)), Turn("agent", "counter", Decimal(60)),
             Turn("creator", "counter", Decimal(100))]
    row = dict(zip(FEATURE_NAMES, prefix_features(turns, [3])[0], strict=True))
    assert row["creator_repeats"] == 1.0 and row["creator_price_moves"] == 0.0 and row["creator_insists"] == 1.0


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.floats(min_value=-1, max_value=1, allow_nan=False), min_size=1, max_size=300))
def test_the_features_mean_is_numpys_to_the_bit(values) -> None:
    from agent.deal_probability.features import _mean

    assert _mean(values).hex() == float(np.mean(np.array(values, dtype=np.float64))).hex()
