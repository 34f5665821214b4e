"""Explicit column mappings and files unusable as a whole."""

from __future__ import annotations

from decimal import Decimal

import pytest

from data.importer import (
    ImportFormatError,
    count_rows,
    parse_import,
)
from tests.importing.import_helpers import csv_rows

_ODD = "Who,Where,How many,Score,Notes\nJo Park,South Korea,88.1K,5.5%,met at a fair\nAl Diaz,Mexico,1M,2,\n"


def test_mapping_makes_unrecognized_headers_usable() -> None:
    with pytest.raises(ImportFormatError, match="no recognizable columns"):
        csv_rows(_ODD)
    mapping = {
        "Who": "name",
        "Where": "country",
        "How many": "followers:tiktok",
        "Score": "engagement_rate",
        "Notes": "ignore",
    }
    rows = csv_rows(_ODD, mapping=mapping)
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
    rows = csv_rows(text, mapping={"Rate": "rate_reel:EUR", "Engagement avg": "ignore"})
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


def test_mapping_applies_to_flat_jsonl_and_count_rows_needs_no_mapping() -> None:
    data = b'{"Who": "Zed", "Fans": "2k", "Eng": "3%"}\n{"Who": "Y"}\n'
    rows = list(parse_import(data, "x.jsonl", {"Who": "name", "Fans": "followers", "Eng": "engagement_rate"}))
    assert rows[0].profile is not None and rows[0].profile.platforms[0].followers == 2_000
    assert rows[0].profile.platforms[0].engagement_rate == pytest.approx(3.0)
    assert rows[1].profile is None and rows[1].error == "followers: missing"
    assert count_rows(_ODD.encode(), "odd.csv") == 2  # header not recognizable without a mapping: still counted


# ----------------------------------------------------------------------------- package layout and side effects
