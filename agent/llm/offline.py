"""The offline provider: no model, so every call is answered by the caller's own deterministic path.

This is the default (`make run`, tests, evaluations): the rule-based query parser, the rule-based message
reader and the templates are the product's offline behaviour, not stubs. The runnables have the same shape as
a model provider's, so callers have a single code path.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import Runnable

from agent.llm.chat import OFFLINE, Answer, Fallback, M, StructuredMethod, no_answer, offline_chain


class OfflineProvider:
    name = OFFLINE

    def structured(self, schema: type[M], fallback: Fallback[M | None] = no_answer, *,
                   method: StructuredMethod = "json_schema") -> Runnable[dict[str, Any], Answer[M | None]]:
        return offline_chain(fallback)

    def text(self, fallback: Fallback[str | None] = no_answer) -> Runnable[dict[str, Any], Answer[str | None]]:
        return offline_chain(fallback)

    def generate_json(self, *, system: str, prompt: str, schema: type[M], timeout_s: float | None = None) -> M | None:
        return None

    def generate_text(self, *, system: str, prompt: str, timeout_s: float | None = None) -> str | None:
        return None
