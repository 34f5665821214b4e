"""Importing a messy real-world export through the API and the CLI (README "Influencers" Import)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from api import jobs
from data.db import session_scope
from data.models import Influencer, Organization

FIXTURES = Path(__file__).parent / "fixtures" / "import"
MESSY = (FIXTURES / "top_instagram.csv").read_bytes()
GOOD_ROWS, BAD_ROWS = 12, 4


def _upload(client, tenant, data: bytes = MESSY, filename: str = "top_instagram.csv", **form):
    payload = {"file": (io.BytesIO(data), filename), **form}
    return client.post("/api/v1/influencers/import", data=payload, content_type="multipart/form-data",
                       headers=tenant.headers("marketer", **form.pop("headers", {})))


def _finished(client, tenant, job_id: str) -> dict:
    assert jobs.wait_idle(timeout=120)
    r = client.get(f"/api/v1/jobs/{job_id}", headers=tenant.headers("evaluator"))
    assert r.status_code == 200
    return r.json


def _count(database_url: str, org_id: str) -> int:
    with session_scope(database_url) as s:
        return s.scalar(select(func.count()).select_from(Influencer).where(Influencer.org_id == org_id))


def test_messy_export_imports_every_good_row_and_reports_the_rest(client, tenant, database_url):
    r = _upload(client, tenant)
    assert r.status_code == 202, r.json
    job = _finished(client, tenant, r.json["job_id"])
    assert job["status"] == "done" and job["progress"] == 1.0
    assert (job["processed"], job["created"], job["updated"], job["failed"]) == (16, GOOD_ROWS, 0, BAD_ROWS)
    assert sorted(e["row"] for e in job["errors"]) == [12, 13, 14, 15]
    assert all(e["message"] for e in job["errors"])
    assert _count(database_url, tenant.org_id) == GOOD_ROWS

    listed = client.get("/api/v1/influencers?limit=200", headers=tenant.headers("marketer")).json["items"]
    ronaldo = next(i for i in listed if i["platforms"][0]["handle"] == "cristiano")
    assert ronaldo["total_followers"] == 409_800_000
    assert ronaldo["niches"] == ["sports"] and ronaldo["audience"]["top_countries"] == ["IN"]
    assert 0 < ronaldo["platforms"][0]["engagement_rate"] < 2  # 3.2M interactions / 409.8M followers
    assert any(i["name"] == "리사 LISA" for i in listed)

    again = _finished(client, tenant, _upload(client, tenant).json["job_id"])
    assert (again["created"], again["updated"], again["failed"]) == (0, GOOD_ROWS, BAD_ROWS)
    assert _count(database_url, tenant.org_id) == GOOD_ROWS


def test_idempotency_key_replays_the_first_job(client, tenant):
    first = _upload(client, tenant, headers={"Idempotency-Key": "upload-1"})
    second = _upload(client, tenant, headers={"Idempotency-Key": "upload-1"})
    assert first.status_code == second.status_code == 202
    assert first.json["job_id"] == second.json["job_id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    _finished(client, tenant, first.json["job_id"])


def test_a_multipart_part_without_a_name_is_ignored_with_an_idempotency_key(client, tenant):
    """Werkzeug keeps a part without a name under the key None; the retry fingerprint must still sort the form."""
    body = (b'--b\r\nContent-Disposition: form-data\r\n\r\nstray\r\n'
            b'--b\r\nContent-Disposition: form-data; name="merge_on"\r\n\r\nhandle\r\n'
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="creators.csv"\r\n\r\n'
            b"name,handle,platform,followers\nMira Sol,mirasol,instagram,42000\n\r\n--b--\r\n")
    headers = tenant.headers("marketer", **{"Idempotency-Key": "nameless-part",
                                            "Content-Type": "multipart/form-data; boundary=b"})
    first = client.post("/api/v1/influencers/import", data=body, headers=headers)
    assert first.status_code == 202, first.json
    again = client.post("/api/v1/influencers/import", data=body, headers=headers)
    assert again.json["job_id"] == first.json["job_id"] and again.headers["Idempotent-Replayed"] == "true"


def test_mapping_field_handles_unknown_headers(client, tenant, database_url):
    csv = b"Creator Label,IG,Fans\nAna Ruiz,anaruiz,12.5K\n"
    r = _upload(client, tenant, data=csv, filename="custom.csv",
                mapping=json.dumps({"Creator Label": "name", "IG": "handle", "Fans": "followers"}))
    job = _finished(client, tenant, r.json["job_id"])
    assert (job["created"], job["failed"]) == (1, 0), job
    bad = _upload(client, tenant, data=csv, filename="custom.csv", mapping=json.dumps({"IG": "shoe_size"}))
    assert _finished(client, tenant, bad.json["job_id"])["status"] == "failed"


def test_bad_uploads_are_refused_with_fields(client, tenant):
    r = client.post("/api/v1/influencers/import", data={}, content_type="multipart/form-data",
                    headers=tenant.headers("marketer"))
    assert r.status_code == 422 and "file" in r.json["error"]["fields"]
    assert _upload(client, tenant, filename="creators.xlsx").status_code == 415
    r = _upload(client, tenant, mapping="{not json")
    assert r.status_code == 422 and "mapping" in r.json["error"]["fields"]
    r = _upload(client, tenant, mapping=json.dumps({"a": 1}))
    assert r.status_code == 422
    r = client.post("/api/v1/influencers/import", data={"file": (io.BytesIO(MESSY), "x.csv")},
                    content_type="multipart/form-data", headers=tenant.headers("evaluator"))
    assert r.status_code == 403


def test_foreign_job_is_404(client, tenant, other_tenant):
    job_id = _upload(client, tenant).json["job_id"]
    _finished(client, tenant, job_id)
    assert client.get(f"/api/v1/jobs/{job_id}", headers=other_tenant.headers()).status_code == 404


def test_cli_import_prints_a_summary_and_the_bad_rows(tenant, database_url, monkeypatch):
    from api.cli import cli
    from data.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["import-influencers", str(FIXTURES / "top_instagram.csv"),
                                          "--org", tenant.name])
        assert result.exit_code == 0, result.output
        assert f"{GOOD_ROWS} created, 0 updated, {BAD_ROWS} failed" in result.output
        assert "row 12:" in result.output
        result = CliRunner().invoke(cli, ["import-influencers", str(FIXTURES / "top_instagram.csv"),
                                          "--org", "no-such-org"])
        assert result.exit_code != 0 and "no organization" in result.output
    finally:
        get_settings.cache_clear()
    with session_scope(database_url) as s:
        assert s.scalar(select(Organization).where(Organization.name == tenant.name)) is not None
    assert _count(database_url, tenant.org_id) == GOOD_ROWS


def test_cli_dry_run_shows_the_mapping_and_rows_and_stores_nothing(database_url, tenant):
    from api.cli import cli

    env = {"DATABASE_URL": database_url}
    path = str(FIXTURES / "creators_instagram.csv")
    result = CliRunner().invoke(cli, ["import-influencers", path, "--org", tenant.name, "--dry-run"], env=env)
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "6 rows" in result.output
    assert "-> handle:instagram" in result.output and "content" in result.output
    assert '"name": "이지금 IU"' in result.output
    assert _count(database_url, tenant.org_id) == 0
    bad = CliRunner().invoke(cli, ["import-influencers", path, "--dry-run", "--merge-on", "nope"], env=env)
    assert bad.exit_code == 1 and "merge_on names no column" in bad.output


def test_cli_reports_merges_across_platform_files(database_url, tenant):
    from api.cli import cli

    env = {"DATABASE_URL": database_url}
    for name in ("creators_instagram.csv", "creators_youtube.csv"):
        result = CliRunner().invoke(cli, ["import-influencers", str(FIXTURES / name), "--org", tenant.name], env=env)
        assert result.exit_code == 0, result.output
    assert "merged into MrBeast (instagram, youtube) by handle" in result.output
