"""`python -m evals replay [SOURCE…] [--org ORG] [--policy KEY=VALUE…] [--format md|html|json] [--out PATH]`.

SOURCE is a file (CraigslistBargain JSON, an ElevenLabs conversation or post-call webhook body, our transcript
or negotiation export, plain text) or, with `--org`, one of that organization's negotiation ids. `--org` alone
replays all of the organization's negotiations, read from DATABASE_URL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from evals.replay.overrides import OverrideError, parse_pairs
from evals.replay.readers import read_path
from evals.replay.report import build_report
from evals.replay.transcript import ReadResult


def _defaults(max_usd: str | None, target_usd: str | None, deliverables: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if max_usd:
        out["max_usd"] = max_usd
    if target_usd:
        out["target_usd"] = target_usd
    if deliverables:
        out["deliverables"] = [d.strip() for d in deliverables.split(",") if d.strip()]
    return out


def _from_store(org_name: str, ids: list[str] | None) -> ReadResult:
    from sqlalchemy import select

    from data.db import session_scope
    from data.models import Organization
    from data.settings import get_settings
    from evals.replay.store import read_negotiations

    with session_scope(get_settings().database_url) as s:
        org = s.scalar(select(Organization).where(Organization.name == org_name))
        if org is None:
            raise click.ClickException(f"no organization named {org_name!r} in {get_settings().database_url}")
        read = read_negotiations(s, org.id, ids)
    if ids is None and not read.transcripts and not read.errors:
        raise click.ClickException(f"organization {org_name!r} has no negotiations to replay yet "
                                   "(start some, or seed the demo with `python -m api bootstrap-demo`)")
    return read


def _read_file(path: Path, org_name: str | None, defaults: dict[str, Any] | None) -> ReadResult:
    """A file; with --org, ElevenLabs conversations of our own calls take their negotiation's set-up."""
    if not org_name:
        return read_path(path, defaults)
    from sqlalchemy import select

    from data.db import session_scope
    from data.models import Organization
    from data.settings import get_settings
    from evals.replay.store import setup_lookup

    with session_scope(get_settings().database_url) as s:
        org = s.scalar(select(Organization).where(Organization.name == org_name))
        if org is None:
            raise click.ClickException(f"no organization named {org_name!r} in {get_settings().database_url}")
        return read_path(path, defaults, setup_lookup(s, org.id))


def read_sources(sources: tuple[str, ...], org: str | None, defaults: dict[str, Any] | None) -> ReadResult:
    """Files read by their kind; other sources are negotiation ids of `org`; `org` alone is all of its."""
    read = ReadResult()
    ids: list[str] = []
    for source in sources:
        path = Path(source)
        if path.is_file():
            read.extend(_read_file(path, org, defaults))
        elif org:
            ids.append(source)
        else:
            raise click.BadParameter(f"{source!r} is not a file (a negotiation id needs --org)", param_hint="SOURCE")
    if org and (ids or not sources):
        read.extend(_from_store(org, ids or None))
    return read


@click.command(name="replay")
@click.argument("sources", nargs=-1)
@click.option("--org", default=None, help="organization name: its negotiations (all, or the ids given as SOURCE)")
@click.option("--policy", "policy", multiple=True, metavar="KEY=VALUE", help="override a PolicyConfig field")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="default: standard output")
@click.option("--max-usd", default=None, help="budget ceiling for sources without one (plain text, ElevenLabs)")
@click.option("--target-usd", default=None, help="brand target for sources without one")
@click.option("--deliverables", default=None, help='package for sources without one, e.g. "1 reel, 2 stories"')
@click.option("--limit", default=20, show_default=True, help="transcripts shown in detail (md rows, html sections)")
def command(sources: tuple[str, ...], org: str | None, policy: tuple[str, ...], fmt: str, out: Path | None,
            max_usd: str | None, target_usd: str | None, deliverables: str | None, limit: int) -> None:
    """Re-run the current agent on recorded creator messages and compare with what was decided then."""
    if not sources and not org:
        raise click.UsageError("give a file or negotiation id to replay, or --org ORG for all its negotiations")
    defaults = _defaults(max_usd, target_usd, deliverables) or None
    read = read_sources(sources, org, defaults)
    names = [*sources] if sources else [f"org {org}"]
    try:
        overrides = parse_pairs(policy)
        report = build_report(read.transcripts, read.errors, overrides, sources=names)
    except OverrideError as exc:
        raise click.BadParameter(str(exc), param_hint="--policy") from exc
    if fmt == "json":
        text = json.dumps(report, indent=2)
    elif fmt == "html":
        from evals.replay.render_html import render as render_html

        text = render_html(report, limit=limit)
    else:
        from evals.replay.render_md import render as render_md

        text = render_md(report, limit=limit)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"{len(report['transcripts'])} transcripts replayed, {len(report['errors'])} not: {out}", err=True)
    else:
        click.echo(text)
