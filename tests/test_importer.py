"""Influencer import parser: messy CSV/JSONL exports → one ImportRow per row (data/importer.py, data/taxonomy.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from data.importer import (
    ImportFormatError,
    ImportRow,
    Target,
    clean_handle,
    column_plan,
    count_rows,
    parse_count,
    parse_import,
    parse_money,
    parse_percent,
    recognize_header,
)
from data.schemas import InfluencerIn
from data.taxonomy import NICHE_SYNONYMS, country_code, language_code, niche_for, niches_in, platform_for
from data.types import NICHES

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _load(name: str, mapping: dict[str, str] | None = None) -> dict[int, ImportRow]:
    data = (FIXTURES / name).read_bytes()
    rows = list(parse_import(data, name, mapping))
    numbers = [r.row for r in rows]
    assert numbers == sorted(set(numbers)), "each row number exactly once, in order"
    assert len(rows) == count_rows(data, name)
    return {r.row: r for r in rows}


def _csv(text: str, name: str = "x.csv", mapping: dict[str, str] | None = None) -> list[ImportRow]:
    return list(parse_import(text.encode("utf-8"), name, mapping))


# ----------------------------------------------------------------------------- the top-Instagram export


@pytest.fixture(scope="module")
def top() -> dict[int, ImportRow]:
    return _load("top_instagram.csv")


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
    return _load("agency_semicolon.csv")


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


def test_jsonl_contract_shape_flat_rows_and_bad_lines() -> None:
    rows = _load("creators.jsonl")
    assert sorted(rows) == [1, 2, 3, 5, 6, 7]  # line 4 is blank

    sarah = rows[1].profile
    assert sarah is not None and sarah.platforms[0].avg_views == 15_000 and sarah.languages == ["en"]

    arjun = rows[2].profile  # InfluAI-style flat record with nested contact
    assert arjun is not None
    assert arjun.handle == "arjun_mehta"
    assert str(arjun.email) == "arjun.mehta@example.in" and arjun.phone == "+91 98765 43210"
    assert arjun.platforms[0].followers == 185_000 and arjun.platforms[0].engagement_rate == pytest.approx(3.8)
    assert arjun.rates_usd is not None and arjun.rates_usd.post == Decimal("540.00")  # rate_inr 45000
    assert arjun.niches == ["tech"]

    assert rows[3].profile is None and (rows[3].error or "").startswith("invalid JSON")

    lina = rows[5].profile
    assert lina is not None
    assert lina.platforms[0].handle == "lina.cooks"  # from the profile URL
    assert lina.platforms[0].followers == 98_500
    assert lina.platforms[0].engagement_rate == pytest.approx(6.1)  # 0.061 as a fraction
    assert lina.niches == ["food", "parenting"]
    assert lina.location is not None and lina.location.country == "AE"
    assert lina.languages == ["ar", "en"]

    engaged = rows[6].profile  # 150 % on TikTok: videos reach beyond the followers, a valid rate there
    assert engaged is not None and engaged.platforms[0].engagement_rate == pytest.approx(150)
    as_instagram = [{"platform": "instagram", "handle": "too.engaged", "followers": 5000, "engagement_rate": 150}]
    with pytest.raises(ValidationError, match="less than or equal to 100"):
        InfluencerIn.model_validate({"name": "Too Engaged", "platforms": as_instagram})
    assert "expected a JSON object" in (rows[7].error or "")


def test_json_array_file_numbers_elements() -> None:
    data = b'[{"name": "A", "handle": "a1", "followers": "10k"}, {"name": "B", "followers": -1, "handle": "b"}]'
    rows = list(parse_import(data, "list.json"))
    assert [r.row for r in rows] == [1, 2]
    assert rows[0].profile is not None and rows[0].profile.platforms[0].followers == 10_000
    assert rows[1].profile is None and "followers" in (rows[1].error or "")


# -------------------------------------------------------------------------------------------- mapping


_ODD = "Who,Where,How many,Score,Notes\nJo Park,South Korea,88.1K,5.5%,met at a fair\nAl Diaz,Mexico,1M,2,\n"


def test_mapping_makes_unrecognized_headers_usable() -> None:
    with pytest.raises(ImportFormatError, match="no recognizable columns"):
        _csv(_ODD)
    mapping = {
        "Who": "name",
        "Where": "country",
        "How many": "followers:tiktok",
        "Score": "engagement_rate",
        "Notes": "ignore",
    }
    rows = _csv(_ODD, mapping=mapping)
    jo, al = rows[0].profile, rows[1].profile
    assert jo is not None and al is not None
    assert (jo.platforms[0].platform, jo.platforms[0].handle, jo.platforms[0].followers) == (
        "tiktok",
        "jo_park",
        88_100,
    )
    assert jo.platforms[0].engagement_rate == pytest.approx(5.5)
    assert jo.location is not None and jo.location.country == "KR"
    assert al.platforms[0].engagement_rate == pytest.approx(2.0)  # a column with a plain value > 1 is percent
    assert jo.bio is None and "met at a fair" not in jo.model_dump_json()


def test_mapping_overrides_a_recognized_header_and_sets_currency() -> None:
    text = 'Name,Handle,Followers,Rate,Engagement avg\nEva,eva.m,50K,"1.200",1K\n'
    rows = _csv(text, mapping={"Rate": "rate_reel:EUR", "Engagement avg": "ignore"})
    eva = rows[0].profile
    assert eva is not None and eva.rates_usd is not None
    assert eva.rates_usd.reel == Decimal("1.30") and eva.rates_usd.post is None  # 1.2 EUR (dot is decimal)
    assert eva.platforms[0].engagement_rate is None


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"Name": "full_name"}, "valid targets: name, handle"),
        ({"Followers": "followers:myspace"}, "unknown platform"),
        ({"Rate": "rate_post:XXX"}, "unknown currency"),
        ({"Name": "bio:instagram"}, "takes no"),
        ({"Nmae": "name"}, "not in the file"),
    ],
)
def test_bad_mapping_is_a_format_error(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse_import(b"Name,Handle,Followers,Rate\nA,a,1,2\n", "x.csv", mapping)


# -------------------------------------------------------------------------------- file-level problems


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"name,followers\nA,1\n", "creators.pdf", "unsupported file type"),
        (b"PK\x03\x04", "creators.xlsx", "export the sheet as CSV"),
        (b"", "empty.csv", "no rows"),
        (b"\n\n", "blank.jsonl", "no rows"),
        (b"Name,Email\nA,a@example.com\n", "nofollowers.csv", "followers column"),
        (b"name,followers\nA,1\n", "notjson.jsonl", "not JSON Lines"),
    ],
)
def test_unusable_files_raise_import_format_error(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse_import(data, filename)


# ------------------------------------------------------------------------- formats, encodings, layout


def test_tab_delimited_multiline_cells_and_youtube_default() -> None:
    text = (
        "channel_name\tSubscribers\tAvg. views\tCategory\tBio\n"
        '"T-Series"\t"270M"\t"1.2M"\tMusic & Dance\t"Line one\nline two"\n'
        'MrBeast\t"300 M"\t"80M"\tShows\t\n'
    )
    rows = _csv(text, "channels.tsv")
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
    rows = _csv(titled)
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
    rows = _csv(text)
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
    rows = _csv(text)
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
    (row,) = _csv(text)
    assert row.profile is not None
    assert row.profile.languages == ["en"]
    assert row.profile.location is not None and row.profile.location.city == "Lagos"
    assert row.profile.location.country == "NG"  # the explicit Country was not a country; Location's is used
    assert any("Worldwide" in w for w in row.warnings) and any("Elvish" in w for w in row.warnings)


def test_bad_email_and_verified_are_row_errors_naming_the_column() -> None:
    text = "Name,Handle,Followers,Email Address,Verified\nA,a,1K,not-an-email,yes\nB,b,1K,b@example.com,maybe\n"
    rows = _csv(text)
    assert rows[0].profile is None and 'email (column "Email Address")' in (rows[0].error or "")
    assert rows[1].profile is None and 'verified (column "Verified")' in (rows[1].error or "")


# ---------------------------------------------------------------------------------------- value parsers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("409.8M", 409_800_000),
        ("103.8K", 103_800),
        ("1.2k", 1_200),
        ("2,345,678", 2_345_678),
        ("1.5 million", 1_500_000),
        ("12 345", 12_345),
        ("12\u202f345", 12_345),
        ("1,5M", 1_500_000),
        ("1.234.567", 1_234_567),
        ("2 lakh", 200_000),
        ("1.2 crore", 12_000_000),
        ("10K+", 10_000),
        ("1.2B", 1_200_000_000),
        ("987", 987),
        ("1.234", 1_234),
    ],
)
def test_parse_count(raw: str, expected: int) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fraction_ok", "expected"),
    [
        ("4.2%", True, 4.2),
        ("4,2 %", True, 4.2),
        ("0.042", True, 4.2),
        ("0.042", False, 0.042),
        ("4.2", True, 4.2),
        ("1", True, 100.0),
        ("0,035", True, 3.5),
    ],
)
def test_parse_percent(raw: str, fraction_ok: bool, expected: float) -> None:
    assert parse_percent(raw, fraction_ok=fraction_ok) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("₹1,50,000", (Decimal(150000), "INR", False)),
        ("Rs. 25,000", (Decimal(25000), "INR", False)),
        ("US$1.2K", (Decimal(1200), "USD", False)),
        ("€ 1.500,00", (Decimal(1500), "EUR", False)),
        ("20k-30k", (Decimal(20000), None, True)),
        ("-500", (Decimal(-500), None, False)),
        ("1500 GBP", (Decimal(1500), "GBP", False)),
    ],
)
def test_parse_money(raw: str, expected: tuple[Decimal, str | None, bool]) -> None:
    assert parse_money(raw) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Influencer name", Target("name")),
        ("Instagram name", Target("handle", platform="instagram")),
        ("channel_name", Target("name")),
        ("Username", Target("handle")),
        ("Subscribers", Target("followers")),
        ("Followers count", Target("followers")),
        ("ER", Target("engagement_rate")),
        ("Engagement rate (%)", Target("engagement_rate")),
        ("Authentic engagement", Target("avg_interactions")),
        ("Engagement avg", Target("avg_interactions")),
        ("Avg. likes", Target("avg_interactions")),
        ("Category_1", Target("niches")),
        ("category_2", Target("niches")),
        ("Audience country(mostly)", Target("audience_country")),
        ("Country", Target("country")),
        ("Email Address", Target("email")),
        ("Rate (INR)", Target("rate_post", currency="INR")),
        ("rate_inr", Target("rate_post", currency="INR")),
        ("Reel price (€)", Target("rate_reel", currency="EUR")),
        ("YouTube subscribers", Target("followers", platform="youtube")),
        ("Tiktoker name", Target("handle", platform="tiktok")),
        ("Profile URL", Target("profile_url")),
        ("Avg. views", Target("avg_views")),
        ("Total views", None),
        ("rank", None),
        ("Gender", Target("gender")),
        ("Creator age (years)", Target("age")),
        ("Birth year", Target("birth_year")),
        ("Audience age 18-24", None),
        ("Real name", Target("name")),
    ],
)
def test_recognize_header(header: str, expected: Target | None) -> None:
    assert recognize_header(header) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@cristiano", ("cristiano", None)),
        ("https://www.instagram.com/cristiano/?hl=en", ("cristiano", "instagram")),
        ("instagram.com/lina.cooks", ("lina.cooks", "instagram")),
        ("https://www.tiktok.com/@khaby.lame", ("khaby.lame", "tiktok")),
        ("https://youtube.com/@MrBeast", ("MrBeast", "youtube")),
        ("https://www.youtube.com/c/tseries", ("tseries", "youtube")),
        ("https://x.com/elonmusk", ("elonmusk", "twitter")),
        ("https://www.linkedin.com/in/jane-doe", ("jane-doe", "linkedin")),
    ],
)
def test_clean_handle(raw: str, expected: tuple[str, str | None]) -> None:
    assert clean_handle(raw) == expected


# ------------------------------------------------------------------------------------------- taxonomy


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("Sports with a ball", "sports"),
        ("Music & Dance", "music"),
        ("Modeling", "fashion"),
        ("Lifestyle", "lifestyle"),
        ("Cinema & Actors/actresses", "entertainment"),
        ("Shows", "entertainment"),
        ("Humor & Fun & Happiness", "comedy"),
        ("Fitness & Gym", "fitness"),
        ("Finance & Economics", "finance"),
        ("Family", "parenting"),
        ("Computers & Gadgets", "tech"),
        ("Science", "education"),
        ("Clothing & Outfits", "fashion"),
        ("Food & Cooking", "food"),
        ("Animals", "pets"),
        ("Cars & Motorbikes", "automotive"),
        ("Art/Artists", "art"),
        ("Nature & landscapes", "outdoors"),
        ("Video games", "gaming"),
        ("Accessories & Jewellery", "fashion"),
        ("Kids & Toys", "parenting"),
        ("Business & Careers", "business"),
        ("Health & Medicine", "health"),
        ("Management & Marketing", "business"),
        ("Literature & Journalism", "education"),
        ("Racing Sports", "sports"),
        ("skincare", "beauty"),
        ("gym", "fitness"),
        ("crypto", "finance"),
        ("mom", "parenting"),
        ("DIY", "home"),
        ("dogs", "pets"),
        ("hiking", "outdoors"),
        ("eco", "sustainability"),
        ("skincare routines", "beauty"),
        ("Politics", None),
        ("", None),
    ],
)
def test_niche_for(label: str, slug: str | None) -> None:
    assert niche_for(label) == slug


def test_niche_synonyms_are_lowercase_and_point_at_real_slugs() -> None:
    assert all(k == k.lower() for k in NICHE_SYNONYMS)
    assert set(NICHE_SYNONYMS.values()) <= set(NICHES)
    assert niches_in("Fashion & Beauty") == ("fashion", "beauty")


def test_platform_country_language_lookups() -> None:
    assert [
        platform_for(x) for x in ("Instagram", "IG", "insta", "YT", "YouTube", "Tiktok", "X", "Twitter", "Myspace")
    ] == ["instagram", "instagram", "instagram", "youtube", "youtube", "tiktok", "twitter", "twitter", None]
    assert [country_code(x) for x in ("United States", "India", "Brazil", "UK", "USA", "UAE", "de", "Narnia")] == [
        "US",
        "IN",
        "BR",
        "GB",
        "US",
        "AE",
        "DE",
        None,
    ]
    assert [language_code(x) for x in ("English", "hi", "Farsi", "pt-BR", "Elvish")] == ["en", "hi", "fa", "pt", None]


def test_handle_only_row_named_after_handle_and_missing_followers_is_an_error() -> None:
    rows = _csv("Instagram handle,Followers,TikTok handle,TikTok followers\n@solo.cook,5K,solo.tt,\nquiet,N/A,,\n")
    solo = rows[0].profile
    assert solo is not None and solo.name == "solo.cook" and solo.handle == "solo.cook"
    assert [a.platform for a in solo.platforms] == ["instagram"]
    assert rows[0].warnings == ("tiktok account 'solo.tt' skipped: no followers value",)
    assert rows[1].profile is None and rows[1].error == 'followers (column "Followers"): missing'


def test_mapping_applies_to_flat_jsonl_and_count_rows_needs_no_mapping() -> None:
    data = b'{"Who": "Zed", "Fans": "2k", "Eng": "3%"}\n{"Who": "Y"}\n'
    rows = list(parse_import(data, "x.jsonl", {"Who": "name", "Fans": "followers", "Eng": "engagement_rate"}))
    assert rows[0].profile is not None and rows[0].profile.platforms[0].followers == 2_000
    assert rows[0].profile.platforms[0].engagement_rate == pytest.approx(3.0)
    assert rows[1].profile is None and rows[1].error == "followers: missing"
    assert count_rows(_ODD.encode(), "odd.csv") == 2  # header not recognizable without a mapping: still counted


# ----------------------------------------------------------------------------- package layout and side effects


def test_a_cell_over_the_csv_default_limit_is_read_and_the_limit_is_put_back() -> None:
    import csv

    before = csv.field_size_limit()
    notes = "x" * 200_000  # longer than the csv module's default limit (131,072): a pasted post dump
    rows = _csv(f'Name,Followers,Notes\nAna,12000,"{notes}"\nBo,3000,short\n')
    assert [r.profile.name for r in rows if r.profile] == ["Ana", "Bo"]
    assert csv.field_size_limit() == before
    with pytest.raises(ImportFormatError):
        _csv("just,a,title\n")
    assert csv.field_size_limit() == before  # restored when the file is refused too


def test_old_import_path_is_the_package() -> None:
    import data.importer
    import data.importing

    for name in ("ImportFormatError", "ImportRow", "parse_import", "count_rows", "column_plan", "Target"):
        assert getattr(data.importer, name) is getattr(data.importing, name)


def test_wellness_is_health_and_dance_stays_a_topic() -> None:
    rows = _csv("Name,Followers,Category\nAna,12000,Wellness\nBo,3000,Dance\nCy,5000,Music & Dance\n")
    ana, bo, cy = (r.profile for r in rows)
    assert ana is not None and bo is not None and cy is not None
    assert (ana.niches, bo.niches, cy.niches) == (["health"], [], ["music"])
    assert bo.topics == ["Dance"]
