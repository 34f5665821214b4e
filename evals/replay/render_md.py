"""`--format md`: the report as Markdown tables that read well in a terminal."""

from __future__ import annotations

from typing import Any


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _usd(value: Any) -> str:
    return "—" if value is None else f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"


def _cell(text: Any, width: int = 60) -> str:
    s = "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")
    return s if len(s) <= width else s[: width - 1] + "…"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def metric_rows(metrics: dict[str, Any]) -> list[list[str]]:
    rec, rep = metrics["recorded"], metrics["replayed"]

    def agreement(m: dict[str, Any]) -> str:
        return f"{_pct(m['agreement'])} ({m['agreed']}/{m['outcome_known']})"

    def violations(m: dict[str, Any]) -> str:
        return f"{m['violations']} in {m['transcripts_with_violation']} transcripts"

    def auc(m: dict[str, Any]) -> str:
        return f"{_num(m['deal_probability_auc'], 3)} (n={m['deal_probability_points']})"

    return [
        ["agreement", agreement(rec), agreement(rep)],
        ["price vs ceiling", _num(rec["price_vs_ceiling"]), _num(rep["price_vs_ceiling"])],
        ["surplus share", f"{_num(rec['surplus_share'])} (n={rec['surplus_share_n']})",
         f"{_num(rep['surplus_share'])} (n={rep['surplus_share_n']})"],
        ["agreed under the creator's floor", str(rec.get("below_floor", 0)), str(rep.get("below_floor", 0))],
        ["budget violations", violations(rec), violations(rep)],
        ["gate failures", _num(rec["gate_failures"]), _num(rep["gate_failures"])],
        ["deal-probability AUC", auc(rec), auc(rep)],
        ["deal-probability Brier", _num(rec["deal_probability_brier"], 3), _num(rep["deal_probability_brier"], 3)],
    ]


def _decision(d: dict[str, Any] | None) -> str:
    if not d or not d.get("action"):
        return "—"
    return d["action"] + (f" {_usd(d['offer_usd'])}" if d.get("offer_usd") is not None else "")


def turn_rows(transcript: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for t in transcript["turns"]:
        creator = t["creator_text"] or f"({(t['recorded_understood'] or {}).get('intent', '?')})"
        notes = ", ".join(a["label"] for a in t["annotations"])
        rows.append([t["index"], _cell(creator, 48), _decision(t["recorded"]), _decision(t["replayed"]),
                     t["verdict"], _num((t["recorded"] or {}).get("deal_probability")),
                     _num((t["replayed"] or {}).get("deal_probability")), notes])
    return rows


def _transcript_row(t: dict[str, Any]) -> list[Any]:
    replayed = f"error: {t['error']}" if t["error"] else f"{t['replayed']['status']} {_usd(t['replayed']['price_usd'])}"
    same = sum(x["verdict"] == "same" for x in t["turns"])
    compared = sum(x["verdict"] in ("same", "different_offer", "different_action") for x in t["turns"])
    return [t["id"], t["source"], _usd(t["setup"]["max_usd"]),
            f"{t['recorded']['status'] or '?'} {_usd(t['recorded']['price_usd'])}", replayed,
            t["first_divergence"] or "—", f"{same} / {compared}"]


def render(report: dict[str, Any], *, limit: int = 20, turn_tables: int | None = None) -> str:
    """The set metrics, the comparison, a row per transcript (up to `limit`) and turn tables (default: every
    transcript when there are at most 3, else none)."""
    transcripts = report["transcripts"]
    lines = [f"# Replay of {len(transcripts)} transcripts", ""]
    if report["policy"]:
        lines += ["Policy overrides: " + ", ".join(f"`{k}={v}`" for k, v in report["policy"].items()), ""]
    lines += [f"> {report['note']}", "", "## Set metrics", ""]
    lines += [*_table(["metric", "recorded", "replayed"], metric_rows(report["metrics"])), ""]
    c = report["comparison"]
    lines += ["## Turns compared", "",
              f"{c['compared']} of {c['turns']} creator turns compared: same {c['same']} ({_pct(c['same_share'])}), "
              f"different offer {c['different_offer']}, different action {c['different_action']}; "
              f"no recorded reply {c['no_recorded_reply']}, not replayed (replay had ended) {c['not_replayed']}. "
              f"{c['transcripts_diverged']} transcripts diverged, at creator turn "
              f"{_num(c['first_divergence_mean'], 1)} on average.", ""]
    notes = report["annotations"]
    if notes["turns_labelled"]:
        lines += ["## Annotations", "", f"{notes['turns_labelled']} turns labelled, {_pct(notes['bad_share'])} bad.",
                  ""]
        rows = [[act, v["labelled"], v["bad"], _pct(v["bad_share"])] for act, v in notes["by_act"].items()]
        lines += [*_table(["act", "labelled", "bad", "bad share"], rows), ""]
    shown = transcripts[:limit]
    lines += [f"## Transcripts ({len(shown)} of {len(transcripts)})", ""]
    header = ["id", "source", "max", "recorded", "replayed", "first divergence", "same / compared"]
    lines += [*_table(header, [_transcript_row(t) for t in shown]), ""]
    count = turn_tables if turn_tables is not None else (len(transcripts) if len(transcripts) <= 3 else 0)
    for t in transcripts[:count]:
        lines += [f"### Turns of {t['id']}", ""]
        header = ["#", "creator", "recorded agent", "replayed agent", "verdict", "p then", "p now", "labels"]
        lines += [*_table(header, turn_rows(t)), ""]
    if report["errors"]:
        lines += [f"## Not replayed ({len(report['errors'])})", ""]
        lines += [f"- {e['origin']}: {e['message']}" for e in report["errors"]] + [""]
    return "\n".join(lines)
