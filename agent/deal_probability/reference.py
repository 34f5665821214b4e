"""The creator's listed price for a package: production's counterpart of a CraigslistBargain listing price."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from agent.negotiation.pricing import parse_deliverables


def listed_package_price(listed_rates: Mapping[str, Any] | None, deliverables: Sequence[str] | None) -> Decimal | None:
    """Sum of the creator's listed rates over the package (count × rate per kind).

    None unless every kind in the package has a positive listed rate: a partial sum would understate the
    price the creator asks for, and the model was trained to treat a missing listing as unknown.
    """
    bundle = parse_deliverables(list(deliverables or []))
    if not bundle or not listed_rates:
        return None
    total = Decimal(0)
    for kind, count in bundle.items():
        rate = listed_rates.get(kind)
        if rate is None or Decimal(str(rate)) <= 0:
            return None
        total += Decimal(str(rate)) * count
    return total
