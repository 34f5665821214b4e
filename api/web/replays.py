"""Evaluators' screens: a negotiation's replay viewer (turn table with what was understood, decided and the gate's
verdict, the two charts, recorded vs replayed once a replay exists), turn annotations, and the replay-runs list."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from api.web import charts, client
from api.web.blueprint import bp, refused
from api.web.session import login_required
from evals.replay import charts as replay_charts

REPLAYS_SCANNED = 200


def _latest_replay_of(negotiation_id: str) -> dict[str, Any] | None:
    """The newest finished replay whose report holds this negotiation, as (report transcript, replay id)."""
    answer = client.get("/api/v1/replays", limit=REPLAYS_SCANNED)
    if not answer.ok:
        return None
    wanted = f"negotiation {negotiation_id}"
    for item in reversed(answer.body["items"]):
        if item["status"] == "done" and wanted in item.get("sources", []):
            report = client.get(f"/api/v1/replays/{item['id']}")
            if not report.ok:
                continue
            for transcript in report.body.get("transcripts", []):
                if transcript.get("id") == negotiation_id or negotiation_id in str(transcript.get("origin", "")):
                    return {"replay_id": item["id"], "transcript": transcript}
    return None


@bp.get("/app/negotiations/<negotiation_id>/replay")
@login_required
def replay_viewer(negotiation_id: str) -> Any:
    transcript = client.get(f"/api/v1/negotiations/{negotiation_id}/transcript")
    if not transcript.ok:
        return refused("Transcript unavailable", transcript)
    neg = client.get(f"/api/v1/negotiations/{negotiation_id}")
    replayed = _latest_replay_of(negotiation_id)
    compare = None
    if replayed:
        t = replayed["transcript"]
        compare = {"replay_id": replayed["replay_id"], "transcript": t,
                   "offers_svg": replay_charts.offers_chart(t), "probability_svg": replay_charts.probability_chart(t)}
    return render_template(
        "app/replay_viewer.html", title="Replay viewer", negotiation_id=negotiation_id, transcript=transcript.body,
        neg=neg.body if neg.ok else {}, compare=compare,
        offers_svg=charts.offers_chart(neg.body) if neg.ok else "",
        probability_svg=charts.probability_chart(neg.body) if neg.ok else "")


@bp.post("/app/negotiations/<negotiation_id>/annotations")
@login_required
def annotate(negotiation_id: str) -> Any:
    try:
        turn = int(request.form.get("turn", ""))
    except ValueError:
        turn = 0
    body = {"turn": turn, "label": request.form.get("label") or "", "note": request.form.get("note") or None}
    answer = client.post(f"/api/v1/negotiations/{negotiation_id}/annotations", body)
    if answer.ok:
        flash(f"Turn {turn} labelled {body['label']}.", "ok")
    else:
        flash(f"The label was not saved: {answer.message}", "error")
    return redirect(url_for("web.replay_viewer", negotiation_id=negotiation_id) + f"#turn-{turn}")


@bp.post("/app/replays")
@login_required
def run_replay() -> Any:
    ids = [i for i in request.form.getlist("negotiation_ids") if i]
    answer = client.post("/api/v1/replays", {"negotiation_ids": ids})
    if not answer.ok:
        flash(f"The replay was not started: {answer.message}", "error")
        back = url_for("web.replay_viewer", negotiation_id=ids[0]) if len(ids) == 1 else url_for("web.replays")
        return redirect(back)
    flash("Replay started; it appears below once it has run.", "ok")
    return redirect(url_for("web.replay_report", replay_id=answer.body["replay_id"]))


@bp.get("/app/replays")
@login_required
def replays() -> Any:
    answer = client.get("/api/v1/replays", limit=50, cursor=request.args.get("cursor"))
    if not answer.ok:
        return render_template("app/replays.html", title="Replays", items=[], next_cursor=None, error=answer.message)
    return render_template("app/replays.html", title="Replays", items=list(reversed(answer.body["items"])),
                           next_cursor=answer.body["next_cursor"])


@bp.get("/app/replays/<replay_id>")
@login_required
def replay_report(replay_id: str) -> Any:
    answer = client.get(f"/api/v1/replays/{replay_id}")
    if not answer.ok:
        return refused("Replay not found", answer)
    report = answer.body
    transcripts = [{**t, "offers_svg": replay_charts.offers_chart(t),
                    "probability_svg": replay_charts.probability_chart(t)}
                   for t in report.get("transcripts", [])[:20] if not t.get("error")]
    return render_template("app/replay_report.html", title="Replay", report=report, transcripts=transcripts)
