"""plotly figures for the dashboards, built from DataFrames; no widgets, no I/O.

Every string that comes from data (tenant names, models, purposes, event
types, customer text in hover labels) goes through
:func:`~faibric_kernel.dashboards.safety.plot_text` first, because plotly.js
reads a subset of HTML in labels. Numbers are left as numbers.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from .safety import plot_text, plot_texts

__all__ = [
    "activity_figure",
    "bar_figure",
    "forecast_figure",
    "funnel_figure",
    "health_figure",
    "lifecycle_figure",
    "retention_figure",
    "timeline_figure",
]

BAND_COLOURS = {"red": "#d62728", "yellow": "#e8b21c", "green": "#2ca02c"}
# one colour per event type: 24 distinct colours, more than there are event types, so none is reused
EVENT_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
                 "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
                 "#756bb1", "#636363", "#fd8d3c", "#74c476", "#9e9ac8", "#000000"]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
           "#d62728"]


def _layout(fig: go.Figure, *, height: int = 340, **kwargs) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": -0.2},
        font={"size": 12},
        **kwargs,
    )
    return fig


def _split_partial(frame: pd.DataFrame, partial_day) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(whole days, the partial day and the whole day before it) - the second is drawn dashed."""
    if partial_day is None or frame.empty:
        return frame, frame.iloc[0:0]
    day = pd.Timestamp(partial_day).normalize()
    days = pd.to_datetime(frame["day"])
    if not (days == day).any():
        return frame, frame.iloc[0:0]
    whole = frame[days < day]
    return whole, frame[days >= day - pd.Timedelta(days=1)]


def daily_lines_figure(daily: pd.DataFrame, lines: list[tuple[str, str, str]], *, partial_day=None,
                       bars: tuple[str, str, str] | None = None) -> go.Figure:
    """Counts per day: ``lines`` and ``bars`` as (column, name, colour); ``partial_day`` (today) drawn as
    "so far" (a dotted last segment ending in an open marker, a paler bar), never as a cliff."""
    fig = go.Figure()
    whole, partial = _split_partial(daily, partial_day)
    for col, name, colour in lines:
        fig.add_trace(go.Scatter(x=whole["day"], y=whole[col], mode="lines+markers", name=name,
                                 line={"color": colour}, legendgroup=name))
        if len(partial):
            fig.add_trace(go.Scatter(x=partial["day"], y=partial[col], mode="lines+markers",
                                     name=f"{name} (today so far)", legendgroup=name, showlegend=False,
                                     line={"color": colour, "dash": "dot"},
                                     marker={"symbol": ["circle"] * (len(partial) - 1) + ["circle-open"],
                                             "size": 8}))
    if bars is not None:
        col, name, colour = bars
        fig.add_trace(go.Bar(x=daily["day"], y=daily[col], name=name, marker_color=colour,
                             marker_opacity=partial_bar_opacity(daily, partial_day), opacity=0.6))
    if len(partial):
        fig.add_annotation(x=pd.Timestamp(partial_day), y=1, yref="paper", text="today so far", showarrow=False,
                           font={"size": 11, "color": "#777"}, yanchor="bottom")
    fig = _layout(fig, yaxis_title="per day", barmode="overlay")
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return fig


def activity_figure(daily: pd.DataFrame, *, partial_day=None) -> go.Figure:
    """Sessions started and sites deployed per day; ``partial_day`` (today) is drawn dashed, as "so far"."""
    return daily_lines_figure(daily, [("sessions_started", "sessions started", PALETTE[0]),
                                      ("sites_deployed", "sites deployed", PALETTE[1])],
                              partial_day=partial_day, bars=("errors", "errors", "#d62728"))


def partial_bar_opacity(frame: pd.DataFrame, partial_day, *, column: str = "day") -> list[float]:
    """Bar opacities that draw the partial day (today) paler than whole days."""
    if partial_day is None:
        return [1.0] * len(frame)
    day = pd.Timestamp(partial_day).normalize()
    return [0.35 if pd.Timestamp(d).normalize() == day else 1.0 for d in frame[column]]


def bar_figure(df: pd.DataFrame, x: str, y: str, *, colour: str | None = None, y_title: str = "",  # noqa: PLR0913 - chart options, keyword-only
               horizontal: bool = False, stacked: bool = True, colour_map: dict | None = None,
               series_colours: dict | None = None, integer_y: bool = False) -> go.Figure:
    """Bars of ``y`` by ``x``, one series per value of ``colour`` when given.

    ``colour_map`` colours bars by their x value; ``series_colours`` colours
    each series by its ``colour`` value and orders the series (and legend) as
    its keys are (health bands: red, yellow, green, each in its own colour).
    ``integer_y`` keeps the value axis on whole numbers (counts).
    """
    fig = go.Figure()
    groups = [(None, df)] if colour is None else list(df.groupby(colour, sort=True, dropna=False))
    if series_colours:
        order = {name: i for i, name in enumerate(series_colours)}
        groups.sort(key=lambda group: order.get(group[0], len(order)))
    for i, (name, part) in enumerate(groups):
        xs = part[x] if pd.api.types.is_datetime64_any_dtype(part[x]) or pd.api.types.is_numeric_dtype(part[x]) \
            else plot_texts(part[x])
        if colour_map:
            marker = [colour_map.get(v, PALETTE[0]) for v in part[x]]
        elif series_colours and name in series_colours:
            marker = series_colours[name]
        else:
            marker = PALETTE[i % len(PALETTE)]
        kwargs = {"name": plot_text(name) if name is not None else plot_text(y), "marker_color": marker}
        if horizontal:
            fig.add_trace(go.Bar(y=xs, x=part[y], orientation="h", **kwargs))
        else:
            fig.add_trace(go.Bar(x=xs, y=part[y], **kwargs))
    fig = _layout(fig, barmode="stack" if stacked else "group", showlegend=colour is not None)
    if horizontal:
        fig.update_layout(xaxis_title=plot_text(y_title), yaxis={"autorange": "reversed"})
        if integer_y:
            fig.update_xaxes(tickformat=",d", rangemode="tozero")
    else:
        fig.update_layout(yaxis_title=plot_text(y_title))
        if integer_y:
            fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return fig


def funnel_figure(steps: pd.DataFrame, groups: pd.DataFrame | None = None) -> go.Figure:
    """The funnel: one bar per step with its count and share of step 1; one series per group when broken down."""
    fig = go.Figure()
    if groups is not None and not groups.empty:
        for i, (value, part) in enumerate(groups.groupby("value", sort=True, dropna=False)):
            fig.add_trace(go.Funnel(y=plot_texts(part["name"]), x=part["count"], name=plot_text(value),
                                    textinfo="value+percent initial", marker_color=PALETTE[i % len(PALETTE)]))
    else:
        fig.add_trace(go.Funnel(y=plot_texts(steps["name"]), x=steps["count"], textinfo="value+percent initial",
                                marker_color=PALETTE[0]))
    return _layout(fig, height=380)


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value * 100:.0f}%"


def retention_figure(matrix: pd.DataFrame, *, period: str = "week") -> go.Figure:
    """The cohort heatmap: one row per cohort, one column per period since; empty cells stay blank.

    ``matrix`` has a ``cohort`` column, a ``size`` column and the shares in
    the other columns, in order (period 0, 1, ...).
    """
    value_cols = [c for c in matrix.columns if c not in ("cohort", "size")]
    z = matrix[value_cols].astype(float).to_numpy()
    labels = [f"{plot_text(str(c)[:10])} ({int(s):,})" for c, s in zip(matrix["cohort"], matrix["size"], strict=True)]
    text = [[_cell_text(v) for v in row] for row in z.tolist()]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{period} {plot_text(c)}" for c in value_cols],
            y=labels,
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            hoverongaps=False,
            colorbar={"title": "retained", "tickformat": ".0%"},
        )
    )
    return _layout(fig, height=max(320, 24 * len(labels) + 120), yaxis={"autorange": "reversed"})


def lifecycle_figure(df: pd.DataFrame, *, period_col: str = "period") -> go.Figure:
    """New, returning and resurrecting customers up, dormant ones down, per period."""
    fig = go.Figure()
    colours = {"new": "#2ca02c", "returning": "#1f77b4", "resurrecting": "#9467bd", "dormant": "#d62728"}
    for status, colour in colours.items():
        if status not in df.columns:
            continue
        values = df[status].fillna(0)
        fig.add_trace(go.Bar(x=df[period_col], y=-values if status == "dormant" else values, name=status,
                             marker_color=colour))
    return _layout(fig, barmode="relative", yaxis_title="customers")


def health_figure(scores: pd.DataFrame) -> go.Figure:
    """The distribution of health scores, coloured by band."""
    fig = go.Figure()
    for band, colour in BAND_COLOURS.items():
        part = scores[scores["band"] == band]
        fig.add_trace(go.Histogram(x=part["score"], name=band, marker_color=colour, xbins={"start": 0, "end": 100,
                                                                                         "size": 5}))
    return _layout(fig, barmode="stack", xaxis_title="health score", yaxis_title="customers",
                   xaxis={"range": [0, 100]})


def forecast_figure(daily: pd.DataFrame, *, projected: float | None, budget: float | None,
                    month_end) -> go.Figure:
    """Month-to-date spend, cumulative, with the straight-line projection to month end and the budget."""
    cumulative = daily.sort_values("day")["cost_usd"].fillna(0).cumsum()
    days = daily.sort_values("day")["day"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=days, y=cumulative, mode="lines+markers", name="spent"))
    if projected is not None and len(days):
        fig.add_trace(go.Scatter(x=[days.iloc[-1], month_end], y=[cumulative.iloc[-1], projected], mode="lines",
                                 name="forecast", line={"dash": "dash"}))
    if budget:
        fig.add_hline(y=budget, line_color="#d62728", annotation_text="budget")
    return _layout(fig, yaxis_title="$ this month", yaxis_tickprefix="$")


def timeline_figure(timeline: pd.DataFrame) -> go.Figure:
    """One customer's events: one compact row per session (oldest on top), dates along the top, one colour per type.

    Colours follow the order of first appearance of each event type, from a
    palette longer than the list of event types, so no two types share one.
    """
    fig = go.Figure()
    sessions = list(dict.fromkeys(timeline["session_id"].fillna("").tolist()))
    labels = {s: f"session {i + 1} ({plot_text(str(s)[:8])})" for i, s in enumerate(sessions)}
    types = list(dict.fromkeys(timeline["event_type"].tolist()))
    colour_of = {t: EVENT_PALETTE[i % len(EVENT_PALETTE)] for i, t in enumerate(types)}
    for event_type in types:
        part = timeline[timeline["event_type"] == event_type]
        hover = [
            f"{plot_text(what)}<br>{plot_text(detail)}" if detail else plot_text(what)
            for what, detail in zip(part["what"], part["detail"], strict=True)
        ]
        name = part["label"].iloc[0] if "label" in part.columns else event_type
        fig.add_trace(go.Scatter(
            x=part["ts"], y=[labels[s] for s in part["session_id"].fillna("")], mode="markers",
            name=plot_text(name), hovertext=hover, hoverinfo="text+x",
            marker={"size": 9, "color": colour_of[event_type], "line": {"width": 0}},
        ))
    row = 22
    fig = _layout(fig, height=min(900, max(220, row * len(sessions) + 150)),
                  yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": list(labels.values()),
                         "tickfont": {"size": 10}},
                  xaxis={"side": "top", "showgrid": True, "tickformat": "%b %d\n%Y"})
    fig.update_layout(margin={"l": 130, "r": 20, "t": 50, "b": 10},
                      legend={"orientation": "h", "y": -0.02, "yanchor": "top", "font": {"size": 10}})
    return fig
