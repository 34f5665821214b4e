from decimal import Decimal

import pytest

from agent.amounts import find_amounts


def _one(text: str, default_currency: str = "USD"):
    found = find_amounts(text, default_currency)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("$7,500", "7500", "USD"),
        ("7.5k", "7500", "USD"),
        ("7.5K", "7500", "USD"),
        ("$7.5k", "7500", "USD"),
        ("7500 USD", "7500", "USD"),
        ("USD 7500", "7500", "USD"),
        ("7,500 dollars", "7500", "USD"),
        ("seven thousand five hundred dollars", "7500", "USD"),
        ("I'd do it for seven thousand five hundred", "7500", "USD"),
        ("two grand", "2000", "USD"),
        ("1.2 million", "1200000", "USD"),
        ("₹2,50,000", "250000", "INR"),
        ("Rs. 50,000", "50000", "INR"),
        ("€2k", "2000", "EUR"),
        ("£900", "900", "GBP"),
        ("2k euros", "2000", "EUR"),
        ("¥50,000", "50000", "JPY"),
        ("R$ 3.000,00", "3000", "BRL"),
        ("7.500 €", "7500", "EUR"),
        ("1.5 lakh", "150000", "INR"),
        ("twenty five hundred bucks", "2500", "USD"),
        ("below 40k INR", "40000", "INR"),
        ("My rate is 2500", "2500", "USD"),
        ("How about 120?", "120", "USD"),
    ],
)
def test_money_forms(text: str, value: str, currency: str) -> None:
    amount = _one(text)
    assert amount.value == Decimal(value)
    assert amount.currency == currency


def test_span_and_usd_conversion() -> None:
    text = "Happy to do it for €2k all in."
    amount = _one(text)
    assert amount.text == "€2k"
    assert text[amount.start:amount.end] == "€2k"
    assert amount.usd == Decimal("2160.00")  # 2000 × 1.08 from data.fx
    assert _one("₹2,50,000").usd == Decimal("3000.00")


def test_per_unit_with_quantity() -> None:
    amount = _one("I charge $500 per post for 3 posts")
    assert (amount.value, amount.per, amount.quantity) == (Decimal(500), "post", 3)
    assert amount.total_usd == Decimal("1500.00")
    before = _one("3 stories at $200 each")
    assert (before.per, before.quantity, before.value) == ("story", 3, Decimal(200))
    assert _one("$500/post").per == "post"
    assert _one("under $500 a post").per == "post"
    monthly = _one("$1,800 a month")
    assert (monthly.per, monthly.quantity) == ("month", None)


def test_a_total_for_several_units_is_not_a_unit_price() -> None:
    amount = _one("2 reels for $3000")
    assert (amount.value, amount.per, amount.quantity) == (Decimal(3000), None, None)


def test_ranges_share_currency_and_magnitude() -> None:
    assert [(a.value, a.currency) for a in find_amounts("$5-7k")] == [(Decimal(5000), "USD"), (Decimal(7000), "USD")]
    assert [a.value for a in find_amounts("€500 - 700")] == [Decimal(500), Decimal(700)]
    assert find_amounts("€500 - 700")[1].currency == "EUR"


def test_default_currency() -> None:
    assert _one("7.5k", default_currency="EUR").currency == "EUR"
    assert _one("$900", default_currency="CAD").currency == "CAD"  # a dollar sign in a CAD context
    assert _one("$900", default_currency="INR").currency == "USD"


@pytest.mark.parametrize(
    "text",
    [
        "We're planning the 2026 campaign now",
        "I have 50k followers on IG",
        "My engagement is 4.5% and growing",
        "Can we talk on March 5 at 5pm?",
        "Call me at 310-555-0100",
        "I can do 3 posts and 2 stories",
        "one reel and three stories",
        "It has 100,000 miles on it",
        "The video got 1.2M views",
        "See you 5/12",
        "Meet at 10:30",
        "I'm 25 and post daily",
    ],
)
def test_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_money_next_to_non_money() -> None:
    found = find_amounts("With 250k followers and 6% engagement, my fee for 2026 is $4,200 for 1 reel")
    assert [a.value for a in found] == [Decimal(4200)]


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("I can do it for a grand", "1000", "USD"),
        ("A grand per reel", "1000", "USD"),
        ("a couple grand", "2000", "USD"),
        ("two grand", "2000", "USD"),
        ("USD7,500", "7500", "USD"),
        ("EUR2.000", "2000", "EUR"),
        ("Rs.5000", "5000", "INR"),
    ],
)
def test_grand_slang_and_glued_codes(text: str, value: str, currency: str) -> None:
    amount = _one(text)
    assert (amount.value, amount.currency) == (Decimal(value), currency)


def test_glued_code_keeps_its_span() -> None:
    text = "My fee is USD7,500 for the reel"
    amount = _one(text)
    assert text[amount.start:amount.end] == "USD7,500"


@pytest.mark.parametrize("text", ["a grand total of 3 posts", "the grand opening is soon", "usd7500", "ABC7500"])
def test_grand_adjective_and_other_glued_letters_are_not_money(text: str) -> None:
    assert find_amounts(text) == []


def test_dot_with_three_digits_follows_the_currency_convention() -> None:
    # Documented as is: with a dollar a single dot is a decimal point, in euros it groups thousands.
    assert _one("$1.500").value == Decimal("1.5")
    assert _one("€1.500").value == Decimal(1500)
    assert _one("$1.500.000").value == Decimal(1500000)
