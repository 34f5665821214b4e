"""`python -m api call NEGOTIATION_ID [--persona NAME]`: place a call now and print the transcript as it goes."""

from __future__ import annotations

import click

from data.db import session_scope
from data.models import Call, Negotiation
from data.settings import get_settings


@click.command("call", help="Place a voice call for a negotiation; with the simulated provider a creator persona "
                            "plays the call and the transcript is printed as it goes.")
@click.argument("negotiation_id")
@click.option("--persona", default=None, help="simulated creator persona (flexible, firm, words, injection, ...)")
@click.option("--to-number", default=None, help="number to call instead of the creator's")
def call_command(negotiation_id: str, persona: str | None, to_number: str | None) -> None:
    from api import jobs
    from api.calls.records import call_to_dict, create_call
    from api.calls.rules import CallNotAllowed
    from api.calls.tasks import place
    from voice.simulated import personas

    settings = get_settings()
    if persona and persona not in personas():
        raise click.BadParameter(f"one of {', '.join(personas())}", param_hint="--persona")
    jobs.use_in_process()
    with session_scope(settings.database_url) as s:
        neg = s.get(Negotiation, negotiation_id)
        if neg is None:
            raise click.ClickException(f"no negotiation {negotiation_id}")
        try:
            call_id = create_call(s, neg, provider=settings.voice_provider, to_number=to_number,
                                  max_attempts=settings.voice_max_call_attempts, persona=persona).id
        except CallNotAllowed as exc:
            raise click.ClickException(exc.message) from None
    simulated = settings.voice_provider == "simulated"

    def show(line: object) -> None:
        who = "Agent  " if getattr(line, "role", "") == "agent" else "Creator"
        click.echo(f"[{getattr(line, 't_s', 0.0):6.1f}s] {who}: {getattr(line, 'text', '')}")

    status = place(call_id, on_line=show, respect_hours=not simulated)
    with session_scope(settings.database_url) as s:
        call = s.get(Call, call_id)
        neg = s.get(Negotiation, negotiation_id)
        data = call_to_dict(call) if call else {}
        click.echo(f"call {call_id}: {status}; negotiation {neg.status if neg else '?'}, "
                   f"deal probability {neg.deal_probability if neg else '?'}")
        if data.get("failure_reason"):
            click.echo(f"reason: {data['failure_reason']}")
        if data.get("scheduled_for"):
            click.echo(f"scheduled for {data['scheduled_for']} (the creator's calling hours)")
