"""Train, calibrate, evaluate and export the deal-probability model.

    python -m agent.deal_probability.train [--cb-path PATH] [--agent-path PATH] [--recorded PATH] [--out-dir DIR]

Two sources (three with `--recorded`), all read the way production reads a negotiation (service._turns /
deal_probability: prices relative to the creator's first price; the listed price of the package when known;
budget_max is the brand's ceiling, or CB's buyer target, which `budget_is_ceiling` tells apart):
- CraigslistBargain: real human dialogues, the seller's messages read by our own NLU, the buyer's price the one CB
  annotates (production knows its own offer exactly; craigslist.py, reading "production"). A dialogue with
  turns t1..tn contributes every prefix t1..tk, k = 0..n_open (n_open: turns before the first formal
  accept/reject/quit), so the decision itself is never scored. The listing price plays the creator's listed
  package rate; HIDE_LISTING_PCT% of dialogues (a fixed hash of the uuid) are shown without it, as production
  is when a creator lists no rate for some deliverable.
- The real agent against the scripted personas with a human temper and a rate card, and against the creators
  that negotiate like people of evals/human_personas.py (agent_dialogues.py,
  written by `python -m evals.deal_training_data`): the prefixes production scores, i.e. after the agent's
  opening and after each agent reply while the negotiation is still open.
- With `--recorded FILE`: finished production negotiations (`python -m api export-negotiations`), scored like
  the simulation and reported as a source of their own: the way the model learns from real creators.
The label is whether the dialogue ended in a deal. Every source is split by dialogue with a seeded
permutation (no prefix of a test dialogue is ever trained on) and weigh the same in training; the trees are
shared, the sigmoid calibration is per budget kind. Choices were made by grouped 5-fold CV of the whole
pipeline on the training part only (in metrics.json and reliability.md next to the held-out figures).
Writes model.json, metrics.json and reliability.md (report.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from agent.deal_probability import agent_dialogues, craigslist
from agent.deal_probability.features import FEATURE_NAMES, Turn, prefix_features
from agent.deal_probability.model import CEILING, FORMAT, TARGET, DealProbabilityModel, ceiling_rows
from agent.deal_probability.report import bootstrap_ci, reliability, reliability_markdown, score

OUT_DIR = Path(__file__).resolve().parent
SEED = 0
TEST_FRACTION = 0.25
HIDE_LISTING_PCT = 30  # share of CB dialogues shown without their listing price (production may lack listed rates)
SOURCES = ("cb", "agent", "recorded")  # CraigslistBargain, the agent's simulation, recorded production negotiations
CLIP = (0.02, 0.98)  # an open negotiation is never certain; the caller sets 1.0/0.0 on agreed/declined
GBT_PARAMS: dict[str, Any] = {
    "n_estimators": 300,
    "max_depth": 3,
    "learning_rate": 0.05,
    "subsample": 0.8,
    "min_samples_leaf": 40,
    "random_state": SEED,
}


@dataclass(frozen=True)
class Dialogue:
    key: str
    source: str  # "cb" or "agent"
    turns: list[Turn]
    prefixes: list[int]  # lengths of the prefixes that are examples
    budget_max: Decimal | None
    deal: bool
    decisive: int  # CB: n_open (the last open prefix); agent: the last scored prefix
    ask: Decimal | None = None  # the listed price of the item/package, when the model is shown one

    @property
    def budget_is_ceiling(self) -> bool:
        """CB's buyer target is soft; the agent's max_usd (simulated or in production) is never exceeded."""
        return self.source != "cb"


@dataclass
class Examples:
    x: np.ndarray
    y: np.ndarray
    group: np.ndarray
    source: np.ndarray
    k: np.ndarray
    both_prices: np.ndarray
    is_last_open: np.ndarray
    listed: np.ndarray


def _split(items: list, seed: int) -> tuple[list, list]:
    order = np.random.default_rng(seed).permutation(len(items))
    test_idx = set(order[: round(len(items) * TEST_FRACTION)].tolist())
    train = [d for i, d in enumerate(items) if i not in test_idx]
    test = [d for i, d in enumerate(items) if i in test_idx]
    return train, test


def listing_hidden(key: str) -> bool:
    """Deterministically hide the listing price of HIDE_LISTING_PCT% of CB dialogues (the no-reference case)."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % 100 < HIDE_LISTING_PCT


def cb_dialogues(path: Path, reading: craigslist.Reading = "production") -> list[Dialogue]:
    return [
        Dialogue(d.uuid, "cb", d.turns, list(range(d.n_open + 1)), d.budget_max, d.deal, d.n_open,
                 None if listing_hidden(d.uuid) else d.ask)
        for d in craigslist.load_dialogues(path, reading)
    ]


def agent_sim_dialogues(path: Path, source: str = "agent") -> list[Dialogue]:
    """The agent's negotiations in agent_dialogues format: simulated ("agent") or recorded in production."""
    out = []
    for d in agent_dialogues.load_dialogues(path):
        ks = d.open_prefixes
        out.append(Dialogue(d.key, source, d.turns, ks, d.budget_max, d.deal, ks[-1] if ks else 0, d.ask))
    return out


def load_all(cb_path: Path, agent_path: Path, recorded_path: Path | None = None
             ) -> tuple[list[Dialogue], list[Dialogue]]:
    """(train, test): each source split by dialogue with its own seeded permutation."""
    parts = [_split(cb_dialogues(cb_path), SEED), _split(agent_sim_dialogues(agent_path), SEED + 1)]
    if recorded_path is not None:
        parts.append(_split(agent_sim_dialogues(recorded_path, "recorded"), SEED + 2))
    return [d for tr, _ in parts for d in tr], [d for _, te in parts for d in te]


def sources_in(ex: Examples) -> list[str]:
    return [s for s in SOURCES if (ex.source == s).any()]


def build_examples(dialogues: Iterable[Dialogue]) -> Examples:
    rows: list[tuple[float, ...]] = []
    meta: list[tuple[bool, str, str, int, bool, bool, bool]] = []
    for d in dialogues:
        rows += prefix_features(d.turns, d.prefixes, ask=d.ask, budget_max=d.budget_max,
                                budget_is_ceiling=d.budget_is_ceiling)
        for k in d.prefixes:
            prefix = d.turns[:k]
            roles = {t.role for t in prefix if t.price is not None and t.price > 0}
            meta.append((d.deal, d.key, d.source, k, len(roles) == 2, k == d.decisive, d.ask is not None))
    cols = list(zip(*meta, strict=True))
    return Examples(
        x=np.vstack(rows),
        y=np.array(cols[0], dtype=int),
        group=np.array(cols[1]),
        source=np.array(cols[2]),
        k=np.array(cols[3]),
        both_prices=np.array(cols[4]),
        is_last_open=np.array(cols[5]),
        listed=np.array(cols[6]),
    )


def weights(ex: Examples) -> np.ndarray:
    """Each source carries the same total weight: CB has ~2.5× the simulation's prefixes, but production looks like
    the simulation (a hard ceiling, our own policy's moves), so the trees must not be fitted mostly to CB.
    The largest source's prefixes weigh 1."""
    counts = {s: int((ex.source == s).sum()) for s in sources_in(ex)}
    largest = max(counts.values())
    return np.array([largest / counts[s] for s in ex.source])


def grouped_splits(ex: Examples, n_splits: int = 5) -> list[tuple[np.ndarray, np.ndarray]]:
    _, groups = np.unique(ex.group, return_inverse=True)
    return list(GroupKFold(n_splits=n_splits).split(ex.x, ex.y, groups))


@dataclass
class Fitted:
    """Boosted trees refit on every training prefix, and one sigmoid (Platt) calibration per kind of budget."""

    trees: GradientBoostingClassifier
    calibrators: dict[str, LogisticRegression]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """scikit-learn's own calibrated probabilities (the reference the exported artifact must reproduce)."""
        raw = self.trees.decision_function(x)[:, None]
        return np.where(ceiling_rows(x), self.calibrators[CEILING].predict_proba(raw)[:, 1],
                        self.calibrators[TARGET].predict_proba(raw)[:, 1])


def fit(ex: Examples, params: dict[str, Any] = GBT_PARAMS) -> Fitted:
    """Trees on all training prefixes; each sigmoid on the grouped out-of-fold scores of its own budget kind.

    One curve for both would put production's prefixes on CB's scale (CB ends in a deal far more often: 0.82 of
    its prefixes against 0.46 in the agent simulation), so a 0.67 would mean 0.54 in production. A sigmoid
    rather than isotonic steps: as good in grouped CV (Brier 0.136 both, AUC 0.789 vs 0.788) and it has no
    plateaus, so the probability a manager watches moves with every message instead of sticking on a step.
    """
    w = weights(ex)
    oof = np.zeros(len(ex.y))
    for tr, te in grouped_splits(ex):
        oof[te] = GradientBoostingClassifier(**params).fit(ex.x[tr], ex.y[tr], sample_weight=w[tr]).decision_function(
            ex.x[te])
    ceiling = ceiling_rows(ex.x)
    calibrators = {
        kind: LogisticRegression(C=np.inf).fit(oof[sel, None], ex.y[sel])
        for kind, sel in ((CEILING, ceiling), (TARGET, ~ceiling))
    }
    return Fitted(GradientBoostingClassifier(**params).fit(ex.x, ex.y, sample_weight=w), calibrators)


def export(model: Fitted, base_rate: float) -> dict[str, Any]:
    """The fitted estimators as a JSON-able artifact for DealProbabilityModel (public attributes only)."""
    gbt = model.trees
    trees = []
    for est in gbt.estimators_[:, 0]:
        t = est.tree_
        trees.append(
            {
                "left": t.children_left.tolist(),
                "right": t.children_right.tolist(),
                "feature": t.feature.tolist(),
                "threshold": t.threshold.tolist(),
                "value": t.value[:, 0, 0].tolist(),
            }
        )
    probe = np.zeros((1, len(FEATURE_NAMES)))
    init_raw = float(gbt.decision_function(probe)[0]) - gbt.learning_rate * sum(
        float(e.predict(probe)[0]) for e in gbt.estimators_[:, 0]
    )
    return {
        "format": FORMAT,
        "sklearn_version": sklearn.__version__,
        "feature_names": list(FEATURE_NAMES),
        "base_rate": round(base_rate, 4),
        "init_raw": init_raw,
        "learning_rate": gbt.learning_rate,
        "max_depth": max(int(e.tree_.max_depth) for e in gbt.estimators_[:, 0]),
        "clip": list(CLIP),
        "calibration": {
            kind: {"slope": float(c.coef_[0, 0]), "intercept": float(c.intercept_[0])}
            for kind, c in model.calibrators.items()
        },
        "trees": trees,
    }


def _stages(ex: Examples, source: str) -> dict[str, np.ndarray]:
    src = ex.source == source
    return {
        "opening (k<=1)": src & (ex.k <= 1),
        "before both sides named a price (k>1)": src & (ex.k > 1) & ~ex.both_prices,
        "both sides named a price": src & ex.both_prices,
        "last open prefix (just before the decision)": src & ex.is_last_open,
    }


def _selections(ex: Examples) -> list[tuple[str, np.ndarray]]:
    """Each source present, then all of them pooled."""
    return [(s, ex.source == s) for s in sources_in(ex)] + [("all", np.ones(len(ex.y), bool))]


def evaluate(ex: Examples, p: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, sel in _selections(ex):
        out[name] = (score(ex.y[sel], p[sel], ex.group[sel])
                     | bootstrap_ci(ex.y[sel], p[sel], ex.group[sel], ex.source[sel], seed=SEED)
                     | {"reliability": reliability(ex.y[sel], p[sel])})
    for source in sources_in(ex):
        out[f"{source}_by_stage"] = {
            name: score(ex.y[sel], p[sel], ex.group[sel]) for name, sel in _stages(ex, source).items() if sel.any()
        }
    cb = ex.source == "cb"
    out["cb_by_listing"] = {
        name: score(ex.y[sel], p[sel], ex.group[sel])
        for name, sel in (("listing price shown", cb & ex.listed), ("listing price hidden", cb & ~ex.listed))
        if sel.any()
    }
    return out


def subset(ex: Examples, idx: np.ndarray) -> Examples:
    return Examples(**{f.name: getattr(ex, f.name)[idx] for f in dataclasses.fields(ex)})


def cross_validate(ex: Examples, params: dict[str, Any] = GBT_PARAMS) -> tuple[dict[str, Any], dict[str, Any]]:
    """Grouped 5-fold out-of-fold probabilities of the whole pipeline (trees and their calibration, refit inside
    every fold) on the training part: how far the single held-out split's figures can be trusted. Scored per
    source and pooled (with the AUC of every fold), and per source by stage: the stage a manager reads
    (both sides named a price) is chosen on these, never on the held-out split."""
    oof = np.zeros(len(ex.y))
    splits = grouped_splits(ex)
    for tr, te in splits:
        oof[te] = np.clip(fit(subset(ex, tr), params).predict(ex.x[te]), *CLIP)
    out = {}
    for source, sel in _selections(ex):
        folds = [score(ex.y[te][sel[te]], oof[te][sel[te]], ex.group[te][sel[te]])["auc"] if sel[te].any() else None
                 for _, te in splits]
        out[source] = score(ex.y[sel], oof[sel], ex.group[sel]) | {"auc_by_fold": folds}
    by_stage = {
        source: {name: score(ex.y[sel], oof[sel], ex.group[sel]) for name, sel in _stages(ex, source).items()
                 if sel.any()}
        for source in sources_in(ex)
    }
    return out, by_stage


def spot_checks(test: list[Dialogue], model: DealProbabilityModel) -> list[dict[str, Any]]:
    """Held-out predictions (per source 2 deals, 2 no-deals, up to 3 prefixes each), recomputed by the tests."""
    checks = []
    for source in ("cb", "agent"):
        ds = [d for d in test if d.source == source and len(d.prefixes) > 2]
        for d in [d for d in ds if d.deal][:2] + [d for d in ds if not d.deal][:2]:
            ks = [k for k in d.prefixes if k > 0]
            for k in sorted({ks[0], ks[len(ks) // 2], ks[-1]}):
                p = model.predict(d.turns[:k], ask=d.ask, budget_max=d.budget_max,
                                  budget_is_ceiling=d.budget_is_ceiling)
                checks.append({"source": source, "key": d.key, "k": k, "deal": d.deal, "prediction": round(p, 6)})
    return checks


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cb-path", type=Path, default=craigslist.DEFAULT_PATH, help="CB dev-parsed.json")
    parser.add_argument("--agent-path", type=Path, default=agent_dialogues.DEFAULT_PATH, help="agent simulation")
    parser.add_argument("--recorded", type=Path, default=None,
                        help="finished production negotiations (`python -m api export-negotiations`): a third source")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="where model.json and metrics go")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    train, test = load_all(args.cb_path, args.agent_path, args.recorded)
    tr, te = build_examples(train), build_examples(test)
    base_rate = float(np.average(tr.y, weights=weights(tr)))
    cv, cv_by_stage = cross_validate(tr)
    fitted = fit(tr)
    artifact = export(fitted, base_rate)
    shipped = DealProbabilityModel(artifact)
    p = shipped.predict_features(te.x)
    reference = np.clip(fitted.predict(te.x), *CLIP)
    drift = float(np.max(np.abs(p - reference)))
    if drift > 1e-9:
        raise RuntimeError(f"exported model disagrees with scikit-learn by {drift}")

    metrics: dict[str, Any] = {
        "scored_prefixes": (
            "Held-out dialogues only. CB: every prefix t1..tk, k = 0..n_open, where n_open counts the turns "
            "before the first formal accept/reject/quit; the seller's messages read by our own NLU, the buyer's "
            "price as CB annotates it (production knows its own offer exactly). Agent: the real agent "
            "against the scripted personas with a human temper and the human-like creators (reciprocal, impatient, "
            "lever_trading, proud, slow_ghoster), scored where production scores (after the opening "
            "and after each agent reply while the negotiation is open). Prices relative to the creator's first "
            "price; the CB listing price stands in for the creator's listed package rate and is hidden for "
            f"{HIDE_LISTING_PCT}% of CB dialogues (fixed hash of the uuid); simulated creators have rate cards, "
            "some lacking a kind of the package. Label: the dialogue ended in a deal."
        ),
        "test": evaluate(te, p),
        "train": {
            "hide_listing_pct": HIDE_LISTING_PCT,
            **{f"{s}_dialogues": sum(d.source == s for d in train) for s in sources_in(tr)},
            "prefixes": len(tr.y),
            "source_weights": {s: round(float(weights(tr)[tr.source == s][0]), 4) for s in sources_in(tr)},
            "base_rate_weighted": round(base_rate, 4),
            "grouped_cv": cv,
            "grouped_cv_by_stage": cv_by_stage,
        },
        "model": {
            "estimator": "GradientBoostingClassifier",
            "params": GBT_PARAMS,
            "calibration": "sigmoid (Platt) per budget kind (hard ceiling: agent simulation and production; soft "
                           "target: CB) on 5-fold GroupKFold out-of-fold scores",
            "clip": list(CLIP),
            "sklearn_version": sklearn.__version__,
            "export_max_abs_diff": drift,
            "cb_reading": "production",
        },
        "split": {"seed": SEED, "test_fraction": TEST_FRACTION},
        "spot_checks": spot_checks(test, shipped),
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "model.json").write_text(json.dumps(artifact, separators=(",", ":")) + "\n")
    (args.out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    report = reliability_markdown(metrics)
    (args.out_dir / "reliability.md").write_text(report)
    print(report)
    print(f"trained in {time.perf_counter() - started:.1f}s → {args.out_dir}")
    return metrics


if __name__ == "__main__":
    main()
