"""`python -m evals replay SOURCE… [--policy KEY=VALUE…] [--format md|html|json] [--out PATH]`.

SOURCE is a file: CraigslistBargain JSON, an ElevenLabs conversation or post-call webhook body, our transcript
or negotiation export, or plain text. (Negotiation ids and `--org` from the database are not wired yet.)
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


@click.command(name="replay")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--policy", "policy", multiple=True, metavar="KEY=VALUE", help="override a PolicyConfig field")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="default: standard output")
@click.option("--max-usd", default=None, help="budget ceiling for sources without one (plain text, ElevenLabs)")
@click.option("--target-usd", default=None, help="brand target for sources without one")
@click.option("--deliverables", default=None, help='package for sources without one, e.g. "1 reel, 2 stories"')
@click.option("--limit", default=20, show_default=True, help="transcripts shown in detail (md rows, html sections)")
def command(sources: tuple[Path, ...], policy: tuple[str, ...], fmt: str, out: Path | None, max_usd: str | None,
            target_usd: str | None, deliverables: str | None, limit: int) -> None:
    """Re-run the current agent on recorded creator messages and compare with what was decided then."""
    defaults = _defaults(max_usd, target_usd, deliverables) or None
    read = ReadResult()
    for source in sources:
        read.extend(read_path(source, defaults))
    try:
        overrides = parse_pairs(policy)
        report = build_report(read.transcripts, read.errors, overrides, sources=[str(s) for s in sources])
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
