"""Customer health: components, weighting over components with data, bands, trend, churn risk, snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from faibric_kernel.analytics import band_of, health_scores, snapshot_health
from faibric_kernel.analytics.testing import insert_events
from faibric_kernel.errors import ConfigError

NOW = datetime(2026, 3, 31, 12, 0, 0)
RECENCY_ONLY = {"engagement": 0, "recency": 1, "build_success": 0, "friction": 0, "feedback": 0}


def row(df, customer, tenant="default"):
    found = df[(df["customer"] == customer) & (df["tenant_id"] == tenant)]
    assert len(found) == 1, f"{customer} in {tenant}: {len(found)} rows"
    return found.iloc[0]


def ago(**kw) -> str:
    return (NOW - timedelta(**kw)).isoformat()


def test_every_component_and_the_weighted_score(fresh_db):
    insert_events(fresh_db, [
        (ago(hours=24), "s1", "request_submitted"),
        (ago(hours=23, minutes=59), "s1", "email_provided", "c1@x.io"),
        (ago(hours=23, minutes=58), "s1", "build_started", "c1@x.io"),
        (ago(hours=23, minutes=50), "s1", "deployed", "c1@x.io"),
        {"ts": ago(hours=23), "session_id": "s1", "event_type": "feedback_submitted", "actor": "c1@x.io",
         "properties": {"rating": 5, "comment": "great"}},
    ])
    c1 = row(health_scores(fresh_db, now=NOW, trend=False), "c1@x.io")
    # 1 active day of 8 targeted; seen 23 h ago (within a day); 1 of 1 builds deployed; no friction; rating 5
    assert c1["engagement"] == pytest.approx(12.5)
    assert c1["recency"] == pytest.approx(100)
    assert c1["build_success"] == pytest.approx(100)
    assert c1["friction"] == pytest.approx(100)
    assert c1["feedback"] == pytest.approx(100)
    # 0.25 * 12.5 + 0.25 * 100 + 0.20 * 100 + 0.15 * 100 + 0.15 * 100 = 78.125
    assert c1["score"] == pytest.approx(78.1)
    assert c1["band"] == "green"
    assert not c1["churn_risk"]


def test_components_without_data_are_skipped_and_weights_renormalised(fresh_db):
    insert_events(fresh_db, [
        (ago(days=15), "s2", "request_submitted"),
        (ago(days=15), "s2", "email_provided", "c2@x.io"),
    ])
    c2 = row(health_scores(fresh_db, now=NOW, trend=False), "c2@x.io")
    recency = 100 * (30 - 15) / (30 - 1)
    assert c2["recency"] == pytest.approx(recency)
    assert c2["build_success"] != c2["build_success"]  # NaN: no builds
    assert c2["feedback"] != c2["feedback"]  # NaN: no ratings
    # engagement 12.5, recency 51.72, friction 100 over weights 0.25 + 0.25 + 0.15
    expected = (0.25 * 12.5 + 0.25 * recency + 0.15 * 100) / 0.65
    assert c2["score"] == pytest.approx(round(expected, 1))
    assert c2["band"] == "red"
    assert c2["churn_risk"]
    assert c2["reasons"] == ["no activity for 15 days", f"health is red ({c2['score']:g})"]


def test_friction_counts_errors_per_recent_session(fresh_db):
    insert_events(fresh_db, [
        (ago(days=2), "s1", "build_started", "f@x.io"),
        (ago(days=2), "s1", "validation_failed", "f@x.io"),
        (ago(days=2), "s1", "error", "f@x.io"),
        (ago(days=1), "s2", "request_submitted", "f@x.io"),
    ])
    f = row(health_scores(fresh_db, now=NOW, trend=False), "f@x.io")
    # 2 friction events over 2 active sessions: 100 - 50 * 1
    assert f["friction"] == pytest.approx(50)
    assert f["build_success"] == pytest.approx(0)


@pytest.mark.parametrize(("score", "band"), [(0, "red"), (50, "red"), (50.1, "yellow"), (75, "yellow"),
                                             (75.1, "green"), (100, "green")])
def test_bands(score, band):
    assert band_of(score) == band


def test_a_score_exactly_at_the_red_threshold_is_red(fresh_db):
    # recency is 50 when last seen 15.5 days ago (linear from 1 day to 30 days)
    insert_events(fresh_db, [(ago(days=15, hours=12), "s1", "request_submitted", "edge@x.io")])
    edge = row(health_scores(fresh_db, now=NOW, weights=RECENCY_ONLY, trend=False), "edge@x.io")
    assert edge["score"] == 50.0
    assert edge["band"] == "red"


def test_trend_against_fourteen_days_ago_flags_a_fast_fall(fresh_db):
    insert_events(fresh_db, [(ago(days=14, hours=12), "s1", "request_submitted", "fall@x.io")])
    fall = row(health_scores(fresh_db, now=NOW, weights=RECENCY_ONLY), "fall@x.io")
    # 14 days ago it was 12 h old: 100; now 14.5 days: 100 * 15.5 / 29
    now_score = round(100 * 15.5 / 29, 1)
    assert fall["prev_score"] == 100.0
    assert fall["trend"] == pytest.approx(now_score - 100)
    assert fall["churn_risk"]
    assert any(reason.startswith("score fell") for reason in fall["reasons"])


def test_trend_uses_the_snapshot_of_fourteen_days_ago_when_there_is_one(fresh_db):
    insert_events(fresh_db, [(ago(hours=1), "s1", "request_submitted", "snap@x.io")])
    fresh_db.execute(
        "INSERT INTO health_snapshots (day, tenant_id, customer, score, band) VALUES (?, 'default', 'snap@x.io', 42, 'red')",
        [(NOW - timedelta(days=14)).date()],
    )
    snap = row(health_scores(fresh_db, now=NOW, weights=RECENCY_ONLY), "snap@x.io")
    assert snap["prev_score"] == 42
    assert snap["trend"] == pytest.approx(100 - 42)


def test_one_customer_in_two_tenants_gets_a_score_in_each(fresh_db):
    insert_events(fresh_db, [
        (ago(days=1), "a", "request_submitted", "both@x.io", "acme"),
        (ago(days=20), "g", "request_submitted", "both@x.io", "globex"),
    ])
    df = health_scores(fresh_db, now=NOW, weights=RECENCY_ONLY, trend=False)
    assert row(df, "both@x.io", "acme")["score"] == 100.0
    assert row(df, "both@x.io", "globex")["score"] == pytest.approx(round(100 * 10 / 29, 1))
    assert list(health_scores(fresh_db, now=NOW, tenant="acme", trend=False)["tenant_id"]) == ["acme"]


def test_sessions_without_an_email_are_not_scored(fresh_db):
    insert_events(fresh_db, [(ago(days=1), "anon", "request_submitted")])
    assert health_scores(fresh_db, now=NOW).empty


def test_an_empty_store_scores_no_one(fresh_db):
    df = health_scores(fresh_db, now=NOW)
    assert df.empty
    assert {"customer", "score", "band", "churn_risk", "reasons"} <= set(df.columns)


def test_weights_and_thresholds_come_from_configuration(fresh_db, monkeypatch):
    insert_events(fresh_db, [(ago(days=15, hours=12), "s1", "request_submitted", "cfg@x.io")])
    monkeypatch.setenv("FAIBRIC_HEALTH_WEIGHTS", "engagement=0,recency=1,build_success=0,friction=0,feedback=0")
    monkeypatch.setenv("FAIBRIC_HEALTH_THRESHOLDS", "red=40,yellow=60")
    cfg = row(health_scores(fresh_db, now=NOW, trend=False), "cfg@x.io")
    assert cfg["score"] == 50.0
    assert cfg["band"] == "yellow"


def test_unknown_settings_are_refused(fresh_db):
    with pytest.raises(ConfigError):
        health_scores(fresh_db, now=NOW, weights={"happiness": 1})


def test_snapshot_health_stores_one_row_per_customer_per_day(workspace):
    from faibric_kernel.store import ingest, read_connection, record_events

    record_events([
        {"event_type": "request_submitted", "session_id": "s1", "actor": "a@x.io", "ts": NOW - timedelta(days=1)},
        {"event_type": "request_submitted", "session_id": "s2", "actor": "b@x.io", "ts": NOW - timedelta(days=2)},
    ])
    ingest()
    assert snapshot_health(NOW) == 2
    assert snapshot_health(NOW) == 2  # the same day again replaces, never duplicates
    with read_connection() as con:
        rows = con.execute(
            "SELECT day, customer, band, CAST(components AS VARCHAR) FROM health_snapshots ORDER BY customer"
        ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [(NOW.date(), "a@x.io"), (NOW.date(), "b@x.io")]
    assert '"recency"' in rows[0][3]


def test_the_trend_computed_in_one_pass_equals_a_computation_as_of_then(fresh_db):
    from faibric_kernel.demo import build_history
    from faibric_kernel.store.schema import select_sql

    build_history(fresh_db, sessions=600, days=60, seed=4, end=NOW)
    fresh_db.execute(f"INSERT INTO events {select_sql('events', 'demo_events')}")
    now_df = health_scores(fresh_db, now=NOW)
    then_df = health_scores(fresh_db, now=NOW - timedelta(days=14), trend=False)
    merged = now_df.merge(then_df[["tenant_id", "customer", "score"]], on=["tenant_id", "customer"], how="outer")
    assert len(then_df) > 100
    assert merged["prev_score"].fillna(-1).tolist() == merged["score_y"].fillna(-1).tolist()
