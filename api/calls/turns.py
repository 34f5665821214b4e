"""The custom-LLM code path: one Chat Completions request from ElevenLabs (or the simulated caller) → one reply.

The newest user messages not yet taken are one creator turn, run through the negotiation engine
(`agent.negotiation.service.take_message`, channel "voice"), worded for speech and checked by the spoken gate.
Each utterance is keyed by its position in the conversation (voice.chat_wire), so a retried or repeated request
gets the stored reply and never a second turn. Fragments ("uh", "hello?") get a brief answer and no turn; a
spoken "stop calling me" puts the number on the do-not-call list and ends the call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.llm import get_provider
from agent.negotiation import service
from agent.negotiation.gate import validate
from agent.negotiation.types import Action, Decision
from api.calls.rules import add_do_not_call
from data.models import Call, Influencer, Negotiation, NegotiationMessage
from data.statuses import CLOSED_NEGOTIATION, CallStatus, NegotiationStatus
from voice.calling_rules import InvalidPhoneNumber, to_e164
from voice.chat_wire import ChatRequest, Reply, last_assistant_text, position_key, trailing_utterances
from voice.simulated import TurnAnswer
from voice.spoken import counts_in_words, deliverables_words, money_words, spoken_problems, to_spoken
from voice.utterances import fragment_reply, is_fragment, wants_no_calls

log = logging.getLogger(__name__)

_END_REASONS = {NegotiationStatus.AGREED: "deal agreed", NegotiationStatus.DECLINED: "no deal",
                NegotiationStatus.ESCALATED: "handed to a colleague", NegotiationStatus.EXPIRED: "negotiation expired"}
STILL_HERE = "I'm still here whenever you're ready."
_CLOSED_LINES = {NegotiationStatus.AGREED: "We already have a deal, thank you. We'll send the paperwork next.",
                 NegotiationStatus.ESCALATED: "A colleague is taking this from here and will be in touch. Thanks!"}


class UnknownNegotiation(LookupError):
    pass


@dataclass(frozen=True)
class Target:
    negotiation: Negotiation
    call: Call | None

    @property
    def scope(self) -> str:
        return self.call.id if self.call is not None else self.negotiation.id


def find_target(s: Session, req: ChatRequest, header_id: str | None) -> Target:
    """The negotiation (locked for the turn) from `elevenlabs_extra_body.negotiation_id`, else the header."""
    negotiation_id = req.extra("negotiation_id") or (header_id or "").strip() or None
    if not negotiation_id:
        raise UnknownNegotiation("no negotiation_id in elevenlabs_extra_body and no X-Negotiation-Id header")
    neg = s.scalar(select(Negotiation).where(Negotiation.id == negotiation_id).with_for_update())
    if neg is None:
        raise UnknownNegotiation(f"no negotiation {negotiation_id}")
    call_id = req.extra("call_id")
    call = s.get(Call, call_id) if call_id else _live_call(s, neg.id)
    if call is not None and call.negotiation_id != neg.id:
        call = None
    return Target(negotiation=neg, call=call)


def _live_call(s: Session, negotiation_id: str) -> Call | None:
    """Without a call id (an agent sending only X-Negotiation-Id), the negotiation's newest call on the line, so
    turn positions of one call never collide with those of the next one."""
    return s.scalar(select(Call).where(Call.negotiation_id == negotiation_id, or_(
        Call.status.in_([CallStatus.DIALING, CallStatus.IN_PROGRESS]),
        and_(Call.status == CallStatus.QUEUED, Call.to_number.is_(None)),  # a browser voice session
    )).order_by(Call.created_at.desc()).limit(1))


def _decision(neg: Negotiation, reply: NegotiationMessage) -> Decision:
    offer = next((o for o in neg.offers if o.seq == reply.seq and o.role == "agent"), None)
    return Decision(action=Action(reply.action or "ask"), offer_usd=offer.amount_usd if offer else None,
                    deliverables=list((offer.deliverables if offer else None) or neg.deliverables or []),
                    usage_rights=neg.usage_rights)


def speakable(text: str, decision: Decision) -> str:
    """The engine's reply as spoken; a plain restatement when the spoken form fails a check the text passed."""
    spoken = to_spoken(text)
    written = set(validate(text, decision, product_allowed=True))
    new = [p for p in spoken_problems(spoken, decision, product_allowed=True) if p not in written]
    if not new:
        return spoken
    log.warning("spoken wording failed the gate (%s); restating the decision", "; ".join(new))
    return restatement(decision)


def restatement(decision: Decision) -> str:
    """The decision said plainly, with the package it is for (which may have changed: a trimmed scope)."""
    if decision.offer_usd is None:
        return "Thanks. Let me check on that and get back to you."
    package = deliverables_words(decision.deliverables)
    terms = money_words(decision.offer_usd) + (f" for {package}" if package else "")
    if decision.usage_rights:
        terms += f", with {counts_in_words(decision.usage_rights)} usage rights"
    if decision.action == Action.ACCEPT:
        return f"Great, we have a deal: {terms}. We'll send the paperwork next."
    return f"Our offer is {terms}. What do you think?"


def _end_reason(neg: Negotiation, opted_out: bool) -> str | None:
    if opted_out:
        return "the creator asked not to be called"
    return _END_REASONS.get(NegotiationStatus(neg.status)) if neg.status in CLOSED_NEGOTIATION else None


def _replay(neg: Negotiation, incoming: NegotiationMessage, s: Session) -> TurnAnswer:
    reply = s.scalar(select(NegotiationMessage).where(NegotiationMessage.negotiation_id == neg.id,
                                                      NegotiationMessage.seq == incoming.seq + 1))
    if reply is None:
        return TurnAnswer(Reply("Sorry, could you say that again?"), None)
    return TurnAnswer(Reply(reply.text, _end_reason(neg, wants_no_calls(incoming.text))), _decision(neg, reply))


def _opt_out(s: Session, target: Target) -> None:
    number = target.call.to_number if target.call is not None else None
    if number is None and target.negotiation.influencer_id:
        influencer = s.get(Influencer, target.negotiation.influencer_id)
        if influencer is not None and influencer.phone:
            try:
                number = to_e164(influencer.phone, influencer.country)
            except InvalidPhoneNumber:
                number = None
    if number:
        add_do_not_call(s, target.negotiation.org_id, number)


def take_voice_turn(s: Session, target: Target, req: ChatRequest) -> TurnAnswer:
    """Answer one request (commits the turn when one is taken)."""
    neg = target.negotiation
    pending = trailing_utterances(req.messages)
    if not pending:
        if last_assistant_text(req.messages) is not None:  # asked again after our own line (silence, a tool result)
            return TurnAnswer(Reply(STILL_HERE), None)
        # the agent speaks first (no first message configured on the ElevenLabs agent)
        opening = next((m for m in neg.messages if m.role == "agent"), None)
        return TurnAnswer(Reply(to_spoken(opening.text) if opening else "Hi, thanks for taking the call."), None)
    keys = [position_key(target.scope, u) for u in pending]
    stored = {m.dedupe_key: m for m in s.scalars(select(NegotiationMessage).where(
        NegotiationMessage.negotiation_id == neg.id, NegotiationMessage.dedupe_key.in_(keys)))}
    taken = max((i for i, key in enumerate(keys) if key in stored), default=-1)
    untaken = pending[taken + 1:]
    if not untaken:
        return _replay(neg, stored[keys[taken]], s)
    text = " ".join(u.text for u in untaken)
    opted_out = wants_no_calls(text)
    if is_fragment(text) and not opted_out:
        brand = (neg.state or {}).get("setup", {}).get("brand") or "our brand"
        return TurnAnswer(Reply(fragment_reply(text, brand=brand, last_agent_text=last_assistant_text(req.messages))),
                          None)
    if opted_out:
        _opt_out(s, target)
    if neg.status in CLOSED_NEGOTIATION:
        s.commit()
        line = _CLOSED_LINES.get(NegotiationStatus(neg.status), "Thanks for your time. Goodbye.")
        return TurnAnswer(Reply(line, _end_reason(neg, opted_out) or "negotiation closed"), None)
    key = keys[taken + len(untaken)]
    try:
        outcome = service.take_message(s, neg, text, channel="voice", dedupe_key=key, provider=get_provider())
    except IntegrityError:  # a racing retry of the same request took the turn first
        s.rollback()
        again = s.scalar(select(NegotiationMessage).where(NegotiationMessage.negotiation_id == neg.id,
                                                          NegotiationMessage.dedupe_key == key))
        if again is None:
            raise
        return _replay(s.get(Negotiation, neg.id) or neg, again, s)
    decision = _decision(neg, outcome.reply)
    if not outcome.replayed:
        outcome.reply.text = speakable(outcome.reply.text, decision)
    s.commit()
    return TurnAnswer(Reply(outcome.reply.text, _end_reason(neg, opted_out)), decision)
