"""Campaign managers' campaign screens: the list, a campaign with its members' outreach status and budget, a launch
form (email or voice, target and max) and the progress of a running launch."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from api.web import client
from api.web.blueprint import bp, can, refused
from api.web.session import login_required, signed_in

MEMBERS_PER_PAGE = 50
MEMBER_ORDER = ("added", "queued", "sent", "replied", "negotiating", "agreed", "declined", "bounced", "unsubscribed",
                "failed")


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@bp.get("/app/campaigns")
@login_required
def campaigns() -> Any:
    answer = client.get("/api/v1/campaigns", limit=25, cursor=request.args.get("cursor"))
    if not answer.ok:
        return render_template("app/campaigns.html", title="Campaigns", items=[], next_cursor=None,
                               error=answer.message)
    return render_template("app/campaigns.html", title="Campaigns", items=answer.body["items"],
                           next_cursor=answer.body["next_cursor"])


def _role() -> str | None:
    user = signed_in()
    return user.role if user else None


def _outreach_label(member: dict[str, Any]) -> str:
    """The member's status as a person reads it: 'sent' with follow-ups becomes 'follow-up n'."""
    if member["status"] == "sent" and member.get("followups_sent"):
        return f"follow-up {member['followups_sent']}"
    return member["status"]


def _negotiations(campaign_id: str) -> list[dict[str, Any]]:
    if not can(_role(), "manager", "evaluator"):
        return []
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(10):  # at most 2,000 negotiations per campaign page
        answer = client.get("/api/v1/negotiations", campaign_id=campaign_id, limit=200, cursor=cursor)
        if not answer.ok:
            break
        items += answer.body["items"]
        cursor = answer.body["next_cursor"]
        if not cursor:
            break
    return items


@bp.get("/app/campaigns/<campaign_id>")
@login_required
def campaign(campaign_id: str) -> Any:
    job_id = request.args.get("job")  # read before the members: a launch that ended shows them where they are now
    job = client.get(f"/api/v1/jobs/{job_id}") if job_id else None
    answer = client.get(f"/api/v1/campaigns/{campaign_id}")
    if not answer.ok:
        return refused("Campaign not found", answer)
    data = answer.body
    members = data.get("members", [])
    counts = Counter(_outreach_label(m) for m in members)
    page = page_number()
    shown = members[(page - 1) * MEMBERS_PER_PAGE: page * MEMBERS_PER_PAGE]
    for m in shown:
        profile = client.get(f"/api/v1/influencers/{m['influencer_id']}")
        m["creator"] = profile.body if profile.ok else None
        m["label"] = _outreach_label(m)
    negotiations = _negotiations(campaign_id)
    by_creator = {n["influencer_id"]: n for n in negotiations}
    committed = sum((Decimal(str(n["terms"]["price_usd"])) for n in negotiations
                     if n["status"] == "agreed" and n["terms"].get("price_usd") is not None), Decimal(0))
    total = Decimal(str(data["budget_total_usd"])) if data.get("budget_total_usd") is not None else None
    return render_template(
        "app/campaign.html", title=data["name"], campaign=data, members=shown, counts=counts,
        order=[s for s in MEMBER_ORDER if counts.get(s)] + sorted(k for k in counts if k not in MEMBER_ORDER),
        page=page, pages=max(1, -(-len(members) // MEMBERS_PER_PAGE)), by_creator=by_creator,
        committed=committed, total=total,
        share=float(committed / total) if total else None, job=job.body if job is not None and job.ok else None,
        job_error=job.message if job is not None and not job.ok else None,
        launch_key=client.new_idempotency_key(),
        can_launch=can(_role(), "manager"))


@bp.post("/app/campaigns/<campaign_id>/launch")
@login_required
def launch(campaign_id: str) -> Any:
    """POST /api/v1/campaigns/{id}/launch with the form's creators, channel and prices (Idempotency-Key from the
    form, so a double submit launches once)."""
    ids = [i for i in request.form.getlist("influencer_ids") if i]
    body = {"influencer_ids": ids, "channel": request.form.get("channel") or "email",
            "pricing": {"target_usd": request.form.get("target_usd") or None,
                        "max_usd": request.form.get("max_usd") or None}}
    if not ids:
        flash("Tick the creators to launch to.", "error")
        return redirect(url_for("web.campaign", campaign_id=campaign_id))
    answer = client.post(f"/api/v1/campaigns/{campaign_id}/launch", body,
                         idempotency_key=request.form.get("idempotency_key") or None)
    if not answer.ok:
        flash(f"The launch was refused: {answer.message}", "error")
        return redirect(url_for("web.campaign", campaign_id=campaign_id))
    flash(f"Launched {body['channel']} outreach to {len(ids)} creator{'s' if len(ids) != 1 else ''}.", "ok")
    return redirect(url_for("web.campaign", campaign_id=campaign_id, job=answer.body["job_id"]))


@bp.get("/app/jobs/<job_id>")
@login_required
def job_progress(job_id: str) -> Any:
    """The progress bar of a launch (htmx polls it until the job is done or failed)."""
    answer = client.get(f"/api/v1/jobs/{job_id}")
    if not answer.ok:
        return render_template("app/_job.html", job=None, error=answer.message)
    html = render_template("app/_job.html", job=answer.body, error=None)
    if request.args.get("poll") and answer.body["status"] in ("done", "failed"):
        # The launch just ended while the page watched it: reload it, so the members show where they are now.
        return html, 200, {"HX-Refresh": "true"}
    return html
