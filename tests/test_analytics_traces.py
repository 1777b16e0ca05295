"""Build traces as tables: slowest and costliest builds, time per stage, within the dashboards' filters."""

from __future__ import annotations

import pytest

from faibric_kernel.analytics import build_traces, span_seconds
from faibric_kernel.analytics.testing import insert_events

NOW = "2026-03-20T12:00:00"


def trace(ts, session, seconds, cost, *, tenant="default", spans=None, outcome="ok"):
    spans = spans or [{"name": "generate", "seconds": seconds * 0.75}, {"name": "bundle", "seconds": seconds * 0.25}]
    return {"ts": ts, "session_id": session, "tenant_id": tenant, "event_type": "build_traced",
            "properties": {"trace_id": f"t-{session}", "kind": "build", "variant": "A", "outcome": outcome,
                           "seconds": seconds, "cost_usd": cost, "calls": 1, "input_tokens": 100,
                           "output_tokens": 50, "spans": spans}}


@pytest.fixture
def traced(fresh_db):
    insert_events(fresh_db, [
        trace("2026-03-10T10:00:00", "fast", 2.0, 0.30),
        trace("2026-03-11T10:00:00", "slow", 40.0, 0.05),
        trace("2026-03-12T10:00:00", "other-tenant", 90.0, 0.90, tenant="acme"),
        trace("2026-03-01T10:00:00", "last-month", 120.0, 2.00),
        {"ts": "2026-03-11T10:00:00", "session_id": "slow", "event_type": "deployed"},
    ])
    return fresh_db


def test_the_slowest_build_comes_first_with_its_slowest_stage(traced):
    rows = build_traces(traced, since="2026-03-05", tenant="default", now=NOW)
    assert list(rows["session_id"]) == ["slow", "fast"]
    assert rows.iloc[0]["slowest_span"] == "generate" and rows.iloc[0]["slowest_span_seconds"] == 30.0
    assert rows.iloc[0]["tokens"] == 150


def test_the_costliest_build_comes_first_when_ordered_by_cost(traced):
    rows = build_traces(traced, since="2026-03-05", tenant="default", now=NOW, order="cost")
    assert list(rows["session_id"]) == ["fast", "slow"]


def test_one_sessions_traces(traced):
    assert list(build_traces(traced, session_id="fast", now=NOW)["session_id"]) == ["fast"]


def test_an_unknown_order_is_refused(traced):
    with pytest.raises(ValueError):
        build_traces(traced, order="tokens")


def test_time_per_stage_over_the_range(traced):
    stages = span_seconds(traced, since="2026-03-05", tenant="default", now=NOW).set_index("stage")
    assert stages.loc["generate", "builds"] == 2
    assert stages.loc["generate", "mean_seconds"] == pytest.approx((1.5 + 30.0) / 2)
    assert stages.loc["bundle", "median_seconds"] == pytest.approx((0.5 + 10.0) / 2)
    assert list(stages.index) == ["generate", "bundle"]  # where the time goes, most first


def test_no_traces_is_an_empty_table(fresh_db):
    assert build_traces(fresh_db, now=NOW).empty and span_seconds(fresh_db, now=NOW).empty
