"""JSON Lines and JSON arrays: the README's profile shape and flat records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from data.importer import (
    parse_import,
)
from data.schemas import InfluencerIn
from tests.importing.import_helpers import load


def test_jsonl_contract_shape_flat_rows_and_bad_lines() -> None:
    rows = load("creators.jsonl")
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
