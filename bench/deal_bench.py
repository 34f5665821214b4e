"""Deal-probability scoring cost per negotiation turn: the shipped numpy model against scikit-learn.

Production scores after every turn inside the turn's transaction, so the cost per call matters more than
throughput. Measured on the real simulated dialogues' prefixes (features built from turns each call, as
`service.deal_probability` does):
- ours: `DealProbabilityModel.predict(turns, ask, budget_max)`, one call per prefix;
- baseline: scikit-learn's GradientBoostingClassifier with the shipped model's parameters, fitted in this run
  on the training examples, then `predict_proba` on one row per call plus the same feature building.
Reported as p50/p95 per call, the ratio baseline / ours, and the feature building alone (in both).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from sklearn.ensemble import GradientBoostingClassifier

from agent.deal_probability import agent_dialogues
from agent.deal_probability.features import dialogue_features
from agent.deal_probability.model import DealProbabilityModel
from agent.deal_probability.train import GBT_PARAMS, agent_sim_dialogues, build_examples


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 4),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 4)}


def run(calls: int = 2000) -> dict[str, Any]:
    dialogues = agent_sim_dialogues(agent_dialogues.DEFAULT_PATH)
    prefixes = [(d.turns[:k], d.ask, d.budget_max) for d in dialogues for k in d.prefixes]
    prefixes = (prefixes * (calls // len(prefixes) + 1))[:calls]
    model = DealProbabilityModel.load()

    ex = build_examples(dialogues)
    baseline = GradientBoostingClassifier(**GBT_PARAMS).fit(ex.x, ex.y)

    ours, theirs, features_only = [], [], []
    for turns, ask, budget in prefixes:
        started = time.perf_counter()
        model.predict(turns, ask=ask, budget_max=budget)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        row = dialogue_features(turns, ask=ask, budget_max=budget)
        features_only.append(time.perf_counter() - started)
        baseline.predict_proba(row[None, :])
        theirs.append(time.perf_counter() - started)
    result = {"calls": calls, "ours": _percentiles(ours), "sklearn_baseline": _percentiles(theirs),
              "features_only": _percentiles(features_only)}
    result["speedup_p50"] = round(result["sklearn_baseline"]["p50_ms"] / result["ours"]["p50_ms"], 2)
    return result
