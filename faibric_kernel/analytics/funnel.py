"""The ordered conversion funnel, with a window from step 1, in SQL over the event store.

Definition (docs/metrics.md, "Funnel"): the unit is a session. A session
enters at its first step-1 event, t1. Step k counts if an event of step k
comes at or after the time step k-1 was reached and no later than t1 + W
(both ends inclusive); the earliest such event is taken each time. Overall
rate = reached(k) / reached(1); step rate = reached(k) / reached(k-1); the
median and mean seconds are from step k-1 to step k.

Sessions that have not reached the last step and whose window is still open at
``now`` are *in progress*: they are counted apart (``in_progress``, and per
step by the furthest step reached) and left out of the step counts, rates and
times, so they are never taken for drop-offs. A session is settled once it
reached the last step or once ``now`` >= t1 + W.

``strict=True`` also requires the steps to follow each other directly: once
step k-1 is reached, the next funnel event of another step must be step k
(repeats of step k-1 are allowed), otherwise the session stops at k-1 and is
settled right away. Events with the same timestamp are taken in step order.

``since``/``until`` select sessions by t1 (``since`` <= t1 < ``until``); the
steps after t1 may come later. Only events at or before ``now`` are seen, so a
past ``now`` answers "as it looked then".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from ..errors import InvalidInputError
from ._common import filters, records, resolve_now, utc_naive

__all__ = ["DEFAULT_STEPS", "DEFAULT_WINDOW_DAYS", "Conversion", "FunnelResult", "conversion", "conversions",
           "funnel", "session_variants_sql"]

DEFAULT_STEPS = ("request_submitted", "email_provided", "verified", "build_started", "deployed")
DEFAULT_WINDOW_DAYS = 14
BREAKDOWN_TENANT = ("tenant", "tenant_id")
NO_VALUE = "(none)"
_PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


def session_variants_sql(where: str = "TRUE") -> str:
    """SQL of ``(session_id, variant)``: a session's prompt variant.

    The first ``variant`` property on its ``request_submitted`` or
    ``build_started`` events, else the ``variant`` column of ``sessions``.
    """
    return f"""
        SELECT hash(coalesce(v.session_id, s.session_id)) AS session_id, coalesce(v.variant, s.variant) AS variant
        FROM (
            SELECT session_id, arg_min(variant, ts) AS variant
            FROM (
                SELECT session_id, ts, json_extract_string(properties, '$.variant') AS variant
                FROM events
                WHERE event_type IN ('request_submitted', 'build_started') AND session_id IS NOT NULL AND {where}
            )
            WHERE variant IS NOT NULL
            GROUP BY session_id
        ) AS v
        FULL OUTER JOIN (SELECT session_id, variant FROM sessions WHERE variant IS NOT NULL) AS s
            USING (session_id)
    """


@dataclass(frozen=True)
class Conversion:
    """A funnel's headline: how many sessions entered, settled and converted, and the two rates.

    Both rates have the same numerator (sessions that reached the last step
    within the window, a subset of both denominators), so neither can exceed
    100%:

    * ``rate``: converted / settled - the funnel's overall rate (DESIGN.md):
      sessions still in progress are left out, not counted as drop-offs;
    * ``so_far``: converted / entered - every session that started in the range,
      those still in progress counted as not (yet) converted. It is the figure
      to compare recent windows with (for "today" nearly every settled session
      is a converted one, so ``rate`` would say 100%).
    """

    entered: int
    settled: int
    converted: int
    in_progress: int
    window_days: float = DEFAULT_WINDOW_DAYS

    @property
    def rate(self) -> float | None:
        return self.converted / self.settled if self.settled else None

    @property
    def so_far(self) -> float | None:
        return self.converted / self.entered if self.entered else None


@dataclass
class FunnelResult:
    """A funnel: one row per step (per breakdown value when broken down), plus the in-progress count."""

    window_days: float
    strict: bool
    step_names: list[str]
    steps: pd.DataFrame
    in_progress: int
    breakdown: str | None = None
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def settled(self) -> int:
        """Sessions that entered and are settled (converted, or their window closed)."""
        return int(self.steps["count"].iloc[0]) if len(self.steps) else 0

    @property
    def converted(self) -> int:
        """Sessions that reached the last step within the window (always settled)."""
        return int(self.steps["count"].iloc[-1]) if len(self.steps) else 0

    @property
    def entered(self) -> int:
        """Every session whose step 1 falls in the range: the settled ones and those still in progress."""
        return self.settled + int(self.in_progress)

    def conversion(self) -> Conversion:
        """The funnel's headline figures (see :class:`Conversion`)."""
        return Conversion(entered=self.entered, settled=self.settled, converted=self.converted,
                          in_progress=int(self.in_progress), window_days=self.window_days)

    def to_dict(self) -> dict:
        """The CLI contract: ``{"window_days", "steps": [...], "in_progress"}`` (+ ``breakdown``/``groups``)."""
        window = int(self.window_days) if float(self.window_days).is_integer() else self.window_days
        out = {
            "window_days": window,
            "strict": self.strict,
            "steps": records(self.steps),
            "in_progress": int(self.in_progress),
        }
        if self.breakdown:
            out["breakdown"] = self.breakdown
            groups = []
            for value, rows in self.groups.groupby("value", sort=True, dropna=False):
                groups.append(
                    {
                        "value": value,
                        "steps": records(rows.drop(columns=["value", "group_in_progress"])),
                        "in_progress": int(rows["group_in_progress"].iloc[0]),
                    }
                )
            out["groups"] = groups
        return out


def _validate_steps(steps) -> list[str]:
    if isinstance(steps, str):
        steps = [s.strip() for s in steps.split(",") if s.strip()]
    steps = list(steps)
    if len(steps) < 2:
        raise InvalidInputError("a funnel needs at least two steps, e.g. request_submitted,deployed")
    for step in steps:
        if not isinstance(step, str) or not step.strip():
            raise InvalidInputError(f"funnel steps must be event type names, not {step!r}")
    if len(set(steps)) != len(steps):
        raise InvalidInputError(f"funnel steps must be distinct event types, got {', '.join(steps)}")
    return steps


def _breakdown_sql(breakdown: str | None, params: dict) -> tuple[str, str, str]:
    """(aggregate expression for the session's group, extra CTEs, join clause)."""
    if breakdown is None:
        return "NULL", "", ""
    if breakdown in BREAKDOWN_TENANT:
        return "arg_min(tenant_id, ts) FILTER (WHERE k = 1)", "", ""
    if breakdown == "variant":
        return "NULL", f", variants AS ({session_variants_sql('ts <= $now')})", "LEFT JOIN variants USING (session_id)"
    if not _PROPERTY_NAME.match(breakdown):
        raise InvalidInputError(
            f"breakdown must be tenant, variant or an event property name (letters, digits, _ . -), not {breakdown!r}"
        )
    params["prop_path"] = f'$."{breakdown}"'
    return (
        "arg_min(json_extract_string(properties, $prop_path), ts) "
        "FILTER (WHERE json_extract_string(properties, $prop_path) IS NOT NULL)",
        "",
        "",
    )


def funnel(  # noqa: PLR0913 - the funnel query options, keyword-only
    con,
    steps=DEFAULT_STEPS,
    window_days: float = DEFAULT_WINDOW_DAYS,
    strict: bool = False,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tenant: str | None = None,
    breakdown: str | None = None,
    now: datetime | str | None = None,
) -> FunnelResult:
    """The funnel over ``steps`` (see the module docstring for the exact definition)."""
    steps = _validate_steps(steps)
    try:
        window_days = float(window_days)
    except (TypeError, ValueError):
        raise InvalidInputError(f"window_days must be a number of days, not {window_days!r}") from None
    if not window_days > 0:
        raise InvalidInputError(f"window_days must be more than 0, not {window_days}")
    now = resolve_now(now)
    since, until = utc_naive(since, "since"), utc_naive(until, "until")
    n = len(steps)
    where, params = filters(now=now, tenant=tenant)
    params.update(steps=steps, window_us=int(round(window_days * 86_400 * 1_000_000)))
    group_agg, extra_ctes, group_join = _breakdown_sql(breakdown, params)
    extra_cols = "tenant_id, " if breakdown in BREAKDOWN_TENANT else ("properties, " if "prop_path" in params else "")
    entry = []
    if since is not None:
        entry.append("t1 >= $since")
        params["since"] = since
    if until is not None:
        entry.append("t1 < $until")
        params["until"] = until
    entry_where = " AND ".join(entry) or "TRUE"
    lists = ", ".join(f"list(ts) FILTER (WHERE k = {j}) AS l{j}" for j in range(2, n + 1))
    seq = ", list({'t': ts, 'k': k} ORDER BY ts, k) AS seq" if strict else ""
    chain = []
    source = "w"
    for j in range(2, n + 1):
        chain.append(
            f"c{j} AS (SELECT * EXCLUDE (l{j}), "
            f"list_min(list_filter(l{j}, lambda t: t >= t{j - 1} AND t <= deadline)) AS t{j} FROM {source})"
        )
        source = f"c{j}"
    if strict:
        level = (
            "list_reduce(list_transform(list_filter(seq, lambda e: e.t >= t1 AND e.t <= deadline), "
            "lambda e: e.k), lambda acc, x: CASE WHEN acc < 0 THEN acc WHEN x = acc + 1 THEN x "
            "WHEN x = acc THEN acc ELSE -acc END)"
        )
        reached = [f"CASE WHEN abs(chain) >= {j} THEN t{j} END AS t{j}" for j in range(1, n + 1)]
        settled = f"(abs(chain) = {n} OR chain < 0 OR deadline <= $now)"
        level_expr = "abs(chain)"
    else:
        level = "0"
        reached = [f"t{j}" for j in range(1, n + 1)]
        settled = f"(t{n} IS NOT NULL OR deadline <= $now)"
        level_expr = " + ".join(f"(t{j} IS NOT NULL)::INTEGER" for j in range(1, n + 1))
    group_col = "coalesce(variants.variant, '" + NO_VALUE + "')" if breakdown == "variant" else (
        f"coalesce(grp, '{NO_VALUE}')" if breakdown else f"'{NO_VALUE}'"
    )
    step_aggs = []
    for j in range(1, n + 1):
        step_aggs.append(f"count(*) FILTER (WHERE settled AND t{j} IS NOT NULL) AS count_{j}")
        step_aggs.append(f"count(*) FILTER (WHERE NOT settled AND level = {j}) AS in_progress_{j}")
        if j > 1:
            secs = f"date_diff('microsecond', t{j - 1}, t{j}) / 1e6"
            step_aggs.append(f"median({secs}) FILTER (WHERE settled AND t{j} IS NOT NULL) AS median_{j}")
            step_aggs.append(f"avg({secs}) FILTER (WHERE settled AND t{j} IS NOT NULL) AS mean_{j}")
    sql = f"""
        WITH se AS (
            SELECT hash(session_id) AS session_id, ts, {extra_cols}list_position($steps, event_type) AS k
            FROM events
            WHERE event_type IN (SELECT unnest($steps)) AND session_id IS NOT NULL AND {where}
        ), per AS (
            SELECT session_id, min(ts) FILTER (WHERE k = 1) AS t1, {lists}{seq}, {group_agg} AS grp
            FROM se GROUP BY session_id
        ), w AS (
            SELECT *, t1 + to_microseconds($window_us) AS deadline
            FROM per WHERE t1 IS NOT NULL AND {entry_where}
        ){''.join(', ' + c for c in chain)}
        {extra_ctes}
        , chained AS (
            SELECT *, {level} AS chain FROM {source}
        ), sessions_reached AS (
            SELECT {group_col} AS value, deadline, chain, {', '.join(reached)}
            FROM chained {group_join}
        ), judged AS (
            SELECT *, {settled} AS settled, {level_expr} AS level FROM sessions_reached
        )
        SELECT value, count(*) FILTER (WHERE NOT settled) AS group_in_progress, {', '.join(step_aggs)}
        FROM judged GROUP BY value ORDER BY value
    """
    raw = con.execute(sql, params).df()
    groups = _shape(raw, steps)
    if breakdown:
        # medians do not add up across groups: the overall funnel is its own query
        overall = funnel(con, steps, window_days, strict, since, until, tenant, None, now).steps
        overall.insert(0, "value", "*")
        overall.insert(1, "group_in_progress", 0)
    else:
        overall = groups
    in_progress = int(raw["group_in_progress"].sum()) if len(raw) else 0
    return FunnelResult(
        window_days=window_days,
        strict=strict,
        step_names=steps,
        steps=overall.drop(columns=["value", "group_in_progress"]),
        in_progress=in_progress,
        breakdown=breakdown,
        groups=groups if breakdown else pd.DataFrame(),
    )


def _shape(raw: pd.DataFrame, steps: list[str]) -> pd.DataFrame:
    """From one wide row per group to one row per (group, step) with rates."""
    rows = []
    if raw.empty:
        raw = pd.DataFrame([{"value": NO_VALUE, "group_in_progress": 0}])
    for rec in raw.to_dict(orient="records"):
        first = int(rec.get("count_1", 0) or 0)
        previous = first
        for j, name in enumerate(steps, start=1):
            count = int(rec.get(f"count_{j}", 0) or 0)
            nxt = int(rec.get(f"count_{j + 1}", 0) or 0) if j < len(steps) else None
            rows.append(
                {
                    "value": rec["value"],
                    "group_in_progress": int(rec.get("group_in_progress", 0) or 0),
                    "step": j,
                    "name": name,
                    "count": count,
                    "overall_rate": count / first if first else None,
                    "step_rate": (count / previous if previous else None) if j > 1 else (1.0 if first else None),
                    "median_seconds_to_convert": _float(rec.get(f"median_{j}")) if j > 1 else None,
                    "mean_seconds_to_convert": _float(rec.get(f"mean_{j}")) if j > 1 else None,
                    "dropped_off": count - nxt if nxt is not None else 0,
                    "in_progress": int(rec.get(f"in_progress_{j}", 0) or 0),
                }
            )
            previous = count
    return pd.DataFrame(rows)


def _float(value):
    if value is None or pd.isna(value):
        return None
    return float(value)


def conversion(
    con,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    tenant: str | None = None,
    now: datetime | str | None = None,
    window_days: float = DEFAULT_WINDOW_DAYS,
) -> Conversion:
    """The default funnel's headline for sessions whose first request falls in ``[since, until)``.

    The one definition of "conversion" every page uses: the Overview's key
    figures, the Funnel page, the daily report.
    """
    return funnel(con, DEFAULT_STEPS, window_days, since=since, until=until, tenant=tenant, now=now).conversion()


def conversions(
    con,
    spans: list[tuple[datetime, datetime]],
    tenant: str | None = None,
    now: datetime | str | None = None,
    window_days: float = DEFAULT_WINDOW_DAYS,
) -> list[Conversion]:
    """:func:`conversion` for several ``(since, until)`` spans in one pass over the events.

    Each span is judged as of its own ``until`` (the Overview compares a
    window with the one before it as that one stood at its end). One pass is
    enough because the default funnel takes the earliest event of each step:
    the times a session reached its steps, read from every event up to
    ``now``, are the ones it had reached by any earlier moment, so a session
    had converted by ``until`` exactly when it reached the last step no later.
    Equal to calling :func:`conversion` per span (a test checks it).
    """
    if not spans:
        return []
    now = resolve_now(now)
    steps = list(DEFAULT_STEPS)
    n = len(steps)
    where, params = filters(now=now, tenant=tenant)
    params.update(steps=steps, window_us=int(round(float(window_days) * 86_400 * 1_000_000)),
                  lo=min(utc_naive(a, "since") for a, _b in spans))
    lists = ", ".join(f"list(ts) FILTER (WHERE k = {j}) AS l{j}" for j in range(2, n + 1))
    chain, source = [], "w"
    for j in range(2, n + 1):
        chain.append(f"c{j} AS (SELECT * EXCLUDE (l{j}), "
                     f"list_min(list_filter(l{j}, lambda t: t >= t{j - 1} AND t <= deadline)) AS t{j} FROM {source})")
        source = f"c{j}"
    reached = con.execute(
        f"""
        WITH se AS (
            SELECT session_id, ts, list_position($steps, event_type) AS k
            FROM events
            WHERE event_type IN (SELECT unnest($steps)) AND session_id IS NOT NULL AND {where}
        ), per AS (
            SELECT session_id, min(ts) FILTER (WHERE k = 1) AS t1, {lists} FROM se GROUP BY session_id
        ), w AS (
            SELECT *, t1 + to_microseconds($window_us) AS deadline FROM per WHERE t1 >= $lo
        ), {', '.join(chain)}
        SELECT t1, t{n} AS converted_at, deadline FROM {source}
        """,
        params,
    ).df()
    out = []
    for since, until in spans:
        since, until = utc_naive(since, "since"), utc_naive(until, "until")
        moment = min(until, now)
        entered = reached[(reached["t1"] >= since) & (reached["t1"] < until) & (reached["t1"] <= moment)]
        converted = entered["converted_at"].notna() & (entered["converted_at"] <= moment)
        settled = converted | (entered["deadline"] <= moment)
        out.append(Conversion(entered=len(entered), settled=int(settled.sum()), converted=int(converted.sum()),
                              in_progress=int((~settled).sum()), window_days=float(window_days)))
    return out
