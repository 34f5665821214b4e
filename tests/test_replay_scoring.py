"""Replay scoring: the report's AUC and Brier are scikit-learn's to the bit, and a recording whose feature rows
cannot be computed (rows are computed after the whole set is replayed) fails on its own replay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

from evals.replay.metrics import brier_score, roc_auc
from evals.replay.readers import read_path
from evals.replay.replayer import replay_all

FIXTURES = Path(__file__).parent / "fixtures" / "replay"


def test_auc_and_brier_are_sklearns_to_the_bit() -> None:
    rng = np.random.default_rng(3)
    for trial in range(400):
        n = int(rng.integers(2, 1500))
        labels = rng.integers(0, 2, n)
        if labels.min() == labels.max():
            continue
        # Probabilities rounded as the replay rounds them (many ties), coarser, and unrounded.
        values = np.round(rng.random(n), (4, 1, 16)[trial % 3])
        assert roc_auc(labels, values) == roc_auc_score(labels, values)
        assert brier_score(labels, values) == brier_score_loss(labels, values)


def test_a_recording_the_features_cannot_take_fails_alone() -> None:
    good = read_path(FIXTURES / "two_negotiations.txt").transcripts
    bad = good[0].model_copy(deep=True)
    creator = next(t for t in bad.turns if t.role == "creator")
    creator.understood = {"intent": "counter", "price_usd": "NaN"}  # Decimal("NaN") > 0 raises
    first, failed, *rest = replay_all([good[0], bad, *good[1:]])
    assert failed.error and failed.replayed_status == "error" and not failed.turns
    assert first.error is None and first.replayed_points and all(p.value is not None for p in first.replayed_points)
    assert all(r.error is None for r in rest)
