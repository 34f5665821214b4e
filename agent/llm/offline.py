"""The offline provider: no model, so every call is answered by the caller's own deterministic path.

This is the default (`make run`, tests, evaluations): the rule-based query parser, the rule-based message
reader and the templates are the product's offline behaviour, not stubs. Its chains are invoked like a model
provider's runnables, so callers have a single code path, but they need no LangChain (agent.llm.answers).
"""

from __future__ import annotations

from agent.llm.answers import OFFLINE, Answer, Fallback, Invokable, M, OfflineChain, StructuredMethod, no_answer


class OfflineProvider:
    name = OFFLINE

    def structured(self, schema: type[M], fallback: Fallback[M | None] = no_answer, *,
                   method: StructuredMethod = "json_schema") -> Invokable[Answer[M | None]]:
        return OfflineChain(fallback)

    def text(self, fallback: Fallback[str | None] = no_answer) -> Invokable[Answer[str | None]]:
        return OfflineChain(fallback)

    def generate_json(self, *, system: str, prompt: str, schema: type[M], timeout_s: float | None = None) -> M | None:
        return None

    def generate_text(self, *, system: str, prompt: str, timeout_s: float | None = None) -> str | None:
        return None
