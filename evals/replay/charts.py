"""The report's two charts per transcript, drawn with matplotlib and inlined as SVG text.

1. Offers over the creator turns: the creator's asks, the recorded agent's and the replayed agent's offers,
   against the budget ceiling (and the brand's target).
2. Deal probability over the turns, recorded and replayed.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

_COLORS = {"creator": "#c2410c", "recorded": "#64748b", "replayed": "#2563eb", "ceiling": "#b91c1c",
           "target": "#15803d"}


@cache
def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, imported on first use: a web worker that never draws a chart does
    not carry it (~27 MB of RSS)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False})
    return plt


def _integer_ticks(ax: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    pyplot().close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and doctype: the SVG sits inside HTML


def _series(transcript: dict[str, Any], pick: Any) -> tuple[list[int], list[float]]:
    xs, ys = [], []
    for turn in transcript["turns"]:
        value = pick(turn)
        if value is not None:
            xs.append(turn["index"])
            ys.append(float(value))
    return xs, ys


def _offer(side: str) -> Any:
    def pick(turn: dict[str, Any]) -> float | None:
        d = turn.get(side) or {}
        return d.get("offer_usd") if d.get("action") in ("counter", "accept") else None
    return pick


def offers_chart(transcript: dict[str, Any]) -> str:
    fig, ax = pyplot().subplots(figsize=(6.4, 2.8))
    for label, key, pick, style in (
        ("creator asks", "creator", lambda t: t["creator_price_usd"], "o-"),
        ("recorded agent", "recorded", _offer("recorded"), "s--"),
        ("replayed agent", "replayed", _offer("replayed"), "^-"),
    ):
        xs, ys = _series(transcript, pick)
        if xs:
            ax.plot(xs, ys, style, color=_COLORS[key], label=label, linewidth=1.6, markersize=5)
    setup = transcript["setup"]
    ax.axhline(setup["max_usd"], color=_COLORS["ceiling"], linewidth=1.2, label=f"ceiling ${setup['max_usd']:,}")
    ax.axhline(setup["target_usd"], color=_COLORS["target"], linewidth=1, linestyle=":", label="target")
    ax.set_xlabel("creator turn")
    ax.set_ylabel("USD")
    ax.set_title("Offers over the turns")
    ax.set_xlim(0.5, max(1, len(transcript["turns"])) + 0.5)
    _integer_ticks(ax)
    ax.legend(loc="best", fontsize=7, frameon=False)
    return _svg(fig)


def probability_chart(transcript: dict[str, Any]) -> str:
    fig, ax = pyplot().subplots(figsize=(6.4, 2.4))
    for label, key, style in (("recorded", "recorded", "s--"), ("replayed", "replayed", "^-")):
        xs, ys = _series(transcript, lambda t, k=key: (t.get(k) or {}).get("deal_probability"))
        if key == "replayed" and (transcript.get("opening") or {}).get("deal_probability") is not None:
            xs, ys = [0, *xs], [transcript["opening"]["deal_probability"], *ys]
        if xs:
            ax.plot(xs, ys, style, color=_COLORS[key], label=label, linewidth=1.6, markersize=5)
    ax.set_ylim(0, 1)
    _integer_ticks(ax)
    ax.set_xlabel("creator turn")
    ax.set_ylabel("P(deal)")
    ax.set_title("Deal probability over the turns")
    ax.legend(loc="best", fontsize=7, frameon=False)
    return _svg(fig)
