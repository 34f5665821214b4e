"""Three "top creators" exports shaped like the ones agencies pass around (issue 15): lying headers, Hangul and
emoji names, TikTok likes above followers, the same creators on three platforms."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from api import jobs
from data.db import session_scope
from data.models import Influencer, PlatformAccount

FIXTURES = Path(__file__).parent / "fixtures" / "import"
FILES = ("creators_instagram.csv", "creators_youtube.csv", "creators_tiktok.csv")


def _import(client, tenant, filename: str, **form) -> dict:
    data = (FIXTURES / filename).read_bytes()
    r = client.post("/api/v1/influencers/import", data={"file": (io.BytesIO(data), filename), **form},
                    content_type="multipart/form-data", headers=tenant.headers("marketer"))
    assert r.status_code == 202, r.json
    assert jobs.wait_idle(timeout=120)
    return client.get(f"/api/v1/jobs/{r.json['job_id']}", headers=tenant.headers("marketer")).json


def _people(database_url: str, org_id: str) -> tuple[int, int]:
    with session_scope(database_url) as s:
        creators = s.scalar(select(func.count()).select_from(Influencer).where(Influencer.org_id == org_id))
        accounts = s.scalar(select(func.count()).select_from(PlatformAccount).where(PlatformAccount.org_id == org_id))
    return creators, accounts


def test_three_platform_exports_import_every_row_and_merge_the_same_creators(client, tenant, database_url):
    counts = [_import(client, tenant, f) for f in FILES]
    assert [(j["processed"], j["failed"]) for j in counts] == [(6, 0), (5, 0), (4, 0)], [j["errors"] for j in counts]
    # YouTube: mrbeast and kidsdianashow join their Instagram selves; TikTok: mrbeast joins again.
    assert [j["result"]["merged"] for j in counts] == [0, 2, 1]
    assert {m["name"] for m in counts[1]["result"]["merges"]} == {"MrBeast", "✿ Kids Diana Show"}
    assert all(m["by"] == "handle" for j in counts for m in j["result"]["merges"])
    assert _people(database_url, tenant.org_id) == (6 + 3 + 3, 15)

    listed = client.get("/api/v1/influencers?limit=200", headers=tenant.headers("marketer")).json["items"]
    beast = next(i for i in listed if i["handle"] == "mrbeast")
    assert beast["name"] == "MrBeast"
    assert sorted(p["platform"] for p in beast["platforms"]) == ["instagram", "tiktok", "youtube"]
    assert beast["total_followers"] == 62_100_000 + 312_000_000 + 104_300_000
    assert "entertainment" in beast["niches"] and beast["location"]["country"] == "US"
    iu = next(i for i in listed if i["handle"] == "dlwlrma")
    assert iu["name"] == "이지금 IU" and iu["platforms"][0]["platform"] == "instagram"
    jo = next(i for i in listed if i["handle"] == "dancewithjo")
    tiktok = jo["platforms"][0]
    assert tiktok["engagement_rate"] > 100 and tiktok["engagement_basis"] == "views"
    assert tiktok["engagement_rate_by_views"] == 38.71  # 1.2M likes / 3.1M views
    assert jo["avg_engagement_rate"] == 38.71  # ranking uses the stated (views) convention

    again = [_import(client, tenant, f) for f in FILES]  # idempotent: the same creators, updated
    assert [(j["created"], j["failed"]) for j in again] == [(0, 0)] * 3
    assert _people(database_url, tenant.org_id) == (12, 15)


def test_display_name_alone_never_merges(client, tenant, database_url):
    rows = "name,tiktoker name,followers\nalex.tt,Alex,12K\n"
    other = "name,youtuber name,subscribers\nalex_yt,Alex,40K\n"
    for text, filename in ((rows, "a.csv"), (other, "b.csv")):
        r = client.post("/api/v1/influencers/import", data={"file": (io.BytesIO(text.encode()), filename)},
                        content_type="multipart/form-data", headers=tenant.headers("marketer"))
        assert r.status_code == 202
    assert jobs.wait_idle(timeout=60)
    assert _people(database_url, tenant.org_id) == (2, 2)


def test_same_handle_with_unrelated_names_stays_two_creators(client, tenant, database_url):
    first = "name,instagram name,followers\nstudio9,Maria Lopez,12K\n"
    second = "name,tiktoker name,followers\nstudio9,Kenji Watanabe,40K\n"
    for text, filename in ((first, "a.csv"), (second, "b.csv")):
        client.post("/api/v1/influencers/import", data={"file": (io.BytesIO(text.encode()), filename)},
                    content_type="multipart/form-data", headers=tenant.headers("marketer"))
    assert jobs.wait_idle(timeout=60)
    assert _people(database_url, tenant.org_id) == (2, 2)


def test_merge_on_column_joins_rows_with_different_handles(client, tenant, database_url):
    text = ("creator id,platform,handle,name,followers\n"
            "c-1,instagram,sara.glows,Sara Glows,250K\n"
            "c-1,tiktok,saraglowsofficial,Sara Glows,1.1M\n"
            "c-2,youtube,benbakes,Ben Bakes,80K\n")
    job = _import_text(client, tenant, text, merge_on="creator id")
    assert (job["created"], job["updated"], job["failed"], job["result"]["merged"]) == (2, 1, 0, 1)
    assert job["result"]["merges"][0]["by"] == "merge_on"
    assert _people(database_url, tenant.org_id) == (2, 3)
    again = _import_text(client, tenant, text, merge_on="creator id")
    assert (again["created"], again["updated"]) == (0, 3) and _people(database_url, tenant.org_id) == (2, 3)


def _import_text(client, tenant, text: str, **form) -> dict:
    r = client.post("/api/v1/influencers/import", data={"file": (io.BytesIO(text.encode()), "x.csv"), **form},
                    content_type="multipart/form-data", headers=tenant.headers("marketer"))
    assert r.status_code == 202, r.json
    assert jobs.wait_idle(timeout=60)
    return client.get(f"/api/v1/jobs/{r.json['job_id']}", headers=tenant.headers("marketer")).json


def test_preview_shows_the_mapping_chosen_by_content_and_rows_as_stored(client, tenant, database_url):
    data = (FIXTURES / "creators_instagram.csv").read_bytes()
    r = client.post("/api/v1/influencers/import/preview?rows=3",
                    data={"file": (io.BytesIO(data), "creators_instagram.csv")},
                    content_type="multipart/form-data", headers=tenant.headers("marketer"))
    assert r.status_code == 200, r.json
    columns = {c["header"]: c for c in r.json["columns"]}
    assert columns["name"]["target"] == "handle:instagram" and columns["name"]["source"] == "content"
    assert columns["instagram name"]["target"] == "name" and columns["instagram name"]["confidence"] >= 0.5
    assert columns["followers"]["source"] == "header" and columns["rank"]["target"] is None
    assert [row["profile"]["name"] for row in r.json["rows"]] == ["Leo Messi", "MrBeast", "이지금 IU"]
    assert r.json["total_rows"] == 6
    assert _people(database_url, tenant.org_id) == (0, 0)  # nothing stored

    mapped = client.post("/api/v1/influencers/import/preview",
                         data={"file": (io.BytesIO(data), "x.csv"),
                               "mapping": '{"name": "name", "instagram name": "ignore"}'},
                         content_type="multipart/form-data", headers=tenant.headers("marketer"))
    by_header = {c["header"]: c for c in mapped.json["columns"]}
    assert by_header["name"]["target"] == "name" and by_header["name"]["source"] == "mapping"  # mapping wins
    assert mapped.json["rows"][0]["profile"]["name"] == "leomessi"

    bad = client.post("/api/v1/influencers/import/preview", data={"file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")},
                      content_type="multipart/form-data", headers=tenant.headers("marketer"))
    assert bad.status_code == 422 and "file" in bad.json["error"]["fields"]
    worse = client.post("/api/v1/influencers/import/preview?rows=0", data={"file": (io.BytesIO(data), "x.csv")},
                        content_type="multipart/form-data", headers=tenant.headers("marketer"))
    assert worse.status_code == 422 and "rows" in str(worse.json["error"]["fields"])
