"""The command line: organizations, keys, seeding and the terminal negotiation."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from api.cli import cli
from data.db import session_scope
from data.models import ApiKey, Influencer, Organization
from data.settings import get_settings


@pytest.fixture()
def run(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, list(args), input=input)

    yield invoke
    get_settings.cache_clear()


def test_every_command_has_help(run):
    for command in ("migrate", "serve", "seed", "create-org", "create-key", "revoke-key", "import-influencers",
                    "reindex", "negotiate", "bootstrap-demo", "send-followups", "export-negotiations"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, command


def test_org_key_lifecycle_prints_key_alone_on_last_line(run, client, database_url):
    name = "cli-org-" + str(id(run))
    assert run("create-org", name).exit_code == 0
    assert run("create-org", name).exit_code != 0  # no duplicates
    result = run("create-key", "--org", name, "--role", "manager")
    assert result.exit_code == 0
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("ik_") and " " not in key
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json["role"] == "manager" and me.json["organization"]["name"] == name
    assert run("revoke-key", key).exit_code == 0
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert run("create-key", "--org", name, "--role", "owner").exit_code != 0
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(ApiKey).join(Organization).where(
            Organization.name == name)) == 1


def test_seed_is_deterministic_and_idempotent(run, tenant, database_url):
    assert run("seed", "--count", "30", "--org", tenant.name).exit_code == 0
    result = run("seed", "--count", "30", "--org", tenant.name)
    assert result.exit_code == 0 and "0 created, 30 updated" in result.output
    with session_scope(database_url) as s:
        assert s.scalar(select(func.count()).select_from(Influencer).where(Influencer.org_id == tenant.org_id)) == 30


def test_negotiate_in_the_terminal(run, client, tenant):
    from tests.payloads import CAMPAIGN, creator

    inf = client.post("/api/v1/influencers", json=creator(77), headers=tenant.headers()).json
    camp = client.post("/api/v1/campaigns", json=CAMPAIGN, headers=tenant.headers()).json
    result = run("negotiate", "--campaign", camp["id"], "--influencer", inf["id"], "--target", "4000", "--max",
                 "6500", input="My rate is $7,500 for this.\nOK, $6,000 and we have a deal.\nDeal.\n\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("agent>") >= 3
    assert "status agreed" in result.output


def test_migrate_creates_the_sqlite_folder_on_a_fresh_checkout(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/fresh/var/app.db"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["migrate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fresh" / "var" / "app.db").exists()


def test_export_negotiations_gives_the_turns_production_scored(run, client, tenant, tmp_path):
    """Finished negotiations only, in the training format; the model on each exported prefix gives back the
    deal probability production stored after that turn."""
    from decimal import Decimal

    from agent.deal_probability import agent_dialogues
    from agent.deal_probability.model import DealProbabilityModel
    from tests.payloads import CAMPAIGN, creator

    camp = client.post("/api/v1/campaigns", json=CAMPAIGN, headers=tenant.headers()).json
    scripts = {"agreed": ["Thanks! My rate for this package is $7,500", "Could you do 6k if I add a story?", "Deal."],
               "declined": ["My rate is $9,000.", "Please stop emailing me."],
               "open": ["My rate is $7,000."]}
    ids = {}
    for n, (outcome, texts) in enumerate(scripts.items()):
        inf = client.post("/api/v1/influencers", json=creator(300 + n), headers=tenant.headers()).json
        neg = client.post("/api/v1/negotiations", headers=tenant.headers(), json={
            "campaign_id": camp["id"], "influencer_id": inf["id"], "channel": "email", "target_usd": 4000,
            "max_usd": 6500, "deliverables": ["1 reel", "3 stories"]}).json
        for text in texts:
            reply = client.post(f"/api/v1/negotiations/{neg['id']}/messages", json={"text": text},
                                headers=tenant.headers())
            assert reply.status_code == 200, reply.json
        assert reply.json["status"] == outcome
        ids[outcome] = neg["id"]

    out = tmp_path / "recorded.jsonl"
    result = run("export-negotiations", "--org", tenant.name, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "2 negotiations (agreed: 1, declined: 1)" in result.output
    dialogues = {d.key: d for d in agent_dialogues.load_dialogues(out)}
    assert set(dialogues) == {ids["agreed"], ids["declined"]}
    assert "Deal" not in out.read_text() and "stop emailing" not in out.read_text()  # no message text

    model = DealProbabilityModel.load()
    for outcome in ("agreed", "declined"):
        d = dialogues[ids[outcome]]
        state = client.get(f"/api/v1/negotiations/{d.key}", headers=tenant.headers()).json
        assert d.deal == (outcome == "agreed") and d.persona == "recorded-email"
        assert d.budget_max == Decimal("6500") and d.ask == Decimal("5000")  # 1 reel $3,200 + 3 stories $600
        assert len(d.turns) == len(state["messages"])
        history = [p["value"] for p in state["deal_probability_history"]]
        assert history[-1] == (1.0 if d.deal else 0.0)
        assert [round(model.predict(d.turns[:k], ask=d.ask, budget_max=d.budget_max), 4)
                for k in d.open_prefixes] == history[:-1]
