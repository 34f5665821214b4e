"""Held-out figures of the deal-probability model: discrimination, calibration, their uncertainty, the report.

Pure functions of labels, probabilities and dialogue keys; `train.py` decides what is scored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

BOOTSTRAP_ROUNDS = 1000


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


def bootstrap_ci(y: np.ndarray, p: np.ndarray, groups: np.ndarray, sources: np.ndarray, n: int = BOOTSTRAP_ROUNDS,
                 seed: int = 0) -> dict[str, list[float]]:
    """95% intervals of AUC and Brier from resampling whole dialogues (within each source, so a pool keeps its
    mix): one split's figure is a draw, and the prefixes of one dialogue are not independent."""
    rng = np.random.default_rng(seed)
    rows_of: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        rows_of.setdefault(str(group), []).append(i)
    by_source: dict[str, list[str]] = {}
    for key, rows in rows_of.items():
        by_source.setdefault(str(sources[rows[0]]), []).append(key)
    aucs, briers = [], []
    for _ in range(n):
        idx = np.concatenate([rows_of[k] for keys in by_source.values() for k in rng.choice(keys, len(keys))])
        if len(set(y[idx].tolist())) == 2:
            aucs.append(roc_auc_score(y[idx], p[idx]))
        briers.append(brier_score_loss(y[idx], p[idx]))
    ci = {"brier_ci95": [round(float(v), 4) for v in np.percentile(briers, [2.5, 97.5])]}
    if aucs:
        ci["auc_ci95"] = [round(float(v), 4) for v in np.percentile(aucs, [2.5, 97.5])]
    return ci


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _interval(ci: list[float] | None) -> str:
    return "-" if not ci else f"{ci[0]:.3f}–{ci[1]:.3f}"


def reliability_markdown(metrics: dict[str, Any]) -> str:
    lines = ["# Deal-probability model: held-out reliability", "", metrics["scored_prefixes"], ""]
    for name in [k for k in metrics["test"] if "_by_" not in k]:
        m = metrics["test"][name]
        lines += [
            f"## {name}: AUC {_fmt(m['auc'])}, Brier {_fmt(m['brier'])} "
            f"(constant base rate: {_fmt(m['brier_constant_base_rate'])}), "
            f"{m['prefixes']} prefixes of {m['dialogues']} dialogues",
            "",
            f"95% interval, resampling dialogues: AUC {_interval(m.get('auc_ci95'))}, "
            f"Brier {_interval(m.get('brier_ci95'))}",
            "",
            "| bin | count | mean predicted | observed |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {r['bin']} | {r['count']} | {_fmt(r['mean_predicted'])} | {_fmt(r['observed_rate'])} |"
            for r in m["reliability"]
        ]
        lines.append("")
    for table in [k for k in metrics["test"] if "_by_" in k]:
        lines += [*_slice_table(table.replace("_", " "), metrics["test"][table]), ""]
    cv = metrics["train"]["grouped_cv"]
    lines += [
        "## grouped 5-fold CV on the training part (the whole pipeline refit in every fold; used for model selection)",
        "",
        "| source | AUC | Brier |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {s} | {_fmt(m['auc'])} (folds {', '.join(_fmt(a) for a in m['auc_by_fold'])}) | {_fmt(m['brier'])} |"
        for s, m in cv.items()
    ]
    for source, stages in metrics["train"].get("grouped_cv_by_stage", {}).items():
        lines += ["", *_slice_table(f"grouped CV on the training part, {source} by stage", stages)]
    return "\n".join(lines) + "\n"


def _slice_table(title: str, slices: dict[str, Any]) -> list[str]:
    lines = [f"## {title}", "", "| slice | prefixes | AUC | Brier |", "|---|---:|---:|---:|"]
    rows = [f"| {name} | {m['prefixes']} | {_fmt(m['auc'])} | {_fmt(m['brier'])} |" for name, m in slices.items()]
    return lines + rows
