"""Per-set metrics of a replay, for the recorded and the replayed side alike.

- agreement: share of transcripts that ended agreed (recorded: among those whose outcome is known).
- price_vs_ceiling: mean agreed price / max_usd.
- surplus_share: mean (max_usd − price) / (max_usd − creator floor) over agreements with a floor below the
  ceiling; the floor is the creator's recorded reservation price, else the lowest price they named or agreed
  to in the recording (an upper bound of it). A replayed "agreement" under that floor is an artefact of
  divergence (the creator's recorded yes answered a higher offer), so it is counted in `below_floor` and kept
  out of the share, which therefore stays within [0, 1].
- violations: agent offers or acceptances above max_usd (and transcripts with one).
- gate_failures: agent turns whose text the gate rejected (None where the source recorded no verdict).
- deal probability: ROC AUC and Brier score (scikit-learn's values, see `roc_auc`) of every scored point against
  that side's outcome; points of transcripts whose outcome is unknown or still open are left out.
"""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import Decimal
from typing import Any

import numpy as np

from evals.replay.replayer import COMPARED, TranscriptReplay
from evals.replay.scoring import ProbabilityPoint
from evals.replay.transcript import Transcript

_ENDED = ("agreed", "declined", "expired")


def creator_floor(transcript: Transcript) -> Decimal | None:
    if transcript.setup.creator_floor_usd is not None:
        return transcript.setup.creator_floor_usd
    named = [Decimal(str(t.understood["price_usd"])) for t in transcript.turns
             if t.role == "creator" and t.understood and t.understood.get("price_usd")]
    if transcript.outcome.status == "agreed" and transcript.outcome.price_usd is not None:
        named.append(transcript.outcome.price_usd)
    return min(named) if named else None


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def _probability_metrics(points: list[tuple[float, int]]) -> dict[str, Any]:
    labels = np.fromiter((label for _, label in points), dtype=np.intp, count=len(points))
    values = np.fromiter((value for value, _ in points), dtype=np.float64, count=len(points))
    auc = round(roc_auc(labels, values), 4) if 0 < labels.sum() < len(points) else None
    brier = round(brier_score(labels, values), 4) if points else None
    return {"deal_probability_auc": auc, "deal_probability_brier": brier, "deal_probability_points": len(points)}


def roc_auc(labels: np.ndarray, values: np.ndarray) -> float:
    """ROC AUC of 0/1 labels, to the bit scikit-learn's `roc_auc_score`: the trapezoids under the ROC curve's
    corners (one point per distinct value, highest first, collinear points dropped, from (0, 0)).

    Computed here because scikit-learn's input checks cost ~30 times the metric (1.6 ms against 0.06 ms on 1,000
    points; a report takes one per side, the bench replay ten reports per pass), and importing scikit-learn is
    ~95 MB of a web worker's RSS. tests/test_replay_scoring.py holds both metrics to sklearn's."""
    order = np.argsort(-values, kind="stable")
    ends = np.append(np.flatnonzero(np.diff(values[order])), len(values) - 1)
    tps = np.cumsum(labels[order])[ends]
    fps = ends + 1 - tps
    if len(ends) > 2:
        corners = np.concatenate(([True], (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0), [True]))
        tps, fps = tps[corners], fps[corners]
    fpr = np.append(0.0, fps.astype(np.float64)) / float(fps[-1])
    tpr = np.append(0.0, tps.astype(np.float64)) / float(tps[-1])
    return float(np.trapezoid(tpr, fpr))


def brier_score(labels: np.ndarray, values: np.ndarray) -> float:
    """Brier score of 0/1 labels, to the bit scikit-learn's `brier_score_loss`: half the mean squared distance
    of the (1 - p, p) pair from the one-hot label."""
    y = labels.astype(np.float64)
    return float((((1.0 - y) - (1.0 - values)) ** 2 + (y - values) ** 2).mean() * 0.5)


def _side(replays: list[TranscriptReplay], side: str) -> dict[str, Any]:
    known = 0
    agreed = 0
    ratios: list[float] = []
    shares: list[float] = []
    below_floor = 0
    violations = 0
    violating = 0
    gate_failures = 0
    gate_recorded = False
    points: list[tuple[float, int]] = []
    for r in replays:
        t = r.transcript
        status = r.recorded_status if side == "recorded" else r.replayed_status
        price = r.recorded_price if side == "recorded" else r.replayed_price
        if status is not None:
            known += 1
        if status == "agreed":
            agreed += 1
            if price is not None:
                ratios.append(float(price / t.setup.max_usd))
                floor = creator_floor(t)
                if floor is not None and t.setup.max_usd > floor:
                    if price < floor:
                        below_floor += 1
                    else:
                        shares.append(float((t.setup.max_usd - min(price, t.setup.max_usd))
                                            / (t.setup.max_usd - floor)))
        offers = _offers(r, side)
        over = sum(1 for o in offers if o > t.setup.max_usd)
        violations += over
        violating += over > 0
        gates = _gates(r, side)
        if gates is not None:
            gate_recorded = True
            gate_failures += sum(1 for g in gates if g)
        chosen: list[ProbabilityPoint] = r.recorded_points if side == "recorded" else r.replayed_points
        if status in _ENDED:
            points.extend((p.value, int(status == "agreed")) for p in chosen if p.value is not None)
    return {
        "transcripts": len(replays), "outcome_known": known,
        "agreement": round(agreed / known, 4) if known else None, "agreed": agreed,
        "price_vs_ceiling": _mean(ratios), "surplus_share": _mean(shares), "surplus_share_n": len(shares),
        "below_floor": below_floor,
        "violations": violations, "transcripts_with_violation": violating,
        "gate_failures": gate_failures if gate_recorded else None,
        **_probability_metrics(points),
    }


def _offers(r: TranscriptReplay, side: str) -> list[Decimal]:
    if side == "recorded":
        return [t.decision.offer_usd for t in r.transcript.turns
                if t.role == "agent" and t.decision and t.decision.offer_usd is not None
                and t.decision.action in ("counter", "accept")]
    return [t.replayed.offer_usd for t in r.turns if t.replayed and t.replayed.offer_usd is not None]


def _gates(r: TranscriptReplay, side: str) -> list[list[str]] | None:
    if side == "recorded":
        gates = [t.gate for t in r.transcript.turns if t.role == "agent" and t.gate is not None]
        return gates or None
    return [t.replayed.gate for t in r.turns if t.replayed]


def comparison(replays: list[TranscriptReplay]) -> dict[str, Any]:
    verdicts = Counter(t.verdict for r in replays for t in r.turns)
    compared = sum(verdicts[v] for v in COMPARED)
    firsts = [r.first_divergence for r in replays if r.first_divergence is not None]
    return {
        "turns": sum(verdicts.values()), "compared": compared, **{k: verdicts.get(k, 0) for k in (
            "same", "different_offer", "different_action", "no_recorded_reply", "not_replayed")},
        "same_share": round(verdicts["same"] / compared, 4) if compared else None,
        "transcripts_diverged": len(firsts),
        "first_divergence_mean": _mean([float(f) for f in firsts]),
    }


def annotation_summary(replays: list[TranscriptReplay]) -> dict[str, Any]:
    """Share of labelled turns labelled bad, overall and by the recorded act of the turn labelled."""
    by_act: dict[str, Counter[str]] = {}
    for r in replays:
        turns = {t.seq: t for t in r.transcript.turns if t.seq is not None}
        for a in r.transcript.annotations:
            turn = turns.get(a.turn)
            act = "unknown"
            if turn is not None and turn.role == "agent" and turn.decision and turn.decision.action:
                act = turn.decision.action.value
            elif turn is not None and turn.role == "creator":
                act = f"creator:{(turn.understood or {}).get('intent', 'unknown')}"
            by_act.setdefault(act, Counter())[a.label] += 1
    total = sum(sum(c.values()) for c in by_act.values())
    bad = sum(c["bad"] for c in by_act.values())
    return {
        "turns_labelled": total, "bad_share": round(bad / total, 4) if total else None,
        "by_act": {act: {"labelled": sum(c.values()), "bad": c["bad"], "good": c["good"], "unsure": c["unsure"],
                         "bad_share": round(c["bad"] / sum(c.values()), 4)} for act, c in sorted(by_act.items())},
    }


def set_metrics(replays: list[TranscriptReplay]) -> dict[str, Any]:
    ok = [r for r in replays if r.error is None]
    return {"recorded": _side(ok, "recorded"), "replayed": _side(ok, "replayed")}
