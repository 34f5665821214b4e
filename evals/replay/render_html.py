"""`--format html`: one self-contained file (no external assets) with the set metrics, and per transcript its
turn table and the two charts of `charts.py` as inline SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from evals.replay.charts import offers_chart, probability_chart
from evals.replay.render_md import metric_rows

_ENV = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def _usd(value: Any) -> str:
    if value is None:
        return "—"
    return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"


def _prob(value: Any) -> str:
    return "—" if value is None else f"{value:.2f}"


_ENV.filters["usd"] = _usd
_ENV.filters["prob"] = _prob


def render(report: dict[str, Any], *, limit: int = 25) -> str:
    """The report page; transcripts past `limit` are listed in the summary table without turns and charts."""
    shown = []
    for t in report["transcripts"][:limit]:
        charts = {} if t["error"] else {"offers": offers_chart(t), "probability": probability_chart(t)}
        shown.append({**t, "charts": charts})
    return _ENV.get_template("report.html.j2").render(
        report=report, metrics=metric_rows(report["metrics"]), shown=shown,
        hidden=len(report["transcripts"]) - len(shown))
