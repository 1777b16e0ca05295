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
  no data without ratings.

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
from ._common import filters, keyed_events_sql, resolve_now, session_emails_sql

__all__ = ["COMPONENTS", "DEFAULT_THRESHOLDS", "DEFAULT_WEIGHTS", "band_of", "health_scores", "snapshot_health"]

COMPONENTS = ("engagement", "recency", "build_success", "friction", "feedback")
DEFAULT_WEIGHTS = {"engagement": 0.25, "recency": 0.25, "build_success": 0.20, "friction": 0.15, "feedback": 0.15}
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


def band_of(score: float | None, red: float = 50.0, yellow: float = 75.0) -> str | None:
    """red <= ``red`` < yellow <= ``yellow`` < green."""
    if score is None or pd.isna(score):
        return None
    if score <= red:
        return "red"
    if score <= yellow:
        return "yellow"
    return "green"


def _raw_sql(where: str, t: dict) -> str:
    friction = ", ".join(f"'{e}'" for e in FRICTION_EVENTS)
    columns = (
        "tenant_id, ts, event_type, CASE WHEN event_type = 'feedback_submitted' "
        "THEN TRY_CAST(json_extract_string(properties, '$.rating') AS DOUBLE) END AS rating"
    )
    return f"""
        WITH ev AS ({keyed_events_sql(columns, where)}), ident AS ({session_emails_sql(where)}),
        sess AS (
            SELECT skey, tenant_id, max(ts) AS last_ts,
                   bool_or(event_type = 'build_started'
                           AND ts > $now - to_days({int(t['build_window_days'])})) AS built,
                   bool_or(event_type = 'deployed') AS deployed,
                   count(*) FILTER (WHERE event_type IN ({friction})
                                    AND ts > $now - to_days({int(t['friction_days'])})) AS friction,
                   bool_or(ts > $now - to_days({int(t['friction_days'])})) AS active_recent,
                   sum(rating) FILTER (WHERE rating BETWEEN 1 AND 5
                                       AND ts > $now - to_days({int(t['feedback_days'])})) AS rating_sum,
                   count(rating) FILTER (WHERE rating BETWEEN 1 AND 5
                                         AND ts > $now - to_days({int(t['feedback_days'])})) AS ratings
            FROM ev GROUP BY skey, tenant_id
        ),
        days AS (
            SELECT DISTINCT skey, tenant_id, CAST(ts AS DATE) AS d
            FROM ev WHERE ts > $now - to_days({int(t['engagement_days'])})
        ),
        active_days AS (
            SELECT i.email, d.tenant_id, count(DISTINCT d.d) AS active_days
            FROM days AS d JOIN ident AS i USING (skey) GROUP BY ALL
        )
        SELECT s.tenant_id, i.email AS customer, max(s.last_ts) AS last_seen,
               count(*) FILTER (WHERE s.built) AS builds,
               count(*) FILTER (WHERE s.built AND s.deployed) AS deploys,
               sum(s.friction) AS friction_events,
               count(*) FILTER (WHERE s.active_recent) AS active_sessions,
               sum(s.rating_sum) AS rating_sum, sum(s.ratings) AS ratings,
               any_value(coalesce(a.active_days, 0)) AS active_days
        FROM sess AS s JOIN ident AS i USING (skey)
        LEFT JOIN active_days AS a ON a.email = i.email AND a.tenant_id = s.tenant_id
        GROUP BY s.tenant_id, i.email
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


def _compute(con, now: datetime, tenant: str | None, w: dict, t: dict) -> pd.DataFrame:
    where, params = filters(now=now, tenant=tenant)
    params["now"] = now
    raw = con.execute(_raw_sql(where, t), params).df()
    return _score(raw, now, w, t)


def _previous_scores(con, now: datetime, tenant: str | None, w: dict, t: dict) -> pd.DataFrame:
    then = now - timedelta(days=int(t["trend_days"]))
    try:
        snap = con.execute(
            "SELECT tenant_id, customer, score FROM health_snapshots WHERE day = $day"
            + (" AND tenant_id = $tenant" if tenant is not None else ""),
            {"day": then.date(), **({"tenant": tenant} if tenant is not None else {})},
        ).df()
    except Exception:  # noqa: BLE001 - a store without the table: compute instead
        snap = pd.DataFrame()
    if len(snap):
        return snap.rename(columns={"score": "prev_score"})
    prev = _compute(con, then, tenant, w, t)
    return prev[["tenant_id", "customer", "score"]].rename(columns={"score": "prev_score"})


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
    df = _compute(con, now, tenant, w, t)
    if trend and len(df):
        prev = _previous_scores(con, now, tenant, w, t)
        df = df.merge(prev, on=["tenant_id", "customer"], how="left")
    else:
        df["prev_score"] = np.nan
    df["trend"] = df["score"] - df["prev_score"]
    dormant = df["days_since_last"] >= float(t["dormant_days"])
    red = df["band"] == "red"
    falling = df["trend"] <= -float(t["falling_points"])
    df["churn_risk"] = dormant | red | falling
    reasons = []
    for is_dormant, is_red, is_falling, days, score, change in zip(
        dormant, red, falling, df["days_since_last"], df["score"], df["trend"], strict=True
    ):
        why = []
        if is_dormant:
            why.append(f"no activity for {int(days)} days")
        if is_red:
            why.append(f"health is red ({score:g})")
        if is_falling:
            why.append(f"score fell {abs(change):g} points in {int(t['trend_days'])} days")
        reasons.append(why)
    df["reasons"] = reasons
    columns = [
        "tenant_id", "customer", "score", "band", *COMPONENTS, "prev_score", "trend", "churn_risk", "reasons",
        "last_seen", "days_since_last", "active_days", "builds", "deploys", "friction_events", "ratings",
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
