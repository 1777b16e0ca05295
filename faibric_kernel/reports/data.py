"""The figures of the daily report, computed from the store for one day (and one tenant, or all).

:func:`build_report` returns a :class:`DailyReport`: one DataFrame or dict per
section (KPIs against the previous day and the 7-day average, the funnel, new
cohorts, health changes, costs and the forecast, alerts, top errors) plus
``facts``, a flat dict of every figure the summary may cite. The notebook
shows these; the summary writers (:mod:`.summary`) only read ``facts``.

A section that has no data says so in ``notes[section]``; a section whose
analytics function is missing or fails says why there too, and the rest of the
report still renders. Every section opens its own short read-only connection,
so the store is never held for the whole report.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from ..errors import InvalidInputError

__all__ = [
    "KPI_METRICS",
    "DailyReport",
    "SECTIONS",
    "build_report",
    "default_report_date",
    "parse_report_date",
]

AVG_DAYS = 7
TREND_DAYS = 14
# the report's funnel: sessions that entered in the last 7 days, each given one day to convert (onboarding
# takes minutes), so all but the report day's sessions are settled and the rates are recent
FUNNEL_DAYS = 7
FUNNEL_WINDOW_DAYS = 1
COHORT_WEEKS = 8
COST_DAYS = 30
TOP_ERRORS = 10

# (metric, label, unit, SQL aggregate over the day's rows)
KPI_METRICS: list[tuple[str, str, str]] = [
    ("requests", "New requests", "count"),
    ("emails", "Emails given", "count"),
    ("verified", "Emails verified", "count"),
    ("builds", "Builds started", "count"),
    ("deployed", "Sites deployed", "count"),
    ("deploy_failed", "Deploys failed", "count"),
    ("errors", "Build errors", "count"),
    ("active_customers", "Active customers", "count"),
    ("active_sessions", "Active sessions", "count"),
    ("api_calls", "AI calls", "count"),
    ("api_errors", "AI call errors", "count"),
    ("cost_usd", "AI cost", "usd"),
    ("unpriced_calls", "Unpriced AI calls", "count"),
]

_EVENT_AGGS = {
    "requests": "count(*) FILTER (WHERE event_type = 'request_submitted')",
    "emails": "count(*) FILTER (WHERE event_type = 'email_provided')",
    "verified": "count(*) FILTER (WHERE event_type = 'verified')",
    "builds": "count(*) FILTER (WHERE event_type = 'build_started')",
    "deployed": "count(*) FILTER (WHERE event_type = 'deployed')",
    "deploy_failed": "count(*) FILTER (WHERE event_type = 'deploy_failed')",
    "errors": "count(*) FILTER (WHERE event_type = 'error')",
    "active_sessions": "count(DISTINCT session_id)",
}
_CALL_AGGS = {
    "api_calls": "count(*)",
    "api_errors": "count(*) FILTER (WHERE status <> 'ok')",
    "cost_usd": "coalesce(sum(cost_usd), 0)",
    "unpriced_calls": "count(*) FILTER (WHERE cost_usd IS NULL AND status = 'ok')",
}


def default_report_date(now: datetime | None = None) -> date:
    """The last full day in UTC: the report run at 06:00 covers yesterday."""
    now = now or datetime.now(UTC)
    if now.tzinfo is not None:
        now = now.astimezone(UTC)
    return now.date() - timedelta(days=1)


def parse_report_date(value) -> date:
    """A report date from a ``date``, a ``datetime``, ``YYYY-MM-DD`` text, or None (yesterday, UTC)."""
    if value is None or value == "":
        return default_report_date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("yesterday",):
            return default_report_date()
        if text == "today":
            return datetime.now(UTC).date()
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInputError(f"report_date must be a date like 2026-11-25, not {value!r}")


@dataclass
class DailyReport:
    """The daily report for one day and one tenant (``None`` = all), filled section by section.

    Each ``compute_*`` function fills its section's fields, adds the figures it
    computed to ``facts``, and records in ``notes[section]`` why a section is
    empty; the notebook runs one section per cell.
    """

    report_date: date
    tenant: str | None = None
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    daily: pd.DataFrame | None = None
    kpis: pd.DataFrame | None = None
    funnel: pd.DataFrame | None = None
    funnel_info: dict = field(default_factory=dict)
    cohorts: pd.DataFrame | None = None
    new_customers: int | None = None
    health_changes: pd.DataFrame | None = None
    health_bands: dict = field(default_factory=dict)
    costs_daily: pd.DataFrame | None = None
    costs_by_model: pd.DataFrame | None = None
    forecast: dict = field(default_factory=dict)
    alerts: pd.DataFrame | None = None
    top_errors: pd.DataFrame | None = None
    live_sites: pd.DataFrame | None = None
    quiet_sites: pd.DataFrame | None = None
    output_dir: str | None = None
    summary: str | None = None
    summary_source: str | None = None
    notes: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)

    @property
    def day_start(self) -> datetime:
        return datetime(self.report_date.year, self.report_date.month, self.report_date.day)

    @property
    def day_end(self) -> datetime:
        return self.day_start + timedelta(days=1)

    @property
    def scope(self) -> str:
        """Who the report covers, in words."""
        return f"tenant {self.tenant}" if self.tenant else "all tenants"

    def to_dict(self) -> dict:
        """A JSON-ready form (tables as lists of records)."""

        def records(df: pd.DataFrame | None) -> list[dict]:
            if df is None or not len(df):
                return []
            return json.loads(df.to_json(orient="records", date_format="iso"))

        return {
            "report_date": self.report_date.isoformat(),
            "tenant": self.tenant,
            "generated_at": self.generated_at.isoformat(),
            "kpis": records(self.kpis),
            "funnel": records(self.funnel),
            "funnel_info": _jsonable(self.funnel_info),
            "cohorts": records(self.cohorts),
            "new_customers": self.new_customers,
            "health_changes": records(self.health_changes),
            "health_bands": self.health_bands,
            "costs_by_model": records(self.costs_by_model),
            "forecast": _jsonable(self.forecast),
            "alerts": records(self.alerts),
            "top_errors": records(self.top_errors),
            "live_sites": records(self.live_sites),
            "quiet_sites": records(self.quiet_sites),
            "summary": self.summary,
            "summary_source": self.summary_source,
            "notes": self.notes,
            "facts": _jsonable(self.facts),
        }


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _tenant_sql(tenant: str | None, column: str = "tenant_id") -> tuple[str, list]:
    return (f" AND {column} = ?", [tenant]) if tenant else ("", [])


def _pct_change(value: float, base: float | None) -> float | None:
    if base is None or base == 0 or (isinstance(base, float) and math.isnan(base)):
        return None
    return (value - base) / base * 100.0


# -- sections ---------------------------------------------------------------------------------------


def daily_metrics(con, report_date: date, tenant: str | None, days: int = TREND_DAYS) -> pd.DataFrame:
    """One row per day for the ``days`` days ending on ``report_date``: every KPI metric."""
    first = report_date - timedelta(days=days - 1)
    start = datetime(first.year, first.month, first.day)
    end = datetime(report_date.year, report_date.month, report_date.day) + timedelta(days=1)
    t_sql, t_params = _tenant_sql(tenant)
    ev_cols = ", ".join(f"{sql} AS {name}" for name, sql in _EVENT_AGGS.items())
    call_cols = ", ".join(f"{sql} AS {name}" for name, sql in _CALL_AGGS.items())
    names = [m for m, _, _ in KPI_METRICS]
    select = ", ".join(f"coalesce({name}, 0) AS {name}" for name in names)
    df = con.execute(
        f"""
        WITH days AS (
            SELECT CAST(d AS DATE) AS day FROM range(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), INTERVAL 1 DAY) t(d)
        ),
        ev AS (
            SELECT CAST(ts AS DATE) AS day, {ev_cols}
            FROM events WHERE ts >= ? AND ts < ?{t_sql} GROUP BY 1
        ),
        calls AS (
            SELECT CAST(ts AS DATE) AS day, {call_cols}
            FROM api_calls WHERE ts >= ? AND ts < ?{t_sql} GROUP BY 1
        ),
        day_sessions AS (
            SELECT DISTINCT CAST(ts AS DATE) AS day, session_id
            FROM events WHERE ts >= ? AND ts < ?{t_sql} AND session_id IS NOT NULL
        ),
        -- a session belongs to the first email it received, so its earlier anonymous events count for it too
        session_email AS (
            SELECT session_id, arg_min(lower(actor), ts) AS email
            FROM events
            WHERE ts < ?{t_sql} AND contains(actor, '@')
              AND session_id IN (SELECT session_id FROM day_sessions)
            GROUP BY session_id
        ),
        cust AS (
            SELECT day, count(DISTINCT coalesce(email, session_id)) AS active_customers
            FROM day_sessions LEFT JOIN session_email USING (session_id) GROUP BY day
        )
        SELECT days.day, {select}
        FROM days LEFT JOIN ev USING (day) LEFT JOIN calls USING (day) LEFT JOIN cust USING (day)
        ORDER BY days.day
        """,
        [start, end, start, end, *t_params, start, end, *t_params, start, end, *t_params, end, *t_params],
    ).df()
    df["day"] = pd.to_datetime(df["day"]).dt.date
    for name in names:
        df[name] = df[name].astype(float if name == "cost_usd" else "int64")
    return df


def kpi_table(daily: pd.DataFrame, report_date: date) -> pd.DataFrame:
    """Each KPI on the report day, the previous day, and the mean of the 7 days before, with changes."""
    by_day = daily.set_index("day")
    rows = []
    prev_day = report_date - timedelta(days=1)
    window = [report_date - timedelta(days=k) for k in range(1, AVG_DAYS + 1)]
    for metric, label, unit in KPI_METRICS:
        value = float(by_day.at[report_date, metric]) if report_date in by_day.index else 0.0
        previous = float(by_day.at[prev_day, metric]) if prev_day in by_day.index else 0.0
        avg = float(by_day.loc[[d for d in window if d in by_day.index], metric].sum()) / AVG_DAYS
        rows.append(
            {
                "metric": metric,
                "label": label,
                "unit": unit,
                "value": value,
                "previous": previous,
                "avg_7d": avg,
                "change_vs_previous": value - previous,
                "change_vs_previous_pct": _pct_change(value, previous),
                "change_vs_avg_pct": _pct_change(value, avg),
            }
        )
    return pd.DataFrame(rows)


def top_errors(con, report_date: date, tenant: str | None, limit: int | None = TOP_ERRORS) -> pd.DataFrame:
    """The most frequent failures of the day: build errors, failed deploys, validation rules, AI call errors."""
    start = datetime(report_date.year, report_date.month, report_date.day)
    end = start + timedelta(days=1)
    t_sql, t_params = _tenant_sql(tenant)
    df = con.execute(
        f"""
        WITH failures AS (
            SELECT CASE event_type WHEN 'error' THEN 'build error' WHEN 'deploy_failed' THEN 'deploy failed'
                                   ELSE 'validation failed' END AS kind,
                   coalesce(
                       CASE event_type
                           WHEN 'error' THEN json_extract_string(properties, '$.error_type')
                           WHEN 'deploy_failed' THEN json_extract_string(properties, '$.error')
                           ELSE json_extract_string(properties, '$.rule') END,
                       json_extract_string(properties, '$.message'), 'unknown') AS error,
                   session_id, ts
            FROM events
            WHERE ts >= ? AND ts < ?{t_sql} AND event_type IN ('error', 'deploy_failed', 'validation_failed')
            UNION ALL
            SELECT 'AI call error' AS kind, coalesce(error_type, status) || ' (' || coalesce(model, provider) || ')',
                   session_id, ts
            FROM api_calls WHERE ts >= ? AND ts < ?{t_sql} AND status <> 'ok'
        )
        SELECT kind, error, count(*) AS count, count(DISTINCT session_id) AS sessions,
               min(ts) AS first_seen, max(ts) AS last_seen
        FROM failures GROUP BY kind, error
        ORDER BY count DESC, kind, error
        """,
        [start, end, *t_params, start, end, *t_params],
    ).df()
    return df if limit is None else df.head(limit)


def alerts_of_day(con, report_date: date, tenant: str | None) -> pd.DataFrame:
    """Alerts fired on the report day (for this tenant, or global ones)."""
    start = datetime(report_date.year, report_date.month, report_date.day)
    end = start + timedelta(days=1)
    t_sql, t_params = ("", [])
    if tenant:
        t_sql, t_params = " AND (tenant_id = ? OR tenant_id IS NULL)", [tenant]
    return con.execute(
        f"""
        SELECT fired_at, severity, rule, tenant_id, subject, message, status
        FROM alerts WHERE fired_at >= ? AND fired_at < ?{t_sql}
        ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END,
                 fired_at
        """,
        [start, end, *t_params],
    ).df()


def costs_daily(con, report_date: date, tenant: str | None, days: int = COST_DAYS) -> pd.DataFrame:
    """AI cost per day for the ``days`` days ending on the report day (unpriced calls counted apart)."""
    first = report_date - timedelta(days=days - 1)
    start = datetime(first.year, first.month, first.day)
    end = datetime(report_date.year, report_date.month, report_date.day) + timedelta(days=1)
    t_sql, t_params = _tenant_sql(tenant)
    df = con.execute(
        f"""
        WITH days AS (
            SELECT CAST(d AS DATE) AS day FROM range(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), INTERVAL 1 DAY) t(d)
        ),
        c AS (
            SELECT CAST(ts AS DATE) AS day, coalesce(sum(cost_usd), 0) AS cost_usd, count(*) AS calls,
                   count(*) FILTER (WHERE cost_usd IS NULL AND status = 'ok') AS unpriced_calls
            FROM api_calls WHERE ts >= ? AND ts < ?{t_sql} GROUP BY 1
        )
        SELECT days.day, coalesce(c.cost_usd, 0) AS cost_usd, coalesce(c.calls, 0) AS calls,
               coalesce(c.unpriced_calls, 0) AS unpriced_calls
        FROM days LEFT JOIN c USING (day) ORDER BY days.day
        """,
        [start, end, start, end, *t_params],
    ).df()
    df["day"] = pd.to_datetime(df["day"]).dt.date
    return df


def costs_by_model(con, report_date: date, tenant: str | None) -> pd.DataFrame:
    """The report day's AI calls and cost by model and purpose."""
    start = datetime(report_date.year, report_date.month, report_date.day)
    end = start + timedelta(days=1)
    t_sql, t_params = _tenant_sql(tenant)
    return con.execute(
        f"""
        SELECT coalesce(model, '?') AS model, coalesce(purpose, '?') AS purpose, count(*) AS calls,
               sum(cost_usd) AS cost_usd, count(*) FILTER (WHERE cost_usd IS NULL AND status = 'ok') AS unpriced_calls,
               sum(input_tokens + cache_creation_input_tokens + cache_read_input_tokens) AS input_tokens,
               sum(output_tokens) AS output_tokens
        FROM api_calls WHERE ts >= ? AND ts < ?{t_sql}
        GROUP BY ALL ORDER BY cost_usd DESC NULLS LAST, calls DESC
        """,
        [start, end, *t_params],
    ).df()


# -- sections that come from faibric_kernel.analytics ---------------------------------------------------


_ANALYTICS_MODULES = {"funnel": "funnel", "retention": "retention", "health_scores": "health",
                      "cost_forecast": "costs"}


def _analytics(name: str):
    """The analytics function ``name`` (from the package, or its module), or a clear error when it is not built."""
    import importlib
    import types

    from ..errors import FaibricError

    fn = None
    with_module = _ANALYTICS_MODULES.get(name)
    try:
        from .. import analytics

        fn = getattr(analytics, name, None)
        if isinstance(fn, types.ModuleType):  # the package exports the module, not the function
            fn = getattr(fn, name, None)
        if fn is None and with_module:
            fn = getattr(importlib.import_module(f"..analytics.{with_module}", __package__), name, None)
    except ImportError:
        fn = None
    if not callable(fn):
        raise FaibricError(f"faibric_kernel.analytics.{name} is not available in this version")
    return fn


HEALTH_COMPONENTS = ("engagement", "recency", "build_success", "friction", "feedback")


def health_changes(con, report_date: date, tenant: str | None) -> tuple[pd.DataFrame, dict]:
    """Customers whose health band changed on the report day, red first, with the reasons and components.

    Both days are scored with :func:`faibric_kernel.analytics.health_scores`
    as of the end of the day (UTC midnight), so the comparison does not
    depend on when snapshots happened to be taken. Returns (changes, the
    band counts at the end of the day).
    """
    health_scores = _analytics("health_scores")
    end = datetime(report_date.year, report_date.month, report_date.day) + timedelta(days=1)
    # no 14-day trend: the day-over-day change of each component says more about why a band changed
    today = health_scores(con, now=end, tenant=tenant, trend=False)
    before = health_scores(con, now=end - timedelta(days=1), tenant=tenant, trend=False)
    bands = {b: int((today["band"] == b).sum()) for b in ("red", "yellow", "green")} if len(today) else {}
    components = [c for c in HEALTH_COMPONENTS if c in today.columns and c in before.columns]
    previous = before[["tenant_id", "customer", "score", "band", *components]].rename(
        columns={"score": "previous_score", "band": "previous_band", **{c: f"_prev_{c}" for c in components}})
    merged = today.merge(previous, on=["tenant_id", "customer"], how="left")
    # customers first scored on the day have no band to change from
    changed = merged[merged["previous_band"].notna() & (merged["band"] != merged["previous_band"])].copy()
    changed["turned_red"] = changed["band"] == "red"
    changed["reasons"] = [
        _why(row, components) for row in changed.to_dict(orient="records")
    ]
    order = {"red": 0, "yellow": 1, "green": 2}
    changed["_o"] = changed["band"].map(order).fillna(3)
    changed = changed.sort_values(["_o", "score", "customer"]).drop(columns=["_o"]).reset_index(drop=True)
    cols = ["tenant_id", "customer", "previous_band", "band", "previous_score", "score", "turned_red", "reasons",
            *components]
    return changed[cols], bands


def _why(row: dict, components: list[str]) -> str:
    """The analytics reasons (dormant, red) plus the component that moved most since the day before."""
    reasons = [r for r in _reasons_text(row.get("reasons")).split("; ") if r and not r.startswith("health is")]
    moves = []
    for c in components:
        now, before = row.get(c), row.get(f"_prev_{c}")
        if now is None or before is None or pd.isna(now) or pd.isna(before):
            continue
        moves.append((now - before, c, before, now))
    if moves:
        delta, name, before, now = min(moves) if row["score"] < row["previous_score"] else max(moves)
        if abs(delta) >= 0.5:
            reasons.append(f"{name.replace('_', ' ')} {'fell' if delta < 0 else 'rose'} from {before:.0f} to {now:.0f}")
    return "; ".join(reasons)


def _reason_kind(reason: str) -> str:
    """A reason without its numbers, to count which one is most common."""
    text = reason.strip()
    if text.startswith("no activity"):
        return "no recent activity"
    if text.startswith("health is red"):
        return "a low health score"
    if text.startswith("score fell"):
        return "a falling score"
    match = re.match(r"^([a-z ]+?) (fell|rose) from", text)
    if match:
        return f"{match.group(1)} {'falling' if match.group(2) == 'fell' else 'rising'}"
    return re.sub(r"\s*[\d.]+", "", text).strip()


def _reasons_text(reasons) -> str:
    if reasons is None or (isinstance(reasons, float) and math.isnan(reasons)):
        return ""
    if isinstance(reasons, str):
        return reasons
    return "; ".join(str(r) for r in list(reasons))


# -- filling a report, section by section ---------------------------------------------------------------


@contextlib.contextmanager
def _connection():
    from ..store import read_connection

    with read_connection() as con:
        # the progress bar would land in the cron log and the kernel's output
        con.execute("SET enable_progress_bar = false")
        yield con


def _num(value) -> float | int | None:
    """A plain Python number (ints stay ints), or None."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return value


def start_report(report_date=None, tenant: str | None = None) -> DailyReport:
    """An empty report for ``report_date`` (default: yesterday, UTC) and ``tenant`` (default: all)."""
    day = parse_report_date(report_date)
    tenant = (tenant or "").strip() or None
    if tenant in ("*", "all"):
        tenant = None
    report = DailyReport(report_date=day, tenant=tenant)
    report.facts.update(
        {"report_date": day.isoformat(), "scope": report.scope, "avg_days": AVG_DAYS, "trend_days": TREND_DAYS}
    )
    return report


def compute_kpis(report: DailyReport) -> DailyReport:
    """KPIs on the day against the previous day and the mean of the 7 days before."""
    with _connection() as con:
        report.daily = daily_metrics(con, report.report_date, report.tenant)
    report.kpis = kpi_table(report.daily, report.report_date)
    for row in report.kpis.itertuples():
        report.facts[row.metric] = _num(round(row.value, 2) if row.unit == "usd" else row.value)
        report.facts[f"{row.metric}_previous"] = _num(round(row.previous, 2) if row.unit == "usd" else row.previous)
        report.facts[f"{row.metric}_avg_7d"] = _num(round(row.avg_7d, 2))
        for col in ("change_vs_previous_pct", "change_vs_avg_pct"):
            value = getattr(row, col)
            report.facts[f"{row.metric}_{col}"] = None if value is None or pd.isna(value) else round(value, 1)
    if not report.daily[[m for m, _, _ in KPI_METRICS]].to_numpy().any():
        report.notes["kpis"] = (
            f"no events and no AI calls for {report.scope} on {report.report_date} "
            f"or the {TREND_DAYS - 1} days before"
        )
    return report


def compute_errors(report: DailyReport) -> DailyReport:
    """The day's most frequent failures."""
    with _connection() as con:
        everything = top_errors(con, report.report_date, report.tenant, limit=None)
    report.top_errors = everything.head(TOP_ERRORS).reset_index(drop=True)
    report.facts["failures_total"] = int(everything["count"].sum()) if len(everything) else 0
    report.facts["failure_kinds"] = int(len(everything))
    if len(everything):
        top = everything.iloc[0]
        report.facts["top_error"] = f"{top['kind']}: {top['error']}"
        report.facts["top_error_count"] = int(top["count"])
        report.facts["top_error_sessions"] = int(top["sessions"])
    else:
        report.notes["errors"] = f"no build errors, failed deploys, validation failures or AI call errors on {report.report_date}"
    return report


def compute_alerts(report: DailyReport) -> DailyReport:
    """Alerts fired on the day."""
    with _connection() as con:
        report.alerts = alerts_of_day(con, report.report_date, report.tenant)
    report.facts["alerts_fired"] = int(len(report.alerts))
    report.facts["alerts_critical"] = int((report.alerts["severity"].isin(["critical", "error"])).sum()) if len(
        report.alerts) else 0
    if not len(report.alerts):
        report.notes["alerts"] = f"no alerts fired on {report.report_date}"
    return report


def compute_costs(report: DailyReport) -> DailyReport:
    """AI cost per day, the day's cost by model and purpose, and the month's forecast as of the day's end."""
    with _connection() as con:
        report.costs_daily = costs_daily(con, report.report_date, report.tenant)
        report.costs_by_model = costs_by_model(con, report.report_date, report.tenant)
    report.facts["cost_30d_usd"] = round(float(report.costs_daily["cost_usd"].sum()), 2)
    report.facts["cost_days"] = COST_DAYS
    priced = report.costs_by_model.dropna(subset=["cost_usd"])
    if len(priced):
        top = priced.iloc[0]
        report.facts["top_model"] = str(top["model"])
        report.facts["top_model_purpose"] = str(top["purpose"])
        report.facts["top_model_cost_usd"] = round(float(top["cost_usd"]), 2)
    if not len(report.costs_by_model):
        report.notes["costs"] = f"no AI calls on {report.report_date}"
    forecast = _missing_analytics(report, "forecast", "cost_forecast")
    if forecast is None:
        return report
    # the last instant of the report day, so a month's last day still forecasts that month
    with _connection() as con:
        f = forecast(con, now=report.day_end - timedelta(microseconds=1), tenant=report.tenant)
    crossing = f.crossing_date.isoformat() if f.crossing_date else None
    report.forecast = {
        "month": f.month,
        "month_to_date_usd": f.month_to_date_usd,
        "days_elapsed": round(f.days_elapsed),
        "days_left": round(f.days_left),
        "daily_rate_usd": f.daily_rate_usd,
        "projected_usd": f.projected_usd,
        "budget_usd": f.budget_usd,
        "over_budget": f.over_budget,
        "forecast_over_budget": f.forecast_over_budget,
        "budget_crossed_on": crossing,
    }
    report.facts.update(
        {
            "month": f.month,
            "month_to_date_usd": round(f.month_to_date_usd, 2),
            "daily_rate_usd": round(f.daily_rate_usd, 2),
            "projected_usd": round(f.projected_usd, 2),
            "days_left": round(f.days_left),
        }
    )
    if f.budget_usd is not None:
        report.facts["budget_usd"] = _num(round(f.budget_usd, 2))
        report.facts["over_budget"] = bool(f.over_budget)
        report.facts["forecast_over_budget"] = bool(f.forecast_over_budget)
        if crossing:
            report.facts["budget_crossed_on"] = crossing
    return report


def _missing_analytics(report: DailyReport, section: str, name: str):
    """The analytics function, or None with the reason noted in the section."""
    from ..errors import FaibricError

    try:
        return _analytics(name)
    except FaibricError as exc:
        report.notes[section] = exc.message
        return None


def compute_funnel(report: DailyReport) -> DailyReport:
    """The funnel of the sessions that entered in the 7 days up to the end of the report day (1-day window)."""
    fn = _missing_analytics(report, "funnel", "funnel")
    if fn is None:
        return report
    since = report.day_end - timedelta(days=FUNNEL_DAYS)
    with _connection() as con:
        result = fn(con, since=since, until=report.day_end, tenant=report.tenant, now=report.day_end,
                    window_days=FUNNEL_WINDOW_DAYS)
    steps, in_progress = _funnel_frame(result)
    report.funnel = steps
    report.funnel_info = {"days": FUNNEL_DAYS, "window_days": FUNNEL_WINDOW_DAYS, "in_progress": in_progress}
    report.facts["funnel_days"] = FUNNEL_DAYS
    report.facts["funnel_window_days"] = FUNNEL_WINDOW_DAYS
    entered = int(steps["count"].iloc[0]) if len(steps) else 0
    if not entered:
        report.notes["funnel"] = (
            f"no session finished its funnel window in the {FUNNEL_DAYS} days up to {report.report_date}"
            + (f" ({in_progress} still in progress)" if in_progress else "")
        )
        report.facts["funnel_entered"] = 0
        return report
    last = steps.iloc[-1]
    report.facts.update(
        {
            "funnel_entered": entered,
            "funnel_completed": int(last["count"]),
            "funnel_last_step": str(last["name"]),
            "funnel_overall_rate_pct": round(float(last["overall_rate"]) * 100, 1),
            "funnel_in_progress": int(in_progress or 0),
        }
    )
    later = steps.iloc[1:].dropna(subset=["step_rate"])
    if len(later):
        worst = later.loc[later["step_rate"].idxmin()]
        report.facts["funnel_worst_step"] = str(worst["name"])
        report.facts["funnel_worst_step_rate_pct"] = round(float(worst["step_rate"]) * 100, 1)
    return report


def _funnel_frame(result) -> tuple[pd.DataFrame, int | None]:
    """(steps, in_progress) from what analytics.funnel returns (a frame, or the CLI's dict)."""
    if isinstance(result, dict):
        steps = pd.DataFrame(result.get("steps", []))
        in_progress = result.get("in_progress")
    elif hasattr(result, "steps") and isinstance(result.steps, pd.DataFrame):
        steps = result.steps.copy()
        in_progress = result.in_progress
    else:
        steps = result.copy()
        in_progress = steps.attrs.get("in_progress")
        if in_progress is None and "in_progress" in steps.columns:
            in_progress = int(steps["in_progress"].sum())
    if "name" not in steps.columns and "step" in steps.columns:
        steps = steps.rename(columns={"step": "name"})
    keep = [c for c in ("name", "count", "overall_rate", "step_rate", "median_seconds_to_convert") if c in steps]
    return steps[keep].reset_index(drop=True), (None if in_progress is None else int(in_progress))


def compute_cohorts(report: DailyReport) -> DailyReport:
    """New customers on the day, and the weekly cohorts of the last 8 weeks (analytics' customer definition)."""
    fn = _missing_analytics(report, "cohorts", "retention")
    if fn is None:
        return report
    since = report.day_start - timedelta(weeks=COHORT_WEEKS - 1)
    with _connection() as con:
        day = fn(con, "day", since=report.day_start, until=report.day_end, tenant=report.tenant, now=report.day_end)
        weeks = fn(con, "week", since=since, until=report.day_end, tenant=report.tenant, now=report.day_end)
    today = _cohort_frame(day)
    report.new_customers = int(today["size"].sum()) if len(today) else 0
    report.facts["new_customers"] = report.new_customers
    report.cohorts = _cohort_frame(weeks).tail(COHORT_WEEKS).reset_index(drop=True)
    if not len(report.cohorts):
        report.notes["cohorts"] = f"no customers in the {COHORT_WEEKS} weeks up to {report.report_date}"
        return report
    report.facts["cohort_weeks"] = COHORT_WEEKS
    this_week = report.cohorts.iloc[-1]
    report.facts["this_week_cohort"] = str(this_week["cohort"])
    report.facts["this_week_cohort_size"] = int(this_week["size"])
    finished = report.cohorts.dropna(subset=["period_1"]) if "period_1" in report.cohorts else report.cohorts.iloc[:0]
    if len(finished):
        last = finished.iloc[-1]
        report.facts["last_full_cohort"] = str(last["cohort"])
        report.facts["last_full_cohort_week1_pct"] = round(float(last["period_1"]) * 100, 1)
    return report


def _cohort_frame(result) -> pd.DataFrame:
    """cohort (YYYY-MM-DD), size, period_0..period_k (shares 0-1, NaN while a period is not over)."""
    if hasattr(result, "matrix"):
        matrix = result.matrix
        offsets = [c for c in matrix.columns if isinstance(c, int)]
        frame = pd.DataFrame({"cohort": [pd.Timestamp(c).date().isoformat() for c in matrix["cohort"]],
                              "size": matrix["size"].astype(int).to_numpy()})
        for k in offsets:
            frame[f"period_{k}"] = pd.to_numeric(matrix[k], errors="coerce").to_numpy(dtype=float)
        return frame
    rows = result.get("cohorts", []) if isinstance(result, dict) else result.to_dict(orient="records")
    out = []
    for row in rows:
        shares = row.get("retention") or []
        out.append({"cohort": str(row["cohort"])[:10], "size": int(row["size"]),
                    **{f"period_{i}": (None if v is None else float(v)) for i, v in enumerate(shares)}})
    return pd.DataFrame(out)


def compute_health(report: DailyReport) -> DailyReport:
    """Who changed health band on the day, who turned red and why."""
    from ..errors import FaibricError

    try:
        with _connection() as con:
            changes, bands = health_changes(con, report.report_date, report.tenant)
    except FaibricError as exc:
        if "analytics" not in exc.message:
            raise
        report.notes["health"] = exc.message
        return report
    report.health_changes, report.health_bands = changes, bands
    turned = changes[changes["turned_red"]]
    report.facts["red_customers"] = int(bands.get("red", 0))
    report.facts["turned_red"] = int(len(turned))
    report.facts["recovered_from_red"] = int(((changes["previous_band"] == "red") & (changes["band"] != "red")).sum())
    kinds = []
    for row in turned.to_dict(orient="records"):
        found = [_reason_kind(r) for r in row["reasons"].split(";") if r.strip()]
        found = [k for k in found if k != "a low health score"]
        if not found:
            # red with no other reason: its weakest component says why
            scored = {c: row[c] for c in HEALTH_COMPONENTS if c in row and row[c] is not None and not pd.isna(row[c])}
            if scored:
                found = [f"low {min(scored, key=scored.get).replace('_', ' ')}"]
        kinds.extend(found)
    if kinds:
        report.facts["top_red_reason"] = pd.Series(kinds).value_counts().index[0]
    if not bands:
        report.notes["health"] = f"no customer has a health score at the end of {report.report_date}"
    return report


def compute_live_sites(report: DailyReport) -> DailyReport:
    """Live sites on the day: the busiest ones with their leads, and live sites without visitors for 7 days."""
    from ..analytics.sites import quiet_sites, site_overview

    with _connection() as con:
        overview = site_overview(con, since=report.day_start, until=report.day_end, tenant=report.tenant)
        quiet = quiet_sites(con, days=7, tenant=report.tenant, now=report.day_end)
    visited = overview[(overview["visitors"] > 0) | (overview["leads"] > 0)]
    report.live_sites = visited[["name", "site_id", "live_version", "visitors", "pageviews", "cta_clicks", "leads",
                                 "conversion"]].head(10).reset_index(drop=True)
    report.quiet_sites = quiet.reset_index(drop=True)
    report.facts["site_visitors"] = int(overview["visitors"].sum())
    report.facts["site_leads"] = int(overview["leads"].sum())
    report.facts["quiet_sites"] = int(len(quiet))
    if overview.empty:
        report.notes["live_sites"] = "no site reports back yet: sites get a public id and a beacon when built"
    elif visited.empty:
        report.notes["live_sites"] = "no live site had a visitor on the day"
    return report


SECTIONS = [compute_kpis, compute_funnel, compute_cohorts, compute_health, compute_costs, compute_alerts,
            compute_errors, compute_live_sites]


def build_report(report_date=None, tenant: str | None = None) -> DailyReport:
    """Every section of the report, without showing anything (the Python API and the benchmark)."""
    report = start_report(report_date, tenant)
    for compute in SECTIONS:
        compute(report)
    return report
