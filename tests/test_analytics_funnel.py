"""Funnel: hand-made sessions whose answers are worked out here, one behaviour per test."""

from __future__ import annotations

import pandas as pd
import pytest

from faibric_kernel.analytics import funnel
from faibric_kernel.analytics.testing import insert_events
from faibric_kernel.errors import InvalidInputError

NOW = "2026-03-20T12:00:00"
TWO = ["request_submitted", "deployed"]
THREE = ["request_submitted", "email_provided", "verified"]


def counts(result):
    return list(result.steps["count"])


def test_counts_rates_and_median_time_between_steps(fresh_db):
    insert_events(fresh_db, [
        # s1 goes all the way
        ("2026-03-01T10:00:00", "s1", "request_submitted"),
        ("2026-03-01T10:01:00", "s1", "email_provided", "a@x.io"),
        ("2026-03-01T10:05:00", "s1", "verified", "a@x.io"),
        ("2026-03-01T10:06:00", "s1", "build_started", "a@x.io"),
        ("2026-03-01T10:10:00", "s1", "deployed", "a@x.io"),
        # s2 stops after the email
        ("2026-03-01T10:00:00", "s2", "request_submitted"),
        ("2026-03-01T10:02:00", "s2", "email_provided", "b@x.io"),
        # s3 only asks
        ("2026-03-02T10:00:00", "s3", "request_submitted"),
        # s4 builds but never deploys
        ("2026-03-03T10:00:00", "s4", "request_submitted"),
        ("2026-03-03T10:05:00", "s4", "email_provided", "d@x.io"),
        ("2026-03-03T10:06:00", "s4", "verified", "d@x.io"),
        ("2026-03-03T10:07:00", "s4", "build_started", "d@x.io"),
    ])
    result = funnel(fresh_db, now=NOW)
    assert counts(result) == [4, 3, 2, 2, 1]
    assert list(result.steps["overall_rate"]) == [1.0, 0.75, 0.5, 0.5, 0.25]
    assert list(result.steps["step_rate"]) == pytest.approx([1.0, 0.75, 2 / 3, 1.0, 0.5])
    # email after request: s1 60 s, s2 120 s, s4 300 s
    step2 = result.steps.iloc[1]
    assert step2["median_seconds_to_convert"] == 120
    assert step2["mean_seconds_to_convert"] == pytest.approx(160)
    assert pd.isna(result.steps.iloc[0]["median_seconds_to_convert"])
    assert result.to_dict()["steps"][0]["median_seconds_to_convert"] is None
    assert list(result.steps["dropped_off"]) == [1, 1, 0, 1, 0]
    assert result.in_progress == 0


def test_events_out_of_order_use_the_earliest_event_after_the_previous_step(fresh_db):
    # inserted newest first; "verified" also happens before the email, which must not count
    insert_events(fresh_db, [
        ("2026-03-01T10:05:00", "s1", "verified", "a@x.io"),
        ("2026-03-01T10:02:00", "s1", "email_provided", "a@x.io"),
        ("2026-03-01T10:01:00", "s1", "verified", "a@x.io"),
        ("2026-03-01T10:00:00", "s1", "request_submitted"),
        # s2: verified only before the email, so it stops at step 2
        ("2026-03-01T11:02:00", "s2", "email_provided", "b@x.io"),
        ("2026-03-01T11:01:00", "s2", "verified", "b@x.io"),
        ("2026-03-01T11:00:00", "s2", "request_submitted"),
    ])
    result = funnel(fresh_db, THREE, now=NOW)
    assert counts(result) == [2, 2, 1]
    # s1 reached "verified" at 10:05, three minutes after its email
    assert result.steps.iloc[2]["median_seconds_to_convert"] == 180


def test_an_event_exactly_at_the_window_end_counts_and_one_microsecond_later_does_not(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-01T10:00:00", "on_edge", "request_submitted"),
        ("2026-03-15T10:00:00", "on_edge", "deployed"),
        ("2026-03-01T10:00:00", "too_late", "request_submitted"),
        ("2026-03-15T10:00:00.000001", "too_late", "deployed"),
    ])
    result = funnel(fresh_db, TWO, window_days=14, now=NOW)
    assert counts(result) == [2, 1]


def test_the_window_is_measured_from_the_first_step_one_event(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-01T10:00:00", "s1", "request_submitted"),
        ("2026-03-10T10:00:00", "s1", "request_submitted"),
        ("2026-03-16T10:00:00", "s1", "deployed"),  # 15 days after the first request
    ])
    result = funnel(fresh_db, TWO, window_days=14, now=NOW)
    assert counts(result) == [1, 0]


def test_sessions_whose_window_is_still_open_are_in_progress_not_drop_offs(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-01T10:00:00", "old_drop", "request_submitted"),  # window closed on 03-15: a drop-off
        ("2026-03-10T10:00:00", "open", "request_submitted"),  # window open until 03-24
        ("2026-03-10T10:00:00", "open_done", "request_submitted"),
        ("2026-03-11T10:00:00", "open_done", "deployed"),  # finished, so settled
    ])
    result = funnel(fresh_db, TWO, window_days=14, now=NOW)
    assert counts(result) == [2, 1]
    assert result.in_progress == 1
    assert list(result.steps["in_progress"]) == [1, 0]
    assert list(result.steps["dropped_off"]) == [1, 0]


def test_a_window_that_ends_exactly_now_is_settled(fresh_db):
    insert_events(fresh_db, [("2026-03-06T12:00:00", "s1", "request_submitted")])
    assert funnel(fresh_db, TWO, window_days=14, now=NOW).in_progress == 0
    assert funnel(fresh_db, TWO, window_days=14, now="2026-03-20T11:59:59").in_progress == 1


def test_events_after_now_are_not_seen(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-01T10:00:00", "s1", "request_submitted"),
        ("2026-03-02T10:00:00", "s1", "deployed"),
    ])
    assert counts(funnel(fresh_db, TWO, now="2026-03-01T12:00:00")) == [0, 0]
    assert counts(funnel(fresh_db, TWO, now=NOW)) == [1, 1]


def test_strict_mode_stops_at_an_out_of_order_step_and_allows_repeats(fresh_db):
    insert_events(fresh_db, [
        # x: request, then verified before the email: strict stops at step 1
        ("2026-03-18T10:00:00", "x", "request_submitted"),
        ("2026-03-18T10:01:00", "x", "verified", "x@x.io"),
        ("2026-03-18T10:02:00", "x", "email_provided", "x@x.io"),
        ("2026-03-18T10:03:00", "x", "verified", "x@x.io"),
        # y: a repeated request is fine
        ("2026-03-18T11:00:00", "y", "request_submitted"),
        ("2026-03-18T11:01:00", "y", "request_submitted"),
        ("2026-03-18T11:02:00", "y", "email_provided", "y@x.io"),
        ("2026-03-18T11:03:00", "y", "verified", "y@x.io"),
    ])
    loose = funnel(fresh_db, THREE, now=NOW)
    strict = funnel(fresh_db, THREE, strict=True, now=NOW)
    assert counts(loose) == [2, 2, 2]
    assert counts(strict) == [2, 1, 1]
    # x's window is still open, but a broken chain cannot progress: it is settled, not in progress
    assert strict.in_progress == 0


def test_since_and_until_select_sessions_by_their_entry_time(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-01T10:00:00", "early", "request_submitted"),
        ("2026-03-05T10:00:00", "middle", "request_submitted"),
        ("2026-03-06T10:00:00", "middle", "deployed"),  # after `until`, still counts
        ("2026-03-06T00:00:00", "late", "request_submitted"),  # exactly at `until`: excluded
    ])
    result = funnel(fresh_db, TWO, since="2026-03-03", until="2026-03-06", now=NOW)
    assert counts(result) == [1, 1]


def test_tenant_filter_and_breakdown_by_tenant(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-01T10:00:00", "a1", "request_submitted", None, "acme"),
        ("2026-03-01T11:00:00", "a1", "deployed", "a@x.io", "acme"),
        ("2026-03-01T10:00:00", "a2", "request_submitted", None, "acme"),
        ("2026-03-01T10:00:00", "g1", "request_submitted", None, "globex"),
    ])
    assert counts(funnel(fresh_db, TWO, tenant="acme", now=NOW)) == [2, 1]
    result = funnel(fresh_db, TWO, breakdown="tenant", now=NOW)
    assert counts(result) == [3, 1]
    by = {v: list(rows["count"]) for v, rows in result.groups.groupby("value")}
    assert by == {"acme": [2, 1], "globex": [1, 0]}
    doc = result.to_dict()
    assert [g["value"] for g in doc["groups"]] == ["acme", "globex"]


def test_breakdown_by_variant_uses_event_property_then_the_sessions_table(fresh_db):
    insert_events(fresh_db, [
        {"ts": "2026-03-01T10:00:00", "session_id": "s1", "event_type": "request_submitted",
         "properties": {"variant": "B"}},
        {"ts": "2026-03-01T10:00:00", "session_id": "s2", "event_type": "request_submitted"},
        {"ts": "2026-03-01T10:30:00", "session_id": "s2", "event_type": "deployed"},
        {"ts": "2026-03-01T10:00:00", "session_id": "s3", "event_type": "request_submitted"},
    ])
    fresh_db.execute(
        "INSERT INTO sessions (session_id, status, variant, created_at, updated_at) VALUES "
        "('s2', 'deployed', 'A', TIMESTAMP '2026-03-01 10:00:00', TIMESTAMP '2026-03-01 10:30:00')"
    )
    result = funnel(fresh_db, TWO, breakdown="variant", now=NOW)
    by = {v: list(rows["count"]) for v, rows in result.groups.groupby("value")}
    assert by == {"A": [1, 1], "B": [1, 0], "(none)": [1, 0]}


def test_breakdown_by_an_event_property(fresh_db):
    insert_events(fresh_db, [
        {"ts": "2026-03-01T10:00:00", "session_id": "s1", "event_type": "request_submitted",
         "properties": {"source": "ads"}},
        {"ts": "2026-03-01T10:00:00", "session_id": "s2", "event_type": "request_submitted",
         "properties": {"source": "organic"}},
        {"ts": "2026-03-01T10:05:00", "session_id": "s2", "event_type": "deployed"},
    ])
    result = funnel(fresh_db, TWO, breakdown="source", now=NOW)
    by = {v: list(rows["count"]) for v, rows in result.groups.groupby("value")}
    assert by == {"ads": [1, 0], "organic": [1, 1]}


def test_an_empty_store_gives_zero_counts_and_no_rates(fresh_db):
    result = funnel(fresh_db, now=NOW)
    assert counts(result) == [0, 0, 0, 0, 0]
    assert result.steps["overall_rate"].isna().all()
    assert result.in_progress == 0
    doc = result.to_dict()
    assert doc["steps"][1]["step_rate"] is None


def test_to_dict_follows_the_cli_contract(fresh_db):
    insert_events(fresh_db, [("2026-03-01T10:00:00", "s1", "request_submitted")])
    doc = funnel(fresh_db, TWO, window_days=7, now=NOW).to_dict()
    assert doc["window_days"] == 7
    assert set(doc) >= {"window_days", "steps", "in_progress"}
    assert set(doc["steps"][0]) >= {"name", "count", "overall_rate", "step_rate", "median_seconds_to_convert"}
    assert doc["steps"][0]["name"] == "request_submitted"


@pytest.mark.parametrize("steps", [["deployed"], ["deployed", "deployed"], "request_submitted"])
def test_bad_steps_are_refused(fresh_db, steps):
    with pytest.raises(InvalidInputError):
        funnel(fresh_db, steps, now=NOW)


def test_a_zero_window_is_refused(fresh_db):
    with pytest.raises(InvalidInputError):
        funnel(fresh_db, TWO, window_days=0, now=NOW)
