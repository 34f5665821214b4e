"""Schemathesis against the OpenAPI document, on the embedded stack (local index, in-process jobs), over SQLite and
over PostgreSQL: production's database refuses what SQLite stores (a NUL in text, a count past 32 bits), and
only the PostgreSQL run found those 500s.

Every documented operation gets generated requests, valid and invalid: no answer may be a 5xx, and every
answer must be documented (status, content type, schema), and invalid input must be refused. Schema-valid input
may still be refused (a cursor this API never issued, a phone number that does not exist), so schemathesis's
"positive data acceptance" check is left out. The number of examples per operation is bounded
(FUZZ_EXAMPLES, default 25) so the run fits CI; raise it locally for a deeper search.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from tests.builders import make_tenant, module_database, seed_creators

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
ORG = "fuzz-org"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    from api import create_app

    folder: Path = tmp_path_factory.mktemp("fuzz")
    url = module_database(request.param, folder)
    tenant = make_tenant(url, name := f"{ORG}-{uuid.uuid4().hex[:8]}")
    seed_creators(url, tenant.org_id, 5)
    app = create_app({"DATABASE_URL": url, "TESTING": True, "RATELIMIT_ENABLED": False,
                      "CHROMA_PATH": str(folder / "chroma"), "OUTBOX_DIR": str(folder / "outbox"),
                      "INBOUND_EMAIL_SECRET": "fuzz-inbound", "ELEVENLABS_WEBHOOK_SECRET": "fuzz-webhook",
                      "INFLUAI_COMPAT_ORG": name, "SEND_RATE_PER_DOMAIN": "0"})
    yield app, tenant.keys["admin"]


@pytest.fixture(scope="module")
def api_schema(fuzz_app: tuple[Any, str]) -> Any:
    return schemathesis.openapi.from_wsgi("/openapi.json", fuzz_app[0])


def test_every_operation_answers_as_documented(api_schema: Any, fuzz_app: tuple[Any, str]) -> None:
    """One bounded Hypothesis run per operation (schemathesis's pytest plugin does not load on pytest 9)."""
    headers = {"Authorization": f"Bearer {fuzz_app[1]}"}
    failures: dict[str, str] = {}
    tested = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failure is collected, reported together
            failures[operation.label] = _describe(exc)
        tested += 1
    assert tested >= 30, f"only {tested} operations in the document"
    assert not failures, "\n\n".join(f"== {label}\n{why}" for label, why in sorted(failures.items()))


def _describe(exc: BaseException) -> str:
    """What went wrong, with schemathesis's reproduction details (its failure groups print empty by `str`)."""
    parts = [getattr(exc, "message", "") or str(exc)]
    for sub in getattr(exc, "exceptions", ()):
        parts.append(f"{type(sub).__name__}: {getattr(sub, 'title', '')} {getattr(sub, 'message', '') or sub}")
    return "\n".join(p for p in parts if p)[:3000]
