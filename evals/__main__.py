"""`python -m evals <command>`: the agent's quality checks. Each command lives in its own module."""

from __future__ import annotations

import importlib

import click

COMMANDS = {
    "parse-accuracy": "evals.parse_accuracy",
    "understanding-accuracy": "evals.understanding_accuracy",
    "simulate": "evals.simulate_cli",
    "replay": "evals.replay.cli",
    "stories": "evals.replay.stories_cli",
}


class _LazyGroup(click.Group):
    """Imports a command's module only when it runs, so `--help` stays fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        return importlib.import_module(COMMANDS[name]).command


cli = _LazyGroup(help="Evaluate the agent: query parsing, message understanding, simulation, replay, stories.")

if __name__ == "__main__":
    cli(prog_name="python -m evals")
