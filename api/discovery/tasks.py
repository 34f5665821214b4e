"""Keeping the derived vector index in step with SQL (Celery task `index.sync`)."""

from __future__ import annotations

from celery import Task

from api.jobs import celery, enqueue, session


def run_index_sync(org_id: str, influencer_ids: list[str]) -> None:
    from retrieval.sync import sync_influencers

    with session() as s:
        sync_influencers(s, org_id, influencer_ids)


@celery.task(name="index.sync", bind=True, max_retries=5, default_retry_delay=5)
def index_sync_task(self: Task, org_id: str, influencer_ids: list[str]) -> None:
    run_index_sync(org_id, influencer_ids)


def sync_index(org_id: str, influencer_ids: list[str]) -> None:
    """Keep the derived vector index in step with SQL after a write."""
    if influencer_ids:
        enqueue(index_sync_task, org_id, influencer_ids)
