"""`python -m api <command>`: set-up, keys, data and serving from the terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import func, select

from data.db import session_scope
from data.models import ApiKey, Influencer, Organization, utcnow
from data.settings import get_settings

DEMO_ORG = "demo"


def _db_url() -> str:
    return get_settings().database_url


def _org(session, name: str) -> Organization:
    org = session.scalar(select(Organization).where(Organization.name == name))
    if org is None:
        raise click.ClickException(f"no organization named {name!r}; create it with `python -m api create-org {name}`")
    return org


@click.group(help="Influence Agent: creator discovery, outreach and negotiation service.")
def cli() -> None:
    pass


@cli.command(help="Apply database migrations (Alembic) up to the newest schema.")
def migrate() -> None:
    from data.migrate import upgrade

    upgrade(_db_url())
    click.echo("database is at the newest schema")


@cli.command("create-org", help="Create an organization.")
@click.argument("name")
def create_org(name: str) -> None:
    with session_scope(_db_url()) as s:
        if s.scalar(select(Organization).where(Organization.name == name)):
            raise click.ClickException(f"organization {name!r} already exists")
        org = Organization(name=name)
        s.add(org)
        s.flush()
        click.echo(org.id)


@cli.command("create-key", help="Create an API key; the key is printed alone on the last line, once.")
@click.option("--org", "org_name", required=True, help="organization name")
@click.option("--role", type=click.Choice(["admin", "manager", "marketer", "evaluator"]), required=True)
@click.option("--label", default=None, help="a note to recognize the key later")
def create_key(org_name: str, role: str, label: str | None) -> None:
    from api.http.auth import issue_key

    with session_scope(_db_url()) as s:
        row, plain = issue_key(s, _org(s, org_name), role, label)
        click.echo(f"created {role} key {row.id} for {org_name} (store it now: it is not shown again)")
        click.echo(plain)


@cli.command("revoke-key", help="Revoke an API key by its id or by the key itself.")
@click.argument("key")
def revoke_key(key: str) -> None:
    from api.http.auth import hash_key

    with session_scope(_db_url()) as s:
        row = s.get(ApiKey, key) or s.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
        if row is None:
            raise click.ClickException("no such key")
        row.revoked_at = row.revoked_at or utcnow()
        click.echo(f"revoked key {row.id}")


@cli.command(help="Add N generated demo profiles to an organization.")
@click.option("--count", default=2000, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--org", "org_name", default=DEMO_ORG, show_default=True)
@click.option("--seed", default=7, show_default=True, help="generator seed (same seed, same profiles)")
def seed(count: int, org_name: str, seed: int) -> None:
    from tqdm import tqdm

    from data.generator import generate_profiles
    from data.influencers import upsert_influencer
    from data.schemas import InfluencerIn

    with session_scope(_db_url()) as s:
        org = _org(s, org_name)
        created = updated = 0
        for i, raw in enumerate(tqdm(generate_profiles(count, seed=seed), total=count, desc="seeding", unit="profile")):
            _, was_created = upsert_influencer(s, org.id, InfluencerIn.model_validate(raw))
            created += int(was_created)
            updated += int(not was_created)
            if i % 500 == 499:
                s.commit()
        org_id = org.id
    click.echo(f"{created} created, {updated} updated in {org_name}")
    _reindex(org_id)


def _reindex(org_id: str) -> None:
    from tqdm import tqdm

    from retrieval.sync import reindex_org

    with session_scope(_db_url()) as s:
        bar = tqdm(desc="indexing", unit="profile")

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        n = reindex_org(s, org_id, progress=progress)
        bar.close()
    click.echo(f"indexed {n} profiles")


@cli.command(help="Rebuild the vector index of an organization (or all) from SQL.")
@click.option("--org", "org_name", default=None, help="organization name; all when omitted")
def reindex(org_name: str | None) -> None:
    with session_scope(_db_url()) as s:
        orgs = [_org(s, org_name)] if org_name else list(s.scalars(select(Organization)))
        ids = [(o.id, o.name) for o in orgs]
    for org_id, name in ids:
        click.echo(f"reindexing {name}")
        _reindex(org_id)


@cli.command("import-influencers", help="Import creators from a CSV or JSONL file (upsert by platform and handle).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_name", default=DEMO_ORG, show_default=True)
@click.option("--map", "maps", multiple=True, metavar='"Source Col=field"', help="map a column to a field")
@click.option("--merge-on", "merge_on", default=None, metavar="COLUMN",
              help="rows with the same value in this column are one creator (several platform accounts)")
@click.option("--dry-run", is_flag=True, help="show the column mapping and the first rows as stored; store nothing")
def import_influencers(file: Path, org_name: str, maps: tuple[str, ...], merge_on: str | None, dry_run: bool) -> None:
    from tqdm import tqdm

    from api import jobs
    from api.influencers.importing import run_import
    from api.jobs.records import create_import_job

    mapping = {}
    for item in maps:
        source, sep, target = item.rpartition("=")
        if not sep or not source.strip():
            raise click.BadParameter(f"{item!r}: use \"Source Col=field\"", param_hint="--map")
        mapping[source.strip()] = target.strip()
    if dry_run:
        from api.cli.preview import show_preview

        sys.exit(show_preview(file, mapping or None, merge_on))
    jobs.use_in_process()
    with session_scope(_db_url()) as s:
        org = _org(s, org_name)
        job = create_import_job(s, org.id, file.name, file.read_bytes(), mapping or None)
        if merge_on:
            job.params = {**job.params, "merge_on": merge_on}
        job_id = job.id
    bar = tqdm(desc=f"importing {file.name}", unit="row")

    def progress(job) -> None:
        bar.total = job.total
        bar.n = job.processed
        bar.refresh()

    job = run_import(job_id, progress=progress)
    bar.close()
    jobs.wait_idle(timeout=600)
    click.echo(f"{job.status}: {job.processed} rows, {job.created} created, {job.updated} updated, {job.failed} failed")
    for merge in (job.result or {}).get("merges", [])[:50]:
        click.echo(f"  row {merge['row']}: merged into {merge['name']} ({', '.join(merge['platforms'])}) "
                   f"by {merge['by'].replace('_', ' ')}")
    for err in job.errors[:50]:
        click.echo(f"  row {err['row']}: {err['message']}", err=True)
    if len(job.errors) > 50:
        click.echo(f"  … {len(job.errors) - 50} more errors (GET /api/v1/jobs/{job_id})", err=True)
    if job.status == "failed":
        sys.exit(1)


@cli.command("bootstrap-demo", help="Create the demo organization with an admin key and seeded profiles (idempotent).")
@click.option("--count", default=2000, show_default=True)
def bootstrap_demo(count: int) -> None:
    from api.http.auth import issue_key
    from data.models import ProfileVector

    ctx = click.get_current_context()
    with session_scope(_db_url()) as s:
        org = s.scalar(select(Organization).where(Organization.name == DEMO_ORG))
        if org is None:
            org = Organization(name=DEMO_ORG)
            s.add(org)
            s.flush()
        have = s.scalar(select(func.count()).select_from(Influencer).where(Influencer.org_id == org.id)) or 0
        vectors = s.scalar(select(func.count()).select_from(ProfileVector).where(ProfileVector.org_id == org.id))
        org_id = org.id
    if have < count:
        ctx.invoke(seed, count=count, org_name=DEMO_ORG, seed=7)
    elif (vectors or 0) < have:  # a database from before vectors were kept in SQL (issue 10)
        _reindex(org_id)
    from api.demo import seed_demo_content

    if seed_demo_content(_db_url(), org_id):
        click.echo("demo campaign, negotiations, a simulated call and a replay are in place")
    with session_scope(_db_url()) as s:
        _, plain = issue_key(s, _org(s, DEMO_ORG), "admin", "make run")
    address = f"http://127.0.0.1:{get_settings().port}/login"
    click.echo(f"demo organization '{DEMO_ORG}' is ready; sign in to the web app at {address} with the admin API key "
               "for this run:")
    click.echo(plain)


def serving_overrides(host: str, port: int) -> dict[str, str]:
    """Without PUBLIC_BASE_URL, email links point at the address being served (`make run` with any PORT)."""
    from data.settings import get_settings

    if get_settings().public_base_url:
        return {}
    public_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in public_host:
        public_host = f"[{public_host}]"
    return {"PUBLIC_BASE_URL": f"http://{public_host}:{port}"}


@cli.command(help="Serve the API with a production WSGI server (gunicorn).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, envvar="PORT", type=int)
@click.option("--workers", default=2, show_default=True, envvar="WEB_CONCURRENCY", type=int)
@click.option("--keepalive", default=75, show_default=True, envvar="WEB_KEEPALIVE_S", type=int,
              help="seconds an idle keep-alive connection stays open: longer than the idle timeout of the client "
                   "or proxy in front (often 60 s), so the server never closes a connection as it is reused")
def serve(host: str, port: int, workers: int, keepalive: int) -> None:
    from gunicorn.app.base import BaseApplication

    from api import create_app

    class _Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("timeout", 120)
            self.cfg.set("keepalive", keepalive)  # gthread parks idle connections in its poller, not a thread
            self.cfg.set("accesslog", "-")

        def load(self):
            return create_app(serving_overrides(host, port))

    click.echo(f"serving on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    _Server().run()


@cli.command(help="Negotiate in the terminal: you play the creator, the agent answers (an empty line or Ctrl-D ends).")
@click.option("--campaign", "campaign_id", required=True, help="campaign id")
@click.option("--influencer", "influencer_id", required=True, help="influencer id")
@click.option("--target", "target_usd", type=str, default=None, help="target price in USD (new negotiations)")
@click.option("--max", "max_usd", type=str, default=None, help="budget ceiling in USD (new negotiations)")
@click.option("--channel", type=click.Choice(["chat", "email", "voice"]), default="chat", show_default=True)
def negotiate(campaign_id: str, influencer_id: str, target_usd: str | None, max_usd: str | None,
              channel: str) -> None:
    from decimal import Decimal, InvalidOperation

    from agent.llm import get_provider
    from agent.negotiation import service
    from data.influencers import eager_options
    from data.models import Campaign, Negotiation

    provider = get_provider()
    with session_scope(_db_url()) as s:
        campaign = s.get(Campaign, campaign_id)
        influencer = s.scalar(select(Influencer).where(Influencer.id == influencer_id).options(*eager_options()))
        if campaign is None or influencer is None or campaign.org_id != influencer.org_id:
            raise click.ClickException("no such campaign and influencer in one organization")
        neg = s.scalar(select(Negotiation).where(Negotiation.campaign_id == campaign.id,
                                                 Negotiation.influencer_id == influencer.id,
                                                 Negotiation.status == "open"))
        if neg is None:
            try:
                target, ceiling = Decimal(target_usd or ""), Decimal(max_usd or "")
            except InvalidOperation:
                raise click.BadParameter("a new negotiation needs --target and --max in USD") from None
            neg = service.start(s, org_id=campaign.org_id, campaign=campaign, influencer=influencer, channel=channel,
                                target_usd=target, max_usd=ceiling, deliverables=list(campaign.deliverables or []),
                                usage_rights=None, provider=provider)
        else:
            click.echo(f"resuming negotiation {neg.id}")
        neg_id = neg.id
        for message in neg.messages:
            click.echo(f"{'agent' if message.role == 'agent' else 'you'}> {message.text}\n")
    click.echo(f"negotiation {neg_id}: you are {influencer.name}; type your messages.")
    while True:
        text = click.prompt("you", default="", show_default=False, prompt_suffix="> ").strip()
        if not text:
            break
        with session_scope(_db_url()) as s:
            neg = service.lock(s, campaign.org_id, neg_id)
            try:
                outcome = service.take_message(s, neg, text, provider=provider)
            except service.NegotiationClosed as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(f"agent> {outcome.reply.text}")
            click.echo(f"       [{outcome.reply.action}, status {neg.status}, "
                       f"deal probability {neg.deal_probability}]\n")
            if neg.status != "open":
                break


@cli.command("export-negotiations",
             help="Write finished negotiations (agreed, declined, expired) as deal-probability training dialogues: "
                  "JSONL of acts, prices, sentiment, budget and rate card, no message text. Retrain with "
                  "`python -m agent.deal_probability.train --recorded FILE`.")
@click.option("--org", "org_name", default=None, help="organization name; all when omitted")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="output file (standard output when omitted)")
def export_negotiations(org_name: str | None, out: Path | None) -> None:
    import json

    from sqlalchemy.orm import selectinload

    from agent.negotiation.service import recorded_dialogue
    from data.models import Negotiation
    from data.statuses import OUTCOMES

    counts: dict[str, int] = {}
    with session_scope(_db_url()) as s:
        query = (select(Negotiation).where(Negotiation.status.in_(OUTCOMES))
                 .options(selectinload(Negotiation.messages), selectinload(Negotiation.offers))
                 .order_by(Negotiation.created_at, Negotiation.id))
        if org_name:
            query = query.where(Negotiation.org_id == _org(s, org_name).id)
        with click.open_file(str(out) if out else "-", "w") as sink:
            for neg in s.scalars(query).yield_per(200):
                row = recorded_dialogue(neg)
                if row is not None:
                    sink.write(json.dumps(row, separators=(",", ":")) + "\n")
                    counts[row["status"]] = counts.get(row["status"], 0) + 1
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none finished yet"
    click.echo(f"{sum(counts.values())} negotiations ({summary})", err=True)


@cli.command("send-followups", help="Send the follow-up emails due now (the worker beat does this every 5 minutes).")
@click.option("--org", "org_name", default=None, help="organization name; all when omitted")
def send_followups(org_name: str | None) -> None:
    from api import jobs
    from api.outreach.followups import send_due_followups

    jobs.use_in_process()
    org_id = None
    if org_name:
        with session_scope(_db_url()) as s:
            org_id = _org(s, org_name).id
    summary = send_due_followups(org_id=org_id)
    click.echo(", ".join(f"{key}: {value}" for key, value in summary.items()) or "nothing due")


from api.cli.calls import call_command  # noqa: E402

cli.add_command(call_command)
