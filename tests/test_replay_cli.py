"""`python -m evals replay` on an organization's negotiations (ids or all of them) from the database."""

from __future__ import annotations

import json

from click.testing import CliRunner

from evals.__main__ import cli
from tests.builders import recorded_negotiation, use_env


def _run(args, database_url, monkeypatch):
    use_env(monkeypatch, DATABASE_URL=database_url)
    return CliRunner().invoke(cli, ["replay", *args], catch_exceptions=False)


def test_replay_of_an_org_writes_html_with_both_charts(client, tenant, database_url, monkeypatch, tmp_path):
    ids = [recorded_negotiation(client, tenant, n=n) for n in (1, 2)]
    recorded_negotiation(client, tenant, texts=["My rate is $9,000, firm.", "Still $9,000."], n=3)
    out = tmp_path / "replay.html"
    r = _run(["--org", tenant.name, "--format", "html", "--out", str(out)], database_url, monkeypatch)
    assert r.exit_code == 0, r.output
    html = out.read_text()
    for neg_id in ids:
        assert neg_id in html
    assert html.count("<svg") == 2 * 3  # offers and probability per negotiation
    assert "Thanks! My rate for this package is $7,500" in html


def test_replay_by_ids_as_json_and_the_empty_org_message(client, tenant, other_tenant, database_url, monkeypatch):
    neg_id = recorded_negotiation(client, tenant)
    r = _run([neg_id, "missing-id", "--org", tenant.name, "--format", "json"], database_url, monkeypatch)
    assert r.exit_code == 0, r.output
    report = json.loads(r.output[r.output.index("{"):])
    assert [t["id"] for t in report["transcripts"]] == [neg_id]
    assert report["errors"] == [{"origin": "negotiation missing-id",
                                 "message": "no such negotiation in this organization"}]
    assert {t["verdict"] for t in report["transcripts"][0]["turns"]} == {"same"}
    # Another org's id is not found from this org.
    r = _run([neg_id, "--org", other_tenant.name, "--format", "json"], database_url, monkeypatch)
    assert json.loads(r.output[r.output.index("{"):])["transcripts"] == []
    empty = _run(["--org", other_tenant.name], database_url, monkeypatch)
    assert empty.exit_code == 1 and "has no negotiations to replay yet" in empty.output
    unknown = _run(["--org", "no-such-org"], database_url, monkeypatch)
    assert unknown.exit_code == 1 and "no organization named 'no-such-org'" in unknown.output
    no_file = _run(["nope.json"], database_url, monkeypatch)
    assert no_file.exit_code == 2 and "needs --org" in no_file.output
