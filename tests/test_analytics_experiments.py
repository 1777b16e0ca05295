"""Prompt experiments: outcomes per variant and the significance tests, checked against hand arithmetic."""

from __future__ import annotations

import math

import pytest

from faibric_kernel.analytics import experiments, two_proportion_z_test
from faibric_kernel.analytics.testing import insert_calls, insert_events

NOW = "2026-03-20T12:00:00"


def arm(con, variant: str, sessions: int, deployed: int, cost: float, start_day: int = 1):
    events, calls = [], []
    for i in range(sessions):
        sid = f"{variant}{i}"
        ts = f"2026-03-{start_day:02d}T10:{i:02d}:00"
        events.append({"ts": ts, "session_id": sid, "event_type": "request_submitted",
                       "properties": {"variant": variant}})
        if i < deployed:
            events.append({"ts": f"2026-03-{start_day:02d}T11:{i:02d}:00", "session_id": sid,
                           "event_type": "deployed", "actor": f"{sid}@x.io"})
        calls.append({"ts": ts, "session_id": sid, "cost_usd": cost + 0.01 * (i % 3)})
    insert_events(con, events)
    insert_calls(con, calls)


def test_deploy_rate_per_variant_with_a_two_proportion_z_test(fresh_db):
    arm(fresh_db, "A", 10, 2, 0.10)
    arm(fresh_db, "B", 10, 8, 0.20)
    result = experiments(fresh_db, now=NOW)
    variants = result.variants.set_index("variant")
    assert list(variants["sessions"]) == [10, 10]
    assert list(variants["deploy_rate"]) == [0.2, 0.8]
    # pooled p = 0.5; se = sqrt(0.25 * (1/10 + 1/10)); z = 0.6 / se
    z = 0.6 / math.sqrt(0.25 * 0.2)
    [comparison] = result.comparisons.to_dict(orient="records")
    assert comparison["control"] == "A" and comparison["variant"] == "B"
    assert comparison["deploy_z"] == pytest.approx(z)
    assert comparison["deploy_p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert comparison["deploy_significant"]
    # a 2x2 chi-square without continuity correction is the square of the z-test
    assert result.chi_square_p_value == pytest.approx(comparison["deploy_p_value"])


def test_cost_modifications_and_feedback_per_variant(fresh_db):
    arm(fresh_db, "A", 6, 3, 0.10)
    arm(fresh_db, "B", 6, 3, 0.20)
    insert_events(fresh_db, [
        {"ts": "2026-03-02T10:00:00", "session_id": "A0", "event_type": "modification_requested"},
        {"ts": "2026-03-02T10:05:00", "session_id": "A0", "event_type": "modification_requested"},
        {"ts": "2026-03-02T10:00:00", "session_id": "A1", "event_type": "feedback_submitted",
         "properties": {"rating": 2}},
        {"ts": "2026-03-02T10:00:00", "session_id": "B1", "event_type": "feedback_submitted",
         "properties": {"rating": 5}},
    ])
    result = experiments(fresh_db, now=NOW)
    v = result.variants.set_index("variant")
    # each arm: costs base, base + .01, base + .02, repeated twice
    assert v.loc["A", "cost_per_session_usd"] == pytest.approx(0.11)
    assert v.loc["B", "cost_per_session_usd"] == pytest.approx(0.21)
    assert v.loc["A", "modifications_per_session"] == pytest.approx(2 / 6)
    assert (v.loc["A", "mean_rating"], v.loc["B", "mean_rating"]) == (2, 5)
    [c] = result.comparisons.to_dict(orient="records")
    assert c["cost_per_session_diff_usd"] == pytest.approx(0.10)
    assert c["cost_p_value"] < 0.001
    assert c["deploy_p_value"] == pytest.approx(1.0)
    assert not c["deploy_significant"]


def test_the_variant_falls_back_to_the_sessions_table_and_sessions_without_one_are_left_out(fresh_db):
    insert_events(fresh_db, [
        ("2026-03-01T10:00:00", "s1", "request_submitted"),
        ("2026-03-01T10:00:00", "s2", "request_submitted"),
    ])
    fresh_db.execute(
        "INSERT INTO sessions (session_id, status, variant, created_at, updated_at) VALUES "
        "('s1', 'request_submitted', 'B', TIMESTAMP '2026-03-01 10:00:00', TIMESTAMP '2026-03-01 10:00:00')"
    )
    result = experiments(fresh_db, now=NOW)
    assert list(result.variants["variant"]) == ["B"]
    assert list(result.variants["sessions"]) == [1]
    assert result.control == "B"
    assert result.comparisons.empty


def test_since_selects_sessions_by_their_first_event(fresh_db):
    arm(fresh_db, "A", 3, 1, 0.1, start_day=1)
    arm(fresh_db, "B", 3, 1, 0.1, start_day=10)
    assert list(experiments(fresh_db, since="2026-03-05", now=NOW).variants["variant"]) == ["B"]


def test_an_empty_store_has_no_variants(fresh_db):
    result = experiments(fresh_db, now=NOW)
    assert result.variants.empty
    assert result.to_dict()["variants"] == []


def test_z_test_edge_cases():
    assert two_proportion_z_test(0, 0, 1, 2) == (None, None)
    assert two_proportion_z_test(5, 5, 5, 5) == (None, None)  # no variance at all
