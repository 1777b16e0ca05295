"""seed-demo: a deterministic, realistic history written through the spool and ingest."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pytest

from faibric_kernel.demo import build_history, seed_demo
from faibric_kernel.store.spool import SEGMENT_SUFFIX

END = datetime(2026, 3, 20, 12, 0, 0)


@pytest.fixture(scope="module")
def history():
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone='UTC'")
    counts = build_history(con, sessions=3000, days=60, seed=7, end=END)
    yield con, counts
    con.close()


def scalar(con, sql):
    return con.execute(sql).fetchall()[0][0]


def test_the_same_seed_gives_the_same_history():
    tables = []
    for _ in range(2):
        con = duckdb.connect(":memory:")
        con.execute("SET TimeZone='UTC'")
        build_history(con, sessions=300, days=30, seed=11, end=END)
        tables.append(con.execute("SELECT * FROM demo_events ORDER BY event_id").fetchall())
        con.close()
    assert tables[0] == tables[1]


def test_another_seed_gives_another_history():
    ids = []
    for seed in (1, 2):
        con = duckdb.connect(":memory:")
        build_history(con, sessions=50, days=10, seed=seed, end=END)
        ids.append({r[0] for r in con.execute("SELECT event_id FROM demo_events").fetchall()})
        con.close()
    assert not ids[0] & ids[1]


def test_nothing_is_later_than_the_end_and_all_is_within_the_days(history):
    con, _ = history
    end_us = int((END - datetime(1970, 1, 1)).total_seconds() * 1e6)
    assert scalar(con, "SELECT max(ts) FROM demo_events") <= end_us
    assert scalar(con, "SELECT min(ts) FROM demo_events") >= end_us - 60 * 86_400 * 1_000_000


def test_the_funnel_drops_off_step_by_step(history):
    con, counts = history
    by_type = dict(con.execute("SELECT event_type, count(DISTINCT session_id) FROM demo_events GROUP BY 1").fetchall())
    steps = [by_type[s] for s in ("request_submitted", "email_provided", "verified", "build_started", "deployed")]
    assert steps[0] == counts["sessions"] == 3000
    assert all(a > b for a, b in zip(steps, steps[1:], strict=False))


def test_customers_come_back_and_some_work_in_two_tenants(history):
    con, _ = history
    returning = scalar(con, "SELECT count(*) FROM (SELECT actor FROM demo_events WHERE actor IS NOT NULL "
                            "GROUP BY actor HAVING count(DISTINCT session_id) > 1)")
    two_tenants = scalar(con, "SELECT count(*) FROM (SELECT actor FROM demo_events WHERE actor IS NOT NULL "
                              "GROUP BY actor HAVING count(DISTINCT tenant_id) > 1)")
    assert returning > 100
    assert two_tenants > 0
    assert scalar(con, "SELECT count(DISTINCT tenant_id) FROM demo_events") >= 4


def test_calls_span_models_and_purposes_with_errors_and_a_few_unpriced(history):
    con, _ = history
    models = {r[0] for r in con.execute("SELECT DISTINCT model FROM demo_api_calls").fetchall()}
    purposes = {r[0] for r in con.execute("SELECT DISTINCT purpose FROM demo_api_calls").fetchall()}
    assert {"claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-4-6"} <= models
    assert {"classify", "generate", "fix", "modify"} <= purposes
    unpriced = con.execute("SELECT DISTINCT model FROM demo_api_calls WHERE cost_usd IS NULL").fetchall()
    assert unpriced == [("claude-experimental-0",)]
    assert scalar(con, "SELECT count(*) FROM demo_api_calls WHERE status = 'error' AND error_type IS NOT NULL") > 0
    assert scalar(con, "SELECT count(*) FROM demo_api_calls WHERE cache_read_input_tokens > 0") > 0


def test_feedback_reuse_variants_urls_and_modifications_are_there(history):
    con, _ = history

    def props(event_type):
        return [json.loads(r[0]) for r in con.execute(
            "SELECT properties FROM demo_events WHERE event_type = ?", [event_type]).fetchall()]

    ratings = {p["rating"] for p in props("feedback_submitted")}
    assert ratings == {1, 2, 3, 4, 5}
    assert all(p["comment"] for p in props("feedback_submitted"))
    reuse = props("library_reused")
    assert reuse and all(p["est_tokens_saved"] > 0 and p["est_cost_saved"] > 0 for p in reuse)
    assert {p["variant"] for p in props("request_submitted")} == {"A", "B"}
    assert all(p["url"].startswith("https://") for p in props("deployed"))
    assert props("modification_requested") and props("modification_applied")
    assert props("error") and props("deploy_failed") and props("validation_failed")


def test_seed_demo_goes_through_the_spool_and_ingest_and_fills_sessions(workspace):
    from faibric_kernel.store import read_connection

    report = seed_demo(sessions=200, days=20, seed=3, end=END)
    assert report.added["events"] == report.events > 0
    with read_connection() as con:
        assert scalar(con, "SELECT count(*) FROM events") == report.events
        assert scalar(con, "SELECT count(*) FROM api_calls") == report.api_calls
        assert scalar(con, "SELECT count(*) FROM sessions") == 200
        statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM sessions").fetchall()}
    assert "deployed" in statuses and "request_submitted" in statuses
    archived = list((workspace / "spool" / "archive" / "events").rglob(f"*{SEGMENT_SUFFIX}"))
    assert archived, "the demo history went through spool segments"


def test_seeding_twice_adds_nothing(workspace):
    from faibric_kernel.store import read_connection

    first = seed_demo(sessions=100, days=10, seed=5, end=END)
    second = seed_demo(sessions=100, days=10, seed=5, end=END)
    assert second.added == {"events": 0, "api_calls": 0}
    with read_connection() as con:
        assert scalar(con, "SELECT count(*) FROM events") == first.events
