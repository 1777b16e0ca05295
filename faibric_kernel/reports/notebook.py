"""What the daily report notebook calls: one function per section, each computing and showing it.

``notebooks/daily_report.ipynb`` stays thin::

    from faibric_kernel.reports import notebook as daily
    report = daily.start(report_date, tenant, output_dir)
    daily.kpis(report)        # one cell per section, so a failure names its section
    ...
    daily.summary(report)     # last: writes report.json into output_dir

Tables are HTML and figures are plotly HTML fragments (plotly.js inline once),
so the report keeps them when nbconvert exports it without code cells.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import pandas as pd

from . import data, figures
from .summary import choose_summary, fmt_count, fmt_pct, fmt_usd

__all__ = ["alerts", "cohorts", "costs", "errors", "funnel", "health", "kpis", "start", "summary"]

REPORT_JSON = "report.json"
SHOWN = 50  # rows of a long table shown in the report


def _display(obj) -> None:
    from IPython.display import display

    display(obj)


def _html(text: str) -> None:
    from IPython.display import HTML

    _display(HTML(text))


def _note(text: str) -> None:
    _html(f'<p class="faibric-note"><em>{html.escape(text)}</em></p>')


def _figure(fig, name: str) -> None:
    _html(figures.figure_html(fig, name))


def _table(df: pd.DataFrame, formats: dict | None = None, rename: dict | None = None) -> None:
    """A table with its own formats, headers as words, in a box that scrolls sideways rather than clip."""
    from ..dashboards.safety import column_label

    shown = df.copy()
    for col, fmt in (formats or {}).items():
        if col in shown.columns:
            shown[col] = shown[col].map(lambda v, f=fmt: "" if v is None or (isinstance(v, float) and pd.isna(v))
                                        else f(v))
    shown = shown.rename(columns={c: (rename or {}).get(c, column_label(c)) for c in shown.columns})
    table = shown.to_html(index=False, escape=True, na_rep="", border=0, classes="faibric-table")
    _html(f'<div class="faibric-scroll">{table}</div>')


def _signed_pct(value) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return f"{'+' if value > 0 else '-' if value < 0 else ''}{fmt_pct(value)}"


def start(report_date=None, tenant: str | None = None, output_dir: str | None = None) -> data.DailyReport:
    """A new report for the parameters (defaults: yesterday in UTC, all tenants, no files written)."""
    report = data.start_report(report_date, tenant)
    report.output_dir = str(output_dir) if output_dir else None
    figures.reset_plotlyjs()
    _html(
        f"<p><strong>Faibric daily report</strong> for <strong>{report.report_date.isoformat()}</strong> "
        f"(UTC), {html.escape(report.scope)}.</p>"
    )
    return report


def kpis(report: data.DailyReport) -> None:
    """KPIs on the day against the previous day and the 7-day average, and the activity trend."""
    data.compute_kpis(report)
    if "kpis" in report.notes:
        _note(report.notes["kpis"])
        return
    table = report.kpis.copy()

    def value_fmt(row, col):
        return fmt_usd(row[col]) if row["unit"] == "usd" else (
            fmt_count(row[col]) if col != "avg_7d" else f"{row[col]:,.1f}")

    rows = pd.DataFrame(
        {
            "KPI": table["label"],
            "on the day": [value_fmt(r, "value") for _, r in table.iterrows()],
            "previous day": [value_fmt(r, "previous") for _, r in table.iterrows()],
            "change": table["change_vs_previous_pct"].map(_signed_pct),
            f"{data.AVG_DAYS}-day average": [
                fmt_usd(r["avg_7d"]) if r["unit"] == "usd" else f"{r['avg_7d']:,.1f}" for _, r in table.iterrows()
            ],
            "vs average": table["change_vs_avg_pct"].map(_signed_pct),
        }
    )
    _table(rows)
    _figure(figures.kpi_trend_figure(report.daily), "kpi-trend")


def funnel(report: data.DailyReport) -> None:
    """The onboarding funnel of the sessions that started in the last 7 days (each given a day to convert)."""
    data.compute_funnel(report)
    if "funnel" in report.notes:
        _note(report.notes["funnel"])
        return
    info = report.funnel_info
    _html(
        f"<p>Sessions that entered in the {info['days']} days up to the end of the report day, each given "
        f"{info['window_days']} day to reach each step; {fmt_count(info.get('in_progress') or 0)} still in "
        "progress (not counted as drop-offs).</p>"
    )
    _table(
        report.funnel.assign(name=report.funnel["name"].map(figures._words)),
        {"count": fmt_count, "overall_rate": lambda v: fmt_pct(v * 100), "step_rate": lambda v: fmt_pct(v * 100),
         "median_seconds_to_convert": lambda v: f"{v:,.0f} s"},
        {"name": "step", "overall_rate": "of entered", "step_rate": "of previous step",
         "median_seconds_to_convert": "median time from previous step", "dropped_off": "dropped off",
         "in_progress": "in progress"},
    )
    _figure(figures.funnel_figure(report.funnel), "funnel")


def cohorts(report: data.DailyReport) -> None:
    """New customers on the day, and the retention of the recent weekly cohorts."""
    data.compute_cohorts(report)
    n = report.new_customers or 0
    _html(f"<p><strong>{fmt_count(n)}</strong> new {'customer' if n == 1 else 'customers'} on the day.</p>")
    if "cohorts" in report.notes:
        _note(report.notes["cohorts"])
        return
    cols = [c for c in report.cohorts.columns if c.startswith("period_")]
    _table(report.cohorts, {c: lambda v: fmt_pct(v * 100) for c in cols} | {"size": fmt_count},
           {c: f"week {c.removeprefix('period_')}" for c in cols})
    _figure(figures.cohort_figure(report.cohorts), "cohorts")


def health(report: data.DailyReport) -> None:
    """Who changed health band on the day: who turned red, and why."""
    data.compute_health(report)
    if "health" in report.notes and report.health_changes is None:
        _note(report.notes["health"])
        return
    if report.notes.get("health_source"):
        _note(report.notes["health_source"])
    if report.health_bands:
        _figure(figures.health_figure(report.health_bands), "health")
    changes = report.health_changes
    red = changes[changes["turned_red"]]
    scores = {c: (lambda v: f"{v:.0f}") for c in ("score", "previous_score", *data.HEALTH_COMPONENTS)}
    # the free-text reasons last, where they have the room to stay on a line or two
    changes = changes[[c for c in changes.columns if c != "reasons"] + [c for c in changes.columns if c == "reasons"]]
    if len(red):
        _html(f"<p><strong>{fmt_count(len(red))}</strong> {'customer' if len(red) == 1 else 'customers'} turned red"
              + (f" (the {SHOWN} lowest scores shown)" if len(red) > SHOWN else "") + ":</p>")
        _table(red.drop(columns=["turned_red"]).head(SHOWN), scores)
    else:
        _note("no customer turned red on the day")
    others = changes[~changes["turned_red"]]
    if len(others):
        _html(f"<p>Other band changes ({fmt_count(len(others))})"
              + (f", the first {SHOWN}" if len(others) > SHOWN else "") + ":</p>")
        _table(others.drop(columns=["turned_red"]).head(SHOWN), scores)


def costs(report: data.DailyReport) -> None:
    """AI cost per day, the day's cost by model and purpose, and the month's forecast."""
    data.compute_costs(report)
    f = report.forecast
    if f:
        text = (
            f"<p>Month to date ({f['month']}): <strong>{fmt_usd(f['month_to_date_usd'])}</strong>; at "
            f"{fmt_usd(f['daily_rate_usd'])} a day the month is projected at "
            f"<strong>{fmt_usd(f['projected_usd'])}</strong>"
        )
        if f.get("budget_usd") is not None:
            text += f" against a budget of {fmt_usd(f['budget_usd'])}"
            if f.get("budget_crossed_on"):
                verb = "crossed" if f.get("over_budget") else "projected to be crossed"
                text += f" ({verb} on {f['budget_crossed_on']})"
        _html(text + ".</p>")
    elif "forecast" in report.notes:
        _note(report.notes["forecast"])
    _figure(figures.cost_figure(report.costs_daily, f), "costs")
    if "costs" in report.notes:
        _note(report.notes["costs"])
        return
    _table(report.costs_by_model,
           {"calls": fmt_count, "cost_usd": fmt_usd, "unpriced_calls": fmt_count, "input_tokens": fmt_count,
            "output_tokens": fmt_count})


def alerts(report: data.DailyReport) -> None:
    """Alerts fired on the day."""
    data.compute_alerts(report)
    if "alerts" in report.notes:
        _note(report.notes["alerts"])
        return
    _table(report.alerts, {"fired_at": lambda v: pd.Timestamp(v).strftime("%H:%M")})


def errors(report: data.DailyReport) -> None:
    """The day's most frequent failures."""
    data.compute_errors(report)
    if "errors" in report.notes:
        _note(report.notes["errors"])
        return
    _table(report.top_errors, {"first_seen": lambda v: pd.Timestamp(v).strftime("%H:%M"),
                               "last_seen": lambda v: pd.Timestamp(v).strftime("%H:%M")})
    _figure(figures.errors_figure(report.top_errors), "errors")


def live_sites(report: data.DailyReport) -> None:
    """Live sites on the day: the busiest with their leads, and live sites without visitors for 7 days."""
    data.compute_live_sites(report)
    if report.live_sites is not None and len(report.live_sites):
        _html(f"<p><strong>{fmt_count(report.facts['site_visitors'])}</strong> visitors and "
              f"<strong>{fmt_count(report.facts['site_leads'])}</strong> leads on the day. The busiest sites:</p>")
        _table(report.live_sites, {"conversion": lambda v: fmt_pct(v * 100)},
               {"site_id": "site", "live_version": "version", "cta_clicks": "CTA clicks"})
    if "live_sites" in report.notes:
        _note(report.notes["live_sites"])
    if report.quiet_sites is not None and len(report.quiet_sites):
        _html(f"<p>{fmt_count(len(report.quiet_sites))} live "
              f"{'site has' if len(report.quiet_sites) == 1 else 'sites have'} had no visitor for 7 days:</p>")
        _table(report.quiet_sites, rename={"site_id": "site", "tenant_id": "tenant", "live_version": "version"})


def _source_words(source: str) -> str:
    if source.startswith("model:"):
        return f"the {source.removeprefix('model:')} provider's cheap model, from the figures above"
    return "the offline writer, from the figures above" + source.removeprefix("offline")


def summary(report: data.DailyReport, provider=None) -> str:
    """The summary (model or offline writer) from the report's figures; writes report.json when asked."""
    text, source = choose_summary(report.facts, provider=provider, tenant_id=report.tenant)
    report.summary, report.summary_source = text, source
    _html(f'<blockquote class="faibric-summary"><p>{html.escape(text)}</p></blockquote>'
          f'<p class="faibric-note"><em>written by {html.escape(_source_words(source))}</em></p>')
    if report.output_dir:
        folder = Path(report.output_dir)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / REPORT_JSON
        tmp = target.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(report.to_dict(), indent=1, default=str), encoding="utf-8")
        os.replace(tmp, target)
    return text
