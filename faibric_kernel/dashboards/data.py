"""What the dashboards read from the store: short read-only queries returning DataFrames.

Every function here takes an open connection and only reads; the views open
one with ``with read_connection() as con:`` for the few milliseconds a
dashboard refresh needs and close it, so dashboards never hold the database
and never stop a writer (``events`` and ``api_calls`` on that connection
include rows still in the spool). The metrics with a definition of their own
(funnel, retention, lifecycle, health, costs, forecast, activity) come from
:mod:`faibric_kernel.analytics` through :func:`analytics_function`; this module
adds what only the dashboards need: key figures with their change, daily
activity, the customer list and one customer's history.

A customer is the first email a session received (the definition in
docs/metrics.md); sessions that never gave an email are left out of customer lists.
"""

from __future__ import annotations

import importlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from ..errors import FaibricError, InvalidInputError
from ..store.event_types import EVENT_TYPES

__all__ = [
    "Filters",
    "analytics_function",
    "dashboard_connection",
    "customer_detail",
    "customer_list",
    "customers_table",
    "daily_activity",
    "describe_event",
    "event_label",
    "has_events",
    "kpi_window_filters",
    "kpi_windows",
    "open_alerts",
    "recent_events",
    "tenants",
    "utc_now",
]

SESSION_EMAILS_SQL = """
    SELECT session_id, arg_min(em, ts) AS email
    FROM (
        SELECT session_id, ts,
               lower(trim(CASE WHEN contains(actor, '@') THEN actor
                               WHEN event_type = 'email_provided'
                               THEN json_extract_string(properties, '$.email') END)) AS em
        FROM events
        WHERE session_id IS NOT NULL AND (contains(actor, '@') OR event_type = 'email_provided')
    )
    WHERE contains(em, '@')
    GROUP BY session_id
"""


@contextmanager
def dashboard_connection():
    """The store's short-lived read-only connection, without DuckDB's progress bar.

    In a kernel the progress bar of a slow query would land in the viewer's
    page (as text or as a widget).
    """
    from ..store import read_connection

    with read_connection() as con:
        con.execute("SET enable_progress_bar = false")
        yield con


def utc_now() -> datetime:
    """Now, as the naive UTC timestamp the store uses."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Filters:
    """The filters every dashboard offers: a date range (inclusive days, UTC) and a tenant."""

    since: date | None = None
    until: date | None = None
    tenant: str | None = None

    def __post_init__(self):
        if self.since and self.until and self.since > self.until:
            raise InvalidInputError(f"the date range starts ({self.since}) after it ends ({self.until})")

    @property
    def start(self) -> datetime | None:
        """The first instant of the range."""
        return datetime(self.since.year, self.since.month, self.since.day) if self.since else None

    @property
    def end(self) -> datetime | None:
        """The first instant after the range (the day after ``until``, at midnight)."""
        if not self.until:
            return None
        return datetime(self.until.year, self.until.month, self.until.day) + timedelta(days=1)

    def where(self, ts: str = "ts", tenant_col: str = "tenant_id") -> tuple[str, dict]:
        """A SQL condition (``TRUE`` when unfiltered) and its named parameters."""
        parts, params = [], {}
        if self.start is not None:
            parts.append(f"{ts} >= $start")
            params["start"] = self.start
        if self.end is not None:
            parts.append(f"{ts} < $end")
            params["end"] = self.end
        if self.tenant:
            parts.append(f"{tenant_col} = $tenant")
            params["tenant"] = self.tenant
        return (" AND ".join(parts) or "TRUE"), params

    @classmethod
    def last_days(cls, days: int, *, today: date | None = None, tenant: str | None = None) -> Filters:
        today = today or utc_now().date()
        return cls(since=today - timedelta(days=days - 1), until=today, tenant=tenant)


def analytics_function(name: str):
    """``faibric_kernel.analytics.<name>``, or a clear error when this install does not have it."""
    try:
        module = importlib.import_module("faibric_kernel.analytics")
    except ImportError as exc:
        raise FaibricError(f"the analytics package cannot be imported ({exc}); reinstall faibric") from None
    function = getattr(module, name, None)
    if function is None:
        raise FaibricError(
            f"faibric_kernel.analytics.{name} is not available in this install, so this part of the dashboard "
            "cannot be shown; update faibric"
        )
    return function


def has_events(con) -> bool:
    """Whether the store holds any event at all (spooled ones included)."""
    return bool(con.execute("SELECT EXISTS (SELECT 1 FROM events)").fetchall()[0][0])


def tenants(con) -> list[str]:
    """Tenant ids seen in events or known to the tenants table, sorted."""
    rows = con.execute(
        "SELECT DISTINCT tenant_id FROM events UNION SELECT tenant_id FROM tenants ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows if r[0]]


KPI_WINDOWS = (("today", 1), ("7 days", 7), ("30 days", 30))


def kpi_window_filters(name: str, *, now: datetime, tenant: str | None = None) -> Filters:
    """The date filters another page uses to show the same span as the Overview's window ``name``.

    A window of N days is today and the N-1 days before it (whole UTC days, the
    way every page's date range counts), so the Overview's "30 days" and the
    Costs or Funnel page's default range are the same span.
    """
    days = dict(KPI_WINDOWS).get(name)
    if days is None:
        raise InvalidInputError(f"no key figure window named {name!r}; choose one of {', '.join(dict(KPI_WINDOWS))}")
    return Filters.last_days(days, today=now.date(), tenant=tenant)


def _windows(now: datetime) -> list[tuple[str, datetime, datetime, datetime, datetime]]:
    """(name, start, end, previous start, previous end) of each key figure window.

    A window starts at midnight N-1 days ago and ends now; the previous one is
    the same span N days earlier (so "today" is compared with yesterday up to
    the same time of day).
    """
    midnight = datetime(now.year, now.month, now.day)
    out = []
    for name, days in KPI_WINDOWS:
        span = timedelta(days=days)
        start = midnight - timedelta(days=days - 1)
        out.append((name, start, now, start - span, now - span))
    return out


def kpi_windows(con, *, now: datetime, tenant: str | None = None) -> pd.DataFrame:
    """Key figures for today, 7 and 30 days, each with the same figure for the period before.

    Columns: ``window``, ``metric``, ``value``, ``previous``. Windows are whole
    UTC days up to now (see :func:`kpi_window_filters`). Metrics: sessions
    started (sessions whose first request came in the window), sites deployed, active customers, conversion, spend in $, and the
    API error rate.

    Conversion is the funnel's (DESIGN.md): of the sessions whose first request
    came in the window, the share that reached ``deployed`` within the funnel
    window, counting sessions still in progress as not yet converted
    (:attr:`~faibric_kernel.analytics.Conversion.so_far`); the previous
    period's figure is as it stood at the end of that period. It cannot exceed
    100%: deploys of sessions started before the window do not count.
    """
    conversions = analytics_function("conversions")
    windows = _windows(now)
    params: dict = {"lo": windows[-1][3], "hi": now}
    tenant_sql = ""
    if tenant:
        tenant_sql = "AND tenant_id = $tenant"
        params["tenant"] = tenant
    ev_aggs, call_aggs = [], []
    for i, (_name, start, end, pstart, pend) in enumerate(windows):
        for tag, a, b in (("c", start, end), ("p", pstart, pend)):
            params[f"a{i}{tag}"], params[f"b{i}{tag}"] = a, b
            cond = f"ts >= $a{i}{tag} AND ts < $b{i}{tag}"
            ev_aggs += [
                f"count(*) FILTER (WHERE {cond} AND event_type = 'deployed') AS deployed_{i}{tag}",
                f"count(DISTINCT customer) FILTER (WHERE {cond}) AS active_{i}{tag}",
            ]
            call_aggs += [
                f"sum(cost_usd) FILTER (WHERE {cond}) AS spend_{i}{tag}",
                f"count(*) FILTER (WHERE {cond}) AS calls_{i}{tag}",
                f"count(*) FILTER (WHERE {cond} AND status <> 'ok') AS failed_{i}{tag}",
            ]
    ev = con.execute(
        f"""
        WITH sc AS ({SESSION_EMAILS_SQL})
        SELECT {", ".join(ev_aggs)}
        FROM (
            SELECT e.ts, e.event_type, coalesce(sc.email, 'session:' || e.session_id, 'actor:' || e.actor) AS customer
            FROM events AS e LEFT JOIN sc USING (session_id)
            WHERE e.ts >= $lo AND e.ts <= $hi {tenant_sql}
        )
        """,
        params,
    ).df().iloc[0]
    calls = con.execute(
        f"SELECT {', '.join(call_aggs)} FROM api_calls WHERE ts >= $lo AND ts <= $hi {tenant_sql}",
        {k: v for k, v in params.items()},
    ).df().iloc[0]

    def pair(series, key, i):
        c, p = series[f"{key}_{i}c"], series[f"{key}_{i}p"]
        return (None if pd.isna(c) else float(c)), (None if pd.isna(p) else float(p))

    def ratio(num, den):
        return num / den if num is not None and den else None

    # every window and the one before it, each as it stood at its end, in one pass over the events
    spans = [span for _name, start, end, pstart, pend in windows for span in ((start, end), (pstart, pend))]
    judged = conversions(con, spans, tenant=tenant, now=now)
    rows = []
    for i, (name, *_span) in enumerate(windows):
        deployed, active = pair(ev, "deployed", i), pair(ev, "active", i)
        spend, ncalls, failed = pair(calls, "spend", i), pair(calls, "calls", i), pair(calls, "failed", i)
        # sessions started and conversion are the funnel's: the same sessions, counted once each
        current, before = judged[2 * i], judged[2 * i + 1]

        rows += [
            (name, "sessions started", float(current.entered), float(before.entered)),
            (name, "sites deployed", deployed[0], deployed[1]),
            (name, "active customers", active[0], active[1]),
            (name, "conversion", current.so_far, before.so_far),
            (name, "spend", spend[0] or 0.0, spend[1] or 0.0),
            (name, "API error rate", ratio(failed[0], ncalls[0]), ratio(failed[1], ncalls[1])),
        ]
    return pd.DataFrame(rows, columns=["window", "metric", "value", "previous"])


def daily_activity(con, filters: Filters) -> pd.DataFrame:
    """Per UTC day in the filters: sessions started, sites deployed, active sessions, errors, spend."""
    where, params = filters.where()
    events = con.execute(
        f"""
        SELECT CAST(ts AS DATE) AS day,
               count(*) FILTER (WHERE event_type = 'request_submitted') AS sessions_started,
               count(*) FILTER (WHERE event_type = 'deployed') AS sites_deployed,
               count(DISTINCT session_id) AS active_sessions,
               count(*) FILTER (WHERE event_type IN ('error', 'deploy_failed')) AS errors
        FROM events WHERE {where} GROUP BY 1
        """,
        params,
    ).df()
    spend = con.execute(
        f"SELECT CAST(ts AS DATE) AS day, sum(cost_usd) AS spend_usd FROM api_calls WHERE {where} GROUP BY 1",
        params,
    ).df()
    out = events.merge(spend, on="day", how="outer").sort_values("day").reset_index(drop=True)
    for col in ("sessions_started", "sites_deployed", "active_sessions", "errors"):
        out[col] = out[col].fillna(0).astype("int64")
    out["spend_usd"] = out["spend_usd"].fillna(0.0).astype(float)
    out["day"] = pd.to_datetime(out["day"])
    return out


def open_alerts(con, *, tenant: str | None = None, limit: int = 50) -> pd.DataFrame:
    """Alerts still open, newest first."""
    params: dict = {"limit": limit}
    tenant_sql = ""
    if tenant:
        tenant_sql = "AND (tenant_id = $tenant OR tenant_id IS NULL)"
        params["tenant"] = tenant
    return con.execute(
        f"""
        SELECT fired_at, severity, rule, tenant_id, subject, message
        FROM alerts WHERE coalesce(status, 'open') = 'open' {tenant_sql}
        ORDER BY fired_at DESC LIMIT $limit
        """,
        params,
    ).df()


_DESCRIBE = {t.name: (t.summary, t.detail) for t in EVENT_TYPES.values()}


# event types as a viewer reads them (funnel steps, timeline legends, event tables)
_EVENT_LABELS = {
    "request_submitted": "Request submitted",
    "email_provided": "Email given",
    "magic_link_sent": "Magic link sent",
    "verified": "Email verified",
    "build_started": "Build started",
    "library_reused": "Library component reused",
    "generation_completed": "Code generated",
    "validation_failed": "Validation failed",
    "code_fixed": "Code fixed",
    "preview_ready": "Preview ready",
    "deploy_started": "Deploy started",
    "deployed": "Site deployed",
    "deploy_failed": "Deploy failed",
    "modification_requested": "Change requested",
    "modification_applied": "Change applied",
    "build_stopped": "Build stopped",
    "error": "Error",
    "feedback_submitted": "Feedback given",
}


def event_label(event_type) -> str:
    """``request_submitted`` -> "Request submitted": an event type in words (unknown ones too)."""
    text = str(event_type or "")
    return _EVENT_LABELS.get(text) or (text.replace("_", " ").capitalize() if text else "")


def describe_event(event_type: str, properties) -> tuple[str, str]:
    """(what happened, the detail a customer or the system attached) for one event, as plain text."""
    what, key = _DESCRIBE.get(event_type, (event_type.replace("_", " "), None))
    props = properties
    if isinstance(props, str):
        try:
            props = json.loads(props)
        except ValueError:
            props = {}
    if not isinstance(props, dict):
        props = {}
    detail = ""
    if event_type == "feedback_submitted":
        rating = props.get("rating")
        comment = props.get("comment") or ""
        detail = (f"{rating}/5 " if rating is not None else "") + str(comment)
    elif key and props.get(key) is not None:
        detail = str(props[key])
    return what, detail.strip()


def recent_events(con, *, limit: int = 30, tenant: str | None = None) -> pd.DataFrame:
    """The latest events with the customer each belongs to (columns ts, tenant_id, customer, event_type, properties)."""
    params: dict = {"limit": limit}
    tenant_sql = ""
    if tenant:
        tenant_sql = "WHERE tenant_id = $tenant"
        params["tenant"] = tenant
    latest = con.execute(
        f"""
        SELECT ts, tenant_id, session_id, actor, event_type, CAST(properties AS VARCHAR) AS properties
        FROM events {tenant_sql} ORDER BY ts DESC LIMIT $limit
        """,
        params,
    ).df()
    if latest.empty:
        return latest.assign(customer=pd.Series(dtype=object))
    sessions = [s for s in latest["session_id"].dropna().unique().tolist()]
    emails = con.execute(
        """
        WITH wanted AS (SELECT unnest($sessions) AS session_id)
        SELECT session_id, arg_min(em, ts) AS email FROM (
            SELECT e.session_id, e.ts,
                   lower(trim(CASE WHEN contains(e.actor, '@') THEN e.actor
                                   ELSE json_extract_string(e.properties, '$.email') END)) AS em
            FROM events AS e SEMI JOIN wanted USING (session_id)
            WHERE contains(e.actor, '@') OR e.event_type = 'email_provided'
        ) WHERE contains(em, '@') GROUP BY session_id
        """,
        {"sessions": sessions or [""]},
    ).df()
    out = latest.merge(emails, on="session_id", how="left")
    out["customer"] = out["email"].fillna(out["actor"].where(out["actor"].fillna("").str.contains("@")))
    return out.drop(columns=["email"])


def customers_table(con, filters: Filters) -> pd.DataFrame:
    """One row per customer active in the filters: sessions, sites, spend, feedback, first and last seen."""
    where, params = filters.where(ts="e.ts", tenant_col="e.tenant_id")
    cwhere, _ = filters.where(ts="a.ts", tenant_col="a.tenant_id")
    return con.execute(
        f"""
        WITH sc AS MATERIALIZED ({SESSION_EMAILS_SQL}),
        per AS (
            SELECT sc.email AS customer,
                   mode(e.tenant_id) AS tenant,
                   count(DISTINCT e.session_id) AS sessions,
                   count(DISTINCT e.session_id) FILTER (WHERE e.event_type = 'deployed') AS sites_deployed,
                   count(*) FILTER (WHERE e.event_type = 'modification_requested') AS changes_requested,
                   count(*) FILTER (WHERE e.event_type IN ('error', 'deploy_failed')) AS errors,
                   avg(TRY_CAST(json_extract_string(e.properties, '$.rating') AS DOUBLE))
                       FILTER (WHERE e.event_type = 'feedback_submitted') AS avg_rating,
                   min(e.ts) AS first_seen,
                   max(e.ts) AS last_seen
            FROM events AS e JOIN sc USING (session_id)
            WHERE {where}
            GROUP BY 1
        ),
        spend AS (
            SELECT sc.email AS customer, sum(a.cost_usd) AS spend_usd
            FROM api_calls AS a JOIN sc USING (session_id)
            WHERE {cwhere}
            GROUP BY 1
        )
        SELECT per.*, coalesce(spend.spend_usd, 0) AS spend_usd
        FROM per LEFT JOIN spend USING (customer)
        ORDER BY last_seen DESC
        """,
        params,
    ).df()


def customer_list(con, *, tenant: str | None = None, limit: int = 5000) -> list[str]:
    """Customer emails, most recently active first (one pass over the events)."""
    params: dict = {"limit": limit}
    tenant_sql = ""
    if tenant:
        tenant_sql = "AND tenant_id = $tenant"
        params["tenant"] = tenant
    rows = con.execute(
        f"""
        WITH per_session AS (
            SELECT session_id, max(ts) AS last_ts,
                   arg_min(lower(trim(CASE WHEN contains(actor, '@') THEN actor
                                           ELSE json_extract_string(properties, '$.email') END)), ts)
                       FILTER (WHERE contains(actor, '@') OR event_type = 'email_provided') AS email
            FROM events WHERE session_id IS NOT NULL {tenant_sql}
            GROUP BY session_id
        )
        SELECT email FROM per_session WHERE contains(email, '@')
        GROUP BY email ORDER BY max(last_ts) DESC, email LIMIT $limit
        """,
        params,
    ).fetchall()
    return [r[0] for r in rows]


def customer_detail(con, customer: str) -> dict[str, pd.DataFrame]:
    """Everything about one customer: sessions, timeline, sites and versions, deploys, costs, feedback."""
    email = (customer or "").strip().lower()
    if not email:
        raise InvalidInputError("choose a customer (their email)")
    sessions = con.execute(
        f"""
        WITH sc AS ({SESSION_EMAILS_SQL}),
        mine AS (SELECT session_id FROM sc WHERE email = $email),
        ev AS (
            SELECT session_id, min(ts) AS started, max(ts) AS last_event, any_value(tenant_id) AS tenant_id,
                   arg_min(json_extract_string(properties, '$.prompt'), ts)
                       FILTER (WHERE event_type = 'request_submitted') AS first_prompt,
                   count(*) AS events
            FROM events SEMI JOIN mine USING (session_id) GROUP BY session_id
        )
        SELECT ev.session_id, ev.tenant_id, ev.started, ev.last_event, s.status,
               coalesce(s.prompt, ev.first_prompt) AS prompt, s.url, s.variant, ev.events
        FROM ev LEFT JOIN sessions AS s USING (session_id)
        ORDER BY ev.started
        """,
        {"email": email},
    ).df()
    ids = sessions["session_id"].tolist() or [""]
    params = {"ids": ids}
    timeline = con.execute(
        """
        SELECT ts, session_id, tenant_id, event_type, CAST(properties AS VARCHAR) AS properties
        FROM events WHERE list_contains($ids, session_id) ORDER BY ts
        """,
        params,
    ).df()
    described = [describe_event(t, p) for t, p in zip(timeline["event_type"], timeline["properties"], strict=True)]
    timeline["what"] = [d[0] for d in described]
    timeline["detail"] = [d[1] for d in described]
    versions = con.execute(
        """
        SELECT p.session_id, p.project_id, p.name AS site, v.version, v.created_at, v.kind, v.prompt, v.cost_usd
        FROM projects AS p JOIN project_versions AS v USING (project_id)
        WHERE list_contains($ids, p.session_id)
        ORDER BY v.created_at
        """,
        params,
    ).df()
    deploys = con.execute(
        """
        SELECT session_id, version, target, status, url, started_at, finished_at, error
        FROM deploys WHERE list_contains($ids, session_id) ORDER BY started_at
        """,
        params,
    ).df()
    costs = con.execute(
        """
        SELECT session_id, purpose, model, count(*) AS calls, sum(input_tokens) AS input_tokens,
               sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
               count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
        FROM api_calls WHERE list_contains($ids, session_id)
        GROUP BY ALL ORDER BY session_id, cost_usd DESC NULLS LAST
        """,
        params,
    ).df()
    sites = con.execute(
        """
        WITH ev AS (
            SELECT session_id,
                   min(ts) FILTER (WHERE event_type = 'generation_completed') AS generated_at,
                   count(*) FILTER (WHERE event_type = 'generation_completed')
                       + count(*) FILTER (WHERE event_type = 'modification_applied') AS versions_from_events,
                   max(TRY_CAST(json_extract_string(properties, '$.version') AS INTEGER))
                       FILTER (WHERE event_type = 'modification_applied') AS latest_version_event,
                   max(ts) FILTER (WHERE event_type = 'modification_applied') AS last_change,
                   arg_max(json_extract_string(properties, '$.url'), ts)
                       FILTER (WHERE event_type = 'deployed') AS deployed_url,
                   max(ts) FILTER (WHERE event_type = 'deployed') AS deployed_at
            FROM events WHERE list_contains($ids, session_id) GROUP BY session_id
        ), pv AS (
            SELECT p.session_id, any_value(p.name) AS site, max(v.version) AS latest_version, count(*) AS versions
            FROM projects AS p JOIN project_versions AS v USING (project_id)
            WHERE list_contains($ids, p.session_id) GROUP BY p.session_id
        )
        SELECT ev.session_id, pv.site, coalesce(ev.deployed_url, s.url) AS url,
               coalesce(pv.versions, ev.versions_from_events) AS versions,
               coalesce(pv.latest_version, ev.latest_version_event,
                        CASE WHEN ev.versions_from_events > 0 THEN 1 END) AS latest_version,
               ev.generated_at, ev.last_change, ev.deployed_at
        FROM ev LEFT JOIN pv USING (session_id) LEFT JOIN sessions AS s USING (session_id)
        WHERE ev.generated_at IS NOT NULL OR pv.versions IS NOT NULL
        ORDER BY ev.generated_at
        """,
        params,
    ).df()
    feedback = timeline[timeline["event_type"] == "feedback_submitted"].copy()
    ratings, comments = [], []
    for raw in feedback["properties"]:
        try:
            props = json.loads(raw) if raw else {}
        except ValueError:
            props = {}
        ratings.append(props.get("rating"))
        comments.append(props.get("comment"))
    feedback = pd.DataFrame(
        {"ts": feedback["ts"].tolist(), "session_id": feedback["session_id"].tolist(), "rating": ratings,
         "comment": comments}
    )
    return {
        "sessions": sessions,
        "timeline": timeline.drop(columns=["properties"]),
        "sites": sites,
        "versions": versions,
        "deploys": deploys,
        "costs": costs,
        "feedback": feedback,
    }
