"""Campaign managers' negotiation screens: the inbox across campaigns (escalations and low-probability deals first,
filters) and a negotiation's page: the thread with calls, the offers and probability charts, and human takeover."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from api.web import charts, client
from api.web.blueprint import bp, can, refused
from api.web.session import login_required, signed_in

INBOX_PAGE = 25
INBOX_CAP = 2000  # negotiations ordered at once; past it the oldest are left out (and the page says so)
STATUSES = ("open", "escalated", "agreed", "declined", "expired")


def _role() -> str | None:
    user = signed_in()
    return user.role if user else None


def _latest(offers: list[dict[str, Any]], role: str) -> Any:
    return next((o["amount_usd"] for o in reversed(offers) if o["role"] == role), None)


def _trend(now: float | None, before: float | None) -> int | None:
    """The last turn's change of the deal probability in percentage points (None when too small to show)."""
    if now is None or before is None:
        return None
    points = round((now - before) * 100)
    return points or None


def _priority(row: dict[str, Any]) -> tuple[int, float]:
    """Escalations and negotiations a person holds first, then open ones by rising deal probability."""
    rank = {"escalated": 0, "open": 2}.get(row["status"], 3)
    if row.get("taken_over"):
        rank = min(rank, 1)
    return rank, row.get("deal_probability") if row.get("deal_probability") is not None else 1.0


def _all_summaries(filters: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """Every matching negotiation's summary (up to INBOX_CAP), so the attention order spans the whole inbox,
    not one page of the API's creation order; or the API's error message."""
    items: list[dict[str, Any]] = []
    cursor = None
    while len(items) < INBOX_CAP:
        answer = client.get("/api/v1/negotiations", limit=200, cursor=cursor, **filters)
        if not answer.ok:
            return items, answer.message
        items += answer.body["items"]
        cursor = answer.body["next_cursor"]
        if not cursor:
            break
    return items[:INBOX_CAP], None


@bp.get("/app/negotiations")
@login_required
def inbox() -> Any:
    filters = {"status": request.args.get("status") or None, "campaign_id": request.args.get("campaign_id") or None,
               "channel": request.args.get("channel") or None}
    page = max(1, request.args.get("page", 1, type=int) or 1)
    campaigns_answer = client.get("/api/v1/campaigns", limit=200)
    campaigns = campaigns_answer.body["items"] if campaigns_answer.ok else []
    names = {c["id"]: c["name"] for c in campaigns}
    items, error = _all_summaries(filters)
    items.sort(key=_priority)
    shown = items[(page - 1) * INBOX_PAGE: page * INBOX_PAGE]
    # The list's summaries carry the latest offers, the ceiling, the creator's name and the previous probability:
    # no request per row (25 detail and creator requests made the page take seconds under load).
    rows = [{**item, "creator_name": item.get("influencer_name"), "campaign": names.get(item.get("campaign_id") or ""),
             "our_offer": item.get("latest_offer_usd"), "their_ask": item.get("latest_ask_usd"),
             "trend": _trend(item.get("deal_probability"), item.get("previous_deal_probability"))}
            for item in shown]
    return render_template("app/inbox.html", title="Negotiations", rows=rows, error=error, filters=filters,
                           channel=filters["channel"], campaigns=campaigns, statuses=STATUSES, page=page,
                           more=len(items) > page * INBOX_PAGE, total=len(items), capped=len(items) >= INBOX_CAP)


def _thread(negotiation: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**m, "turn": n, "author": m.get("written_by") or m["role"]}
            for n, m in enumerate(negotiation.get("messages", []), start=1)]


@bp.get("/app/negotiations/<negotiation_id>")
@login_required
def negotiation(negotiation_id: str) -> Any:
    answer = client.get(f"/api/v1/negotiations/{negotiation_id}")
    if not answer.ok:
        return refused("Negotiation not found", answer)
    neg = answer.body
    role = _role()
    creator = client.get(f"/api/v1/influencers/{neg['influencer_id']}") if neg.get("influencer_id") else None
    campaign = client.get(f"/api/v1/campaigns/{neg['campaign_id']}") if neg.get("campaign_id") else None
    calls = client.get("/api/v1/calls", negotiation_id=negotiation_id, limit=50)
    offers = neg.get("offers", [])
    return render_template(
        "app/negotiation.html", title="Negotiation", neg=neg,
        creator=creator.body if creator is not None and creator.ok else None,
        campaign=campaign.body if campaign is not None and campaign.ok else None,
        calls=calls.body["items"] if calls.ok else [],
        thread=_thread(neg),
        offers_svg=charts.offers_chart(neg), probability_svg=charts.probability_chart(neg),
        their_ask=_latest(offers, "influencer"), our_offer=_latest(offers, "agent"),
        can_take_over=can(role, "manager"), can_replay=can(role, "evaluator"))


def _back(negotiation_id: str) -> Any:
    return redirect(url_for("web.negotiation", negotiation_id=negotiation_id))


@bp.post("/app/negotiations/<negotiation_id>/takeover")
@login_required
def take_over(negotiation_id: str) -> Any:
    answer = client.post(f"/api/v1/negotiations/{negotiation_id}/takeover", {})
    flash("You hold this negotiation: the agent will not answer until you hand it back." if answer.ok
          else f"Could not take over: {answer.message}", "ok" if answer.ok else "error")
    return _back(negotiation_id)


@bp.post("/app/negotiations/<negotiation_id>/reply")
@login_required
def reply(negotiation_id: str) -> Any:
    """A person's reply: counter with a price, ask, approve (accept) or reject; the API's guard decides."""
    action = request.form.get("action") or None
    offer = (request.form.get("offer_usd") or "").strip().replace(",", "").lstrip("$") or None
    body: dict[str, Any] = {"text": request.form.get("text") or "", "offer_usd": offer}
    if action:
        body["action"] = action
    answer = client.post(f"/api/v1/negotiations/{negotiation_id}/agent-messages", body)
    if answer.ok:
        flash("Your reply is on the thread.", "ok")
    else:
        flash(f"Your reply was not sent: {answer.message}", "error")
    return _back(negotiation_id)


@bp.post("/app/negotiations/<negotiation_id>/resume")
@login_required
def resume(negotiation_id: str) -> Any:
    answer = client.post(f"/api/v1/negotiations/{negotiation_id}/resume", {})
    flash("Handed back to the agent." if answer.ok else f"Could not hand back: {answer.message}",
          "ok" if answer.ok else "error")
    return _back(negotiation_id)
