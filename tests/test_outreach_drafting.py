"""Outreach drafting: facts true of the profile, en/es templates, escaping, footer, checks, model path."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from agent.outreach import (
    UNSUBSCRIBE_PLACEHOLDER,
    Fact,
    check_draft,
    draft_outreach,
    fill_unsubscribe,
    resolve,
)
from agent.outreach.checks import UNFILLED_UNSUBSCRIBE
from agent.outreach.facts import format_value
from data.schemas import CampaignIn, InfluencerIn

UNSUB = "https://app.example/u/tok_abc?org=1&lang=en"
ADDRESS = "Lumen Labs Inc., 100 Congress Ave, Austin, TX 78701, USA"


def _profile(**overrides: Any) -> dict[str, Any]:
    """A profile as the API returns it: validated by InfluencerIn, dumped to JSON, with an id."""
    data: dict[str, Any] = {
        "name": "Sarah Johnson", "handle": "sarahglows", "email": "sarah@example.com",
        "bio": "LA skincare nerd <script>alert('bio')</script>",
        "location": {"city": "Los Angeles", "region": "California", "country": "US"},
        "languages": ["en"], "niches": ["beauty", "lifestyle"], "topics": ["skincare routines", "clean beauty"],
        "platforms": [{"platform": "instagram", "handle": "sarahglows", "followers": 250000,
                       "engagement_rate": 4.2, "avg_views": 15000}],
        "rates_usd": {"post": 2500, "story": 600, "reel": 3200, "video": None},
        "past_brands": ["Lumen", "Glossier", "Sephora"],
        "audience": {"female_pct": 78, "age_18_24_pct": 41, "age_25_34_pct": 37, "top_countries": ["US", "CA"]},
        "recent_posts": [
            {"platform": "tiktok", "text": "Throwback to my first haul.", "posted_at": "2026-08-01T10:00:00Z"},
            {"platform": "instagram", "text": "My 5-step night routine for dry winter skin. Full list in bio "
             "https://example.com/r", "posted_at": "2026-10-02T10:00:00Z", "likes": 12000, "comments": 340},
        ],
        "verified": True,
    }
    data.update(overrides)
    return {"id": "inf_123", **InfluencerIn.model_validate(data).model_dump(mode="json")}


def _campaign(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Winter Glow Launch", "brand": "Lumen", "brand_website": "https://lumen.example",
        "goals": "Awareness for the new serum", "product": "Hydrating night serum",
        "budget_total_usd": "20000", "deliverables": ["1 reel", "3 stories"], "timeline": "3 weeks",
        "target_audience": "Women 18-34 in the US",
        "sender": {"name": "Ana Ruiz", "email": "ana@lumen.example", "postal_address": ADDRESS},
    }
    data.update(overrides)
    return {"id": "cmp_1", **CampaignIn.model_validate(data).model_dump(mode="json")}


def _assert_facts_true(facts: list[Fact], profile: dict[str, Any]) -> None:
    for fact in facts:
        assert format_value(resolve(profile, fact.field)) == fact.value, fact


def test_english_initial_draft_is_built_from_true_facts() -> None:
    profile, campaign = _profile(), _campaign()
    draft = draft_outreach(profile, campaign, unsubscribe_url=UNSUB)
    assert (draft.language, draft.source, draft.kind) == ("en", "template", "initial")
    fields = {f.field: f.value for f in draft.facts}
    _assert_facts_true(draft.facts, profile)
    # The newest post (by posted_at, not list order) and the first past brand that is not the campaign's brand.
    assert fields["recent_posts[1].text"].startswith("My 5-step night routine")
    assert fields["past_brands[1]"] == "Glossier" and "Lumen" not in fields.values()
    assert fields["location.city"] == "Los Angeles" and fields["niches[0]"] == "beauty"
    assert fields["audience.female_pct"] == "78"
    body = draft.body_text
    assert body.startswith("Hi Sarah,")
    for shown in ('"My 5-step night routine for dry winter skin"', "Instagram", "Los Angeles", "Glossier", "78%",
                  "1 reel, 3 stories", "3 weeks", "Hydrating night serum"):
        assert shown in body
    assert "https://example.com/r" not in body  # links inside posts are not quoted
    assert "Sephora" not in body and "250" not in body  # profile data that is not a listed fact is not used
    assert len(draft.subject_variants) >= 2 and draft.subject in draft.subject_variants
    assert check_draft(draft, profile, campaign) == []
    assert check_draft(draft, profile) == []  # campaign terms travel with the draft


def test_subject_variant_follows_seed_and_dict_matches_contract() -> None:
    profile, campaign = _profile(), _campaign()
    subjects = {draft_outreach(profile, campaign, seed=seed).subject for seed in range(4)}
    assert len(subjects) >= 2
    data = draft_outreach(profile, campaign, seed=1).to_dict()
    assert set(data) >= {"subject", "subject_variants", "body_text", "body_html", "facts"}
    assert data["subject"] == data["subject_variants"][1]
    assert all(set(f) == {"field", "value"} for f in data["facts"])
    json.dumps(data)


def test_footer_has_unsubscribe_link_and_postal_address() -> None:
    profile, campaign = _profile(), _campaign()
    draft = draft_outreach(profile, campaign, unsubscribe_url=UNSUB)
    _main, footer = draft.body_text.split("\n-- \n")
    assert UNSUB in footer and ADDRESS in footer and "Ana Ruiz" in footer
    assert 'href="https://app.example/u/tok_abc?org=1&amp;lang=en"' in draft.body_html
    assert "Lumen Labs Inc., 100 Congress Ave, Austin, TX 78701, USA" in draft.body_html

    pending = draft_outreach(profile, campaign)  # link not known yet: placeholder, and the check says so
    assert UNSUBSCRIBE_PLACEHOLDER in pending.body_text
    assert check_draft(pending, profile, campaign) == [UNFILLED_UNSUBSCRIBE]
    filled = fill_unsubscribe(pending, UNSUB)
    assert filled.body_text == draft.body_text and filled.body_html == draft.body_html
    assert check_draft(filled, profile, campaign) == []


def test_spanish_when_spanish_is_the_first_language() -> None:
    profile = _profile(languages=["es", "en"], location={"city": "Madrid", "country": "ES"},
                       niches=["food"], past_brands=["Mahou"], audience=None)
    campaign = _campaign()
    draft = draft_outreach(profile, campaign, unsubscribe_url=UNSUB)
    assert draft.language == "es"
    assert draft.body_text.startswith("Hola Sarah:")
    assert "cocina" in draft.body_text and "Madrid" in draft.body_text and "Mahou" in draft.body_text
    assert "Darse de baja: " + UNSUB in draft.body_text and ADDRESS in draft.body_text
    assert '<html lang="es">' in draft.body_html
    assert "audience.female_pct" not in {f.field for f in draft.facts}
    _assert_facts_true(draft.facts, profile)
    assert check_draft(draft, profile, campaign) == []
    for kind in ("followup_1", "followup_2"):
        followup = draft_outreach(profile, campaign, kind=kind, unsubscribe_url=UNSUB)
        assert followup.language == "es" and followup.body_text.startswith("Hola Sarah:")
        assert check_draft(followup, profile, campaign) == []
    assert draft_outreach(_profile(languages=["en", "es"]), campaign).language == "en"
    assert draft_outreach(_profile(languages=["es"]), campaign).language == "es"


def test_html_escapes_everything_user_supplied() -> None:
    profile = _profile(
        name="Zoë <b>Bold</b>",
        recent_posts=[{"platform": "instagram", "text": "<script>alert(1)</script> my routine & tips",
                       "posted_at": "2026-10-02T10:00:00Z"}],
    )
    campaign = _campaign(brand="Ben & Jerry's <img src=x onerror=alert(2)>", product="<i>Cone</i>")
    draft = draft_outreach(profile, campaign, unsubscribe_url=UNSUB)
    html = draft.body_html
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; my routine &amp; tips" in html
    assert "Ben &amp; Jerry&#39;s &lt;img src=x onerror=alert(2)&gt;" in html
    assert "alert('bio')" not in html and "alert('bio')" not in draft.body_text  # the bio is never quoted
    assert "<script>alert(1)</script> my routine & tips" in draft.body_text  # plain text stays as written
    assert not [p for p in check_draft(draft, profile, campaign) if p.startswith("html:")]


def test_sparse_profile_yields_only_facts_it_has() -> None:
    profile = _profile(location=None, niches=[], topics=[], past_brands=[], audience=None, recent_posts=[])
    draft = draft_outreach(profile, _campaign(), unsubscribe_url=UNSUB)
    assert [f.field for f in draft.facts] == ["name"]
    assert "None" not in draft.body_text and "None" not in draft.body_html
    assert check_draft(draft, profile, _campaign()) == []


def test_followups_thread_and_mention_less() -> None:
    profile, campaign = _profile(), _campaign()
    first = draft_outreach(profile, campaign, unsubscribe_url=UNSUB)
    one = draft_outreach(profile, campaign, kind="followup_1", previous_subject=first.subject, unsubscribe_url=UNSUB)
    two = draft_outreach(profile, campaign, kind="followup_2", previous_subject="Re: " + first.subject,
                         unsubscribe_url=UNSUB)
    assert one.subject == two.subject == f"Re: {first.subject}"
    assert [f.field for f in one.facts] == ["name", "niches[0]"]
    assert [f.field for f in two.facts] == ["name"]
    for draft in (one, two):
        assert len(draft.subject_variants) >= 2
        assert check_draft(draft, profile, campaign) == []
    with pytest.raises(ValueError):
        draft_outreach(profile, campaign, kind="followup_9")  # type: ignore[arg-type]


def test_a_post_that_would_fail_the_checks_is_left_out() -> None:
    profile = _profile(recent_posts=[{"text": "GIVEAWAY!!! Act now, 100% free {{ win }}",
                                      "posted_at": "2026-10-02T10:00:00Z"}])
    draft = draft_outreach(profile, _campaign(), unsubscribe_url=UNSUB)
    assert "recent_posts[0].text" not in {f.field for f in draft.facts}
    assert "GIVEAWAY" not in draft.body_text
    assert check_draft(draft, profile, _campaign()) == []


# --- checks catch each problem ---------------------------------------------------------------------------

@pytest.fixture()
def good() -> tuple[Any, dict[str, Any], dict[str, Any]]:
    profile, campaign = _profile(), _campaign()
    draft = draft_outreach(profile, campaign, unsubscribe_url=UNSUB)
    assert check_draft(draft, profile, campaign) == []
    return draft, profile, campaign


def _with_body(draft: Any, old: str, new: str) -> Any:
    assert old in draft.body_text
    return replace(draft, body_text=draft.body_text.replace(old, new), body_html=draft.body_html.replace(old, new))


def _kinds(problems: list[str]) -> set[str]:
    return {p.split(":", 1)[0] for p in problems}


def test_check_catches_a_false_fact(good: Any) -> None:
    draft, profile, campaign = good
    wrong = replace(draft, facts=[*draft.facts, Fact("location.city", "Paris"), Fact("past_brands[9]", "Nike")])
    problems = check_draft(wrong, profile, campaign)
    assert any("location.city" in p for p in problems) and any("past_brands[9]" in p for p in problems)
    assert _kinds(problems) == {"fact"}


@pytest.mark.parametrize("claim, term", [
    ("Loved your Nike campaign.", "Nike"),
    ("Your 2 million followers are impressive.", "2"),
    ("Say hi to @bestie_cam for us.", "@bestie_cam"),
    ("We loved your time in Barcelona.", "Barcelona"),
    ("See https://evil.example/x for more.", "https://evil.example/x"),
])
def test_check_catches_unbacked_claims(good: Any, claim: str, term: str) -> None:
    draft, profile, campaign = good
    problems = check_draft(_with_body(draft, "Would you be open to it?", claim + " Would you be open to it?"),
                           profile, campaign)
    assert any(p.startswith("claim:") and repr(term) in p for p in problems), problems


def test_check_catches_a_real_profile_detail_that_is_not_a_listed_fact(good: Any) -> None:
    draft, profile, campaign = good
    problems = check_draft(_with_body(draft, "Would you be open", "Sephora loved you too. Would you be open"),
                           profile, campaign)
    assert any("'Sephora'" in p for p in problems)


@pytest.mark.parametrize("inserted", ["{{ first_name }}", "{% if x %}", "[NAME]", "Lorem ipsum dolor.", "Hi None,",
                                      "your city undefined"])
def test_check_catches_placeholders(good: Any, inserted: str) -> None:
    draft, profile, campaign = good
    problems = check_draft(_with_body(draft, "Would you be open", f"{inserted} Would you be open"), profile, campaign)
    assert "placeholder" in _kinds(problems), problems


@pytest.mark.parametrize("subject, body_extra", [
    ("COLLABORATION OFFER FOR YOU", ""),
    ("Quick idea", "Act now, this is a limited time deal."),
    ("Quick idea", "It is 100% free for you."),
    ("Guaranteed results", ""),
    ("Quick idea", "Amazing!!!"),
    ("Quick idea", "Earn $$$ with us."),
    ("Propuesta", "Es gratis y urgente."),
])
def test_check_catches_spam(good: Any, subject: str, body_extra: str) -> None:
    draft, profile, campaign = good
    spammy = replace(draft, subject=subject, subject_variants=[subject, *draft.subject_variants])
    if body_extra:
        spammy = _with_body(spammy, "Would you be open", f"{body_extra} Would you be open")
    problems = check_draft(spammy, profile, campaign)
    assert any(p.startswith("spam:") for p in problems), problems


def test_check_catches_footer_subject_and_html_problems(good: Any) -> None:
    draft, profile, campaign = good
    no_footer = replace(draft, body_text=draft.body_text.split("\n-- \n")[0])
    assert "footer: the text body has no footer" in check_draft(no_footer, profile, campaign)
    no_address = draft_outreach(profile, _campaign(sender=None), unsubscribe_url=UNSUB)
    assert "footer: no sender postal address" in check_draft(no_address, profile)
    one_subject = replace(draft, subject_variants=[draft.subject])
    assert "subject: fewer than 2 distinct subject variants" in check_draft(one_subject, profile, campaign)
    scripted = replace(draft, body_html=draft.body_html.replace("<p>", "<p><script>x()</script>", 1))
    assert _kinds(check_draft(scripted, profile, campaign)) == {"html"}


# --- model path (LLM_PROVIDER=gemini) --------------------------------------------------------------------

class ScriptedProvider:
    """Implements agent.llm.LLMProvider; answers queued JSON like a model would (None when invalid)."""

    name = "gemini"

    def __init__(self, *answers: dict[str, Any] | None) -> None:
        self.answers = list(answers)
        self.requests: list[dict[str, str]] = []

    def generate_json(self, *, system: str, prompt: str, schema: type[BaseModel], timeout_s: float = 10.0) -> Any:
        self.requests.append({"system": system, "prompt": prompt})
        answer = self.answers.pop(0)
        try:
            return None if answer is None else schema.model_validate(answer)
        except ValidationError:
            return None

    def generate_text(self, *, system: str, prompt: str, timeout_s: float = 10.0) -> str | None:
        return None


def _model_answer(**overrides: Any) -> dict[str, Any]:
    answer = {
        "subject_variants": ["Your night routine and our serum", "A winter idea for your skincare audience"],
        "paragraphs": [
            "Your post about a 5-step night routine for dry winter skin is exactly the kind of care we build for.",
            "We're launching a hydrating night serum and would love 1 reel and 3 stories over 3 weeks. "
            "If that sounds good, reply with your rate for the package.",
        ],
        "facts_used": ["recent_posts[1].text"],
    }
    answer.update(overrides)
    return answer


def test_model_draft_used_when_it_passes_the_checks() -> None:
    profile, campaign = _profile(), _campaign()
    provider = ScriptedProvider(_model_answer(facts_used=["recent_posts[1].text", "not.offered"]))
    draft = draft_outreach(profile, campaign, provider=provider, unsubscribe_url=UNSUB, seed=1)
    assert draft.source == "gemini"
    assert draft.subject == "A winter idea for your skincare audience"
    assert [f.field for f in draft.facts] == ["name", "recent_posts[1].text"]
    assert draft.body_text.startswith("Hi Sarah,\n\nYour post about a 5-step")
    assert UNSUB in draft.body_text and ADDRESS in draft.body_text
    assert check_draft(draft, profile, campaign) == []
    # The model saw the facts and the campaign, not the raw profile (no email, bio, rates).
    prompt = json.loads(provider.requests[0]["prompt"])
    assert {f["field"] for f in prompt["facts"]} >= {"name", "recent_posts[1].text", "location.city"}
    assert "sarah@example.com" not in provider.requests[0]["prompt"]
    assert "alert" not in provider.requests[0]["prompt"] and "2500" not in provider.requests[0]["prompt"]
    assert "budget_total_usd" not in prompt["campaign"]
    assert "English" in provider.requests[0]["system"]


@pytest.mark.parametrize("bad", [
    _model_answer(paragraphs=["Your Nike campaign was brilliant. Reply with your rate."]),
    _model_answer(paragraphs=["Your 2.4M followers love you. Reply with your rate."]),
    _model_answer(paragraphs=["You are based in Los Angeles, reply with your rate."], facts_used=[]),
    _model_answer(subject_variants=["ACT NOW: FREE SERUM!!!", "Guaranteed money"]),
    _model_answer(subject_variants=["Only one subject"]),
    None,
])
def test_model_draft_falls_back_to_the_template(bad: dict[str, Any] | None) -> None:
    profile, campaign = _profile(), _campaign()
    provider = ScriptedProvider(bad)
    draft = draft_outreach(profile, campaign, provider=provider, unsubscribe_url=UNSUB)
    assert len(provider.requests) == 1
    assert draft.source == "template"
    assert check_draft(draft, profile, campaign) == []


def test_model_writes_spanish_for_spanish_creators() -> None:
    profile = _profile(languages=["es"])
    answer = _model_answer(
        subject_variants=["Tu rutina de noche y nuestro sérum", "Una idea de invierno para tu piel"],
        paragraphs=["Tu publicación sobre la rutina de noche encaja con nuestro sérum. "
                    "Si te interesa, responde con tu tarifa para 1 reel y 3 stories."],
    )
    provider = ScriptedProvider(answer)
    draft = draft_outreach(profile, _campaign(), provider=provider, unsubscribe_url=UNSUB)
    assert "Spanish" in provider.requests[0]["system"]
    assert draft.source == "gemini" and draft.language == "es"
    assert draft.body_text.startswith("Hola Sarah:") and "Darse de baja" in draft.body_text
    assert re.search(r"<html lang=\"es\">", draft.body_html)


def test_gemini_provider_against_the_fake_server() -> None:
    """Runs once tests/fakes/gemini_server.py and agent/llm/gemini.py exist; skipped until then."""
    fakes = pytest.importorskip("tests.fakes.gemini_server")
    gemini = pytest.importorskip("agent.llm.gemini")
    profile, campaign = _profile(), _campaign()
    with fakes.FakeGemini() as fake:
        provider = gemini.GeminiProvider.from_env(
            {"LLM_PROVIDER": "gemini", "GOOGLE_API_KEY": "x", "GEMINI_BASE_URL": fake.base_url}
        )
        fake.queue_text(json.dumps(_model_answer()))
        draft = draft_outreach(profile, campaign, provider=provider, unsubscribe_url=UNSUB)
        assert draft.source == "gemini" and len(fake.requests) >= 1
        assert check_draft(draft, profile, campaign) == []
        fake.queue_error(500)
        fallback = draft_outreach(profile, campaign, provider=provider, unsubscribe_url=UNSUB)
        assert fallback.source == "template"
