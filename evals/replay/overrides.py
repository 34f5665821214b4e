"""`--policy KEY=VALUE` overrides of the negotiation policy's config (agent.negotiation.policy.PolicyConfig).

The concession settings nested in `PolicyConfig.concession` (boulware_e, reciprocity, stall_fraction, …) are
overridden by their own names, like the policy's top-level ones."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from agent.negotiation.concession import ConcessionConfig
from agent.negotiation.policy import PolicyConfig


class OverrideError(ValueError):
    """An override names no config field or has a value of the wrong type; `fields` says which and why."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


def _fields(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints.get(f.name, str) for f in dataclasses.fields(cls)}


def policy_fields() -> dict[str, Any]:
    """Field name → its type, as PolicyConfig (and its nested ConcessionConfig) declare them today."""
    top = {k: v for k, v in _fields(PolicyConfig).items() if k != "concession"}
    return {**_fields(ConcessionConfig), **top}


def _convert(kind: Any, raw: Any) -> Any:
    if kind is Decimal:
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation as exc:
            raise ValueError("expected a decimal number") from exc
        if not value.is_finite():
            raise ValueError("expected a finite number")
        return value
    if kind is bool:
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError("expected true or false")
    if kind is int:
        try:
            return int(str(raw).strip())
        except ValueError as exc:
            raise ValueError("expected a whole number") from exc
    if kind is float:
        try:
            return float(str(raw).strip())
        except ValueError as exc:
            raise ValueError("expected a number") from exc
    return str(raw)


def parse_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """["boulware_e=0.6", …] → {"boulware_e": "0.6", …}."""
    out: dict[str, str] = {}
    bad: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            bad[pair] = "expected KEY=VALUE"
            continue
        out[key.strip()] = value.strip()
    if bad:
        raise OverrideError(bad)
    return out


def policy_config(overrides: Mapping[str, Any] | None) -> PolicyConfig:
    """The default config with these fields replaced; every unknown key or bad value is named."""
    if not overrides:
        return PolicyConfig()
    known = policy_fields()
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, raw in overrides.items():
        if key not in known:
            problems[key] = f"not a policy setting (known: {', '.join(sorted(known))})"
            continue
        try:
            values[key] = _convert(known[key], raw)
        except ValueError as exc:
            problems[key] = str(exc)
    if problems:
        raise OverrideError(problems)
    nested = _fields(ConcessionConfig)
    concession = {k: v for k, v in values.items() if k in nested}
    top = {k: v for k, v in values.items() if k not in nested}
    try:
        return dataclasses.replace(PolicyConfig(), concession=ConcessionConfig(**concession), **top)
    except (TypeError, ValueError) as exc:
        raise OverrideError({"policy": str(exc)}) from exc


def overrides_json(overrides: Mapping[str, Any] | None) -> dict[str, str]:
    return {k: str(v) for k, v in (overrides or {}).items()}
