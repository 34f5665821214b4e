"""`python -m evals simulate [--per-persona 50] [--seed 7] [--human] [--policy KEY=VALUE…] [--json OUT]`: the
simulation's table (evals/simulate.py runs it). `--policy` overrides PolicyConfig fields as `evals replay` does
(evals/replay/overrides.py), so a policy change can be tried on the personas before it is made; the baselines
are not affected."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from evals.human_personas import HUMAN_PERSONAS
from evals.personas import PERSONAS
from evals.replay.overrides import OverrideError, parse_pairs, policy_config
from evals.simulate import Summary, agree_times_surplus, overall, simulate


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0%}" if pct else f"{value:.2f}"


def render(summaries: list[Summary], console: Console) -> None:
    table = Table(title="Negotiation simulation")
    for column in ("persona", "agent", "n", "zone", "agree (zone)", "surplus share", "agree×surplus", "rounds",
                   "violations", "repeats", "deals w/o zone", "statuses"):
        table.add_column(column, justify="left" if column in {"persona", "agent", "statuses"} else "right")
    for s in summaries:
        table.add_row(s.persona, s.agent, str(s.scenarios), str(s.with_zone), _fmt(s.agreement_rate_zone, True),
                      _fmt(s.surplus_share), _fmt(agree_times_surplus(s)), f"{s.mean_rounds:.1f}",
                      str(s.budget_violations), str(s.repeated_offers), str(s.deals_without_zone),
                      " ".join(f"{k}:{v}" for k, v in sorted(s.statuses.items())))
    console.print(table)
    for agent in dict.fromkeys(s.agent for s in summaries):
        o = overall(summaries, agent)
        console.print(f"{agent:>13}: agreement where a zone exists {_fmt(o['agreement_rate_zone'], True)}, "
                      f"surplus share {_fmt(o['surplus_share'])}, budget violations {o['budget_violations']}, "
                      f"deals without a zone {o['deals_without_zone']}, repeated offers {o['repeated_offers']}")


@click.command(name="simulate")
@click.option("--per-persona", default=50, show_default=True, help="Scenarios per persona.")
@click.option("--seed", default=7, show_default=True, help="Scenario seed (runs are reproducible).")
@click.option("--persona", "personas", multiple=True, type=click.Choice(PERSONAS + HUMAN_PERSONAS),
              help="Only these personas.")
@click.option("--human", is_flag=True,
              help="Creators that negotiate like people (evals/human_personas.py) and the scripted personas with a "
                   "human temper (evals/human_creators.py). The plain personas measure the policy; this measures it "
                   "among people.")
@click.option("--policy", "policy", multiple=True, metavar="KEY=VALUE",
              help="Override a PolicyConfig field for the policy agent (e.g. opening_cap_share=0.65).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="Also write JSON here.")
def command(per_persona: int, seed: int, personas: tuple[str, ...], human: bool, policy: tuple[str, ...],
            json_out: Path | None) -> None:
    """Run scripted creator personas against the negotiation agent and two baselines."""
    started = time.perf_counter()
    try:
        overrides = parse_pairs(policy)
        config = policy_config(overrides) if overrides else None
    except OverrideError as exc:
        raise click.BadParameter(str(exc), param_hint="--policy") from exc
    default = HUMAN_PERSONAS + PERSONAS if human else PERSONAS
    summaries = simulate(per_persona, seed, personas or default, human=human, config=config)
    console = Console(width=170)
    render(summaries, console)
    console.print(f"{time.perf_counter() - started:.1f}s")
    if json_out:
        payload = {"per_persona": per_persona, "seed": seed, "human": human, "policy": overrides,
                   "rows": [asdict(s) for s in summaries],
                   "overall": {a: overall(summaries, a) for a in dict.fromkeys(s.agent for s in summaries)}}
        json_out.write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    command()
