"""Customer health, 0 to 100, with bands, a 14-day trend, churn risk and daily snapshots.

A customer is an email within a tenant (sessions are stitched to the first
email they received; sessions that never got one have no customer to score).
Each component scores 0-100 from the customer's events up to ``now``:

* engagement: active days in the last ``engagement_days`` against
  ``target_active_days`` (capped at 100);
* recency: 100 when last seen within ``recency_full_days``, falling linearly
  to 0 at ``recency_zero_days``;
* build_success: share of sessions with a build started in the last
  ``build_window_days`` that deployed; no data without builds;
* friction: 100 minus ``friction_penalty`` per friction event (error,
  validation_failed, deploy_failed, build_stopped) per session active in the
  last ``friction_days``; no data without active sessions;
* feedback: mean rating (1-5) in the last ``feedback_days`` mapped to 0-100;
  no data without ratings;
* site: how the customer's live sites do in the last ``site_days``: 100 with
  a lead, 60 with visitors but no lead, 0 when nobody came; no data without a
  live site (see :mod:`.sites`).

The score is the weighted mean of the components that have data (weights are
renormalised over them). Bands: red <= ``red`` < yellow <= ``yellow`` < green.
The trend compares with the score ``trend_days`` ago (from that day's snapshot
when there is one, else computed as of then). Churn risk when dormant (no
event for ``dormant_days``), red, or falling by ``falling_points`` or more; the
reasons say which. Weights and thresholds are configuration:
``FAIBRIC_HEALTH_WEIGHTS`` / ``FAIBRIC_HEALTH_THRESHOLDS`` (``name=value,...``)
or the ``weights`` / ``thresholds`` arguments.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from .. import config
from ..errors import ConfigError
from ._common import email_candidates_sql, filters, keyed_events_sql, resolve_now

__all__ = ["COMPONENTS", "DEFAULT_THRESHOLDS", "DEFAULT_WEIGHTS", "band_of", "health_scores", "health_thresholds",
           "snapshot_health"]

COMPONENTS = ("engagement", "recency", "build_success", "friction", "feedback", "site")
DEFAULT_WEIGHTS = {"engagement": 0.25, "recency": 0.25, "build_success": 0.20, "friction": 0.15, "feedback": 0.15,
                   "site": 0.15}
DEFAULT_THRESHOLDS = {
    "red": 50.0,
    "yellow": 75.0,
    "engagement_days": 30,
    "target_active_days": 8,
    "recency_full_days": 1,
    "recency_zero_days": 30,
    "build_window_days": 90,
    "friction_days": 30,
    "friction_penalty": 50.0,
    "feedback_days": 90,
    "dormant_days": 14,
    "falling_points": 15.0,
    "trend_days": 14,
    "site_days": 30,
}
FRICTION_EVENTS = ("error", "validation_failed", "deploy_failed", "build_stopped")


def _parse_setting(name: str) -> dict:
    raw = config.get(name)
    if not raw:
        return {}
    out = {}
    for part in raw.split(","):
        key, sep, value = part.partition("=")
        try:
            if not sep:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise ConfigError(f"{name} must look like name=number,name=number; {part!r} is not") from None
    return out


def _settings(weights: dict | None, thresholds: dict | None) -> tuple[dict, dict]:
    w = {**DEFAULT_WEIGHTS, **_parse_setting("FAIBRIC_HEALTH_WEIGHTS"), **(weights or {})}
    t = {**DEFAULT_THRESHOLDS, **_parse_setting("FAIBRIC_HEALTH_THRESHOLDS"), **(thresholds or {})}
    unknown = (set(w) - set(DEFAULT_WEIGHTS)) | (set(t) - set(DEFAULT_THRESHOLDS))
    if unknown:
        raise ConfigError(
            f"unknown health setting(s) {', '.join(sorted(unknown))}; weights are {', '.join(COMPONENTS)}, "
            f"thresholds are {', '.join(DEFAULT_THRESHOLDS)}"
        )
    if any(v < 0 for v in w.values()) or not any(v > 0 for v in w.values()):
        raise ConfigError("health weights must be >= 0 and at least one must be > 0")
    if not t["red"] < t["yellow"]:
        raise ConfigError("the red threshold must be below the yellow one")
    return w, t


def health_thresholds(thresholds: dict | None = None) -> dict:
    """The thresholds in force (defaults, then ``FAIBRIC_HEALTH_THRESHOLDS``, then ``thresholds``)."""
    return _settings(None, thresholds)[1]


def band_of(score: float | None, red: float = 50.0, yellow: float = 75.0) -> str | None:
    """red <= ``red`` < yellow <= ``yellow`` < green."""
    if score is None or pd.isna(score):
        return None
    if score <= red:
        return "red"
    if score <= yellow:
        return "yellow"
    return "green"


def _raw_sql(where: str, t: dict, moments: tuple[str, ...]) -> str:
    """Per (tenant, customer) inputs of the components as of each moment (``$now``, ``$then``), in one pass.

    Every aggregate is filtered to events at or before its moment, and the
    session-to-email stitching is redone per moment, so the result as of
    ``$then`` is exactly what a computation at that time would give.
    """
    friction = ", ".join(f"'{e}'" for e in FRICTION_EVENTS)
    columns = (
        "tenant_id, ts, event_type, CASE WHEN event_type = 'feedback_submitted' "
        "THEN TRY_CAST(json_extract_string(properties, '$.rating') AS DOUBLE) END AS rating"
    )
    bw, fd, rd, ed = (int(t[k]) for k in ("build_window_days", "friction_days", "feedback_days", "engagement_days"))
    emails, aggs, day_flags, finals = [], [], [], []
    for m in moments:
        upto = f"ts <= ${m}"
        emails.append(f"lower(trim(arg_min(em, ts) FILTER (WHERE {upto}))) AS email_{m}")
        aggs.append(f"""
                   max(ts) FILTER (WHERE {upto}) AS last_ts_{m},
                   bool_or(event_type = 'build_started' AND ts > ${m} - to_days({bw}) AND {upto}) AS built_{m},
                   bool_or(event_type = 'deployed' AND {upto}) AS deployed_{m},
                   count(*) FILTER (WHERE event_type IN ({friction}) AND ts > ${m} - to_days({fd}) AND {upto})
                       AS friction_{m},
                   bool_or(ts > ${m} - to_days({fd}) AND {upto}) AS active_recent_{m},
                   sum(rating) FILTER (WHERE rating BETWEEN 1 AND 5 AND ts > ${m} - to_days({rd}) AND {upto})
                       AS rating_sum_{m},
                   count(rating) FILTER (WHERE rating BETWEEN 1 AND 5 AND ts > ${m} - to_days({rd}) AND {upto})
                       AS ratings_{m}""")
        day_flags.append(f"bool_or(ts > ${m} - to_days({ed}) AND {upto}) AS in_{m}")
        finals.append(f"""
        SELECT '{m}' AS moment, s.tenant_id, i.email_{m} AS customer, max(s.last_ts_{m}) AS last_seen,
               count(*) FILTER (WHERE s.built_{m}) AS builds,
               count(*) FILTER (WHERE s.built_{m} AND s.deployed_{m}) AS deploys,
               sum(s.friction_{m}) AS friction_events,
               count(*) FILTER (WHERE s.active_recent_{m}) AS active_sessions,
               sum(s.rating_sum_{m}) AS rating_sum, sum(s.ratings_{m}) AS ratings,
               any_value(coalesce(a.active_days, 0)) AS active_days
        FROM sess AS s JOIN ident AS i USING (skey)
        LEFT JOIN (
            SELECT i.email_{m} AS email, d.tenant_id, count(DISTINCT d.d) AS active_days
            FROM days AS d JOIN ident AS i USING (skey)
            WHERE d.in_{m} AND i.email_{m} IS NOT NULL GROUP BY ALL
        ) AS a ON a.email = i.email_{m} AND a.tenant_id = s.tenant_id
        WHERE i.email_{m} IS NOT NULL AND s.last_ts_{m} IS NOT NULL
        GROUP BY s.tenant_id, i.email_{m}""")
    # only the last days matter for engagement: a separate scan that the time filter prunes
    recent = " OR ".join(f"ts > ${m} - to_days({ed})" for m in moments)
    return f"""
        WITH ident AS (
            SELECT skey, {', '.join(emails)}
            FROM ({email_candidates_sql(where)}) WHERE contains(em, '@') GROUP BY skey
        ),
        sess AS (
            SELECT skey, tenant_id, {','.join(aggs)}
            FROM ({keyed_events_sql(columns, where)}) GROUP BY skey, tenant_id
        ),
        days AS (
            SELECT skey, tenant_id, CAST(ts AS DATE) AS d, {', '.join(day_flags)}
            FROM ({keyed_events_sql("tenant_id, ts", where, f"({recent})")}) GROUP BY ALL
        )
        {' UNION ALL '.join(finals)}
    """


def _score(raw: pd.DataFrame, now: datetime, w: dict, t: dict) -> pd.DataFrame:
    """Component scores, weighted score and band, vectorised over customers."""
    df = raw.copy()
    days_since = (pd.Timestamp(now) - pd.to_datetime(df["last_seen"])).dt.total_seconds() / 86_400
    df["days_since_last"] = days_since
    df["engagement"] = np.minimum(100.0, 100.0 * df["active_days"].astype(float) / float(t["target_active_days"]))
    full, zero = float(t["recency_full_days"]), float(t["recency_zero_days"])
    df["recency"] = 100.0 * np.clip((zero - days_since) / (zero - full), 0.0, 1.0)
    builds = df["builds"].astype(float)
    df["build_success"] = np.where(builds > 0, 100.0 * df["deploys"].astype(float) / builds.where(builds > 0), np.nan)
    active = df["active_sessions"].astype(float)
    per_session = df["friction_events"].astype(float) / active.where(active > 0)
    df["friction"] = np.where(active > 0, np.clip(100.0 - float(t["friction_penalty"]) * per_session, 0, 100), np.nan)
    ratings = df["ratings"].astype(float)
    mean_rating = df["rating_sum"].astype(float) / ratings.where(ratings > 0)
    df["feedback"] = np.where(ratings > 0, (mean_rating - 1.0) / 4.0 * 100.0, np.nan)
    sites = df["live_sites"].fillna(0).astype(float) if "live_sites" in df else pd.Series(0.0, index=df.index)
    visitors, leads = (df[c].fillna(0).astype(float) if c in df else 0.0 for c in ("site_visitors", "site_leads"))
    df["site"] = np.where(sites > 0, np.where(leads > 0, 100.0, np.where(visitors > 0, 60.0, 0.0)), np.nan)
    num = np.zeros(len(df))
    den = np.zeros(len(df))
    for name in COMPONENTS:
        values = df[name].to_numpy(dtype=float)
        has = ~np.isnan(values)
        num += np.where(has, values * w[name], 0.0)
        den += np.where(has, w[name], 0.0)
    df["score"] = np.round(np.where(den > 0, num / np.where(den > 0, den, 1), np.nan), 1)
    df["band"] = np.where(df["score"] <= t["red"], "red", np.where(df["score"] <= t["yellow"], "yellow", "green"))
    return df


def _compute(con, now: datetime, tenant: str | None, w: dict, t: dict,
             then: datetime | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Scores as of ``now`` and, when ``then`` is given, as of ``then`` too (same pass over the events)."""
    where, params = filters(now=now, tenant=tenant)
    moments = ("now", "then") if then is not None else ("now",)
    if then is not None:
        params["then"] = then
    raw = _with_site_outcomes(con, con.execute(_raw_sql(where, t, moments), params).df(),
                              {"now": now, "then": then}, tenant, int(t["site_days"]))
    current = _score(raw[raw["moment"] == "now"].drop(columns=["moment"]).reset_index(drop=True), now, w, t)
    if then is None:
        return current, None
    earlier = _score(raw[raw["moment"] == "then"].drop(columns=["moment"]).reset_index(drop=True), then, w, t)
    return current, earlier


def _with_site_outcomes(con, raw: pd.DataFrame, moments: dict, tenant: str | None, days: int) -> pd.DataFrame:
    """``raw`` with each customer's live sites, site visitors and leads in the ``days`` before each moment."""
    from .sites import site_outcomes_by_customer

    parts = []
    for moment, part in raw.groupby("moment", sort=False):
        at = moments[moment]
        outcomes = site_outcomes_by_customer(con, since=at - timedelta(days=days), until=at, tenant=tenant)
        parts.append(part.merge(outcomes, on=["tenant_id", "customer"], how="left"))
    if not parts:
        return raw.assign(live_sites=0, site_visitors=0, site_leads=0)
    merged = pd.concat(parts, ignore_index=True)
    return merged.fillna({"live_sites": 0, "site_visitors": 0, "site_leads": 0})


def _snapshot_scores(con, day, tenant: str | None) -> pd.DataFrame:
    """The stored scores of ``day`` (empty when there is no snapshot of that day)."""
    try:
        return con.execute(
            "SELECT tenant_id, customer, score FROM health_snapshots WHERE day = $day"
            + (" AND tenant_id = $tenant" if tenant is not None else ""),
            {"day": day, **({"tenant": tenant} if tenant is not None else {})},
        ).df()
    except Exception:  # noqa: BLE001 - a store without the table: compute instead
        return pd.DataFrame()


def health_scores(
    con,
    now: datetime | str | None = None,
    weights: dict | None = None,
    thresholds: dict | None = None,
    tenant: str | None = None,
    trend: bool = True,
) -> pd.DataFrame:
    """One row per (tenant, customer): components, score, band, trend and churn risk, worst first."""
    now = resolve_now(now)
    w, t = _settings(weights, thresholds)
    then = now - timedelta(days=int(t["trend_days"]))
    snapshot = _snapshot_scores(con, then.date(), tenant) if trend else pd.DataFrame()
    # the trend compares with the day's stored snapshot, or with the score computed as of then
    df, earlier = _compute(con, now, tenant, w, t, then if trend and snapshot.empty else None)
    previous = snapshot if len(snapshot) else earlier
    if previous is not None and len(df):
        previous = previous[["tenant_id", "customer", "score"]].rename(columns={"score": "prev_score"})
        df = df.merge(previous, on=["tenant_id", "customer"], how="left")
    else:
        df["prev_score"] = np.nan
    df["trend"] = df["score"] - df["prev_score"]
    dormant = df["days_since_last"] >= float(t["dormant_days"])
    red = df["band"] == "red"
    falling = df["trend"] <= -float(t["falling_points"])
    df["churn_risk"] = dormant | red | falling
    reasons = [[] for _ in range(len(df))]
    trend_days = int(t["trend_days"])
    is_dormant, is_red, is_falling = dormant.to_numpy(), red.to_numpy(), falling.to_numpy()
    days, scores, changes = df["days_since_last"].to_numpy(), df["score"].to_numpy(), df["trend"].to_numpy()
    # reasons are built only for the customers at risk, from plain arrays (pandas indexing is slow per row)
    for i in np.flatnonzero(df["churn_risk"].to_numpy()):
        why = reasons[i]
        if is_dormant[i]:
            why.append(f"no activity for {int(days[i])} days")
        if is_red[i]:
            why.append(f"health is red ({scores[i]:g})")
        if is_falling[i]:
            why.append(f"score fell {abs(changes[i]):g} points in {trend_days} days")
    df["reasons"] = reasons
    columns = [
        "tenant_id", "customer", "score", "band", *COMPONENTS, "prev_score", "trend", "churn_risk", "reasons",
        "last_seen", "days_since_last", "active_days", "builds", "deploys", "friction_events", "ratings",
        "site_visitors", "site_leads",
    ]
    df = df[columns].sort_values(["score", "tenant_id", "customer"], kind="stable").reset_index(drop=True)
    return df


def snapshot_health(
    now: datetime | str | None = None,
    weights: dict | None = None,
    thresholds: dict | None = None,
) -> int:
    """Compute today's health (as of ``now``) and store it in ``health_snapshots``; returns the rows written.

    Re-running the same day replaces that day's snapshot.
    """
    from ..store import read_connection, write_connection

    now = resolve_now(now)
    with read_connection() as con:
        df = health_scores(con, now=now, weights=weights, thresholds=thresholds)
    day = now.date()
    out = pd.DataFrame(
        {
            "day": [day] * len(df),
            "tenant_id": df["tenant_id"],
            "customer": df["customer"],
            "score": df["score"],
            "band": df["band"],
            "components": [
                json.dumps({c: (None if pd.isna(v) else round(float(v), 2)) for c, v in zip(COMPONENTS, row, strict=True)})
                for row in df[list(COMPONENTS)].itertuples(index=False)
            ],
            "churn_risk": df["churn_risk"].astype(bool),
            "reasons": df["reasons"],
        }
    )
    with write_connection() as con:
        con.register("_health_rows", out)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM health_snapshots WHERE day = $day", {"day": day})
            con.execute(
                "INSERT INTO health_snapshots (day, tenant_id, customer, score, band, components, churn_risk, reasons) "
                "SELECT day, tenant_id, customer, score, band, CAST(components AS JSON), churn_risk, reasons "
                "FROM _health_rows"
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        con.unregister("_health_rows")
    return len(out)
