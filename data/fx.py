"""Currency conversion to USD from a configurable table (no network).

`FX_RATES` (env) overrides or extends the defaults as JSON, e.g. '{"EUR": "1.08", "INR": "0.012"}':
each value is how many US dollars one unit of that currency buys.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache

from data.settings import get_settings

DEFAULT_USD_PER_UNIT: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
    "CAD": Decimal("0.73"),
    "AUD": Decimal("0.66"),
    "NZD": Decimal("0.60"),
    "INR": Decimal("0.012"),
    "JPY": Decimal("0.0067"),
    "CNY": Decimal("0.14"),
    "KRW": Decimal("0.00073"),
    "BRL": Decimal("0.18"),
    "MXN": Decimal("0.055"),
    "CHF": Decimal("1.12"),
    "SEK": Decimal("0.095"),
    "NOK": Decimal("0.093"),
    "DKK": Decimal("0.145"),
    "PLN": Decimal("0.25"),
    "SGD": Decimal("0.74"),
    "HKD": Decimal("0.128"),
    "AED": Decimal("0.272"),
    "ZAR": Decimal("0.054"),
    "PHP": Decimal("0.017"),
    "IDR": Decimal("0.000063"),
    "NGN": Decimal("0.00065"),
    "TRY": Decimal("0.029"),
}


@lru_cache(maxsize=8)
def _table(override_json: str) -> dict[str, Decimal]:
    table = dict(DEFAULT_USD_PER_UNIT)
    if override_json.strip():
        for code, rate in json.loads(override_json).items():
            table[code.upper()] = Decimal(str(rate))
    return table


def usd_per_unit(currency: str) -> Decimal:
    """USD value of one unit of `currency` (ISO-4217); KeyError for an unknown code."""
    return _table(get_settings().fx_rates)[currency.upper()]


def to_usd(amount: Decimal, currency: str) -> Decimal:
    """Convert `amount` in `currency` to USD, rounded to cents."""
    return (Decimal(amount) * usd_per_unit(currency)).quantize(Decimal("0.01"))


def known_currencies() -> frozenset[str]:
    return frozenset(_table(get_settings().fx_rates))
