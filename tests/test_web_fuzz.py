"""Fuzzing the web app's screens and forms, which the OpenAPI document (and so schemathesis) does not describe,
over SQLite and PostgreSQL (production's database refuses some text SQLite stores).

Every route of the `web` blueprint gets generated requests from a signed-in browser session of a random role:
path ids that exist (the demo's) or not, query strings and form fields named like the templates' inputs (and
others), with values that are empty, long, negative, not numbers, unicode or repeated; POSTs carry the session's
CSRF token, or not. No answer may be a 5xx or show a stack trace; a page answers HTML. Bounded by WEB_FUZZ_EXAMPLES
(default 15) per route so the run fits CI.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.demo import seed_demo_content
from api.http.auth import ROLES
from data.db import session_scope
from data.models import Influencer, Job, Negotiation, Replay
from tests.builders import make_outreach_app, make_tenant, module_database, seed_creators, use_outreach_env

EXAMPLES = int(os.environ.get("WEB_FUZZ_EXAMPLES", "15"))
TEMPLATES = Path(__file__).resolve().parent.parent / "api" / "web" / "templates"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
FIELDS = sorted(set(re.findall(r'name="([a-z_]+)"', "".join(p.read_text() for p in TEMPLATES.rglob("*.html"))))
             - {"viewport", "csrf_token"})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("webfuzz")
    url = module_database(request.param, folder)
    tenant = make_tenant(url, f"web-fuzz-{uuid.uuid4().hex[:8]}")
    org_id, keys = tenant.org_id, tenant.keys
    with pytest.MonkeyPatch.context() as mp:
        use_outreach_env(mp, url)  # the demo's simulated call runs as a task, which reads the process settings
        seed_creators(url, org_id, 30)
        campaign_id = seed_demo_content(url, org_id)
    with session_scope(url) as s:
        ids = {"campaign_id": [campaign_id],
               "negotiation_id": list(s.scalars(select(Negotiation.id).where(Negotiation.org_id == org_id)))[:4],
               "influencer_id": list(s.scalars(select(Influencer.id).where(Influencer.org_id == org_id)))[:3],
               "replay_id": list(s.scalars(select(Replay.id).where(Replay.org_id == org_id))),
               "job_id": list(s.scalars(select(Job.id).where(Job.org_id == org_id)))[:2],
               "filename": ["app.css", "missing.js"]}
    app = make_outreach_app(url, CHROMA_PATH=str(folder / "chroma"), OUTBOX_DIR=str(folder / "outbox"))
    yield {"app": app, "keys": keys, "ids": ids}


def _signed_in(app: Any, key: str) -> tuple[Any, str]:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"api_key": key, "csrf_token": token}).status_code == 302
    return client, token


_value = st.one_of(
    st.text(max_size=40), st.sampled_from(["", "0", "-1", "2500", "1e9", "NaN", "abc", "x" * 3000, "../../etc",
                                           "<script>alert(1)</script>", "good", "bad", "counter", "email", "voice"]),
    st.integers(-10**12, 10**12).map(str))
_fields = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=12)),
                          st.one_of(_value, st.lists(_value, max_size=3)), max_size=6)


def _rules(app: Any) -> list[Any]:
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint.startswith("web.")), key=lambda r: r.rule)


def _fuzzer(rule: Any, site: dict[str, Any], sessions: dict[str, tuple[Any, str]],
            statuses: dict[str, set[int]]) -> Any:
    """One bounded Hypothesis run over `rule`: a random role's session, method, path ids, fields and token."""
    app, ids = site["app"], site["ids"]
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ascii_id = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=40)
    path_ids = st.fixed_dictionaries({a: st.one_of(st.sampled_from(ids.get(a) or ["none"]), ascii_id)
                                      for a in rule.arguments})

    @given(role=st.sampled_from(ROLES), method=st.sampled_from(methods), fields=_fields, path=path_ids,
           with_token=st.booleans())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(role: str, method: str, fields: dict[str, Any], path: dict[str, str], with_token: bool) -> None:
        client, token = sessions[role]
        url = rule.rule
        for name, value in path.items():
            url = re.sub(rf"<(?:[^:>]+:)?{name}>", value, url)
        if method == "GET":
            r = client.get(url, query_string=fields)
        else:
            r = client.post(url, data={**fields, **({"csrf_token": token} if with_token else {})})
        statuses.setdefault(rule.rule, set()).add(r.status_code)
        body = r.get_data(as_text=True)
        assert r.status_code < 500, f"{method} {url} {fields} -> {r.status_code}: {body[:300]}"
        assert "Traceback" not in body
        if r.status_code == 200 and not rule.rule.startswith("/app/static"):
            assert r.mimetype in ("text/html", "application/json", "text/event-stream"), r.mimetype
        if rule.endpoint in ("web.logout", "web.login_post"):
            sessions[role] = _signed_in(app, site["keys"][role])  # a sign-out (or in) must not end the run

    return run


def test_every_screen_and_form_survives_generated_input(site: dict[str, Any]) -> None:
    sessions = {role: _signed_in(site["app"], key) for role, key in site["keys"].items()}
    rules = _rules(site["app"])
    assert len(rules) >= 20, [r.rule for r in rules]
    failures: dict[str, str] = {}
    statuses: dict[str, set[int]] = {}
    for rule in rules:
        try:
            _fuzzer(rule, site, sessions, statuses)()
        except (Exception, BaseExceptionGroup) as exc:  # every route's failure is collected, reported together
            failures[rule.rule] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"== {rule}\n{why}" for rule, why in sorted(failures.items()))
    answered = {code for codes in statuses.values() for code in codes}
    assert {200, 302}.issubset(answered) and answered & {400, 403, 404}, statuses
