"""AI spend: rollups, cost per deployed site, savings, the month-end forecast and unpriced calls.

Every call carries the ``cost_usd`` it was priced at when made; ``NULL`` means
its model had no price. Unpriced calls are never counted as $0 in silence:
every rollup has an ``unpriced_calls`` column and :func:`unpriced_calls` lists
them. ``since``/``until`` bound call (or event) times, ``now`` hides anything
later.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd

from .. import config
from ..errors import ConfigError, InvalidInputError
from ._common import filters, records, resolve_now, utc_naive
from .prices import rates_in_version

__all__ = [
    "COST_DIMENSIONS",
    "CostForecast",
    "Savings",
    "SiteCosts",
    "cost_forecast",
    "cost_per_site",
    "costs",
    "savings",
    "unpriced_calls",
]

COST_DIMENSIONS = {
    "day": "CAST(ts AS DATE)",
    "model": "coalesce(model, '(unknown)')",
    "purpose": "coalesce(purpose, '(none)')",
    "tenant": "tenant_id",
    "session": "session_id",
}
_KEY_NAMES = {"day": "day", "model": "model", "purpose": "purpose", "tenant": "tenant_id", "session": "session_id"}


def _range(since, until, tenant, now) -> tuple[str, dict]:
    return filters(
        now=resolve_now(now), since=utc_naive(since, "since"), until=utc_naive(until, "until"), tenant=tenant
    )


def costs(
    con,
    by: str = "day",
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tenant: str | None = None,
    now: datetime | str | None = None,
) -> pd.DataFrame:
    """Spend and tokens per day, model, purpose, tenant or session.

    ``cost_usd`` sums the priced calls; ``unpriced_calls`` counts the others,
    whose cost is unknown (not zero).
    """
    if by not in COST_DIMENSIONS:
        raise InvalidInputError(f"costs can be grouped by {', '.join(COST_DIMENSIONS)}, not {by!r}")
    where, params = _range(since, until, tenant, now)
    key = _KEY_NAMES[by]
    order = f"{key}" if by == "day" else "cost_usd DESC, calls DESC"
    sql = f"""
        SELECT {COST_DIMENSIONS[by]} AS {key}, count(*) AS calls,
               count(*) FILTER (WHERE status <> 'ok') AS errors,
               sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
               sum(cache_creation_input_tokens) AS cache_write_tokens,
               sum(cache_read_input_tokens) AS cache_read_tokens,
               coalesce(sum(cost_usd), 0.0) AS cost_usd,
               count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
               avg(latency_ms) AS avg_latency_ms
        FROM api_calls WHERE {where}
        GROUP BY 1 ORDER BY {order}
    """
    df = con.execute(sql, params).df()
    for col in ("input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens"):
        df[col] = df[col].fillna(0).astype("int64")
    return df


@dataclass
class SiteCosts:
    """What deployed sites cost: per site, and the total spend spread over the sites."""

    sites: pd.DataFrame
    deployed_sites: int
    total_cost_usd: float
    sites_cost_usd: float
    cost_per_site_usd: float | None  # all spend in the range / sites deployed in it
    direct_cost_per_site_usd: float | None  # mean spend of the sessions that deployed
    unpriced_calls: int

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "sites"}
        out["sites"] = records(self.sites)
        return out


def cost_per_site(
    con,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tenant: str | None = None,
    now: datetime | str | None = None,
) -> SiteCosts:
    """Cost per deployed site: sites are sessions with a ``deployed`` event in the range.

    A site's cost is every call of its session up to ``now``;
    ``cost_per_site_usd`` also spreads the spend of sessions that never
    deployed over the sites that did.
    """
    where, params = _range(since, until, tenant, now)
    now_where, now_params = filters(now=resolve_now(now))
    sites = con.execute(
        f"""
        WITH deployed AS (
            SELECT session_id, any_value(tenant_id) AS tenant_id, min(ts) AS deployed_at,
                   arg_min(json_extract_string(properties, '$.url'), ts) AS url
            FROM events WHERE event_type = 'deployed' AND session_id IS NOT NULL AND {where}
            GROUP BY session_id
        ), spend AS (
            SELECT session_id, count(*) AS calls, coalesce(sum(cost_usd), 0.0) AS cost_usd,
                   count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
            FROM api_calls WHERE {now_where} AND session_id IN (SELECT session_id FROM deployed)
            GROUP BY session_id
        )
        SELECT d.session_id, d.tenant_id, d.url, d.deployed_at, coalesce(s.calls, 0) AS calls,
               coalesce(s.cost_usd, 0.0) AS cost_usd, coalesce(s.unpriced_calls, 0) AS unpriced_calls
        FROM deployed AS d LEFT JOIN spend AS s USING (session_id)
        ORDER BY d.deployed_at
        """,
        {**params, **now_params},
    ).df()
    total, unpriced = con.execute(
        f"SELECT coalesce(sum(cost_usd), 0.0), count(*) FILTER (WHERE cost_usd IS NULL) FROM api_calls WHERE {where}",
        params,
    ).fetchall()[0]
    n = len(sites)
    sites_cost = float(sites["cost_usd"].sum()) if n else 0.0
    return SiteCosts(
        sites=sites,
        deployed_sites=n,
        total_cost_usd=float(total),
        sites_cost_usd=sites_cost,
        cost_per_site_usd=float(total) / n if n else None,
        direct_cost_per_site_usd=sites_cost / n if n else None,
        unpriced_calls=int(unpriced),
    )


@dataclass
class Savings:
    """Money not spent thanks to library reuse and prompt caching."""

    reuse_events: int
    reuse_tokens_saved: int
    reuse_cost_saved_usd: float
    cache_read_tokens: int
    caching_saved_usd: float
    cache_read_tokens_unpriced: int  # cache reads on models without a price: saving unknown
    total_saved_usd: float

    def to_dict(self) -> dict:
        return asdict(self)


def savings(
    con,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tenant: str | None = None,
    now: datetime | str | None = None,
) -> Savings:
    """Savings from reuse (``library_reused`` events' ``est_tokens_saved``/``est_cost_saved``) and caching.

    A cache read saves the difference between the model's input rate and its
    cache-read rate on those tokens, at the price version the call was stamped
    with (:mod:`.prices`).
    """
    where, params = _range(since, until, tenant, now)
    reuse = con.execute(
        f"""
        SELECT count(*),
               coalesce(sum(TRY_CAST(json_extract_string(properties, '$.est_tokens_saved') AS BIGINT)), 0),
               coalesce(sum(TRY_CAST(json_extract_string(properties, '$.est_cost_saved') AS DOUBLE)), 0.0)
        FROM events WHERE event_type = 'library_reused' AND {where}
        """,
        params,
    ).fetchall()[0]
    by_model = con.execute(
        f"""
        SELECT model, price_version, sum(cache_read_input_tokens) AS tokens
        FROM api_calls WHERE {where} AND cache_read_input_tokens > 0 GROUP BY ALL
        """,
        params,
    ).fetchall()
    at = resolve_now(now)
    cache_tokens = cache_saved = unpriced_tokens = 0
    for model, version, tokens in by_model:
        tokens = int(tokens)
        cache_tokens += tokens
        rates = rates_in_version(model, version, at)
        if rates is None:
            unpriced_tokens += tokens
        else:
            cache_saved += tokens * (rates["input"] - rates["cache_read"]) / 1e6
    cache = (cache_tokens, cache_saved, unpriced_tokens)
    return Savings(
        reuse_events=int(reuse[0]),
        reuse_tokens_saved=int(reuse[1]),
        reuse_cost_saved_usd=float(reuse[2]),
        cache_read_tokens=int(cache[0]),
        caching_saved_usd=float(cache[1]),
        cache_read_tokens_unpriced=int(cache[2]),
        total_saved_usd=float(reuse[2]) + float(cache[1]),
    )


@dataclass
class CostForecast:
    """Month to date, the daily rate, the projection to month end and the budget crossing."""

    month: str
    now: datetime
    month_to_date_usd: float
    days_elapsed: float
    days_left: float
    daily_rate_usd: float
    projected_usd: float
    method: str
    budget_usd: float | None = None
    over_budget: bool | None = None
    forecast_over_budget: bool | None = None
    crossing_date: date | None = None
    unpriced_calls: int = 0
    daily: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "daily"}
        out["now"] = self.now.isoformat()
        out["crossing_date"] = self.crossing_date.isoformat() if self.crossing_date else None
        return out


def _budget_from_config() -> float | None:
    raw = config.get("FAIBRIC_MONTHLY_BUDGET_USD")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"FAIBRIC_MONTHLY_BUDGET_USD must be a number of dollars, not {raw!r}") from None


def cost_forecast(
    con,
    budget_usd: float | None = None,
    now: datetime | str | None = None,
    tenant: str | None = None,
    method: str = "month_to_date",
) -> CostForecast:
    """This month's spend and where it is heading.

    ``method="month_to_date"``: daily rate = month to date / days elapsed
    (fractional days since the month began). ``method="last_7_days"``: the mean
    of the last 7 full days. Projected = month to date + daily rate x days
    left. ``budget_usd`` defaults to ``FAIBRIC_MONTHLY_BUDGET_USD``; the
    crossing date is the day spend went (or is projected to go) over it.
    """
    if method not in ("month_to_date", "last_7_days"):
        raise InvalidInputError(f"method must be month_to_date or last_7_days, not {method!r}")
    now = resolve_now(now)
    if budget_usd is None:
        budget_usd = _budget_from_config()
    month_start = datetime(now.year, now.month, 1)
    days_in_month = calendar.monthrange(now.year, now.month)[1]
    month_end = month_start + timedelta(days=days_in_month)
    where, params = filters(now=now, since=month_start, tenant=tenant)
    daily = con.execute(
        f"""
        SELECT CAST(ts AS DATE) AS day, coalesce(sum(cost_usd), 0.0) AS cost_usd,
               count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
        FROM api_calls WHERE {where} GROUP BY 1 ORDER BY 1
        """,
        params,
    ).df()
    mtd = float(daily["cost_usd"].sum()) if len(daily) else 0.0
    elapsed = (now - month_start).total_seconds() / 86_400
    left = (month_end - now).total_seconds() / 86_400
    if method == "month_to_date":
        rate = mtd / elapsed if elapsed > 0 else 0.0
    else:
        today = datetime(now.year, now.month, now.day)
        w7, p7 = filters(since=today - timedelta(days=7), until=today, tenant=tenant)
        last7 = con.execute(f"SELECT coalesce(sum(cost_usd), 0.0) FROM api_calls WHERE {w7}", p7).fetchall()[0][0]
        rate = float(last7) / 7.0
    projected = mtd + rate * left
    forecast = CostForecast(
        month=month_start.strftime("%Y-%m"),
        now=now,
        month_to_date_usd=mtd,
        days_elapsed=elapsed,
        days_left=left,
        daily_rate_usd=rate,
        projected_usd=projected,
        method=method,
        budget_usd=budget_usd,
        unpriced_calls=int(daily["unpriced_calls"].sum()) if len(daily) else 0,
        daily=daily,
    )
    if budget_usd is not None:
        forecast.over_budget = mtd > budget_usd
        forecast.forecast_over_budget = projected > budget_usd
        if forecast.over_budget:
            cumulative = daily["cost_usd"].cumsum()
            first = daily.loc[cumulative > budget_usd, "day"].iloc[0]
            forecast.crossing_date = pd.Timestamp(first).date()
        elif forecast.forecast_over_budget and rate > 0:
            forecast.crossing_date = (now + timedelta(days=(budget_usd - mtd) / rate)).date()
    return forecast


def unpriced_calls(
    con,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tenant: str | None = None,
    now: datetime | str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Calls whose model had no price (``cost_usd`` NULL), newest first: these need a price."""
    where, params = _range(since, until, tenant, now)
    limit_sql = ""
    if limit is not None:
        limit_sql = "LIMIT $limit"
        params["limit"] = int(limit)
    return con.execute(
        f"""
        SELECT CAST(call_id AS VARCHAR) AS call_id, ts, tenant_id, session_id, provider, model, purpose,
               input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens,
               price_version, status
        FROM api_calls WHERE cost_usd IS NULL AND {where}
        ORDER BY ts DESC {limit_sql}
        """,
        params,
    ).df()
