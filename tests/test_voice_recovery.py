"""ElevenLabs calls when things go wrong after the request left: a dial whose answer never came back (it may have
rung, so it is never redialed), a redelivered dial task, and a call whose post-call webhook never arrived (found
again through GET conversation). The real SDK talks to the fake ElevenLabs API on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.jobs import wait_idle
from tests.builders import simulated_call, voice_negotiation
from tests.fakes.elevenlabs_server import FakeElevenLabs, conversation_body
from voice.webhooks import sign

WEBHOOK_SECRET = "whsec-recovery"


@pytest.fixture()
def fake(app: Any) -> Iterator[FakeElevenLabs]:
    """The fake ElevenLabs API, with the app's settings pointing the real SDK at it (short timeout)."""
    before = app.extensions["settings"]
    with FakeElevenLabs(api_key="el-key") as server:
        app.extensions["settings"] = before.model_copy(update={
            "voice_provider": "elevenlabs", "elevenlabs_api_key": "el-key", "elevenlabs_agent_id": "agent_1",
            "elevenlabs_phone_number_id": "phnum_1", "elevenlabs_base_url": server.base_url,
            "elevenlabs_webhook_secret": WEBHOOK_SECRET, "elevenlabs_timeout_s": 0.5})
        try:
            yield server
        finally:
            app.extensions["settings"] = before


def _call(client: Any, tenant: Any, call_id: str) -> dict[str, Any]:
    r = client.get(f"/api/v1/calls/{call_id}", headers=tenant.headers("manager"))
    assert r.status_code == 200, r.json
    return r.json


def _change(database_url: str, call_id: str, **fields: Any) -> None:
    from data.db import session_scope
    from data.models import Call

    with session_scope(database_url) as s:
        call = s.get(Call, call_id)
        for name, value in fields.items():
            setattr(call, name, value)


def _queued_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record what the call tasks queue instead of running it: (task name, call id)."""
    from api import jobs

    queued: list[tuple[str, str]] = []
    monkeypatch.setattr(jobs, "enqueue", lambda task, call_id: queued.append((task.name, call_id)))
    return queued


def test_a_dial_whose_answer_never_came_back_is_not_redialed(client: Any, tenant: Any, database_url: str,
                                                             app: Any, fake: FakeElevenLabs,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from api.calls.tasks import dispatch_due, place

    neg = voice_negotiation(client, tenant, database_url)
    fake.queue_hang(3)  # ElevenLabs receives the call (it dials) but answers after our 0.5 s timeout
    call_id = client.post(f"/api/v1/negotiations/{neg}/calls", json={},
                          headers=tenant.headers("manager")).json["call_id"]
    assert wait_idle(30)
    call = _call(client, tenant, call_id)
    assert call["status"] == "failed" and "not redialed" in call["failure_reason"], call
    assert call["scheduled_for"] is None and call["attempts"] == 1
    assert len(fake.outbound_calls()) == 1
    queued = _queued_tasks(monkeypatch)
    with app.app_context():
        assert place(call_id) == "failed"  # the dial task delivered again
        dispatch_due(datetime.now(UTC) + timedelta(days=2))
    assert (("calls.place", call_id) not in queued) and len(fake.outbound_calls()) == 1
    # ElevenLabs did ring the creator: its post-call webhook finds the call by the call id it carried.
    sent = fake.outbound_calls()[0].body["conversation_initiation_client_data"]
    data = conversation_body("conv_rang_anyway", [
        {"role": "agent", "message": "Hi, this is Glow.", "time_in_call_secs": 0},
        {"role": "user", "message": "Hi! My rate is three thousand five hundred dollars.", "time_in_call_secs": 3}],
        client_data=sent, summary="Quoted 3500.", duration_s=20)
    body = json.dumps({"type": "post_call_transcription", "event_timestamp": int(time.time()), "data": data}).encode()
    r = client.post("/voice/webhooks/elevenlabs", data=body,
                    headers={"ElevenLabs-Signature": sign(body, WEBHOOK_SECRET, int(time.time()))})
    assert r.status_code == 200 and r.json["status"] == "stored", r.json
    call = _call(client, tenant, call_id)
    assert call["status"] == "completed" and call["conversation_id"] == "conv_rang_anyway"
    assert call["summary"] == "Quoted 3500." and len(call["transcript"]) == 2


def test_a_dial_task_delivered_twice_rings_once(client: Any, tenant: Any, database_url: str, app: Any,
                                                fake: FakeElevenLabs) -> None:
    from api.calls.tasks import place

    neg = voice_negotiation(client, tenant, database_url)
    app.extensions["settings"] = app.extensions["settings"].model_copy(update={"elevenlabs_timeout_s": 5.0})
    with app.app_context():
        from api.calls.records import create_call
        from data.db import session_scope
        from data.models import Negotiation

        with session_scope(database_url) as s:
            call_id = create_call(s, s.get(Negotiation, neg), provider="elevenlabs", to_number=None,
                                  max_attempts=3).id
    fake.queue_hang(0.8)  # the first delivery is still waiting for ElevenLabs when the second one arrives
    results: list[str] = []

    def first() -> None:
        with app.app_context():
            results.append(place(call_id))

    worker = threading.Thread(target=first)
    worker.start()
    deadline = time.monotonic() + 5
    while not fake.outbound_calls() and time.monotonic() < deadline:
        time.sleep(0.01)
    with app.app_context():
        second = place(call_id)
    worker.join(10)
    assert second == "claimed elsewhere" and results == ["in_progress"]
    assert len(fake.outbound_calls()) == 1
    call = _call(client, tenant, call_id)
    assert call["status"] == "in_progress" and call["attempts"] == 1 and call["conversation_id"]
    # A claim whose worker died mid-request is given up, not redialed, once its lease ran out.
    _change(database_url, call_id, status="dialing", conversation_id=None,
            dialing_at=datetime.now(UTC) - timedelta(minutes=11))
    with app.app_context():
        assert place(call_id) == "claimed elsewhere"
    call = _call(client, tenant, call_id)
    assert call["status"] == "failed" and "not redialed" in call["failure_reason"]
    assert len(fake.outbound_calls()) == 1


def test_a_call_whose_webhook_never_came_is_recovered(client: Any, tenant: Any, database_url: str, app: Any,
                                                      fake: FakeElevenLabs, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.calls.tasks import RECOVER_AFTER, dispatch_due, recover

    neg = voice_negotiation(client, tenant, database_url)
    call_id = client.post(f"/api/v1/negotiations/{neg}/calls", json={},
                          headers=tenant.headers("manager")).json["call_id"]
    assert wait_idle(30)
    call = _call(client, tenant, call_id)
    conversation_id = call["conversation_id"]
    assert call["status"] == "in_progress" and conversation_id, call
    queued = _queued_tasks(monkeypatch)
    with app.app_context():
        dispatch_due(datetime.now(UTC) + RECOVER_AFTER / 2)
        assert ("calls.recover", call_id) not in queued  # not overdue yet
        dispatch_due(datetime.now(UTC) + RECOVER_AFTER + timedelta(minutes=1))
        assert ("calls.recover", call_id) in queued  # the beat looks for overdue transcripts
        assert recover(call_id) == "not finished"  # ElevenLabs does not know it yet (404)
        fake.put_conversation(conversation_id, conversation_body(
            conversation_id, [], client_data={}, status="processing"))
        assert recover(call_id) == "not finished"
    looks = [r for r in fake.requests if r.path == f"/v1/convai/conversations/{conversation_id}"]
    assert len(looks) >= 2 and all(r.headers["xi-api-key"] == "el-key" for r in looks)
    client_data = fake.outbound_calls()[0].body["conversation_initiation_client_data"]
    fake.put_conversation(conversation_id, conversation_body(conversation_id, [
        {"role": "agent", "message": "Hi, this is Glow calling.", "time_in_call_secs": 0},
        {"role": "user", "message": "Hi! For that package I charge four thousand two hundred.", "time_in_call_secs": 4},
        {"role": "agent", "message": "Thanks, let me check.", "time_in_call_secs": 9}],
        client_data=client_data, summary="Quoted 4200; the line dropped.", duration_s=31))
    with app.app_context():
        assert recover(call_id) == "recovered"
        assert recover(call_id) == "nothing to recover"
    call = _call(client, tenant, call_id)
    assert call["status"] == "completed" and call["duration_s"] == 31
    assert call["summary"] == "Quoted 4200; the line dropped."
    assert [line["role"] for line in call["transcript"]] == ["agent", "influencer", "agent"]
    state = client.get(f"/api/v1/negotiations/{neg}", headers=tenant.headers("manager")).json
    missed = [m for m in state["messages"] if m["text"] == "Hi! For that package I charge four thousand two hundred."]
    assert len(missed) == 1 and missed[0]["channel"] == "voice"  # what no live turn took is kept
    body = json.dumps({"type": "post_call_transcription", "event_timestamp": int(time.time()),
                       "data": fake.conversations[conversation_id]}).encode()
    late = client.post("/voice/webhooks/elevenlabs", data=body,
                       headers={"ElevenLabs-Signature": sign(body, WEBHOOK_SECRET, int(time.time()))})
    assert late.json["status"] == "duplicate"  # the webhook arriving after all changes nothing
    queued.clear()
    with app.app_context():
        dispatch_due(datetime.now(UTC) + timedelta(days=3))
    assert ("calls.recover", call_id) not in queued


def test_recovery_gives_up_after_a_day(client: Any, tenant: Any, database_url: str, app: Any,
                                       fake: FakeElevenLabs, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.calls.tasks import RECOVER_GIVE_UP, recover

    neg = voice_negotiation(client, tenant, database_url)
    call_id = client.post(f"/api/v1/negotiations/{neg}/calls", json={},
                          headers=tenant.headers("manager")).json["call_id"]
    assert wait_idle(30)
    _queued_tasks(monkeypatch)
    with app.app_context():
        assert recover(call_id, now=datetime.now(UTC) + RECOVER_GIVE_UP / 2) == "not finished"
        assert recover(call_id, now=datetime.now(UTC) + RECOVER_GIVE_UP + timedelta(hours=1)) == "given up"
    call = _call(client, tenant, call_id)
    assert call["status"] == "failed" and "no transcript" in call["failure_reason"]
    assert len(fake.outbound_calls()) == 1


def _initiation_failure(client: Any, conversation_id: str, reason: str) -> Any:
    body = json.dumps({"type": "call_initiation_failure", "event_timestamp": int(time.time()), "data": {
        "agent_id": "agent_1", "conversation_id": conversation_id, "failure_reason": reason,
        "metadata": {"type": "twilio", "body": {"CallStatus": reason}}}}).encode()
    return client.post("/voice/webhooks/elevenlabs", data=body,
                       headers={"ElevenLabs-Signature": sign(body, WEBHOOK_SECRET, int(time.time()))})


def test_an_unanswered_call_is_retried_up_to_the_campaign_setting(client: Any, tenant: Any, database_url: str,
                                                                   app: Any, fake: FakeElevenLabs,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from api.calls.reconcile import RETRY_AFTER
    from api.calls.tasks import dispatch_due, place

    neg = voice_negotiation(client, tenant, database_url, call_attempts_max=2)
    call_id = client.post(f"/api/v1/negotiations/{neg}/calls", json={},
                          headers=tenant.headers("manager")).json["call_id"]
    assert wait_idle(30)
    first = _call(client, tenant, call_id)
    assert first["status"] == "in_progress" and first["max_attempts"] == 2 and first["attempts"] == 1
    r = _initiation_failure(client, first["conversation_id"], "no-answer")
    assert r.status_code == 200 and r.json["status"] == "no_answer" and r.json["retry_at"], r.json
    call = _call(client, tenant, call_id)
    assert call["status"] == "no_answer" and "no-answer" in call["failure_reason"] and call["scheduled_for"]
    queued = _queued_tasks(monkeypatch)
    due = datetime.now(UTC) + RETRY_AFTER + timedelta(minutes=1)
    with app.app_context():
        dispatch_due(due)
        assert ("calls.place", call_id) in queued
        assert place(call_id, now=due) == "in_progress"
    second = _call(client, tenant, call_id)
    assert second["attempts"] == 2 and len(fake.outbound_calls()) == 2
    assert second["conversation_id"] != first["conversation_id"]  # the redial's own conversation
    r = _initiation_failure(client, second["conversation_id"], "busy")
    assert r.json["status"] == "no_answer" and r.json["retry_at"] is None  # two attempts were the campaign's limit
    queued.clear()
    with app.app_context():
        dispatch_due(due + timedelta(days=1))
        assert place(call_id, now=due + timedelta(days=1)) == "no_answer"
    assert ("calls.place", call_id) not in queued and len(fake.outbound_calls()) == 2
    failed = _initiation_failure(client, second["conversation_id"], "unknown")
    assert failed.json["status"] == "failed"
    campaign_id = client.get(f"/api/v1/negotiations/{neg}", headers=tenant.headers("manager")).json["campaign_id"]
    campaign = client.get(f"/api/v1/campaigns/{campaign_id}", headers=tenant.headers("manager")).json
    assert campaign["call_attempts_max"] == 2


def test_two_deliveries_reading_the_same_state_dial_once(client: Any, tenant: Any, database_url: str, app: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL locks the call row while it is claimed: the other delivery waits instead")
    from api.calls import tasks

    neg = voice_negotiation(client, tenant, database_url)
    call_id = simulated_call(database_url, neg)
    real = tasks.opted_out

    def meanwhile(*args: Any) -> bool:  # the other delivery claims the call between our read and our write
        _change(database_url, call_id, status="dialing", attempts=1, dialing_at=datetime.now(UTC))
        return real(*args)

    monkeypatch.setattr(tasks, "opted_out", meanwhile)
    with app.app_context():
        assert tasks.place(call_id) == "claimed elsewhere"
    call = _call(client, tenant, call_id)
    assert call["status"] == "dialing" and call["attempts"] == 1 and call["transcript"] == []
    state = client.get(f"/api/v1/negotiations/{neg}", headers=tenant.headers("manager")).json
    assert [m["role"] for m in state["messages"]] == ["agent"]  # nobody was called


def test_without_a_broker_the_process_dispatches_due_calls(client: Any, tenant: Any, database_url: str,
                                                           app: Any) -> None:
    from api.calls.tasks import dispatch_forever

    neg = voice_negotiation(client, tenant, database_url)
    call_id = simulated_call(database_url, neg, not_before=datetime.now(UTC) - timedelta(seconds=1))
    stop = threading.Event()
    loop = threading.Thread(target=dispatch_forever, args=(app, 0.05, stop), daemon=True)
    loop.start()
    try:
        deadline = time.monotonic() + 30
        while _call(client, tenant, call_id)["status"] != "completed" and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        loop.join(5)
        wait_idle(30)
    call = _call(client, tenant, call_id)
    assert call["status"] == "completed" and call["attempts"] == 1 and call["transcript"]
    assert not loop.is_alive()


def test_a_call_that_breaks_off_is_failed_not_left_dialing(client: Any, tenant: Any, database_url: str, app: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from api.calls import tasks

    neg = voice_negotiation(client, tenant, database_url)
    call_id = simulated_call(database_url, neg)

    def broken(body: dict[str, Any]) -> Any:
        raise RuntimeError("the database went away mid-call")

    monkeypatch.setattr(tasks, "_converse", lambda _call_id: broken)
    with app.app_context():
        assert tasks.place(call_id) == "failed"
        assert tasks.place(call_id) == "failed"  # delivered again: not redialed
    call = _call(client, tenant, call_id)
    assert call["status"] == "failed" and "went away" in call["failure_reason"] and call["attempts"] == 1
