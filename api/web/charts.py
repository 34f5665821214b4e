"""A negotiation's two charts, drawn server-side with matplotlib (the replay report's library) as inline SVG:
both sides' offers against the ceiling and the target, and the deal probability after each turn."""

from __future__ import annotations

from typing import Any

from evals.replay.charts import _COLORS, _svg, pyplot


def offers_chart(negotiation: dict[str, Any]) -> str:
    """Offers by turn order (the n-th offer made in the negotiation), from GET /api/v1/negotiations/{id}."""
    fig, ax = pyplot().subplots(figsize=(6.4, 2.8))
    offers = negotiation.get("offers") or []
    for role, label, style, color in (("influencer", "creator asks", "o-", _COLORS["creator"]),
                                      ("agent", "our offers", "s-", _COLORS["replayed"])):
        points = [(n, o["amount_usd"]) for n, o in enumerate(offers, start=1) if o["role"] == role]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], style, color=color, label=label,
                    linewidth=1.6, markersize=5)
    ceiling = negotiation.get("max_usd")
    if ceiling is not None:
        ax.axhline(ceiling, color=_COLORS["ceiling"], linewidth=1.2, label=f"ceiling ${ceiling:,}")
    if negotiation.get("target_usd") is not None:
        ax.axhline(negotiation["target_usd"], color=_COLORS["target"], linewidth=1, linestyle=":", label="target")
    ax.set_xlabel("offer")
    ax.set_ylabel("USD")
    ax.set_title("Offers")
    ax.set_xlim(0.5, max(1, len(offers)) + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="best", fontsize=7, frameon=False)
    return _svg(fig)


def probability_chart(negotiation: dict[str, Any]) -> str:
    fig, ax = pyplot().subplots(figsize=(6.4, 2.2))
    history = negotiation.get("deal_probability_history") or []
    xs = list(range(1, len(history) + 1))
    if xs:
        ax.plot(xs, [p["value"] for p in history], "^-", color=_COLORS["replayed"], linewidth=1.6, markersize=5)
    ax.set_ylim(0, 1)
    ax.set_xlim(0.5, max(1, len(xs)) + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("agent turn")
    ax.set_ylabel("P(deal)")
    ax.set_title("Deal probability")
    return _svg(fig)
