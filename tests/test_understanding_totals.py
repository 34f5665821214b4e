"""A quote itemised and then summed is read as its sum; a single amount is unaffected by the total cue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.negotiation.understanding import understand


@pytest.mark.parametrize(("text", "price"), [
    ("I charge $600 per story and $1,200 for the reel, so $2,400 total.", Decimal("2400")),
    ("Reel is $1,500 and stories $300 each, $2,100 all in.", Decimal("2100")),
    ("$900 for the reel plus $400 for the stories - $1,300 altogether", Decimal("1300")),
    ("My rate is $1,800 total.", Decimal("1800")),
])
def test_the_stated_total_is_the_price(text: str, price: Decimal) -> None:
    u = understand(text)
    assert u.intent.value == "counter" and u.price_usd == price


def test_a_past_total_is_not_taken_over_the_ask() -> None:
    u = understand("Last campaign paid $5,000 total; for this one I'd want $3,000.")
    assert u.price_usd == Decimal("3000")
