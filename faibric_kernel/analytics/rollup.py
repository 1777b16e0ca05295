"""A per-session, per-day activity rollup that keeps retention and lifecycle fast at millions of events.

``activity_daily`` holds one row per (session key, UTC day, tenant): how many
events, the first and last event time, and the first email seen that day in
that session (the stitching input of :func:`._common.session_emails_sql`).
Retention and lifecycle only need "which customer was active in which
period", so reading ~1 row per session-day instead of every event makes them
several times faster.

It is kept up to date by ingest (:func:`after_ingest`, run by
``faibric_kernel.store.ingest`` after each load commits): the events table is
append-only, so the rows not yet rolled up are those past
``activity_daily_state.covered_rows`` (DuckDB numbers appended rows in
order), and each refresh folds them in with an upsert. A refresh that fails
never stops ingest: readers then see the rollup lagging and compute from the
events instead. :func:`rollup_rows_sql` uses the rollup when it covers every
stored event; it answers exactly as of any ``now`` (see there). Rows still in
the spool are rolled up on the fly and added.
"""

from __future__ import annotations

from datetime import datetime

from ._common import has_table, keyed_events_sql

__all__ = ["DDL", "after_ingest", "refresh_activity", "rollup_rows_sql"]

DDL = """
    CREATE TABLE IF NOT EXISTS activity_daily (
        skey UBIGINT NOT NULL,
        day DATE NOT NULL,
        tenant_id VARCHAR NOT NULL,
        events BIGINT NOT NULL,
        first_ts TIMESTAMP NOT NULL,
        last_ts TIMESTAMP NOT NULL,
        email VARCHAR,
        email_ts TIMESTAMP,
        PRIMARY KEY (skey, day, tenant_id)
    );
    CREATE TABLE IF NOT EXISTS activity_daily_state (
        id INTEGER PRIMARY KEY,
        covered_rows BIGINT NOT NULL,
        refreshed_at TIMESTAMP
    );
"""


_COLUMNS = (
    "ts, tenant_id, CASE WHEN contains(actor, '@') THEN actor WHEN event_type = 'email_provided' "
    "THEN json_extract_string(properties, '$.email') END AS em"
)


def _aggregate_sql(source: str, extra: str = "TRUE") -> str:
    """Rollup rows of the events in ``source`` (filtered by ``extra``)."""
    return f"""
        SELECT skey, CAST(ts AS DATE) AS day, tenant_id, count(*) AS events, min(ts) AS first_ts,
               max(ts) AS last_ts,
               lower(trim(arg_min(em, ts) FILTER (WHERE contains(em, '@')))) AS email,
               min(ts) FILTER (WHERE contains(em, '@')) AS email_ts
        FROM ({keyed_events_sql(_COLUMNS, "TRUE", extra, source)})
        GROUP BY ALL
    """


def _stored_events(con) -> str:
    """The events *table* (read connections shadow ``events`` with a view that adds spooled rows).

    With a lake attached it is the lake's, which holds every host's events: each host keeps its own
    rollup of them in its DuckDB file (see ``store.ingest._ingest_to_lake`` for why).
    """
    from ..store.lake import stored_table

    return stored_table(con, "events")


def refresh_activity(con, *, rebuild: bool = False) -> int:
    """Fold the events not yet rolled up into ``activity_daily``; returns how many events were added.

    ``con`` must be a read-write connection. ``rebuild=True`` starts over
    (also done on its own when the events table shrank).
    """
    con.execute(DDL)
    con.execute("BEGIN TRANSACTION")
    try:
        state = con.execute("SELECT covered_rows FROM activity_daily_state WHERE id = 1").fetchall()
        covered = int(state[0][0]) if state else 0
        table = _stored_events(con)
        total = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
        if rebuild or total < covered:
            con.execute("DELETE FROM activity_daily")
            covered = 0
        if total > covered:
            con.execute(
                f"""
                INSERT INTO activity_daily BY NAME ({_aggregate_sql(table, f'rowid >= {covered}')})
                ON CONFLICT (skey, day, tenant_id) DO UPDATE SET
                    events = activity_daily.events + EXCLUDED.events,
                    first_ts = least(activity_daily.first_ts, EXCLUDED.first_ts),
                    last_ts = greatest(activity_daily.last_ts, EXCLUDED.last_ts),
                    email = CASE WHEN activity_daily.email_ts IS NULL
                                      OR EXCLUDED.email_ts < activity_daily.email_ts
                                 THEN EXCLUDED.email ELSE activity_daily.email END,
                    email_ts = CASE WHEN activity_daily.email_ts IS NULL
                                         OR EXCLUDED.email_ts < activity_daily.email_ts
                                    THEN EXCLUDED.email_ts ELSE activity_daily.email_ts END
                """
            )
        con.execute(
            "INSERT OR REPLACE INTO activity_daily_state (id, covered_rows, refreshed_at) "
            "VALUES (1, ?, current_timestamp::TIMESTAMP)",
            [total],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return total - covered


def after_ingest(con, report) -> None:
    """The ingest hook: bring the rollup up to date (also after events were stored by other means)."""
    if report.added.get("events", 0) or not _state_exists(con):
        refresh_activity(con)
        return
    covered = con.execute("SELECT covered_rows FROM activity_daily_state WHERE id = 1").fetchall()
    total = con.execute(f"SELECT count(*) FROM {_stored_events(con)}").fetchall()[0][0]
    if not covered or covered[0][0] != total:
        refresh_activity(con)


def _state_exists(con) -> bool:
    return has_table(con, "activity_daily_state")


def _pending_source(con) -> str | None:
    """The spooled events a read connection shows (see ``store.spool.attach_pending``), as table-shaped SQL."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = '_pending_events' AND temporary"
    ).fetchall()[0][0]
    if not found:
        return None
    from ..store.schema import select_sql

    return f"({select_sql('events', '_pending_events')})"


def rollup_rows_sql(con, now: datetime, tenant: str | None, params: dict) -> str | None:
    """SQL of rollup rows ``(skey, day, tenant_id, email, email_ts)`` as of ``now``, or None.

    None means: compute from the events (the rollup is missing or lags behind
    the events table). The rows answer exactly as of any ``now``: a row of
    the day of ``now`` counts when its first event is at or before ``now``,
    and its email only when that email was seen by ``now``.
    """
    if not _state_exists(con):
        return None
    covered = con.execute("SELECT covered_rows FROM activity_daily_state WHERE id = 1").fetchall()
    total = con.execute(f"SELECT count(*) FROM {_stored_events(con)}").fetchall()[0][0]
    if not covered or covered[0][0] != total:
        return None
    params["now"] = now
    where = "day <= CAST($now AS DATE) AND first_ts <= $now"
    if tenant is not None:
        where += " AND tenant_id = $tenant"
        params["tenant"] = tenant
    columns = ("skey, day, tenant_id, CASE WHEN email_ts <= $now THEN email END AS email, "
               "CASE WHEN email_ts <= $now THEN email_ts END AS email_ts")
    sql = f"SELECT {columns} FROM activity_daily WHERE {where}"
    pending = _pending_source(con)
    if pending is not None:
        sql += f" UNION ALL SELECT {columns} FROM ({_aggregate_sql(pending)}) WHERE {where}"
    return sql
