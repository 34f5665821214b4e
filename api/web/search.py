"""Marketers' screens: conversational search (constraints as removable chips, refinements as a chat), result cards
with score and reasons, a creator's profile, and adding creators to a campaign."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from api.web import client
from api.web.blueprint import bp, refused
from api.web.format import chips
from api.web.session import login_required

MAX_CHAT = 20


def _history() -> list[str]:
    try:
        value = json.loads(request.form.get("history") or "[]")
    except ValueError:
        return []
    return [str(v) for v in value][-MAX_CHAT:] if isinstance(value, list) else []


def _campaigns() -> list[dict[str, Any]]:
    answer = client.get("/api/v1/campaigns", limit=200)
    return answer.body["items"] if answer.ok else []


@bp.get("/app/search")
@login_required
def search() -> Any:
    return render_template("app/search.html", title="Search", result=None, history=[], session_id=None,
                           campaigns=_campaigns())


@bp.post("/app/search")
@login_required
def search_post() -> Any:
    """A new query, a refinement of the session's query, or a chip removed from it."""
    history = _history()
    session_id = request.form.get("session_id") or None
    text = (request.form.get("query") or "").strip()
    remove = request.form.get("remove") or None
    if request.form.get("new"):
        session_id, history = None, []
    body: dict[str, Any] = {"limit": 24}
    if session_id:
        body["session_id"] = session_id
    if remove and session_id:
        body["remove"] = [remove]
        history.append(f"(removed {remove.replace('_', ' ')})")
    if text:
        body["query"] = text
        history.append(text)
    error = None
    result = None
    if "query" in body or "remove" in body:
        answer = client.post("/api/v1/search", body)
        if answer.ok:
            result = answer.body
            session_id = result["session_id"]
        else:
            error = answer.message
    else:
        error = "Type what you are looking for."
    template = "app/_search_panel.html" if request.headers.get("HX-Request") else "app/search.html"
    return render_template(template, title="Search", result=result, history=history[-MAX_CHAT:],
                           session_id=session_id, chips=chips(result["parsed"]) if result else [],
                           campaigns=_campaigns(), error=error)


@bp.get("/app/creators/<influencer_id>")
@login_required
def creator(influencer_id: str) -> Any:
    answer = client.get(f"/api/v1/influencers/{influencer_id}")
    if not answer.ok:
        return refused("Creator not found", answer)
    return render_template("app/creator.html", title=answer.body["name"], creator=answer.body,
                           campaigns=_campaigns())


@bp.post("/app/shortlist")
@login_required
def shortlist() -> Any:
    """Add the ticked creators to a campaign (POST /api/v1/campaigns/{id}/influencers)."""
    ids = [i for i in request.form.getlist("influencer_ids") if i]
    campaign_id = request.form.get("campaign_id") or ""
    back = request.form.get("back") or url_for("web.search")
    if not back.startswith("/app/"):
        back = url_for("web.search")
    if not ids or not campaign_id:
        flash("Pick at least one creator and a campaign.", "error")
        return redirect(back)
    answer = client.post(f"/api/v1/campaigns/{campaign_id}/influencers", {"influencer_ids": ids})
    if answer.ok:
        added, present = len(answer.body["added"]), len(answer.body["already_present"])
        text = f"Added {added} creator{'s' if added != 1 else ''} to the campaign"
        text += f" ({present} already in it)." if present else "."
        category = "ok"
    else:
        text, category = f"Could not add to the campaign: {answer.message}", "error"
    if request.headers.get("HX-Request"):
        link = url_for("web.campaign", campaign_id=campaign_id) if answer.ok else None
        return render_template("app/_flash.html", category=category, text=text, link=link)
    flash(text, category)
    return redirect(back)
