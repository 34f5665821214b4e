"""A provider over any LangChain chat model: structured output with the offline path as its fallback.

Imported only with a model (agent.llm.provider_for): the offline provider needs none of LangChain.

Every call is a LangChain runnable taking `{"system": ..., "prompt": ...}`:

    model.with_structured_output(Schema) ──(any exception)──▶ fallback (the caller's deterministic reader)

`with_fallbacks` catches what the model side raises (HTTP status after the library's own retries, timeouts,
safety blocks, output that is not JSON or does not validate against the schema) and hands the same input, plus
the error, to the fallback. Timeouts and retries belong to the chat model (configured where it is built), never
to a loop here. The answer says which side produced it, so callers can report "gemini" or "offline".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypeVar

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from agent.llm.answers import OFFLINE, Answer, Fallback, M, StructuredMethod, no_answer

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

T = TypeVar("T")


def messages(request: dict[str, Any]) -> list[BaseMessage]:
    """System and user turns as messages; never a prompt template, so braces in the text stay literal."""
    return [SystemMessage(content=request["system"]), HumanMessage(content=request["prompt"])]


def _fallback_runnable(fallback: Fallback[T], source: str = OFFLINE) -> Runnable[dict[str, Any], Answer[T]]:
    def run(request: dict[str, Any]) -> Answer[T]:
        error = request.get("error")
        reason = f"{type(error).__name__}: {_first_line(error)}" if error is not None else None
        if reason:
            log.warning("model answer not used, falling back: %s", reason)
        return Answer(fallback(request["prompt"]), source, reason)

    return RunnableLambda(run, name="offline_fallback")


class ChatProvider:
    """generate_json / generate_text / structured over one LangChain chat model."""

    def __init__(self, chat_model: BaseChatModel, name: str) -> None:
        self.chat_model = chat_model
        self.name = name

    def structured(self, schema: type[M], fallback: Fallback[M | None] = no_answer, *,
                   method: StructuredMethod = "json_schema") -> Runnable[dict[str, Any], Answer[M | None]]:
        """The model's answer validated as `schema`, else `fallback(prompt)`; input `{"system", "prompt"}`."""
        model = self.chat_model.with_structured_output(schema, method=method)
        return self._with_fallback(model, fallback)

    def text(self, fallback: Fallback[str | None] = no_answer) -> Runnable[dict[str, Any], Answer[str | None]]:
        """Free text (blank counts as no answer), else `fallback(prompt)`."""
        return self._with_fallback(self.chat_model | StrOutputParser() | RunnableLambda(_non_blank), fallback)

    def _with_fallback(self, model: Runnable[Any, Any], fallback: Fallback[T]) -> Runnable[dict[str, Any], Answer[T]]:
        name = self.name

        def answered(value: Any) -> Answer[Any]:
            return Answer(value, name)

        primary = RunnableLambda(messages, name="messages") | model | RunnableLambda(answered, name="answered")
        guarded = primary.with_fallbacks([_fallback_runnable(fallback)], exception_key="error")
        return RunnableLambda(dict, name="copy") | guarded  # with_fallbacks writes the error into its input dict

    # --- the call shape every caller has used since the first provider ------------------------------------
    def generate_json(self, *, system: str, prompt: str, schema: type[M], timeout_s: float | None = None) -> M | None:
        """Structured output validated against `schema`; None on any failure.

        `timeout_s` is accepted for callers written against the first interface; the chat model's own timeout
        (GEMINI_TIMEOUT_S) is what applies.
        """
        return self.structured(schema).invoke({"system": system, "prompt": prompt}).value

    def generate_text(self, *, system: str, prompt: str, timeout_s: float | None = None) -> str | None:
        """Free text, stripped; None on any failure (see `generate_json` about `timeout_s`)."""
        return self.text().invoke({"system": system, "prompt": prompt}).value


def _first_line(error: BaseException) -> str:
    """The error's headline only: parser errors go on to quote the model's output (and so the creator's text)."""
    lines = str(error).strip().splitlines()
    return lines[0][:300] if lines else ""


def _non_blank(text: str) -> str:
    if not text or not text.strip():
        raise ValueError("the model returned no text")
    return text.strip()
