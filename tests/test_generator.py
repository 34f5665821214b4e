"""The synthetic creator generator: determinism, validity, uniqueness and plausible distributions."""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from data import generator_vocab as V
from data.generator import _suffix, generate_profile, generate_profiles
from data.schemas import InfluencerIn

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = 20_000


def _tier(followers: int) -> str:
    return "nano" if followers < 10_000 else "micro" if followers < 100_000 else "macro" if followers < 1_000_000 \
        else "mega"


def _digest(count: int) -> str:
    return hashlib.sha256(json.dumps(list(generate_profiles(count)), sort_keys=True).encode()).hexdigest()


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return list(generate_profiles(SAMPLE))


def test_same_index_same_profile_and_seed_matters() -> None:
    assert generate_profile(123) == generate_profile(123)
    assert generate_profile(123, seed=7) != generate_profile(123, seed=8)
    assert generate_profile(123) != generate_profile(124)


def test_chunked_generation_equals_whole_run() -> None:
    whole = list(generate_profiles(300))
    chunks = [p for start in range(0, 300, 70) for p in generate_profiles(min(70, 300 - start), start=start)]
    assert chunks == whole
    assert list(generate_profiles(5, start=1000)) == [generate_profile(i) for i in range(1000, 1005)]


def test_profiles_do_not_depend_on_the_process_hash_seed() -> None:
    code = ("import hashlib, json; from data.generator import generate_profiles; "
            "print(hashlib.sha256(json.dumps(list(generate_profiles(200)), sort_keys=True).encode()).hexdigest())")
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True)
        outputs.add(run.stdout.strip())
    assert outputs == {_digest(200)}


def test_negative_index_is_rejected() -> None:
    with pytest.raises(ValueError):
        generate_profile(-1)


def test_every_profile_validates_and_is_json_ready(sample: list[dict]) -> None:
    for profile in sample[:3000]:
        model = InfluencerIn.model_validate(profile)
        assert model.name == profile["name"]
        assert json.loads(json.dumps(profile)) == profile


def test_handles_are_unique_per_platform(sample: list[dict]) -> None:
    keys = [(a["platform"], a["handle"].lower()) for p in sample for a in p["platforms"]]
    assert len(keys) == len(set(keys))
    assert all(p["handle"] == p["platforms"][0]["handle"] for p in sample[:100])


def test_handle_suffix_is_a_bijection() -> None:
    values = [_suffix(i) for i in range(300_000)]
    assert len(set(values)) == len(values)
    assert all(len(str(v)) <= len(str(i)) for i, v in enumerate(values[:100_000]) if i >= 100)


def test_most_creators_are_nano_or_micro_and_few_are_mega(sample: list[dict]) -> None:
    tiers = Counter(_tier(p["platforms"][0]["followers"]) for p in sample)
    assert (tiers["nano"] + tiers["micro"]) / SAMPLE > 0.6
    assert 0.002 < tiers["mega"] / SAMPLE < 0.05
    main = [p["platforms"][0]["followers"] for p in sample]
    assert min(main) >= 1000 and max(main) <= 50_000_000


def test_engagement_falls_with_size(sample: list[dict]) -> None:
    accounts = [a for p in sample for a in p["platforms"]]
    small = statistics.median(a["engagement_rate"] for a in accounts if a["followers"] < 10_000)
    big = statistics.median(a["engagement_rate"] for a in accounts if a["followers"] > 1_000_000)
    assert big < small
    assert 4 < small < 10 and 0.8 < big < 3
    assert all(0 < a["engagement_rate"] <= 100 for a in accounts)


def test_post_rates_grow_with_followers(sample: list[dict]) -> None:
    by_tier: dict[str, list[int]] = {}
    for p in sample:
        if p["rates_usd"]:
            by_tier.setdefault(_tier(p["platforms"][0]["followers"]), []).append(p["rates_usd"]["post"])
    medians = [statistics.median(by_tier[t]) for t in ("nano", "micro", "macro", "mega")]
    assert medians == sorted(medians) and medians[-1] > 20 * medians[0]
    with_rates = [p["rates_usd"] for p in sample if p["rates_usd"]]
    assert 0.05 < 1 - len(with_rates) / SAMPLE < 0.25  # some creators publish no rates
    stories = [r for r in with_rates if r["story"]]
    assert statistics.median(r["story"] / r["post"] for r in stories) < 0.5


def test_audience_gender_follows_niche(sample: list[dict]) -> None:
    def female(niche: str) -> float:
        return statistics.mean(p["audience"]["female_pct"] for p in sample if p["niches"][0] == niche and p["audience"])

    assert female("beauty") > 70 > 35 > female("gaming")
    for p in sample:
        aud = p["audience"]
        if aud:
            ages = [aud[k] or 0 for k in aud if k.startswith("age_")]
            assert sum(ages) <= 100 and aud["female_pct"] + aud["male_pct"] <= 100


def test_top_countries_start_near_home(sample: list[dict]) -> None:
    with_audience = [p for p in sample if p["audience"]]
    home = sum(p["location"]["country"] in p["audience"]["top_countries"][:2] for p in with_audience)
    assert home == len(with_audience)


def test_locations_and_languages_are_consistent(sample: list[dict]) -> None:
    countries = Counter(p["location"]["country"] for p in sample)
    assert countries.most_common(1)[0][0] == "US" and 0.4 < countries["US"] / SAMPLE < 0.75
    assert len(countries) >= 12
    for p in sample:
        langs, country = p["languages"], p["location"]["country"]
        if country in ("MX", "ES", "CO", "AR"):
            assert "es" in langs
        if country == "BR":
            assert langs[0] == "pt"
    us = [p for p in sample if p["location"]["country"] == "US"]
    assert 0.04 < sum(p["languages"][:2] == ["en", "es"] for p in us) / len(us) < 0.3


def test_names_span_cultures_and_scripts(sample: list[dict]) -> None:
    names = [p["name"] for p in sample]
    assert any(not n.isascii() for n in names)
    assert any("\uac00" <= ch <= "\ud7a3" for n in names for ch in n)  # some Hangul
    assert any("\u0600" <= ch <= "\u06ff" for n in names for ch in n)  # some Arabic script
    assert len(set(names)) > SAMPLE / 4
    handles = [a["handle"] for p in sample for a in p["platforms"]]
    assert all(h.isascii() and h == h.lower() for h in handles)


def test_contacts_are_mostly_present_and_safe(sample: list[dict]) -> None:
    emails = [p["email"] for p in sample if p["email"]]
    phones = [p["phone"] for p in sample if p["phone"]]
    assert 0.7 < len(emails) / SAMPLE < 0.97 and 0.5 < len(phones) / SAMPLE < 0.9
    assert all(e.rsplit("@", 1)[1] in ("example.com", "example.net", "example.org") for e in emails)


def test_primary_platform_depends_on_niche(sample: list[dict]) -> None:
    def primaries(niche: str) -> Counter:
        return Counter(p["platforms"][0]["platform"] for p in sample if p["niches"][0] == niche)

    gaming = primaries("gaming")
    assert (gaming["twitch"] + gaming["youtube"]) / sum(gaming.values()) > 0.6
    assert primaries("business").most_common(1)[0][0] == "linkedin"
    beauty = primaries("beauty")
    assert (beauty["instagram"] + beauty["tiktok"]) / sum(beauty.values()) > 0.7


def test_topics_and_brands_come_from_the_creators_niches(sample: list[dict]) -> None:
    for p in sample[:5000]:
        allowed_topics = {t for n in p["niches"] for t in V.TOPICS[n]}
        allowed_brands = {b for n in p["niches"] for b in V.BRANDS[n]}
        assert 1 <= len(p["niches"]) <= 3 and len(set(p["niches"])) == len(p["niches"])
        assert p["topics"] and set(p["topics"]) <= allowed_topics
        assert len(p["past_brands"]) <= 5 and set(p["past_brands"]) <= allowed_brands
    beauty = Counter(b for p in sample if p["niches"][0] == "beauty" for b in p["past_brands"])
    assert "Sephora" in beauty


def test_bios_vary_and_mention_the_creator(sample: list[dict]) -> None:
    bios = [p for p in sample[:2000] if p["bio"]]
    openings = Counter(" ".join(p["bio"].split()[:1]) for p in bios)
    assert len(openings) > 30 and openings.most_common(1)[0][1] < len(bios) / 5
    mentions = sum(p["location"]["city"] in p["bio"] or any(t.lower() in p["bio"].lower() for t in p["topics"])
                   for p in bios)
    assert mentions / len(bios) > 0.9


def test_recent_posts_are_from_2026_and_scale_with_audience(sample: list[dict]) -> None:
    ratios = {"small": [], "big": []}
    for p in sample:
        assert 1 <= len(p["recent_posts"]) <= 5
        handles = {a["platform"]: a for a in p["platforms"]}
        dates = [post["posted_at"] for post in p["recent_posts"]]
        assert dates == sorted(dates, reverse=True) and all(d.startswith("2026-") and d.endswith("Z") for d in dates)
        for post in p["recent_posts"]:
            account = handles[post["platform"]]
            assert post["comments"] <= post["likes"]
            key = "small" if account["followers"] < 10_000 else "big" if account["followers"] > 1_000_000 else None
            if key:
                ratios[key].append(post["likes"] / account["followers"])
    assert statistics.median(ratios["big"]) < statistics.median(ratios["small"])
    texts = [post["text"] for p in sample[:500] for post in p["recent_posts"]]
    assert len(set(texts)) > 0.8 * len(texts)


def test_sponsored_posts_name_a_past_brand(sample: list[dict]) -> None:
    sponsored = [(p, post) for p in sample[:3000] for post in p["recent_posts"] if "#ad" in post["text"]]
    assert sponsored
    assert all(any(b in post["text"] for b in p["past_brands"]) for p, post in sponsored)


def test_verified_is_more_likely_for_large_accounts(sample: list[dict]) -> None:
    def share(tier: str) -> float:
        group = [p["verified"] for p in sample if _tier(max(a["followers"] for a in p["platforms"])) == tier]
        return sum(group) / len(group)

    assert share("nano") < 0.05 < share("macro") < share("mega")


def test_video_platforms_report_views(sample: list[dict]) -> None:
    accounts = [a for p in sample for a in p["platforms"]]
    assert all(a["avg_views"] is None for a in accounts if a["platform"] in ("twitter", "linkedin", "pinterest"))
    youtube = [a for a in accounts if a["platform"] == "youtube"]
    assert sum(a["avg_views"] is not None for a in youtube) / len(youtube) > 0.7
