"""Column roles from content as well as headers (data/importing/sniffing.py)."""

from __future__ import annotations

import pytest

from data.importer import column_plan, parse_import, preview
from data.importing.sniffing import handle_fit, name_fit
from tests.importing.import_helpers import FIXTURES, csv_rows


@pytest.mark.parametrize(
    ("value", "handle", "name"),
    [
        ("leomessi", 1.0, 0.0),
        ("@kids.diana", 1.0, 0.0),
        ("https://www.tiktok.com/@khaby.lame", 1.0, 0.0),
        ("Leo Messi", 0.0, 1.0),
        ("이지금 IU", 0.0, 1.0),
        ("✿ Kids Diana Show", 0.0, 1.0),
        ("MrBeast", 0.5, 0.5),
        ("12", 0.0, 0.0),
    ],
)
def test_value_shapes(value: str, handle: float, name: float) -> None:
    assert (handle_fit(value), name_fit(value)) == (handle, name)


def test_lying_headers_swap_handle_and_name_by_their_values() -> None:
    plan = dict(column_plan((FIXTURES / "creators_instagram.csv").read_bytes(), "x.csv"))
    assert plan["name"] == "handle:instagram" and plan["instagram name"] == "name"
    rows = csv_rows((FIXTURES / "creators_youtube.csv").read_text())
    assert [(r.profile.name, r.profile.platforms[0].handle) for r in rows if r.profile][:2] == [
        ("MrBeast", "mrbeast"), ("✿ Kids Diana Show", "kidsdianashow")]
    assert all(r.profile is not None for r in rows) and rows[0].profile.platforms[0].platform == "youtube"


def test_truthful_headers_stay_as_they_are() -> None:
    plan = dict(column_plan((FIXTURES / "top_instagram.csv").read_bytes(), "top.csv"))
    assert plan["Instagram name"] == "handle:instagram" and plan["name"] == "name"


def test_a_handle_column_of_display_names_without_a_partner_becomes_the_name() -> None:
    rows = csv_rows("Instagram username,Followers\nLeo Messi,1M\nSelena Gomez 🌸,2M\n")
    assert [(r.profile.name, r.profile.platforms[0].handle) for r in rows] == [
        ("Leo Messi", "leo_messi"), ("Selena Gomez 🌸", "selena_gomez")]


def test_a_contradicted_header_gives_way_and_an_unnamed_email_column_is_found() -> None:
    text = "Name,Followers,Country,Misc\nAna Ruiz,10K,Beauty,ana@example.com\nBo Li,12K,Fitness,bo@example.com\n"
    plan = dict(column_plan(text.encode(), "x.csv"))
    assert plan["Country"] == "niches" and plan["Misc"] == "email"
    row = csv_rows(text)[0].profile
    assert row is not None and row.niches == ["beauty"] and row.email == "ana@example.com"


def test_explicit_mapping_always_wins_over_content() -> None:
    data = (FIXTURES / "creators_instagram.csv").read_bytes()
    rows = list(parse_import(data, "x.csv", {"instagram name": "handle:instagram", "name": "name"}))
    assert rows[0].profile is None and "got Leo Messi" in (rows[0].error or "")  # as mapped, hence invalid


def test_header_only_plan_is_the_old_behaviour() -> None:
    data = (FIXTURES / "creators_instagram.csv").read_bytes()
    rows = list(parse_import(data, "x.csv", sniffing=False))
    assert sum(r.profile is None for r in rows) == 5  # only "MrBeast" passes as a handle by header alone


def test_preview_lists_confidence_and_alternatives() -> None:
    shown = preview((FIXTURES / "creators_tiktok.csv").read_bytes(), "t.csv", rows=4)
    columns = {c["header"]: c for c in shown["columns"]}
    assert columns["name"] == {**columns["name"], "target": "handle:tiktok", "source": "content", "confidence": 1.0}
    assert columns["tiktoker name"]["target"] == "name" and columns["rank"]["source"] == "none"
    assert any(a["target"] == "followers" for a in columns["rank"]["alternatives"])
    jo = shown["rows"][2]
    assert jo["error"] is None and jo["profile"]["platforms"][0]["engagement_rate"] > 100
    assert any("reach beyond the followers" in w for w in jo["warnings"])


def test_interactions_above_followers_fail_only_off_video_platforms() -> None:
    rows = csv_rows("Instagram name,Followers,Avg likes\njo,94K,1.2M\n")
    assert rows[0].profile is None and "over 100%" in (rows[0].error or "")
    rows = csv_rows("YouTube channel,Subscribers,Avg likes,Avg views\njo,94K,1.2M,\n")
    assert rows[0].profile is not None and rows[0].profile.platforms[0].engagement_rate == pytest.approx(1276.6)
    assert "by followers (no views column" in rows[0].warnings[0]
