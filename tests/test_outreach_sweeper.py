"""api.outreach.sweeper: a launch whose delivery tasks a broker lost is found from SQL and delivered, each creator
once; a launch that is still moving, or a member waiting for its retry, is left alone."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api import jobs
from api.outreach import sweeper
from api.outreach.launch import deliver_task, launch_task, run_launch
from api.outreach.sweeper import stall_grace, sweep_launches
from data.db import session_scope
from data.models import Campaign, CampaignMember, Job, utcnow
from tests.builders import (
    add_campaign,
    add_creator,
    add_email,
    add_member,
    launch_to,
    make_campaign,
    make_outreach_app,
    members,
    read_outbox,
    seed_creators,
    use_env,
)

T0 = utcnow() - timedelta(hours=2)


@pytest.fixture()
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """What the sweeper queues (task name and args) instead of running it."""
    seen: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(jobs, "enqueue", lambda task, *args: seen.append((task.name, args)))
    return seen


@pytest.fixture()
def short_grace(outreach_db: str, monkeypatch: pytest.MonkeyPatch) -> timedelta:
    use_env(monkeypatch, CELERY_VISIBILITY_TIMEOUT_S="30", SEND_LEASE_SECONDS="5")
    assert stall_grace() == timedelta(seconds=30)
    return stall_grace()


def _sweep(tenant: Any, now: Any = None) -> dict[str, int]:
    """A sweep of this test's organization only (the database is shared with other tests)."""
    return sweep_launches(now, org_id=tenant.org_id)


def _launch_rows(database_url: str, org_id: str, statuses: list[str], **job: Any) -> tuple[str, list[str]]:
    """A launch job created at T0 over creators with these member statuses, every row last written at T0."""
    with session_scope(database_url) as s:
        campaign = add_campaign(s, org_id)
        ids = [add_creator(s, org_id, n).id for n in range(len(statuses))]
        for inf_id, status in zip(ids, statuses, strict=True):
            add_member(s, campaign, inf_id, status=status, created_at=T0, updated_at=T0)
        row = Job(org_id=org_id, kind="campaign_launch", status=job.pop("status", "running"), created_at=T0,
                  params={"campaign_id": campaign.id, "influencer_ids": ids, "channel": "email",
                          "pricing": {"target_usd": 2000, "max_usd": 3000}}, total=len(ids))
        s.add(row)
        s.flush()
        return row.id, ids


def test_a_stalled_launch_gets_its_unsent_members_delivered_again(outreach_db, tenant, short_grace, queued):
    job_id, ids = _launch_rows(outreach_db, tenant.org_id, ["queued", "queued", "queued", "sent", "failed"])
    with session_scope(outreach_db) as s:  # one lost before drafting, one stored, one under a claim that expired
        campaign = s.get(Campaign, s.get(Job, job_id).params["campaign_id"])
        add_email(s, campaign, ids[1], "c1@creators.example", created_at=T0)
        add_email(s, campaign, ids[2], "c2@creators.example", status="sending", claimed_at=T0, attempts=1)
    moment = T0 + short_grace + timedelta(seconds=1)
    assert _sweep(tenant, moment) == {"launches": 1, "stalled": 1, "redispatched": 3, "relaunched": 0}
    assert sorted(queued) == sorted((deliver_task.name, (job_id, i)) for i in ids[:3])

    queued.clear()  # the sweep counts as progress: the re-dispatched tasks get a whole grace to run
    assert _sweep(tenant, moment + short_grace - timedelta(seconds=1))["redispatched"] == 0
    assert _sweep(tenant, moment + short_grace + timedelta(seconds=1))["redispatched"] == 3
    assert len(queued) == 3


def test_a_launch_that_moved_within_the_grace_is_left_alone(outreach_db, tenant, short_grace, queued):
    _job_id, ids = _launch_rows(outreach_db, tenant.org_id, ["queued", "queued", "sent"])
    with session_scope(outreach_db) as s:  # the last delivery finished 10 s before the sweep
        member = s.scalar(select(CampaignMember).where(CampaignMember.influencer_id == ids[2]))
        member.updated_at = T0 + timedelta(seconds=50)
    assert _sweep(tenant, T0 + timedelta(seconds=60))["redispatched"] == 0
    assert queued == []
    assert _sweep(tenant, T0 + timedelta(seconds=81))["redispatched"] == 2


def test_a_fresh_claim_counts_as_progress(outreach_db, tenant, short_grace, queued):
    job_id, ids = _launch_rows(outreach_db, tenant.org_id, ["queued", "queued"])
    with session_scope(outreach_db) as s:
        campaign = s.get(Campaign, s.get(Job, job_id).params["campaign_id"])
        add_email(s, campaign, ids[0], "c0@creators.example", status="sending", attempts=1,
                  claimed_at=T0 + timedelta(seconds=58))
    assert _sweep(tenant, T0 + timedelta(seconds=60))["redispatched"] == 0
    assert queued == []


def test_a_member_waiting_for_its_retry_keeps_its_backoff(outreach_db, tenant, short_grace, queued):
    job_id, ids = _launch_rows(outreach_db, tenant.org_id, ["queued", "queued"])
    with session_scope(outreach_db) as s:  # greylisted 40 s ago: Celery holds its retry for minutes
        member = s.scalar(select(CampaignMember).where(CampaignMember.influencer_id == ids[0]))
        member.last_error, member.updated_at = "451 greylisted", T0 + timedelta(seconds=20)
    assert _sweep(tenant, T0 + timedelta(seconds=60))["redispatched"] == 1
    assert queued == [(deliver_task.name, (job_id, ids[1]))]


def test_a_launch_job_never_started_is_launched_again_after_the_grace(outreach_db, tenant, short_grace, queued):
    job_id, _ids = _launch_rows(outreach_db, tenant.org_id, ["queued"], status="queued")
    assert _sweep(tenant, T0 + timedelta(seconds=10))["launches"] == 0
    assert _sweep(tenant, T0 + timedelta(seconds=31))["relaunched"] == 1
    assert queued == [(launch_task.name, (job_id,))]
    assert _sweep(tenant, T0 + timedelta(seconds=50))["relaunched"] == 0  # it may be behind other work
    assert _sweep(tenant, T0 + timedelta(seconds=62))["relaunched"] == 1


def test_a_running_launch_with_nobody_waiting_is_marked_done(outreach_db, tenant, short_grace, queued):
    job_id, _ids = _launch_rows(outreach_db, tenant.org_id, ["sent", "failed"])
    assert _sweep(tenant, T0 + timedelta(minutes=5))["redispatched"] == 0
    with session_scope(outreach_db) as s:
        job = s.get(Job, job_id)
        assert (job.status, job.processed, job.failed) == ("done", 2, 1)
    assert _sweep(tenant, T0 + timedelta(minutes=6))["launches"] == 0


def test_lost_deliveries_are_sent_once_each_after_a_sweep(database_url, tenant, tmp_path: Path, monkeypatch):
    """End to end in-process: the broker "loses" four of six deliveries; one sweep sends exactly those four."""
    outbox = tmp_path / "outbox"
    app = make_outreach_app(database_url, MAIL_TRANSPORT=f"outbox:{outbox}")
    ids = seed_creators(database_url, tenant.org_id, 6)
    real_enqueue = jobs.enqueue
    lost = set(ids[2:])

    def lossy(task: Any, *args: Any) -> None:
        if task is deliver_task and args[1] in lost:
            return
        real_enqueue(task, *args)

    with app.app_context():
        client = app.test_client()
        campaign = make_campaign(client, tenant)
        monkeypatch.setattr(jobs, "enqueue", lossy)
        r = launch_to(client, tenant, campaign["id"], ids, key="lossy")
        assert r.status_code == 202, r.json
        assert jobs.wait_idle(60)
        assert len(read_outbox(outbox)) == 2
        assert _sweep(tenant)["redispatched"] == 0  # just launched: still inside the grace
        monkeypatch.setattr(jobs, "enqueue", real_enqueue)
        later = utcnow() + stall_grace() + timedelta(seconds=1)
        assert _sweep(tenant, later) == {"launches": 1, "stalled": 1, "redispatched": 4, "relaunched": 0}
        assert jobs.wait_idle(60)
        sent = read_outbox(outbox)
        assert sorted(str(m["To"]) for m in sent) == sorted(f"c{n}@creators.example" for n in range(6))
        assert {m.status for m in members(database_url, campaign["id"]).values()} == {"sent"}
        job = client.get(f"/api/v1/jobs/{r.json['job_id']}", headers=tenant.headers("manager")).json
        assert (job["status"], job["processed"]) == ("done", 6)
        assert _sweep(tenant, later + stall_grace() * 2) == {"launches": 0, "stalled": 0, "redispatched": 0,
                                                             "relaunched": 0}
    assert sweeper.sweep_interval_s() >= 15


def test_without_a_broker_the_serving_process_sweeps_on_a_thread(outreach_db, monkeypatch):
    app = make_outreach_app(outreach_db)
    calls: list[int] = []
    stop = threading.Event()

    def counted(*_: Any, **__: Any) -> dict[str, int]:
        calls.append(1)
        if len(calls) == 2:
            stop.set()
        if len(calls) == 1:
            raise RuntimeError("database down")  # logged; the loop goes on
        return {}

    monkeypatch.setattr(sweeper, "sweep_launches", counted)
    sweeper.sweep_forever(app, stop, every_s=0.01)
    assert len(calls) == 2
    before = [t for t in threading.enumerate() if t.name == "launch-sweep"]
    sweeper.start_in_process_sweep(app)  # a testing app never starts the thread
    assert [t for t in threading.enumerate() if t.name == "launch-sweep"] == before


def test_a_launch_run_again_dispatches_only_its_waiting_members(outreach_db, tenant, queued):
    job_id, ids = _launch_rows(outreach_db, tenant.org_id, ["sent", "queued", "negotiating", "queued"])
    run_launch(job_id)
    assert sorted(queued) == sorted([(deliver_task.name, (job_id, ids[1])), (deliver_task.name, (job_id, ids[3]))])
