"""Train, calibrate, evaluate and export the deal-probability model.

    python -m agent.deal_probability.train [--cb-path PATH] [--out-dir DIR]

Examples are dialogue prefixes. A dialogue with turns t1..tn contributes the prefixes t1..tk for
k = 0 .. n_open, where n_open is the number of turns before the first decisive act (CB: the first
accept/reject/quit action; simulated: the first accept or walk-away), or every prefix when there is
none. The decision itself is never in a scored prefix. The label is whether the dialogue ended in a
deal. CB dialogues are split by dialogue (seeded permutation), simulated ones come from separate seeds,
so no prefix of a test dialogue is ever trained on. Writes model.json, metrics.json and reliability.md.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import GroupKFold

from agent.deal_probability import craigslist
from agent.deal_probability.features import FEATURE_NAMES, Turn, act_category, dialogue_features
from agent.deal_probability.model import FORMAT, DealProbabilityModel
from agent.deal_probability.simulated import simulate_dialogues

OUT_DIR = Path(__file__).resolve().parent
SEED = 0
CB_TEST_FRACTION = 0.25
SIM_TRAIN, SIM_TEST = 800, 200
SIM_WEIGHT = 0.5  # a simulated prefix counts half a real one: it teaches budget logic, not human behaviour
SIM_NO_ASK_SHARE = 0.3  # simulated dialogues passed with ask=None, so the model sees the no-reference case
CLIP = (0.02, 0.98)  # an open negotiation is never certain; the caller sets 1.0/0.0 on agreed/declined
GBT_PARAMS: dict[str, Any] = {
    "n_estimators": 150,
    "max_depth": 3,
    "learning_rate": 0.05,
    "subsample": 0.8,
    "min_samples_leaf": 40,
    "random_state": SEED,
}


@dataclass(frozen=True)
class Dialogue:
    key: str
    source: str  # "cb" or "sim"
    turns: list[Turn]
    n_open: int
    ask: Decimal | None
    budget_max: Decimal | None
    deal: bool


@dataclass
class Examples:
    x: np.ndarray
    y: np.ndarray
    group: np.ndarray
    source: np.ndarray
    k: np.ndarray
    both_prices: np.ndarray
    is_last_open: np.ndarray


def _sim_open(turns: Sequence[Turn]) -> int:
    return next((i for i, t in enumerate(turns) if act_category(t.act) in ("accept", "stop")), len(turns))


def load_all(cb_path: Path) -> tuple[list[Dialogue], list[Dialogue]]:
    """(train, test) dialogues from CB and the simulator."""
    cb = sorted(craigslist.load_dialogues(cb_path), key=lambda d: d.uuid)
    order = np.random.default_rng(SEED).permutation(len(cb))
    n_test = round(len(cb) * CB_TEST_FRACTION)
    test_idx = set(order[:n_test].tolist())
    train: list[Dialogue] = []
    test: list[Dialogue] = []
    for i, d in enumerate(cb):
        item = Dialogue(d.uuid, "cb", d.turns, d.n_open, d.ask, d.budget_max, d.deal)
        (test if i in test_idx else train).append(item)
    for bucket, n, seed in ((train, SIM_TRAIN, SEED + 1), (test, SIM_TEST, SEED + 2)):
        for j, (turns, ask, budget, deal) in enumerate(simulate_dialogues(n, seed)):
            shown_ask = None if j % 10 < SIM_NO_ASK_SHARE * 10 else ask
            bucket.append(Dialogue(f"sim{seed}-{j}", "sim", turns, _sim_open(turns), shown_ask, budget, deal))
    return train, test


def build_examples(dialogues: Iterable[Dialogue]) -> Examples:
    rows: list[np.ndarray] = []
    meta: list[tuple[bool, str, str, int, bool, bool]] = []
    for d in dialogues:
        for k in range(d.n_open + 1):
            prefix = d.turns[:k]
            rows.append(dialogue_features(prefix, ask=d.ask, budget_max=d.budget_max))
            roles = {t.role for t in prefix if t.price is not None and t.price > 0}
            meta.append((d.deal, d.key, d.source, k, len(roles) == 2, k == d.n_open))
    cols = list(zip(*meta, strict=True))
    return Examples(
        x=np.vstack(rows),
        y=np.array(cols[0], dtype=int),
        group=np.array(cols[1]),
        source=np.array(cols[2]),
        k=np.array(cols[3]),
        both_prices=np.array(cols[4]),
        is_last_open=np.array(cols[5]),
    )


def fit(ex: Examples) -> CalibratedClassifierCV:
    """Boosted trees refit on all training prefixes; isotonic calibration on grouped out-of-fold scores."""
    _, groups = np.unique(ex.group, return_inverse=True)
    splits = list(GroupKFold(n_splits=5).split(ex.x, ex.y, groups))
    weight = np.where(ex.source == "sim", SIM_WEIGHT, 1.0)
    model = CalibratedClassifierCV(
        GradientBoostingClassifier(**GBT_PARAMS), method="isotonic", cv=splits, ensemble=False
    )
    return model.fit(ex.x, ex.y, sample_weight=weight)


def export(model: CalibratedClassifierCV, base_rate: float) -> dict[str, Any]:
    """The fitted estimators as a JSON-able artifact for DealProbabilityModel (public attributes only)."""
    cc = model.calibrated_classifiers_[0]
    gbt: GradientBoostingClassifier = cc.estimator
    calibrator = cc.calibrators[0]
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
        "calibration": {"x": calibrator.X_thresholds_.tolist(), "y": calibrator.y_thresholds_.tolist()},
        "trees": trees,
    }


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    idx = np.minimum((p * bins).astype(int), bins - 1)
    table = []
    for b in range(bins):
        sel = idx == b
        n = int(sel.sum())
        table.append(
            {
                "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
                "count": n,
                "mean_predicted": round(float(p[sel].mean()), 4) if n else None,
                "observed_rate": round(float(y[sel].mean()), 4) if n else None,
            }
        )
    return table


def score(y: np.ndarray, p: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    both = len(set(y.tolist())) == 2
    return {
        "auc": round(float(roc_auc_score(y, p)), 4) if both else None,
        "brier": round(float(brier_score_loss(y, p)), 4),
        "brier_constant_base_rate": round(float(brier_score_loss(y, np.full(len(y), y.mean()))), 4),
        "prefixes": len(y),
        "dialogues": len(set(groups.tolist())),
        "positive_rate": round(float(y.mean()), 4),
    }


def evaluate(ex: Examples, p: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, sel in (("cb", ex.source == "cb"), ("sim", ex.source == "sim"), ("all", np.ones(len(p), bool))):
        out[name] = score(ex.y[sel], p[sel], ex.group[sel]) | {"reliability": reliability(ex.y[sel], p[sel])}
    cb = ex.source == "cb"
    stages = {
        "empty (k=0)": cb & (ex.k == 0),
        "before both sides named a price": cb & (ex.k > 0) & ~ex.both_prices,
        "both sides named a price": cb & ex.both_prices,
        "last open prefix (just before the decision)": cb & ex.is_last_open,
    }
    out["cb_by_stage"] = {name: score(ex.y[sel], p[sel], ex.group[sel]) for name, sel in stages.items()}
    return out


def spot_checks(test: list[Dialogue], model: DealProbabilityModel) -> list[dict[str, Any]]:
    """Held-out CB predictions (2 deals, 2 no-deals, 3 prefixes each), recomputed by the tests to catch drift."""
    cb = [d for d in test if d.source == "cb"]
    chosen = [d for d in cb if d.deal][:2] + [d for d in cb if not d.deal][:2]
    checks = []
    for d in chosen:
        for k in sorted({1, d.n_open // 2, d.n_open}):
            p = model.predict(d.turns[:k], ask=d.ask, budget_max=d.budget_max)
            checks.append({"uuid": d.key, "k": k, "deal": d.deal, "prediction": round(p, 6)})
    return checks


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def reliability_markdown(metrics: dict[str, Any]) -> str:
    lines = ["# Deal-probability model: held-out reliability", "", metrics["scored_prefixes"], ""]
    for name in ("cb", "sim", "all"):
        m = metrics["test"][name]
        lines += [
            f"## {name}: AUC {_fmt(m['auc'])}, Brier {_fmt(m['brier'])} "
            f"(constant base rate: {_fmt(m['brier_constant_base_rate'])}), "
            f"{m['prefixes']} prefixes of {m['dialogues']} dialogues",
            "",
            "| bin | count | mean predicted | observed |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {r['bin']} | {r['count']} | {_fmt(r['mean_predicted'])} | {_fmt(r['observed_rate'])} |"
            for r in m["reliability"]
        ]
        lines.append("")
    lines += ["## CB by stage", "", "| stage | prefixes | AUC | Brier |", "|---|---:|---:|---:|"]
    for stage, m in metrics["test"]["cb_by_stage"].items():
        lines.append(f"| {stage} | {m['prefixes']} | {_fmt(m['auc'])} | {_fmt(m['brier'])} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cb-path", type=Path, default=craigslist.DEFAULT_PATH, help="CB dev-parsed.json")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="where model.json and metrics go")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    train, test = load_all(args.cb_path)
    tr, te = build_examples(train), build_examples(test)
    weight = np.where(tr.source == "sim", SIM_WEIGHT, 1.0)
    base_rate = float(np.average(tr.y, weights=weight))
    fitted = fit(tr)
    artifact = export(fitted, base_rate)
    shipped = DealProbabilityModel(artifact)
    p = shipped.predict_features(te.x)
    reference = np.clip(fitted.predict_proba(te.x)[:, 1], *CLIP)
    drift = float(np.max(np.abs(p - reference)))
    if drift > 1e-9:
        raise RuntimeError(f"exported model disagrees with scikit-learn by {drift}")

    metrics: dict[str, Any] = {
        "scored_prefixes": (
            "Every prefix t1..tk, k = 0..n_open, of every held-out dialogue, where n_open counts the turns "
            "before the first decisive act (CB: accept/reject/quit action; simulated: accept or walk-away); "
            "the decisive act itself and anything after it are never scored. Label: the dialogue ended in a deal."
        ),
        "test": evaluate(te, p),
        "train": {
            "cb_dialogues": sum(d.source == "cb" for d in train),
            "sim_dialogues": sum(d.source == "sim" for d in train),
            "prefixes": len(tr.y),
            "sim_weight": SIM_WEIGHT,
            "sim_no_ask_share": SIM_NO_ASK_SHARE,
            "base_rate_weighted": round(base_rate, 4),
        },
        "model": {
            "estimator": "GradientBoostingClassifier",
            "params": GBT_PARAMS,
            "calibration": "isotonic, 5-fold GroupKFold by dialogue, ensemble=False",
            "clip": list(CLIP),
            "sklearn_version": sklearn.__version__,
            "export_max_abs_diff": drift,
        },
        "split": {"seed": SEED, "cb_test_fraction": CB_TEST_FRACTION, "sim_train": SIM_TRAIN, "sim_test": SIM_TEST},
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
