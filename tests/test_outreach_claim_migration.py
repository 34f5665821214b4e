"""The migration that gives outreach_emails its own `claimed_at` lease (api.outreach.sending): a row caught
mid-send keeps its claim time, now in `claimed_at`, and `sent_at` is left meaning "accepted by the server"."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from data.migrate import alembic_config, upgrade

BEFORE = "e3b8c6d2f5a1"
ROW = ("INSERT INTO outreach_emails (id, org_id, idempotency_key, kind, direction, to_addr, from_addr, subject, "
       "body_text, message_id, \"references\", status, attempts, created_at, sent_at) VALUES "
       "(:id, 'org', :id, 'initial', 'out', 'a@b.example', 's@b.example', 'Hi', 'Hello', :id, '[]', :status, 1, "
       "'2026-03-02 08:00:00', :sent_at)")


def test_claim_times_move_to_claimed_at_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, BEFORE)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(ROW), [{"id": "sending1", "status": "sending", "sent_at": "2026-03-02 09:00:00"},
                                 {"id": "sent1", "status": "sent", "sent_at": "2026-03-02 09:05:00"},
                                 {"id": "pending1", "status": "pending", "sent_at": None}])
    upgrade(url)
    query = text("SELECT id, sent_at, claimed_at FROM outreach_emails ORDER BY id")
    with engine.connect() as conn:
        rows = {r.id: (r.sent_at, r.claimed_at) for r in conn.execute(query)}
    assert rows["sending1"][0] is None and str(rows["sending1"][1]).startswith("2026-03-02 09:00:00")
    assert str(rows["sent1"][0]).startswith("2026-03-02 09:05:00") and rows["sent1"][1] is None
    assert rows["pending1"] == (None, None)

    command.downgrade(alembic_config(url), BEFORE)
    with engine.connect() as conn:
        back = {r.id: r.sent_at for r in conn.execute(text("SELECT id, sent_at FROM outreach_emails"))}
    assert str(back["sending1"]).startswith("2026-03-02 09:00:00") and back["pending1"] is None
    engine.dispose()
