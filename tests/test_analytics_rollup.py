"""The daily activity rollup: the same answers as the events, kept current by ingest, never in the way."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from faibric_kernel.analytics import lifecycle, retention
from faibric_kernel.analytics.rollup import refresh_activity, rollup_rows_sql
from faibric_kernel.demo import build_history
from faibric_kernel.store.schema import select_sql

END = datetime(2026, 3, 20, 12, 0, 0)
LATER = END + timedelta(days=3)


def load_demo(con, sessions=800, seed=2):
    build_history(con, sessions=sessions, days=70, seed=seed, end=END)
    con.execute(f"INSERT INTO events {select_sql('events', 'demo_events')} ORDER BY ts")


def rollup_rows(con):
    return con.execute("SELECT * EXCLUDE (events) FROM activity_daily ORDER BY ALL").fetchall(), con.execute(
        "SELECT sum(events) FROM activity_daily").fetchall()[0][0]


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_retention_from_the_rollup_equals_retention_from_the_events(fresh_db, period):
    load_demo(fresh_db)
    from_events = retention(fresh_db, period, now=LATER).to_dict()
    refresh_activity(fresh_db)
    assert rollup_rows_sql(fresh_db, LATER, None, {}) is not None
    assert retention(fresh_db, period, now=LATER).to_dict() == from_events
    assert retention(fresh_db, period, cumulative=True, now=LATER).to_dict() == retention(
        fresh_db, period, cumulative=True, now=LATER, tenant=None).to_dict()


def test_lifecycle_and_tenant_filter_from_the_rollup_equal_the_events(fresh_db):
    load_demo(fresh_db)
    before = (lifecycle(fresh_db, "week", now=LATER), retention(fresh_db, "week", tenant="acme", now=LATER).to_dict())
    refresh_activity(fresh_db)
    after = (lifecycle(fresh_db, "week", now=LATER), retention(fresh_db, "week", tenant="acme", now=LATER).to_dict())
    assert before[0].equals(after[0])
    assert before[1] == after[1]


def test_an_incremental_refresh_equals_a_rebuild(fresh_db):
    build_history(fresh_db, sessions=500, days=40, seed=5, end=END)
    cut = int((END - timedelta(days=10) - datetime(1970, 1, 1)).total_seconds() * 1e6)
    fresh_db.execute(f"INSERT INTO events {select_sql('events', f'(SELECT * FROM demo_events WHERE ts < {cut})')}")
    refresh_activity(fresh_db)
    fresh_db.execute(f"INSERT INTO events {select_sql('events', f'(SELECT * FROM demo_events WHERE ts >= {cut})')}")
    added = refresh_activity(fresh_db)
    assert added == fresh_db.execute(f"SELECT count(*) FROM demo_events WHERE ts >= {cut}").fetchall()[0][0]
    incremental = rollup_rows(fresh_db)
    refresh_activity(fresh_db, rebuild=True)
    assert rollup_rows(fresh_db) == incremental


@pytest.mark.parametrize("hours_back", [0, 5, 12])
def test_the_rollup_answers_exactly_as_of_a_time_in_the_middle_of_the_data(fresh_db, hours_back):
    load_demo(fresh_db, sessions=600)
    earlier = END - timedelta(days=20, hours=hours_back)  # in the middle of a day, and at midnight
    before = (retention(fresh_db, "day", now=earlier).to_dict(), lifecycle(fresh_db, "week", now=earlier))
    refresh_activity(fresh_db)
    assert rollup_rows_sql(fresh_db, earlier, None, {}) is not None
    after = (retention(fresh_db, "day", now=earlier).to_dict(), lifecycle(fresh_db, "week", now=earlier))
    assert after[0] == before[0]
    assert after[1].equals(before[1])


def test_emails_first_seen_after_now_are_not_used_by_the_rollup(fresh_db):
    from faibric_kernel.analytics.testing import insert_events

    insert_events(fresh_db, [
        ("2026-03-02T09:00:00", "s1", "request_submitted"),
        ("2026-03-02T15:00:00", "s1", "email_provided", "a@x.io"),
        ("2026-03-02T10:00:00", "s2", "request_submitted", "a@x.io"),
    ])
    refresh_activity(fresh_db)
    # at noon, s1 has no email yet: two customers; by night, one
    assert retention(fresh_db, "week", now="2026-03-02T12:00").to_dict()["cohorts"][0]["size"] == 2
    assert retention(fresh_db, "week", now="2026-03-02T23:00").to_dict()["cohorts"][0]["size"] == 1


def test_a_lagging_rollup_is_not_used(fresh_db):
    load_demo(fresh_db, sessions=100)
    refresh_activity(fresh_db)
    fresh_db.execute("INSERT INTO events SELECT * FROM events LIMIT 5")  # stored but not rolled up
    assert rollup_rows_sql(fresh_db, LATER, None, {}) is None


def test_a_shrunken_events_table_is_rolled_up_again(fresh_db):
    load_demo(fresh_db, sessions=200)
    refresh_activity(fresh_db)
    fresh_db.execute("DELETE FROM events WHERE tenant_id = 'acme'")
    refresh_activity(fresh_db)
    assert fresh_db.execute("SELECT count(*) FROM activity_daily WHERE tenant_id = 'acme'").fetchall()[0][0] == 0
    assert rollup_rows(fresh_db)[1] == fresh_db.execute("SELECT count(*) FROM events").fetchall()[0][0]


def test_ingest_keeps_the_rollup_current_and_spooled_events_still_count(workspace):
    from faibric_kernel.store import ingest, read_connection, record_events

    record_events([
        {"event_type": "request_submitted", "session_id": "s1", "actor": "a@x.io", "ts": datetime(2026, 3, 2, 9)},
        {"event_type": "request_submitted", "session_id": "s2", "actor": "b@x.io", "ts": datetime(2026, 3, 3, 9)},
    ])
    report = ingest()
    assert "hook_errors" not in report.to_dict()
    with read_connection() as con:
        assert con.execute("SELECT covered_rows FROM activity_daily_state").fetchall() == [(2,)]
    # a@x.io comes back; the event is still in the spool
    record_events([{"event_type": "request_submitted", "session_id": "s3", "actor": "a@x.io",
                    "ts": datetime(2026, 3, 10, 9)}])
    with read_connection() as con:
        assert rollup_rows_sql(con, END, None, {}) is not None
        doc = retention(con, "week", now=END).to_dict()
    assert doc["cohorts"] == [{"cohort": "2026-03-02", "size": 2, "retention": [1.0, 0.5, None]}]


def test_a_failing_hook_never_stops_ingest(workspace, monkeypatch):
    import importlib

    from faibric_kernel.store import read_connection, record_events

    ingest_module = importlib.import_module("faibric_kernel.store.ingest")

    monkeypatch.setattr(ingest_module, "POST_INGEST_HOOKS", ["faibric_kernel.analytics.rollup:no_such_hook"])
    record_events([{"event_type": "verified", "session_id": "s1", "ts": datetime(2026, 3, 2, 9)}])
    report = ingest_module.ingest()
    assert report.added["events"] == 1
    assert report.hook_errors and "no_such_hook" in report.hook_errors[0]
    with read_connection() as con:
        assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 1


def test_the_next_ingest_catches_up_with_events_stored_another_way(workspace):
    from faibric_kernel.analytics.testing import insert_events
    from faibric_kernel.store import ingest, read_connection, write_connection

    ingest()
    with write_connection() as con:
        insert_events(con, [("2026-03-02T09:00:00", "s1", "verified", "a@x.io")])
    with read_connection() as con:
        assert rollup_rows_sql(con, END, None, {}) is None  # lagging: computed from the events
    ingest()  # nothing new in the spool, but the rollup is brought up to date
    with read_connection() as con:
        assert rollup_rows_sql(con, END, None, {}) is not None
