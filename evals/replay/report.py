"""The replay report as JSON-able data: what `--format json` writes and GET /api/v1/replays/{id} returns.

`build_report` runs a whole replay (transcripts → replays → metrics); `report_dict` lays it out. Money is a
plain USD number (README "Conventions"), every turn carries what was recorded and what the agent decides now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from data.types import optional_money_json as _usd
from evals.replay.metrics import annotation_summary, comparison, set_metrics
from evals.replay.overrides import overrides_json, policy_config
from evals.replay.replayer import LIMIT_NOTE, ReplayedDecision, TranscriptReplay, TurnReplay, replay_all
from evals.replay.transcript import ReadError, Transcript

FORMAT = "influence-agent/replay-report/v1"



def _replayed(d: ReplayedDecision | None, probability: float | None = None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {"action": d.action, "offer_usd": _usd(d.offer_usd), "act": d.act, "reason": d.reason, "text": d.text,
            "wording_source": d.wording_source, "gate": {"passed": not d.gate, "problems": d.gate},
            "status": d.status, "deal_probability": probability, "rationale": d.rationale}


def _turn(t: TurnReplay) -> dict[str, Any]:
    recorded = None
    if t.recorded is not None or t.recorded_text is not None:
        decision = t.recorded.model_dump(mode="json", exclude_none=True) if t.recorded else {}
        recorded = {"action": decision.pop("action", None), "offer_usd": decision.pop("offer_usd", None),
                    "text": t.recorded_text, "deal_probability": t.recorded_probability,
                    "gate": None if t.recorded_gate is None else {"passed": not t.recorded_gate,
                                                                   "problems": t.recorded_gate},
                    "details": decision}
    return {"index": t.index, "seq": t.seq, "creator_text": t.creator_text,
            "creator_price_usd": _usd(t.creator_price), "recorded_understood": t.recorded_understood,
            "understood": t.replayed.understood if t.replayed else None, "recorded": recorded,
            "replayed": _replayed(t.replayed, t.replayed_probability), "verdict": t.verdict,
            "annotations": t.annotations}


def transcript_dict(r: TranscriptReplay) -> dict[str, Any]:
    t = r.transcript
    return {
        "id": t.id, "source": t.source, "origin": t.origin,
        "setup": {"target_usd": _usd(t.setup.target_usd), "max_usd": _usd(t.setup.max_usd),
                  "deliverables": t.setup.deliverables, "usage_rights": t.setup.usage_rights,
                  "creator_floor_usd": _usd(t.setup.creator_floor_usd)},
        "recorded": {"status": r.recorded_status, "price_usd": _usd(r.recorded_price)},
        "replayed": {"status": r.replayed_status, "price_usd": _usd(r.replayed_price)},
        "first_divergence": r.first_divergence, "error": r.error,
        "opening": _replayed(r.opening, next((p.value for p in r.replayed_points if p.creator_index == 0), None)),
        "turns": [_turn(turn) for turn in r.turns],
    }


def report_dict(replays: list[TranscriptReplay], errors: Iterable[ReadError] = (),
                policy: Mapping[str, Any] | None = None, *, replay_id: str | None = None,
                sources: Iterable[str] = ()) -> dict[str, Any]:
    failed = [{"origin": r.transcript.origin, "message": r.error} for r in replays if r.error]
    return {
        "format": FORMAT, "id": replay_id, "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "sources": list(sources), "policy": overrides_json(policy), "note": LIMIT_NOTE,
        "metrics": set_metrics(replays), "comparison": comparison(replays),
        "annotations": annotation_summary(replays),
        "errors": [e.model_dump() for e in errors] + failed,
        "transcripts": [transcript_dict(r) for r in replays],
    }


def build_report(transcripts: list[Transcript], errors: Iterable[ReadError] = (),
                 policy: Mapping[str, Any] | None = None, *, on_progress: Callable[[int], None] | None = None,
                 **kwargs: Any) -> dict[str, Any]:
    """Replay the transcripts under the policy overrides and lay the report out (raises OverrideError)."""
    config = policy_config(policy)
    return report_dict(replay_all(transcripts, config, on_progress=on_progress), errors, policy, **kwargs)
