"""The shipped deal-probability model: gradient-boosted trees + sigmoid calibration, evaluated in numpy.

Two calibration sigmoids share the trees: CEILING for negotiations whose budget is a hard ceiling (production,
the agent simulation) and TARGET for CraigslistBargain, whose buyer's target is soft; the feature
`budget_is_ceiling` of each row picks its curve.

The artifact is plain JSON (tree arrays, the calibration slopes and intercepts, the feature names), written by
`train.py` from the fitted scikit-learn estimators and checked there against their own predictions,
so loading it needs neither pickle nor a matching scikit-learn version.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from agent.deal_probability.features import FEATURE_NAMES, Turn, dialogue_features

DEFAULT_PATH = Path(__file__).with_name("model.json")
FORMAT = "deal-probability/gbt-sigmoid/v1"
CEILING, TARGET = "ceiling", "target"
_CEILING_COLUMN = FEATURE_NAMES.index("budget_is_ceiling")
_ROW_BLOCK = 256


def ceiling_rows(x: np.ndarray) -> np.ndarray:
    """Which feature rows have a hard budget ceiling, i.e. are scored on the CEILING sigmoid."""
    return np.atleast_2d(x)[:, _CEILING_COLUMN] > 0.5


class DealProbabilityModel:
    """P(the negotiation ends in a deal | the dialogue so far)."""

    def __init__(self, artifact: dict[str, Any]) -> None:
        if artifact.get("format") != FORMAT:
            raise ValueError(f"unknown deal-probability artifact format: {artifact.get('format')!r}")
        if tuple(artifact["feature_names"]) != FEATURE_NAMES:
            raise ValueError("artifact was trained on different features than features.py computes")
        self.base_rate = float(artifact["base_rate"])
        self._init = float(artifact["init_raw"])
        self._lr = float(artifact["learning_rate"])
        self._clip = tuple(artifact["clip"])
        self._sigmoids = {kind: (float(c["slope"]), float(c["intercept"]))
                          for kind, c in artifact["calibration"].items()}
        trees = artifact["trees"]
        self._depth = int(artifact["max_depth"])
        # All trees' nodes in flat arrays, a node's children as flat indices. A leaf points to itself on both
        # sides, so walking `max_depth` levels from every root ends on each row's leaf with no leaf test.
        left: list[int] = []
        right: list[int] = []
        feature: list[int] = []
        threshold: list[float] = []
        value: list[float] = []
        roots: list[int] = []
        for tree in trees:
            base = len(left)
            roots.append(base)
            for i, (lo, hi) in enumerate(zip(tree["left"], tree["right"], strict=True)):
                leaf = lo < 0
                left.append(base + i if leaf else base + lo)
                right.append(base + i if leaf else base + hi)
            feature += [max(f, 0) for f in tree["feature"]]  # leaves carry -2; never compared
            threshold += tree["threshold"]
            value += tree["value"]
        # children[2 * node + 1] is the left child, children[2 * node] the right one: one gather per level.
        self._children = np.column_stack([np.array(right, dtype=np.intp), np.array(left, dtype=np.intp)]).ravel()
        self._feature = np.array(feature, dtype=np.intp)
        self._threshold = np.array(threshold, dtype=np.float64)
        self._value = np.array(value, dtype=np.float64)
        self._roots = np.array(roots, dtype=np.intp)

    @classmethod
    def load(cls, path: Path | str | None = None) -> DealProbabilityModel:
        """The model at `path`, or the packaged default (loaded once per process)."""
        return _load_default() if path is None else cls(json.loads(Path(path).read_text()))

    def raw_scores(self, x: np.ndarray) -> np.ndarray:
        """Boosted log-odds for a (n, n_features) matrix, with scikit-learn's float32 split semantics.

        Rows go through in blocks of `_ROW_BLOCK`: a block's (rows x trees) node arrays stay in cache, which
        halves the time of a replay-sized batch (5k rows: ~40 -> ~20 ms); each row's sum is unchanged."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float32)).astype(np.float64)
        out = np.empty(x.shape[0], dtype=np.float64)
        roots, children, feature, threshold = self._roots, self._children, self._feature, self._threshold
        root_feature, root_threshold = feature[roots], threshold[roots]
        take = np.take  # the same gathers as `a[index]`, ~15 % cheaper on these (rows x trees) index arrays
        for start in range(0, x.shape[0], _ROW_BLOCK):
            block = x[start : start + _ROW_BLOCK]
            flat = block.ravel()
            row_start = (np.arange(block.shape[0], dtype=np.intp) * block.shape[1])[:, None]
            # The first level reads one column per tree at its root: a column gather, no per-row node lookups.
            # (C order, as the other levels: the leaf values are then summed in the same order as before.)
            goes_left = np.ascontiguousarray(block[:, root_feature] <= root_threshold)
            node = take(children, 2 * roots + goes_left)
            for _ in range(self._depth - 1):
                goes_left = take(flat, row_start + take(feature, node)) <= take(threshold, node)
                node = take(children, 2 * node + goes_left)
            out[start : start + _ROW_BLOCK] = self._init + self._lr * take(self._value, node).sum(axis=1)
        return out

    def predict_features(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probabilities for feature rows (FEATURE_NAMES order), each on its budget kind's sigmoid."""
        x = np.atleast_2d(x)
        raw = self.raw_scores(x)
        ceiling = ceiling_rows(x)
        slope = np.where(ceiling, self._sigmoids[CEILING][0], self._sigmoids[TARGET][0])
        intercept = np.where(ceiling, self._sigmoids[CEILING][1], self._sigmoids[TARGET][1])
        return np.clip(1.0 / (1.0 + np.exp(-(slope * raw + intercept))), *self._clip)

    def predict(self, turns: Sequence[Turn], ask: Decimal | None = None, budget_max: Decimal | None = None,
                budget_is_ceiling: bool = True) -> float:
        """Deal probability after `turns`; the base rate before anything is known."""
        if not turns and ask is None:
            return self.base_rate
        x = dialogue_features(turns, ask=ask, budget_max=budget_max, budget_is_ceiling=budget_is_ceiling)
        return float(self.predict_features(x)[0])


@lru_cache(maxsize=1)
def _load_default() -> DealProbabilityModel:
    return DealProbabilityModel(json.loads(DEFAULT_PATH.read_text()))
