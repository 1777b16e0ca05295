"""Build traces as tables: the slowest and most expensive builds, and where build time goes by stage.

A trace is one ``build_traced`` event (see :mod:`faibric_kernel.build.traces`):
its properties hold the totals and the spans (classify, library, generate,
parse, validate, fix, bundle, deploy). These readers select traces by the
event's time, tenant and ``now`` like every other analytics function.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from ._common import filters, resolve_now, utc_naive

__all__ = ["TRACE_COLUMNS", "build_traces", "span_seconds", "trace_rows"]

TRACE_COLUMNS = ["ts", "session_id", "tenant_id", "kind", "variant", "outcome", "error", "seconds", "cost_usd",
                 "calls", "tokens", "slowest_span", "slowest_span_seconds", "trace_id"]
_ORDER = {"seconds": "seconds", "cost": "cost_usd", "ts": "ts"}


def _where(since, until, tenant, now, session_id) -> tuple[str, dict]:
    where, params = filters(now=resolve_now(now), since=utc_naive(since, "since"), until=utc_naive(until, "until"),
                            tenant=tenant)
    where += " AND event_type = 'build_traced'"
    if session_id:
        where += " AND session_id = $session_id"
        params["session_id"] = session_id
    return where, params


def trace_rows(con, *, since: datetime | str | None = None, until: datetime | str | None = None,
               tenant: str | None = None, now: datetime | str | None = None, session_id: str | None = None,
               order: str = "seconds", limit: int = 20) -> list[dict]:
    """Traced builds and changes as recorded (time, session, tenant, then the trace's properties, spans included),
    slowest (``order="seconds"``), costliest (``"cost"``) or newest (``"ts"``) first."""
    column = _ORDER.get(order)
    if column is None:
        raise ValueError("order is seconds, cost or ts")
    where, params = _where(since, until, tenant, now, session_id)
    params["limit"] = limit
    rows = con.execute(
        f"""SELECT ts, session_id, tenant_id, CAST(properties AS VARCHAR),
                   TRY_CAST(json_extract(properties, '$.seconds') AS DOUBLE) AS seconds,
                   TRY_CAST(json_extract(properties, '$.cost_usd') AS DOUBLE) AS cost_usd
            FROM events WHERE {where} ORDER BY {column} DESC NULLS LAST, ts DESC LIMIT $limit""", params).fetchall()
    return [{"ts": ts, "session_id": session, "tenant_id": tenant_id, **json.loads(text)}
            for ts, session, tenant_id, text, _, _ in rows]


def build_traces(con, *, since: datetime | str | None = None, until: datetime | str | None = None,
                 tenant: str | None = None, now: datetime | str | None = None, session_id: str | None = None,
                 order: str = "seconds", limit: int = 20) -> pd.DataFrame:
    """One row per traced build or change (totals and its slowest stage), in :func:`trace_rows`' order."""
    found = []
    for trace in trace_rows(con, since=since, until=until, tenant=tenant, now=now, session_id=session_id,
                            order=order, limit=limit):
        slowest = max(trace.get("spans") or [], key=lambda s: s.get("seconds") or 0.0, default={})
        found.append({**{k: trace.get(k) for k in ("ts", "session_id", "tenant_id", "kind", "variant", "outcome",
                                                   "error", "seconds", "cost_usd", "calls", "trace_id")},
                      "tokens": (trace.get("input_tokens") or 0) + (trace.get("output_tokens") or 0),
                      "slowest_span": slowest.get("name"), "slowest_span_seconds": slowest.get("seconds")})
    return pd.DataFrame(found, columns=TRACE_COLUMNS)


def span_seconds(con, *, since: datetime | str | None = None, until: datetime | str | None = None,
                 tenant: str | None = None, now: datetime | str | None = None) -> pd.DataFrame:
    """Per stage: how many traced builds ran it, and its mean, median and 90th-percentile seconds."""
    where, params = _where(since, until, tenant, now, None)
    return con.execute(
        f"""WITH spans AS (
                SELECT unnest(from_json(json_extract(properties, '$.spans'),
                                        '[{{"name": "VARCHAR", "seconds": "DOUBLE"}}]')) AS span
                FROM events WHERE {where})
            SELECT span.name AS stage, count(*) AS builds, avg(span.seconds) AS mean_seconds,
                   median(span.seconds) AS median_seconds, quantile_cont(span.seconds, 0.9) AS p90_seconds
            FROM spans GROUP BY 1 ORDER BY mean_seconds DESC""", params).df()
