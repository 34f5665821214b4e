"""Evaluators' routes (README "Evaluation"):
transcripts with the decision behind each turn, annotations, replay jobs."""

from __future__ import annotations

from decimal import Decimal

from api import jobs
from tests.builders import recorded_negotiation


def _transcript(client, tenant, neg_id, role="evaluator"):
    return client.get(f"/api/v1/negotiations/{neg_id}/transcript", headers=tenant.headers(role))


def test_transcript_has_every_turn_with_what_was_understood_and_decided(client, tenant):
    neg_id = recorded_negotiation(client, tenant)
    r = _transcript(client, tenant, neg_id)
    assert r.status_code == 200, r.json
    t = r.json
    state = client.get(f"/api/v1/negotiations/{neg_id}", headers=tenant.headers("evaluator")).json
    assert [x["role"] for x in t["turns"]] == [m["role"] for m in state["messages"]]
    assert [x["text"] for x in t["turns"]] == [m["text"] for m in state["messages"]]
    assert [x["turn"] for x in t["turns"]] == list(range(1, len(state["messages"]) + 1))
    agents = [x for x in t["turns"] if x["role"] == "agent"]
    creators = [x for x in t["turns"] if x["role"] == "influencer"]
    assert creators[0]["understood"]["intent"] == "counter" and creators[0]["understood"]["price_usd"] == 7500
    assert all(x["decision"] is None and x["gate"] is None for x in creators)
    # The deal probability after each agent turn is the one the negotiation recorded, in order.
    assert [x["deal_probability"] for x in agents] == [p["value"] for p in state["deal_probability_history"]]
    assert agents[-1]["decision"]["action"] == "accept" and agents[-1]["deal_probability"] == 1.0
    for turn in agents:
        d = turn["decision"]
        assert d["action"] in ("counter", "accept", "reject", "ask", "escalate", "close")
        assert d["act"] and d["wording_source"] in ("template", "llm") and "reason" in d
        assert turn["gate"]["passed"] is (not turn["gate"]["problems"])
        assert d["numbers"]["max_usd"] == 6500 and d["numbers"]["package_ceiling_usd"] <= 6500
        if d["offer_usd"] is not None:
            assert Decimal(str(d["offer_usd"])) <= Decimal(str(d["numbers"]["package_ceiling_usd"]))
    assert agents[0]["decision"]["act"] == "opening"
    second = agents[2]["decision"]["numbers"]
    assert second["creator_ask_usd"] == 6000 and second["previous_offer_usd"] is not None
    assert t["setup"]["max_usd"] == 6500 and t["setup"]["target_usd"] == 5000 and t["status"] == "agreed"
    assert t["setup"]["deliverables"] == ["1 reel", "3 stories"] and isinstance(t["setup"]["engagement_rate"], float)


def test_transcript_is_for_evaluators_of_the_same_org(client, tenant, other_tenant):
    neg_id = recorded_negotiation(client, tenant, texts=["My rate is $7,000"])
    assert _transcript(client, tenant, neg_id, "manager").status_code == 403
    assert _transcript(client, tenant, neg_id, "marketer").status_code == 403
    assert _transcript(client, tenant, neg_id, "admin").status_code == 200
    assert _transcript(client, other_tenant, neg_id).status_code == 404
    assert _transcript(client, tenant, "nope").status_code == 404


def test_annotations_are_stored_validated_and_shown_in_the_transcript(client, tenant, other_tenant):
    neg_id = recorded_negotiation(client, tenant)
    url = f"/api/v1/negotiations/{neg_id}/annotations"
    h = tenant.headers("evaluator")
    bad = client.post(url, json={"turn": 3, "label": "bad", "note": "conceded too fast"}, headers=h)
    assert bad.status_code == 201, bad.json
    assert client.post(url, json={"turn": 5, "label": "good"}, headers=h).status_code == 201
    wrong = client.post(url, json={"turn": 99, "label": "meh"}, headers=h)
    assert wrong.status_code == 422 and set(wrong.json["error"]["fields"]) == {"label"}
    too_far = client.post(url, json={"turn": 99, "label": "bad"}, headers=h)
    assert too_far.status_code == 422 and "turn" in too_far.json["error"]["fields"]
    assert client.post(url, json={"turn": 3, "label": "bad"}, headers=tenant.headers("manager")).status_code == 403
    assert client.post(url, json={"turn": 3, "label": "bad"},
                       headers=other_tenant.headers("evaluator")).status_code == 404
    turns = _transcript(client, tenant, neg_id).json["turns"]
    assert [a["label"] for a in turns[2]["annotations"]] == ["bad"]
    assert turns[2]["annotations"][0]["note"] == "conceded too fast"
    assert [a["label"] for a in turns[4]["annotations"]] == ["good"]
    assert all(not t["annotations"] for i, t in enumerate(turns) if i not in (2, 4))
    listed = client.get(url, headers=h).json["items"]
    assert sorted(a["turn"] for a in listed) == [3, 5]


def _replay(client, tenant, body, role="evaluator"):
    return client.post("/api/v1/replays", json=body, headers=tenant.headers(role))


def test_replay_job_of_our_negotiations_matches_the_recording_and_summarises_labels(client, tenant):
    ids = [recorded_negotiation(client, tenant, n=n) for n in (1, 2)]
    h = tenant.headers("evaluator")
    client.post(f"/api/v1/negotiations/{ids[0]}/annotations", json={"turn": 3, "label": "bad"}, headers=h)
    client.post(f"/api/v1/negotiations/{ids[1]}/annotations", json={"turn": 3, "label": "good"}, headers=h)
    r = _replay(client, tenant, {"negotiation_ids": ids})
    assert r.status_code == 202, r.json
    assert jobs.wait_idle(timeout=120)
    job = client.get(f"/api/v1/jobs/{r.json['job_id']}", headers=h).json
    assert job["status"] == "done" and job["progress"] == 1.0 and job["processed"] == 2
    report = client.get(f"/api/v1/replays/{r.json['replay_id']}", headers=h).json
    assert report["status"] == "done" and report["format"].startswith("influence-agent/replay-report")
    assert [t["id"] for t in report["transcripts"]] == ids
    # The agent has not changed since these were recorded: every turn replays the same.
    for t in report["transcripts"]:
        assert {turn["verdict"] for turn in t["turns"]} == {"same"}, t["turns"]
        assert t["replayed"] == t["recorded"]
    assert report["metrics"]["recorded"]["agreement"] == 1.0 == report["metrics"]["replayed"]["agreement"]
    notes = report["annotations"]
    assert notes["turns_labelled"] == 2 and notes["bad_share"] == 0.5
    (act,) = notes["by_act"]
    assert notes["by_act"][act]["bad"] == 1 and notes["by_act"][act]["labelled"] == 2


def test_replay_with_policy_overrides_and_an_uploaded_plain_text_transcript(client, tenant):
    text = ("# id: upload-1\n# max_usd: 2400\n# deliverables: 1 reel, 2 stories\n"
            "Agent: Would you do 1 reel and 2 stories?\nCreator: My rate is $3,000.\n"
            "Agent: We can do $1,500.\nCreator: $2,200 and it's a deal.\n")
    r = _replay(client, tenant, {"transcript": text, "policy": {"boulware_e": "0.6"}})
    assert r.status_code == 202, r.json
    assert jobs.wait_idle(timeout=60)
    report = client.get(f"/api/v1/replays/{r.json['replay_id']}", headers=tenant.headers("evaluator")).json
    assert report["policy"] == {"boulware_e": "0.6"} and report["transcripts"][0]["id"] == "upload-1"
    assert report["metrics"]["replayed"]["violations"] == 0
    offers = [t["replayed"]["offer_usd"] for t in report["transcripts"][0]["turns"]
              if t["replayed"] and t["replayed"]["offer_usd"] is not None]
    assert offers and max(offers) <= 2400


def test_replay_requests_are_validated_and_scoped_to_the_org(client, tenant, other_tenant):
    neg_id = recorded_negotiation(client, tenant, texts=["My rate is $7,000"])
    assert _replay(client, tenant, {"negotiation_ids": [neg_id]}, role="manager").status_code == 403
    assert _replay(client, other_tenant, {"negotiation_ids": [neg_id]}).status_code == 404
    bad_policy = _replay(client, tenant, {"negotiation_ids": [neg_id], "policy": {"boulware_x": 1, "boulware_e": "x"}})
    assert bad_policy.status_code == 422
    assert set(bad_policy.json["error"]["fields"]) == {"policy.boulware_x", "policy.boulware_e"}
    both = _replay(client, tenant, {"negotiation_ids": [neg_id], "transcript": "Creator: hi"})
    assert both.status_code == 422
    unreadable = _replay(client, tenant, {"transcript": {"hello": 1}})
    assert unreadable.status_code == 422 and "transcript" in unreadable.json["error"]["fields"]
    ok = _replay(client, tenant, {"negotiation_ids": [neg_id]})
    assert ok.status_code == 202
    assert jobs.wait_idle(timeout=60)
    replay_id = ok.json["replay_id"]
    assert client.get(f"/api/v1/replays/{replay_id}", headers=other_tenant.headers("evaluator")).status_code == 404
    assert client.get(f"/api/v1/replays/{replay_id}", headers=tenant.headers("manager")).status_code == 403


def test_messages_stored_before_decisions_were_recorded_still_read(client, tenant, database_url):
    from sqlalchemy import update

    from data.db import session_scope
    from data.models import NegotiationMessage

    neg_id = recorded_negotiation(client, tenant)
    before = _transcript(client, tenant, neg_id).json["turns"]
    with session_scope(database_url) as s:
        s.execute(update(NegotiationMessage).where(NegotiationMessage.negotiation_id == neg_id).values(decision=None))
    after = _transcript(client, tenant, neg_id).json["turns"]
    for old, new in zip(before, after, strict=True):
        if old["role"] != "agent":
            continue
        assert new["decision"] == {"action": old["decision"]["action"], "offer_usd": old["decision"]["offer_usd"]}
        assert new["deal_probability"] == old["deal_probability"] and new["gate"] is None


def test_replay_reads_queued_then_done_and_running_it_twice_changes_nothing(client, tenant, monkeypatch):
    from api.replays import tasks, views

    monkeypatch.setattr(views, "dispatch_replay", lambda replay_id: None)
    neg_id = recorded_negotiation(client, tenant)
    r = _replay(client, tenant, {"negotiation_ids": [neg_id]})
    url = f"/api/v1/replays/{r.json['replay_id']}"
    h = tenant.headers("evaluator")
    queued = client.get(url, headers=h).json
    assert queued["status"] == "queued" and queued["progress"] == 0.0 and "transcripts" not in queued
    with client.application.app_context():
        tasks.run_replay(r.json["replay_id"])
        first = client.get(url, headers=h).json
        tasks.run_replay(r.json["replay_id"])
    second = client.get(url, headers=h).json
    assert first["status"] == "done" and first == second


def test_an_elevenlabs_conversation_of_our_call_takes_its_negotiation_setup(client, tenant, other_tenant):
    import json
    from pathlib import Path

    neg_id = recorded_negotiation(client, tenant, texts=[])
    body = json.loads((Path(__file__).parent / "fixtures" / "replay" / "elevenlabs_webhook.json").read_text())
    body["data"]["conversation_initiation_client_data"]["dynamic_variables"]["negotiation_id"] = neg_id
    # Without the negotiation (another org) there is no budget: refused, naming the transcript.
    refused = _replay(client, other_tenant, {"transcript": body})
    assert refused.status_code == 422 and "--max-usd" in refused.json["error"]["fields"]["transcript"]
    r = _replay(client, tenant, {"transcript": body})
    assert r.status_code == 202, r.json
    assert jobs.wait_idle(timeout=60)
    report = client.get(f"/api/v1/replays/{r.json['replay_id']}", headers=tenant.headers("evaluator")).json
    (t,) = report["transcripts"]
    assert t["source"] == "elevenlabs" and t["setup"]["max_usd"] == 6500
    assert t["setup"]["deliverables"] == ["1 reel", "3 stories"]


def test_a_broken_job_queue_is_a_503_and_the_replay_is_marked_failed(client, tenant, monkeypatch):
    from api.replays import views

    def down(replay_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(views, "dispatch_replay", down)
    neg_id = recorded_negotiation(client, tenant, texts=[])
    r = _replay(client, tenant, {"negotiation_ids": [neg_id]})
    assert r.status_code == 503 and r.json["error"]["code"] == "unavailable"
    from sqlalchemy import select

    from data.db import session_scope
    from data.models import Replay

    with session_scope(client.application.extensions["settings"].database_url) as s:
        (replay,) = s.scalars(select(Replay).where(Replay.org_id == tenant.org_id))
        assert replay.status == "failed" and replay.error == "the job queue is unavailable"
