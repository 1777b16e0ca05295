"""The daily report's plotly figures, and their HTML form that survives nbconvert's export.

Each ``*_figure`` function turns one section's frame into a ``plotly``
figure. :func:`figure_html` renders a figure as an HTML fragment with a fixed
``div`` id (``fig-<name>``); the first fragment of a document loads plotly.js
from :data:`PLOTLY_JS`, a file the export writes next to the report
(:func:`write_plotlyjs`): the report needs no network, loads the library once,
and its HTML stays small (plotly.js alone is about 4.8 MB).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

__all__ = [
    "cohort_figure",
    "cost_figure",
    "errors_figure",
    "figure_html",
    "funnel_figure",
    "health_figure",
    "kpi_trend_figure",
    "plotly_js_name",
    "reset_plotlyjs",
    "write_plotlyjs",
]

COLORS = {"red": "#d62728", "yellow": "#e6b800", "green": "#2ca02c", "main": "#3b5bdb", "muted": "#adb5bd"}
_LAYOUT = dict(template="plotly_white", height=340, margin=dict(l=50, r=20, t=50, b=40))

_plotlyjs_sent = False


def _plotly_version() -> str:
    import plotly.offline

    return plotly.offline.get_plotlyjs_version()


def plotly_js_name() -> str:
    """The file name the report loads plotly.js from (versioned, so an old report keeps its own)."""
    return f"plotly-{_plotly_version()}.min.js"


def write_plotlyjs(folder) -> object:
    """Write plotly.js next to a report (once: an existing copy of that version is kept); returns its path."""
    from pathlib import Path

    import plotly.offline

    target = Path(folder) / plotly_js_name()
    if not target.is_file():
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
        tmp.replace(target)
    return target


def reset_plotlyjs() -> None:
    """Make the next :func:`figure_html` include plotly.js again (a new document)."""
    global _plotlyjs_sent
    _plotlyjs_sent = False


def figure_html(fig: go.Figure, name: str) -> str:
    """An HTML fragment for ``fig``; the first one of a document loads plotly.js (from :func:`plotly_js_name`)."""
    global _plotlyjs_sent
    include = not _plotlyjs_sent
    html = fig.to_html(
        full_html=False,
        include_plotlyjs=plotly_js_name() if include else False,
        div_id=f"fig-{name}",
        config={"displaylogo": False, "responsive": True},
    )
    _plotlyjs_sent = True
    return html


def kpi_trend_figure(daily: pd.DataFrame) -> go.Figure:
    """Requests, deployed sites and active customers per day over the trend window."""
    fig = go.Figure()
    for metric, label, color in (
        ("requests", "New requests", COLORS["main"]),
        ("deployed", "Sites deployed", COLORS["green"]),
        ("active_customers", "Active customers", COLORS["muted"]),
        ("errors", "Build errors", COLORS["red"]),
    ):
        fig.add_trace(
            go.Scatter(x=[str(d) for d in daily["day"]], y=daily[metric], name=label, mode="lines+markers",
                       line=dict(color=color))
        )
    fig.update_layout(title="Activity per day", yaxis_title="count", **_LAYOUT)
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return fig


def funnel_figure(funnel: pd.DataFrame) -> go.Figure:
    """Sessions reaching each step."""
    fig = go.Figure(
        go.Funnel(y=[_words(n) for n in funnel["name"]], x=list(funnel["count"]), textinfo="value+percent initial",
                  marker=dict(color=COLORS["main"]))
    )
    fig.update_layout(title="Onboarding funnel", **{**_LAYOUT, "margin": dict(l=140, r=20, t=50, b=40)})
    return fig


def cohort_figure(cohorts: pd.DataFrame) -> go.Figure:
    """Share of each cohort active in each later period (empty cells: period not over yet)."""
    cols = [c for c in cohorts.columns if c.startswith("period_")]
    z = cohorts[cols].astype(float).to_numpy() * 100
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[c.removeprefix("period_") for c in cols], y=[f"{c} ({s})" for c, s in
                                                                  zip(cohorts["cohort"], cohorts["size"], strict=True)],
            colorscale="Blues", zmin=0, zmax=100, colorbar=dict(title="% active"),
            hovertemplate="cohort %{y}<br>period +%{x}: %{z:.1f}%<extra></extra>",
        )
    )
    fig.update_layout(title="Retention by weekly cohort", xaxis_title="weeks after the first visit",
                      yaxis=dict(autorange="reversed"), **_LAYOUT)
    return fig


def health_figure(bands: dict) -> go.Figure:
    """Customers per health band on the report day."""
    names = [b for b in ("red", "yellow", "green") if b in bands]
    fig = go.Figure(go.Bar(x=names, y=[bands[b] for b in names], marker_color=[COLORS[b] for b in names]))
    fig.update_layout(title="Customers by health band", yaxis_title="customers", **_LAYOUT)
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return fig


def cost_figure(costs: pd.DataFrame, forecast: dict) -> go.Figure:
    """AI cost per day, with the month's daily rate (and the budget's daily share, when set)."""
    fig = go.Figure(go.Bar(x=[str(d) for d in costs["day"]], y=costs["cost_usd"], name="cost per day",
                           marker_color=COLORS["main"]))
    if forecast.get("daily_rate_usd"):
        fig.add_hline(y=forecast["daily_rate_usd"], line_dash="dot", line_color=COLORS["muted"],
                      annotation_text="month's daily rate")
    fig.update_layout(title="AI cost per day (USD)", yaxis_title="USD", **_LAYOUT)
    return fig


def errors_figure(errors: pd.DataFrame) -> go.Figure:
    """The day's most frequent failures."""
    # long messages would run into the bars: shortened here, whole in the table above
    labels = [_shorten(f"{k}: {e}", 60) for k, e in zip(errors["kind"], errors["error"], strict=True)]
    fig = go.Figure(go.Bar(y=labels[::-1], x=list(errors["count"])[::-1], orientation="h",
                           marker_color=COLORS["red"]))
    layout = {**_LAYOUT, "height": 120 + 32 * len(labels), "margin": dict(l=260, r=20, t=50, b=40)}
    fig.update_layout(title="Top errors", xaxis_title="occurrences", **layout)
    fig.update_xaxes(tickformat=",d", rangemode="tozero", dtick=1 if max(errors["count"], default=0) < 10 else None)
    fig.update_yaxes(automargin=True)
    return fig


def _words(name) -> str:
    """An event type as words (``request_submitted`` -> "Request submitted")."""
    from ..dashboards.data import event_label

    return event_label(name)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
