"""Customer retention cohorts and lifecycle, by day, week (Monday) or month, in UTC.

Definitions (docs/metrics.md, "Retention and lifecycle"): the unit is a customer (see
:func:`._common.session_emails_sql` for how sessions are stitched to the first
email they received). A customer's cohort is the period of their first event
of any kind; they are active in a period if they have any event in it;
R[c, k] = share of cohort c active in period c + k. A cell is empty (``None``)
until its period has ended, except period 0, which is 100% as soon as the
cohort has a member (its members are those first active in it); the average row weights each finished cell by its
cohort's size. ``cumulative=True`` counts a customer in cell k if they were
active in period c + k *or any later period* ("on or after").

With ``tenant``, only that tenant's events count, so a customer who works in
two tenants has a cohort in each. ``since``/``until`` select cohorts whose
period starts in [period of ``since``, ``until``). Only events at or before
``now`` are seen.

Both read the daily activity rollup (:mod:`.rollup`, kept by ingest) when it
covers every stored event, and the events otherwise; the answers are the same.

Lifecycle per period: *new* (first period), *returning* (active in this and
the previous period), *resurrecting* (active now, not in the previous period,
but at some time before) and *dormant* (active in the previous period, not in
this one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from ._common import (
    check_period,
    customer_key_sql,
    filters,
    keyed_events_sql,
    period_index,
    period_index_sql,
    period_start,
    resolve_now,
    session_emails_sql,
    utc_naive,
)
from .rollup import rollup_rows_sql

__all__ = ["RetentionResult", "activity_by_period_sql", "lifecycle", "retention"]


def activity_by_period_sql(period: str, where: str) -> str:
    """SQL of ``(cust, pidx)``: each customer's active periods (distinct), for events matching ``where``."""
    trunc = {"day": "day", "week": "week", "month": "month"}[period]
    return f"""
        WITH sp AS (
            SELECT skey, p FROM ({keyed_events_sql(f"date_trunc('{trunc}', ts) AS p", where)}) GROUP BY ALL
        ), ident AS ({session_emails_sql(where)})
        SELECT DISTINCT {customer_key_sql('i.email', 'a.skey')} AS cust, {period_index_sql(period, 'a.p')} AS pidx
        FROM sp AS a LEFT JOIN ident AS i USING (skey)
    """


def _activity_sql(con, period: str, now: datetime, tenant: str | None, params: dict) -> str:
    """:func:`activity_by_period_sql`, from the daily rollup when it can answer exactly, else from the events."""
    rows = rollup_rows_sql(con, now, tenant, params)
    if rows is None:
        where, extra = filters(now=now, tenant=tenant)
        params.update(extra)
        return activity_by_period_sql(period, where)
    return f"""
        WITH r AS ({rows}),
        sp AS (SELECT DISTINCT skey, date_trunc('{period}', day) AS p FROM r),
        ident AS (SELECT skey, arg_min(email, email_ts) AS email FROM r WHERE email IS NOT NULL GROUP BY skey)
        SELECT DISTINCT {customer_key_sql('i.email', 'a.skey')} AS cust, {period_index_sql(period, 'a.p')} AS pidx
        FROM sp AS a LEFT JOIN ident AS i USING (skey)
    """


@dataclass
class RetentionResult:
    """A cohort matrix (one row per cohort) and the size-weighted average row."""

    period: str
    cumulative: bool
    matrix: pd.DataFrame  # cohort (Timestamp), size, then one column per period offset 0..K
    average: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """The CLI contract: ``{"period", "cohorts": [{"cohort", "size", "retention"}]}`` plus the average."""
        offsets = [c for c in self.matrix.columns if isinstance(c, int)]
        cohorts = []
        for row in self.matrix.to_dict(orient="records"):
            values = [None if pd.isna(row[k]) else float(row[k]) for k in offsets]
            # a younger cohort's row ends at the current period
            last = int(row["periods"])
            cohorts.append(
                {"cohort": row["cohort"].date().isoformat(), "size": int(row["size"]), "retention": values[:last]}
            )
        return {
            "period": self.period,
            "cumulative": self.cumulative,
            "cohorts": cohorts,
            "average": {
                "size": int(self.matrix["size"].sum()) if len(self.matrix) else 0,
                "retention": [None if v is None or pd.isna(v) else float(v) for v in self.average],
            },
        }


def retention(
    con,
    period: str = "week",
    cumulative: bool = False,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tenant: str | None = None,
    now: datetime | str | None = None,
) -> RetentionResult:
    """The retention matrix (see the module docstring for the definition)."""
    period = check_period(period)
    now = resolve_now(now)
    since, until = utc_naive(since, "since"), utc_naive(until, "until")
    params: dict = {}
    activity = _activity_sql(con, period, now, tenant, params)
    current = period_index(period, now)
    cohort_filter = []
    if since is not None:
        cohort_filter.append(f"cohort >= {period_index(period, since)}")
    if until is not None:
        last = period_index(period, until)
        if period_start(period, last) >= until:
            last -= 1  # a period starting exactly at ``until`` is out
        cohort_filter.append(f"cohort <= {last}")
    cohort_where = " AND ".join(cohort_filter) or "TRUE"
    value = "last_pidx - cohort" if cumulative else "pidx - cohort"
    source = "coh" if cumulative else "act JOIN coh USING (cust)"
    sql = f"""
        WITH act AS ({activity}),
        coh AS (
            SELECT cust, min(pidx) AS cohort, max(pidx) AS last_pidx FROM act GROUP BY cust
        )
        SELECT cohort, {value} AS k, count(*) AS n
        FROM {source}
        WHERE {cohort_where}
        GROUP BY ALL
    """
    raw = con.execute(sql, params).df()
    return _matrix(raw, period, cumulative, current, now)


def _matrix(raw: pd.DataFrame, period: str, cumulative: bool, current: int, now: datetime) -> RetentionResult:
    columns = ["cohort", "size", "periods"]
    if raw.empty:
        return RetentionResult(period, cumulative, pd.DataFrame(columns=columns), [])
    raw = raw.astype({"cohort": "int64", "k": "int64", "n": "int64"})
    cohorts = np.sort(raw["cohort"].unique())
    width = int(current - cohorts[0] + 1)
    counts = np.zeros((len(cohorts), width), dtype=np.int64)
    rows = np.searchsorted(cohorts, raw["cohort"].to_numpy())
    np.add.at(counts, (rows, raw["k"].to_numpy()), raw["n"].to_numpy())
    if cumulative:
        # counts by last active offset -> customers active at offset k or later
        counts = counts[:, ::-1].cumsum(axis=1)[:, ::-1]
    sizes = counts[:, 0]
    # period c + k has ended when it is before the period that contains `now`
    finished = (cohorts[:, None] + np.arange(width)[None, :]) <= current - 1
    # period 0 is known at once: a cohort is the customers first active in it, so all of them were active then
    finished[:, 0] = True
    finished &= sizes[:, None] > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(finished, counts / sizes[:, None], np.nan)
    active_sum = np.where(finished, counts, 0).sum(axis=0)
    size_sum = np.where(finished, sizes[:, None], 0).sum(axis=0)
    average = [float(a / z) if z else None for a, z in zip(active_sum, size_sum, strict=True)]
    matrix = pd.DataFrame(shares, columns=list(range(width)))
    matrix.insert(0, "periods", (current - cohorts + 1).astype("int64"))
    matrix.insert(0, "size", sizes)
    matrix.insert(0, "cohort", [pd.Timestamp(period_start(period, int(c))) for c in cohorts])
    return RetentionResult(period, cumulative, matrix, average)


def lifecycle(
    con,
    period: str = "week",
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tenant: str | None = None,
    now: datetime | str | None = None,
) -> pd.DataFrame:
    """New, returning, resurrecting and dormant customers per period (plus ``active`` and ``complete``).

    Rows run from the first period with activity to the current one; ``since``
    and ``until`` keep periods starting in [period of ``since``, ``until``).
    ``complete`` is False for the period that has not ended yet.
    """
    period = check_period(period)
    now = resolve_now(now)
    since, until = utc_naive(since, "since"), utc_naive(until, "until")
    params: dict = {}
    activity = _activity_sql(con, period, now, tenant, params)
    current = period_index(period, now)
    sql = f"""
        WITH act AS ({activity}),
        coh AS (SELECT cust, min(pidx) AS cohort FROM act GROUP BY cust),
        cur AS (
            SELECT a.pidx, count(*) FILTER (WHERE c.cohort = a.pidx) AS new,
                   count(*) FILTER (WHERE c.cohort < a.pidx AND p.cust IS NOT NULL) AS "returning",
                   count(*) FILTER (WHERE c.cohort < a.pidx AND p.cust IS NULL) AS resurrecting
            FROM act AS a JOIN coh AS c USING (cust)
            LEFT JOIN act AS p ON p.cust = a.cust AND p.pidx = a.pidx - 1
            GROUP BY a.pidx
        ),
        gone AS (
            SELECT p.pidx + 1 AS pidx, count(*) AS dormant
            FROM act AS p LEFT JOIN act AS a ON a.cust = p.cust AND a.pidx = p.pidx + 1
            WHERE a.cust IS NULL AND p.pidx + 1 <= {current}
            GROUP BY 1
        )
        SELECT coalesce(cur.pidx, gone.pidx) AS pidx, coalesce(new, 0) AS new, coalesce("returning", 0) AS "returning",
               coalesce(resurrecting, 0) AS resurrecting, coalesce(dormant, 0) AS dormant
        FROM cur FULL OUTER JOIN gone USING (pidx)
        ORDER BY 1
    """
    raw = con.execute(sql, params).df()
    columns = ["period", "new", "returning", "resurrecting", "dormant", "active", "complete"]
    if raw.empty:
        return pd.DataFrame(columns=columns)
    raw = raw.astype({"pidx": "int64"}).set_index("pidx")
    first = int(raw.index.min())
    full = raw.reindex(range(first, current + 1), fill_value=0)
    out = pd.DataFrame(
        {
            "period": [pd.Timestamp(period_start(period, i)) for i in full.index],
            "new": full["new"].astype("int64").to_numpy(),
            "returning": full["returning"].astype("int64").to_numpy(),
            "resurrecting": full["resurrecting"].astype("int64").to_numpy(),
            "dormant": full["dormant"].astype("int64").to_numpy(),
        }
    )
    out["active"] = out["new"] + out["returning"] + out["resurrecting"]
    out["complete"] = [period_start(period, i + 1) <= now for i in full.index]
    if since is not None:
        out = out[out["period"] >= pd.Timestamp(period_start(period, period_index(period, since)))]
    if until is not None:
        out = out[out["period"] < pd.Timestamp(until)]
    return out.reset_index(drop=True)
