"""`python -m api call NEGOTIATION_ID --persona NAME` (README "Voice"): the simulated call is played by that persona,
printed as it goes, and stored."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from click.testing import CliRunner

from api.cli import cli
from data.settings import get_settings
from tests.builders import make_campaign, seed_creators

LINE = re.compile(r"^\[\s*(?P<t>\d+\.\d)s\] (?P<who>Agent  |Creator): (?P<text>.*)$")


@pytest.fixture()
def run(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VOICE_PROVIDER", "simulated")
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(cli, list(args))
    get_settings.cache_clear()


def _negotiation(client: Any, tenant: Any, database_url: str) -> str:
    [inf] = seed_creators(database_url, tenant.org_id, 1, domain=f"{os.urandom(4).hex()}.example",
                          phone="+13105550100", location={"city": "Los Angeles", "country": "US"})
    campaign = make_campaign(client, tenant)
    r = client.post("/api/v1/negotiations", headers=tenant.headers("manager"), json={
        "campaign_id": campaign["id"], "influencer_id": inf, "channel": "voice", "target_usd": 2000,
        "max_usd": 3000, "deliverables": ["1 reel", "3 stories"]})
    assert r.status_code == 201, r.json
    return r.json["id"]


def _terms(negotiation_id: str, database_url: str) -> Any:
    """What the simulated creator is told about the negotiation (read before the call changes the package)."""
    from api.calls.records import simulated_terms
    from data.db import session_scope
    from data.models import Influencer, Negotiation

    with session_scope(database_url) as s:
        neg = s.get(Negotiation, negotiation_id)
        return simulated_terms(neg, s.get(Influencer, neg.influencer_id))


def _first_ask(persona: str, call_id: str, terms: Any) -> str:
    """What that persona says first on this call (the simulated provider seeds the creator by the call id)."""
    from voice.simulated import make_creator

    return make_creator(persona, int(call_id[:8], 16), terms).first()


@pytest.mark.parametrize("persona", ["firm", "words"])
def test_call_plays_the_persona_and_prints_the_stored_transcript(run: Any, client: Any, tenant: Any,
                                                                 database_url: str, persona: str) -> None:
    neg = _negotiation(client, tenant, database_url)
    terms = _terms(neg, database_url)
    result = run("call", neg, "--persona", persona)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    printed = [m for m in map(LINE.match, lines) if m]
    summary = re.match(r"^call (?P<id>\w+): (?P<status>\w+); negotiation (?P<neg>\w+), deal probability "
                       r"(?P<p>[\d.]+)$", lines[-1])
    assert summary and summary["status"] == "completed", result.output
    call = client.get(f"/api/v1/calls/{summary['id']}", headers=tenant.headers("manager")).json
    assert call["persona"] == persona and call["negotiation_id"] == neg and call["status"] == "completed"
    assert [(("agent" if m["who"].strip() == "Agent" else "influencer"), m["text"], float(m["t"])) for m in printed] \
        == [(line["role"], line["text"], line["t_s"]) for line in call["transcript"]]
    assert [float(m["t"]) for m in printed] == sorted(float(m["t"]) for m in printed) and float(printed[-1]["t"]) > 0
    said = [line["text"] for line in call["transcript"] if line["role"] == "influencer" and line["text"] != "Hello?"]
    assert said[0] == _first_ask(persona, call["id"], terms)
    assert said[0] != _first_ask("flexible", call["id"], terms)  # the persona, not the default
    state = client.get(f"/api/v1/negotiations/{neg}", headers=tenant.headers("manager")).json
    assert summary["neg"] == state["status"]
    assert float(summary["p"]) == pytest.approx(state["deal_probability"], abs=1e-4)
    assert all(o["amount_usd"] <= 3000 for o in state["offers"] if o["role"] == "agent")


def test_an_unknown_persona_places_no_call(run: Any, client: Any, tenant: Any, database_url: str) -> None:
    neg = _negotiation(client, tenant, database_url)
    result = run("call", neg, "--persona", "pirate")
    assert result.exit_code == 2 and "--persona" in result.output and "firm" in result.output
    calls = client.get(f"/api/v1/calls?negotiation_id={neg}", headers=tenant.headers("manager")).json["items"]
    assert calls == []
    assert run("call", "no-such-negotiation").exit_code == 1
