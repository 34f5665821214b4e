"""The legacy routes' retry around unique-constraint races (api/compat/links.py), and the claim it retries."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from api.compat.links import LostClaim, claim_new, find_link, link_key, reclaim, retrying
from api.http.errors import ApiError
from data.db import session_scope


class _Session:
    def __init__(self) -> None:
        self.rollbacks = 0

    def rollback(self) -> None:
        self.rollbacks += 1


def _failing(errors: list[Exception], result: Any = "done") -> Any:
    def attempt() -> Any:
        if errors:
            raise errors.pop(0)
        return result
    return attempt


def test_a_lost_race_is_run_again_until_it_reads_the_winner():
    session = _Session()
    race = IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))
    assert retrying(session, _failing([race, LostClaim("k")])) == "done"
    assert session.rollbacks == 2


def test_a_race_that_never_ends_is_409_and_a_database_away_is_503():
    race = IntegrityError("INSERT", {}, Exception("duplicate key"))
    with pytest.raises(ApiError) as conflict:
        retrying(_Session(), _failing([race] * 10))
    assert conflict.value.status == 409
    locked = OperationalError("INSERT", {}, Exception("database is locked"))
    with pytest.raises(ApiError) as away:
        retrying(_Session(), _failing([locked] * 10))
    assert away.value.status == 503


def test_one_claim_per_key_and_a_reclaim_is_compare_and_set(database_url, tenant):
    key = link_key("contact", "spring launch", "instagram|sarahglows")
    assert key.startswith("contact:") and key != link_key("contact", "spring launch", "instagram|other")
    with session_scope(database_url) as s:
        claim_new(s, tenant.org_id, key).target_id = "a" * 32
    with pytest.raises(IntegrityError), session_scope(database_url) as s:
        claim_new(s, tenant.org_id, key)
    with session_scope(database_url) as s:
        stale = find_link(s, tenant.org_id, key)
        s.expunge(stale)
    with session_scope(database_url) as s:
        link = reclaim(s, find_link(s, tenant.org_id, key))
        link.target_id = "b" * 32
    with pytest.raises(LostClaim), session_scope(database_url) as s:
        reclaim(s, s.merge(stale, load=False))  # still believes the target is "a…": another request moved it
    with session_scope(database_url) as s:
        assert find_link(s, tenant.org_id, key).target_id == "b" * 32
