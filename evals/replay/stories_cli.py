"""`python -m evals stories [NAME…] [--policy KEY=VALUE…] [--dir DIR] [-v]`: run the regression stories.

Exits 1 when a story fails (a story marked `known_failure` that still fails is reported, not counted).
"""

from __future__ import annotations

from pathlib import Path

import click

from evals.replay.overrides import OverrideError, parse_pairs, policy_config
from evals.replay.stories import STORIES, run_folder


@click.command(name="stories")
@click.argument("names", nargs=-1)
@click.option("--policy", "policy", multiple=True, metavar="KEY=VALUE", help="override a PolicyConfig field")
@click.option("--dir", "folder", type=click.Path(file_okay=False, exists=True, path_type=Path), default=STORIES,
              show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="print what the agent did on every turn")
def command(names: tuple[str, ...], policy: tuple[str, ...], folder: Path, verbose: bool) -> None:
    """Answer each story's creator lines with the current agent and check what must hold."""
    try:
        config = policy_config(parse_pairs(policy))
    except OverrideError as exc:
        raise click.BadParameter(str(exc), param_hint="--policy") from exc
    results, errors = run_folder(folder, config, list(names) or None)
    failed = known = fixed = 0
    for r in results:
        if r.passed and r.known_failure:
            fixed += 1
            click.echo(f"PASS  {r.file}: {r.name} (marked known_failure and now passes: remove the mark)")
        elif r.passed:
            click.echo(f"ok    {r.file}: {r.name}")
        elif r.known_failure:
            known += 1
            click.echo(f"known {r.file}: {r.name} — {r.known_failure}")
        else:
            failed += 1
            click.echo(f"FAIL  {r.file}: {r.name}")
        if (not r.passed and not r.known_failure) or verbose:
            for failure in r.failures:
                click.echo(f"        ✗ {failure}")
        if verbose:
            for line in r.turns:
                click.echo(f"        {line}")
    for error in errors:
        click.echo(f"ERROR {error}")
    click.echo(f"\n{len(results)} stories: {len(results) - failed - known} passed, {failed} failed, "
               f"{known} known failures, {len(errors)} unreadable")
    if failed or errors:
        raise SystemExit(1)
