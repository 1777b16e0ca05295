"""The dashboards' figures as JSON (``/api/analytics/dashboard/...``), for embedding and for other tools.

Behind the same tokens and roles as the Voila dashboards, sent as
``Authorization: Bearer <token>``: the analyst token (``FAIBRIC_ANALYST_TOKEN``)
sees individual customers; the stakeholder token (``FAIBRIC_DASHBOARD_TOKEN``)
sees aggregates, with customers as pseudonyms and without their free text,
and is refused the users and user pages; a tenant's dashboard token
(``faibric tenants add --dashboard-token``) is a stakeholder token that only
ever sees its tenant. Figures come from :mod:`faibric_kernel.dashboards.data`
and :mod:`faibric_kernel.analytics`, read-only. ``run-daily`` (analyst) runs
the daily jobs once per day.
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer

from .. import config
from ..errors import AuthError, ConfigError, InvalidInputError, NotFoundError
from .context import ApiContext, bearer, get_context
from .models import ERRORS, TENANT_PATTERN

__all__ = ["Viewer", "router", "viewer_for"]

ANALYST, STAKEHOLDER = "analyst", "stakeholder"
_scheme = HTTPBearer(auto_error=False, scheme_name="DashboardToken",
                     description="the analyst or stakeholder dashboards token, or a tenant's dashboard token")
router = APIRouter(prefix="/api/analytics/dashboard", tags=["analytics"], responses=ERRORS,
                   dependencies=[Depends(_scheme)])
Ctx = Annotated[ApiContext, Depends(get_context)]


@dataclass(frozen=True)
class Viewer:
    role: str
    tenant: str | None  # None: every tenant (the query's ?tenant= may narrow it)


def _same(given: str, expected) -> bool:
    value = expected.reveal() if expected else ""
    return bool(value) and hmac.compare_digest(given.encode(), value.encode())


def viewer_for(token: str | None, ctx: ApiContext) -> Viewer:
    """Who a token makes the caller; refused (401) for a missing or wrong token."""
    analyst, stakeholder = config.get_secret("FAIBRIC_ANALYST_TOKEN"), config.get_secret("FAIBRIC_DASHBOARD_TOKEN")
    if not token:
        if not (analyst or stakeholder or (ctx.keys and ctx.keys.list())):
            raise ConfigError("the analytics API is off: set FAIBRIC_DASHBOARD_TOKEN and FAIBRIC_ANALYST_TOKEN")
        raise AuthError("send the dashboards token as 'Authorization: Bearer <token>'", reason="missing_secret")
    if _same(token, analyst):
        return Viewer(ANALYST, None)
    if _same(token, stakeholder):
        return Viewer(STAKEHOLDER, None)
    tenant = ctx.keys.tenant_for_dashboard_token(token) if ctx.keys is not None else None
    if tenant is not None:
        return Viewer(STAKEHOLDER, tenant)
    raise AuthError("the dashboards token is not valid", reason="invalid_secret")


@dataclass(frozen=True)
class AnalyticsQuery:
    viewer: Viewer
    since: date
    until: date
    tenant: str | None

    @property
    def analyst(self) -> bool:
        return self.viewer.role == ANALYST

    @property
    def start(self) -> datetime:
        return datetime(self.since.year, self.since.month, self.since.day)

    @property
    def end(self) -> datetime:
        return datetime(self.until.year, self.until.month, self.until.day) + timedelta(days=1)


def asked(request: Request, ctx: Ctx,
          since: Annotated[date | None, Query(description="first day (UTC); default 30 days ago")] = None,
          until: Annotated[date | None, Query(description="last day (UTC); default today")] = None,
          tenant: Annotated[str | None, Query(pattern=TENANT_PATTERN, description="one tenant's figures")] = None,
          ) -> AnalyticsQuery:
    """The caller's role and what they asked for; a tenant's token never sees another tenant."""
    ctx.hit("analytics", ctx.client_ip(request.scope))
    viewer = viewer_for(bearer(request.scope), ctx)
    if viewer.tenant is not None:
        if tenant not in (None, viewer.tenant):
            raise NotFoundError(f"tenant {tenant!r} is not visible with this token")
        tenant = viewer.tenant
    from ..dashboards.data import utc_now

    until = until or utc_now().date()
    since = since or until - timedelta(days=29)
    if since > until:
        raise InvalidInputError(f"the date range starts ({since}) after it ends ({until})")
    return AnalyticsQuery(viewer, since, until, tenant)


Asked = Annotated[AnalyticsQuery, Depends(asked)]


def _analyst_only(q: AnalyticsQuery, what: str) -> None:
    if not q.analyst:
        raise AuthError(f"{what} lists individual customers: it needs the analyst token", reason="analyst_only")


def _records(df, q: AnalyticsQuery, drop=()) -> list[dict]:
    from ..analytics._common import records
    from ..dashboards.roles import pseudonymise

    if not q.analyst:
        df = pseudonymise(df, drop=drop)
    return records(df)


async def _read(fn):
    from ..dashboards.data import dashboard_connection

    def run():
        with dashboard_connection() as con:
            return fn(con)

    return await run_in_threadpool(run)


def _main(con, q: AnalyticsQuery) -> dict:
    from ..dashboards import data

    filters = data.Filters(since=q.since, until=q.until, tenant=q.tenant)
    recent = data.recent_events(con, limit=30, tenant=q.tenant).drop(columns=["properties", "session_id"],
                                                                    errors="ignore")
    return {"kpis": _records(data.kpi_windows(con, now=data.utc_now(), tenant=q.tenant), q),
            "daily": _records(data.daily_activity(con, filters), q),
            "alerts": _records(data.open_alerts(con, tenant=q.tenant), q, drop=("subject", "message")),
            "recent_events": _records(recent, q)}


async def main(q: Asked) -> dict:
    """Key figures (today, 7 and 30 days, each with the period before), daily activity, open alerts, latest events."""
    return {"role": q.viewer.role, "tenant": q.tenant, **await _read(lambda con: _main(con, q))}


async def users(q: Asked) -> dict:
    """One row per customer active in the range (analyst only)."""
    from ..dashboards.data import Filters, customers_table

    _analyst_only(q, "the users page")
    filters = Filters(since=q.since, until=q.until, tenant=q.tenant)
    return {"role": q.viewer.role, "users": await _read(lambda con: _records(customers_table(con, filters), q))}


def _user(con, q: AnalyticsQuery, token: str) -> dict:
    from ..dashboards import data
    from ..dashboards.roles import pseudonym

    email = token.strip().lower()
    if "@" not in email:  # a pseudonym, as the stakeholder pages show them
        email = next((c for c in data.customer_list(con, tenant=q.tenant) if pseudonym(c) == token), "")
    detail = data.customer_detail(con, email) if email else {}
    sessions = detail.get("sessions")
    if sessions is None or sessions.empty or (q.tenant and set(sessions["tenant_id"]) != {q.tenant}):
        raise NotFoundError(f"no customer {token[:80]!r}")
    return {name: _records(frame, q) for name, frame in detail.items()}


async def user(token: str, q: Asked) -> dict:
    """Everything about one customer (their email, or their pseudonym): sessions, timeline, sites, costs."""
    _analyst_only(q, "the user page")
    return {"role": q.viewer.role, "customer": await _read(lambda con: _user(con, q, token))}


async def health(q: Asked) -> dict:
    """Customer health 0-100 with its components, band and trend, worst first."""
    from ..analytics import health_scores

    rows = await _read(lambda con: _records(health_scores(con, tenant=q.tenant), q))
    return {"role": q.viewer.role, "tenant": q.tenant, "customers": rows}


async def funnel(q: Asked) -> dict:
    """The onboarding funnel in the range."""
    from ..analytics import funnel as run_funnel

    result = await _read(lambda con: run_funnel(con, since=q.start, until=q.end, tenant=q.tenant).to_dict())
    return {"role": q.viewer.role, "tenant": q.tenant, **result}


async def cohorts(q: Asked, period: Annotated[str, Query(pattern="^(day|week|month)$")] = "week") -> dict:
    """Retention of customer cohorts by day, week or month."""
    from ..analytics import retention

    result = await _read(lambda con: retention(con, period=period, since=q.start, until=q.end,
                                               tenant=q.tenant).to_dict())
    return {"role": q.viewer.role, "tenant": q.tenant, **result}


async def costs(q: Asked) -> dict:
    """AI spend per day in the range, and this month's forecast."""
    from ..analytics import cost_forecast
    from ..analytics import costs as run_costs

    def read(con):
        return {"daily": _records(run_costs(con, by="day", since=q.start, until=q.end, tenant=q.tenant), q),
                "forecast": cost_forecast(con, tenant=q.tenant).to_dict()}

    return {"role": q.viewer.role, "tenant": q.tenant, **await _read(read)}


_daily_lock = threading.Lock()


def run_daily(q: Asked) -> dict:
    """Run the daily jobs (health snapshot, alerts, report) for yesterday, once: a second call that day
    answers with the first run."""
    from ..reports.data import default_report_date
    from ..reports.runner import list_runs, run_daily_report

    _analyst_only(q, "running the daily jobs")
    if q.viewer.tenant is not None:
        raise AuthError("a tenant's token cannot run the daily jobs", reason="forbidden")
    day = default_report_date()
    with _daily_lock:  # two calls at once: the second waits and finds the first's run
        return _run_daily_once(day, q.tenant, list_runs, run_daily_report)


def _run_daily_once(day, tenant, list_runs, run_daily_report) -> dict:
    done = [r for r in list_runs(since=day, tenant=tenant) if r.status == "ok" and r.report_date == day]
    if done:
        return {"report_date": day.isoformat(), "already_done": True, "run": done[-1].to_dict()}
    run = run_daily_report(day, tenant, trigger="api")
    return {"report_date": day.isoformat(), "already_done": False, "run": run.to_dict()}


router.add_api_route("/", main, methods=["GET"])
router.add_api_route("/users/", users, methods=["GET"])
router.add_api_route("/user/{token}", user, methods=["GET"])
router.add_api_route("/health/", health, methods=["GET"])
router.add_api_route("/funnel/", funnel, methods=["GET"])
router.add_api_route("/cohorts/", cohorts, methods=["GET"])
router.add_api_route("/costs/", costs, methods=["GET"])
router.add_api_route("/run-daily/", run_daily, methods=["POST"])
