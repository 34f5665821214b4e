"""Outreach: personalized emails from verified profile facts, the checks they must pass, and mail transports."""

from agent.outreach.checks import UNSUBSCRIBE_PLACEHOLDER, check_draft
from agent.outreach.drafting import Draft, draft_outreach, fill_unsubscribe, pick_language
from agent.outreach.facts import Fact, fact_holds, resolve, select_facts

__all__ = [
    "UNSUBSCRIBE_PLACEHOLDER",
    "Draft",
    "Fact",
    "check_draft",
    "draft_outreach",
    "fact_holds",
    "fill_unsubscribe",
    "pick_language",
    "resolve",
    "select_facts",
]
