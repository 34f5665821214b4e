"""Niches, platforms, countries and languages as exports spell them; the old import path."""

from __future__ import annotations

import pytest

from data.taxonomy import NICHE_SYNONYMS, country_code, language_code, niche_for, niches_in, platform_for
from data.types import NICHES
from tests.importing.import_helpers import csv_rows


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


def test_old_import_path_is_the_package() -> None:
    import data.importer
    import data.importing

    for name in ("ImportFormatError", "ImportRow", "parse_import", "count_rows", "column_plan", "Target"):
        assert getattr(data.importer, name) is getattr(data.importing, name)


def test_wellness_is_health_and_dance_stays_a_topic() -> None:
    rows = csv_rows("Name,Followers,Category\nAna,12000,Wellness\nBo,3000,Dance\nCy,5000,Music & Dance\n")
    ana, bo, cy = (r.profile for r in rows)
    assert ana is not None and bo is not None and cy is not None
    assert (ana.niches, bo.niches, cy.niches) == (["health"], [], ["music"])
    assert bo.topics == ["Dance"]
