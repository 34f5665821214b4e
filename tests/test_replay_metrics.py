"""Replay set metrics: the surplus share stays a share when a diverged replay "agrees" under the creator's floor."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from evals.replay.metrics import _side


def _replay(price: str, floor: str = "800", max_usd: str = "1000") -> SimpleNamespace:
    setup = SimpleNamespace(max_usd=Decimal(max_usd), creator_floor_usd=Decimal(floor))
    transcript = SimpleNamespace(setup=setup, turns=[], outcome=SimpleNamespace(status="agreed", price_usd=None))
    return SimpleNamespace(transcript=transcript, turns=[], replayed_status="agreed", replayed_price=Decimal(price),
                           replayed_points=[], recorded_status=None, recorded_price=None, recorded_points=[])


def test_agreements_under_the_floor_are_counted_apart_and_the_share_stays_in_range() -> None:
    metrics = _side([_replay("900"), _replay("500"), _replay("800")], "replayed")
    assert metrics["below_floor"] == 1 and metrics["surplus_share_n"] == 2
    assert metrics["surplus_share"] == 0.75  # (1000-900)/200 = 0.5 and (1000-800)/200 = 1.0


def test_without_a_floor_no_share_is_claimed() -> None:
    replay = _replay("900")
    replay.transcript.setup.creator_floor_usd = None
    metrics = _side([replay], "replayed")
    assert metrics["surplus_share"] is None and metrics["below_floor"] == 0
