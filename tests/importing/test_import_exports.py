"""Whole export files and CSV quirks: row numbering, title lines, delimiters, encodings, extra accounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from data.importer import (
    ImportFormatError,
    ImportRow,
    column_plan,
    parse_import,
)
from tests.importing.import_helpers import FIXTURES, csv_rows, load

# ----------------------------------------------------------------------------- the top-Instagram export


@pytest.fixture(scope="module")
def top() -> dict[int, ImportRow]:
    return load("top_instagram.csv")


def test_top_instagram_row_numbers_skip_empty_rows_but_keep_numbering(top: dict[int, ImportRow]) -> None:
    # row 6 and the trailing rows are empty: no ImportRow, but row 7 (after a multi-line cell) keeps its number
    assert sorted(top) == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    # the fixture's rank column equals the row number a spreadsheet shows, so numbering is checkable
    for number, row in top.items():
        if row.profile is not None:
            assert row.row == number


def test_top_instagram_good_rows_have_the_right_numbers(top: dict[int, ImportRow]) -> None:
    ronaldo = top[1].profile
    assert ronaldo is not None and top[1].warnings == ()  # same value in the duplicate "name" column
    assert ronaldo.name == "Cristiano Ronaldo ⚽"
    assert ronaldo.handle == "cristiano"
    (account,) = ronaldo.platforms
    assert (account.platform, account.handle, account.followers) == ("instagram", "cristiano", 409_800_000)
    assert account.engagement_rate == pytest.approx(0.78)  # 3.2M authentic interactions / 409.8M * 100
    assert ronaldo.niches == ["sports"]
    assert ronaldo.audience is not None and ronaldo.audience.top_countries == ["IN"]

    messi = top[2].profile
    assert messi is not None
    assert messi.platforms[0].followers == 312_300_000
    assert messi.niches == ["sports", "parenting"]  # Category_1 + Category_2
    assert messi.audience is not None and messi.audience.top_countries == ["AR"]

    tiny = top[11].profile
    assert tiny is not None
    assert tiny.platforms[0].followers == 12_345  # "12 345"
    assert tiny.platforms[0].engagement_rate == pytest.approx(9.72)  # 1.2k / 12345
    assert tiny.niches == ["food"]

    priya = top[17].profile  # no handle: slug of the name
    assert priya is not None
    assert priya.handle == "priya_sharma" and priya.platforms[0].handle == "priya_sharma"
    assert priya.platforms[0].followers == 1_500_000  # "1.5 million"
    assert priya.platforms[0].engagement_rate == pytest.approx(3.0)
    assert priya.niches == ["beauty", "fitness"]


def test_top_instagram_unicode_names_emoji_and_multiline_cells(top: dict[int, ImportRow]) -> None:
    names = {n: r.profile.name for n, r in top.items() if r.profile}
    assert names[5] == "리사 LISA"
    assert names[8] == "अमिताभ बच्चन"
    assert names[9] == "محمد صلاح"
    assert names[3] == "Selena Gomez 🌸"
    assert names[7] == "Zendaya (official)"  # quoted cell spanning two lines, folded to one line


def test_top_instagram_categories_map_to_niches_and_unmapped_become_topics(top: dict[int, ImportRow]) -> None:
    selena, obama, lens = top[3].profile, top[10].profile, top[16].profile
    assert selena is not None and obama is not None and lens is not None
    assert selena.niches == ["music", "entertainment"]
    assert obama.niches == ["education"]  # Literature & Journalism
    assert "Politics" in obama.topics  # no niche slug: kept as a topic, not an error
    assert lens.niches == ["photography", "outdoors"]


def test_top_instagram_handles_empty_values_and_duplicate_columns(top: dict[int, ImportRow]) -> None:
    kylie = top[4]
    assert kylie.profile is not None and kylie.profile.handle == "kyliejenner"  # "@kyliejenner"
    assert kylie.profile.name == "Kylie 🤍"
    # "name" appears twice; the differing second value is reported, not silently dropped
    assert any("Kylie Jenner" in w and "name" in w for w in kylie.warnings)

    lens = top[16].profile  # "N/A" and "-" engagement: no rate, not an error
    assert lens is not None and lens.platforms[0].engagement_rate is None
    assert lens.audience is not None and lens.audience.top_countries == ["GB"]  # "UK"


def test_top_instagram_bad_rows_are_reported_with_column_and_reason(top: dict[int, ImportRow]) -> None:
    bad = {n: r.error for n, r in top.items() if r.profile is None}
    assert sorted(bad) == [12, 13, 14, 15]
    assert 'followers (column "Followers")' in bad[12] and "greater than or equal to 0" in bad[12]
    assert "-5000" in bad[12]
    assert 'column "Authentic engagement"' in bad[13] and "over 100%" in bad[13]
    assert "no name, handle or profile URL" in bad[14]
    assert 'followers (column "Followers")' in bad[15] and "'lots' is not a number" in bad[15]


def test_column_plan_shows_what_each_header_became() -> None:
    plan = column_plan((FIXTURES / "top_instagram.csv").read_bytes(), "top_instagram.csv")
    assert plan[:9] == [
        ("rank", None),
        ("Instagram name", "handle:instagram"),
        ("name", "name"),
        ("Category_1", "niches"),
        ("Category_2", "niches"),
        ("Followers", "followers"),
        ("Audience country (mostly)", "audience_country"),
        ("Authentic engagement", "avg_interactions"),
        ("Engagement avg", "avg_interactions"),
    ]
    assert plan[9] == ("name", "name")


# ------------------------------------------------------------------ ;-delimited agency sheet, INR rates


@pytest.fixture(scope="module")
def agency() -> dict[int, ImportRow]:
    return load("agency_semicolon.csv")


def test_semicolon_file_with_european_numbers_and_inr_rates(agency: dict[int, ImportRow]) -> None:
    ananya = agency[1].profile
    assert ananya is not None
    account = ananya.platforms[0]
    assert (account.platform, account.handle, account.followers) == ("youtube", "ananya.eats", 1_500_000)
    assert account.engagement_rate == pytest.approx(4.2)  # "4,2%"
    assert ananya.rates_usd is not None
    assert ananya.rates_usd.post == Decimal("1800.00") and isinstance(ananya.rates_usd.post, Decimal)  # ₹1,50,000
    assert ananya.rates_usd.story == Decimal("300.00")  # 25k INR
    assert ananya.niches == ["food", "travel"]  # two columns both named "Category"
    assert ananya.location is not None and ananya.location.country == "IN"
    assert ananya.verified is True
    assert str(ananya.email) == "ananya@example.com"

    rahul = agency[2].profile
    assert rahul is not None
    assert rahul.platforms[0].platform == "instagram" and rahul.platforms[0].followers == 230_000  # "2,3 lakh"
    assert rahul.platforms[0].engagement_rate == pytest.approx(3.5)  # fraction column: 0,035 → 3.5 %
    assert rahul.rates_usd is not None and rahul.rates_usd.post == Decimal("480.00")
    assert rahul.verified is False

    kenji = agency[3].profile
    assert kenji is not None and kenji.platforms[0].platform == "twitter"  # "X"
    assert kenji.rates_usd is None  # "N/A"


def test_semicolon_file_bad_platform_and_url_handle(agency: dict[int, ImportRow]) -> None:
    assert agency[4].profile is None
    assert 'platform (column "Platform")' in (agency[4].error or "") and "Myspace" in (agency[4].error or "")
    deepa = agency[5].profile
    assert deepa is not None
    assert (deepa.platforms[0].platform, deepa.platforms[0].handle) == ("tiktok", "dance.with.dee")
    assert deepa.rates_usd is not None and deepa.rates_usd.post == Decimal("360.00")  # "INR 30k"
    assert deepa.verified is True  # "✓"


# ---------------------------------------------------------------------------------------------- JSONL


def test_tab_delimited_multiline_cells_and_youtube_default() -> None:
    text = (
        "channel_name\tSubscribers\tAvg. views\tCategory\tBio\n"
        '"T-Series"\t"270M"\t"1.2M"\tMusic & Dance\t"Line one\nline two"\n'
        'MrBeast\t"300 M"\t"80M"\tShows\t\n'
    )
    rows = csv_rows(text, "channels.tsv")
    assert [r.row for r in rows] == [1, 2]
    t_series = rows[0].profile
    assert t_series is not None
    assert (t_series.platforms[0].platform, t_series.platforms[0].handle) == ("youtube", "t-series")
    assert t_series.platforms[0].avg_views == 1_200_000
    assert t_series.bio == "Line one\nline two"  # a bio keeps its line breaks
    assert rows[1].profile is not None and rows[1].profile.platforms[0].followers == 300_000_000


def test_sep_line_title_rows_cp1252_and_utf16() -> None:
    excel = "sep=;\r\nName;Followers;City\r\nJosé Núñez;12.500;Bogotá\r\n".encode("cp1252")
    rows = list(parse_import(excel, "excel.csv"))
    assert rows[0].profile is not None and rows[0].profile.name == "José Núñez"
    assert rows[0].profile.platforms[0].followers == 12_500  # "12.500": a count's thousands separator
    assert rows[0].profile.location is not None and rows[0].profile.location.city == "Bogotá"

    titled = "Top creators — March export\n\nName,Username,Followers\nAmi,ami.k,1K\n"
    rows = csv_rows(titled)
    assert rows[0].row == 1 and rows[0].profile is not None and rows[0].profile.handle == "ami.k"

    utf16 = "Name\tFollowers\n王芳\t2.5万\n李娜\t30000\n".encode("utf-16")
    rows = list(parse_import(utf16, "cn.tsv"))
    assert rows[0].profile is None and "'2.5万' is not a number" in (rows[0].error or "")
    assert rows[1].profile is not None and rows[1].profile.name == "李娜" and rows[1].profile.handle == "李娜"


def test_platform_column_urls_and_extra_accounts() -> None:
    text = (
        "Name,Platform,Profile URL,Followers,TikTok followers,ER\n"
        "Kai,,https://www.youtube.com/@kaicooks,200K,1.1M,3.1\n"
        "Lee,IG,,5K,,0.5\n"
        "Mo,Snap,,5K,,x\n"
    )
    rows = csv_rows(text)
    kai = rows[0].profile
    assert kai is not None
    assert [(a.platform, a.handle, a.followers) for a in kai.platforms] == [
        ("youtube", "kaicooks", 200_000),
        ("tiktok", "kaicooks", 1_100_000),
    ]
    lee = rows[1].profile
    assert lee is not None and lee.platforms[0].platform == "instagram"
    assert lee.platforms[0].engagement_rate == pytest.approx(0.5)  # column has 3.1, so 0.5 is a percent
    assert rows[2].profile is None and 'engagement_rate (column "ER")' in (rows[2].error or "")


def test_engagement_column_holding_counts_and_rate_ranges() -> None:
    text = "Name,Handle,Followers,Engagement,Price per post\nRia,ria,2M,50K,$1.5K - $2K\nTom,tom,10K,0.12,\n"
    rows = csv_rows(text)
    ria = rows[0].profile
    assert ria is not None and ria.platforms[0].engagement_rate == pytest.approx(2.5)  # 50K interactions
    assert ria.rates_usd is not None and ria.rates_usd.post == Decimal("1500.00")
    assert any("range" in w for w in rows[0].warnings)
    tom = rows[1].profile
    assert tom is not None and tom.platforms[0].engagement_rate == pytest.approx(12.0)  # fraction column


def test_unknown_country_and_language_are_warnings_not_errors() -> None:
    text = (
        'Name,Handle,Followers,Country,Languages,Location\nNia,nia,10K,Worldwide,"English, Elvish","Lagos, Nigeria"\n'
    )
    (row,) = csv_rows(text)
    assert row.profile is not None
    assert row.profile.languages == ["en"]
    assert row.profile.location is not None and row.profile.location.city == "Lagos"
    assert row.profile.location.country == "NG"  # the explicit Country was not a country; Location's is used
    assert any("Worldwide" in w for w in row.warnings) and any("Elvish" in w for w in row.warnings)


def test_bad_email_and_verified_are_row_errors_naming_the_column() -> None:
    text = "Name,Handle,Followers,Email Address,Verified\nA,a,1K,not-an-email,yes\nB,b,1K,b@example.com,maybe\n"
    rows = csv_rows(text)
    assert rows[0].profile is None and 'email (column "Email Address")' in (rows[0].error or "")
    assert rows[1].profile is None and 'verified (column "Verified")' in (rows[1].error or "")


# ---------------------------------------------------------------------------------------- value parsers


def test_handle_only_row_named_after_handle_and_missing_followers_is_an_error() -> None:
    rows = csv_rows("Instagram handle,Followers,TikTok handle,TikTok followers\n@solo.cook,5K,solo.tt,\nquiet,N/A,,\n")
    solo = rows[0].profile
    assert solo is not None and solo.name == "solo.cook" and solo.handle == "solo.cook"
    assert [a.platform for a in solo.platforms] == ["instagram"]
    assert rows[0].warnings == ("tiktok account 'solo.tt' skipped: no followers value",)
    assert rows[1].profile is None and rows[1].error == 'followers (column "Followers"): missing'


def test_a_cell_over_the_csv_default_limit_is_read_and_the_limit_is_put_back() -> None:
    import csv

    before = csv.field_size_limit()
    notes = "x" * 200_000  # longer than the csv module's default limit (131,072): a pasted post dump
    rows = csv_rows(f'Name,Followers,Notes\nAna,12000,"{notes}"\nBo,3000,short\n')
    assert [r.profile.name for r in rows if r.profile] == ["Ana", "Bo"]
    assert csv.field_size_limit() == before
    with pytest.raises(ImportFormatError):
        csv_rows("just,a,title\n")
    assert csv.field_size_limit() == before  # restored when the file is refused too
