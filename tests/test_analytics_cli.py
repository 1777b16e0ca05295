"""The analytics CLI: one JSON document per command, in the contract's shapes, spooled events included."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import CliRunner

from faibric_kernel.cli import main
from faibric_kernel.store import record_api_calls, record_events

AT = "2026-03-18T12:00:00"


@pytest.fixture
def history(workspace):
    # left in the spool on purpose: readers must see records not yet ingested
    record_events([
        {"event_type": "request_submitted", "session_id": "s1", "ts": datetime(2026, 3, 2, 9),
         "properties": {"variant": "A", "source": "ads"}},
        {"event_type": "email_provided", "session_id": "s1", "actor": "a@x.io", "ts": datetime(2026, 3, 2, 9, 2)},
        {"event_type": "deployed", "session_id": "s1", "actor": "a@x.io", "ts": datetime(2026, 3, 2, 9, 30),
         "properties": {"url": "https://a.test"}},
        {"event_type": "request_submitted", "session_id": "s2", "ts": datetime(2026, 3, 3, 9),
         "properties": {"variant": "B"}},
        {"event_type": "request_submitted", "session_id": "s3", "actor": "a@x.io", "ts": datetime(2026, 3, 10, 9)},
    ])
    record_api_calls([
        {"provider": "anthropic", "model": "claude-sonnet-4-6", "purpose": "generate", "session_id": "s1",
         "cost_usd": 0.5, "ts": datetime(2026, 3, 2, 9, 10)},
        {"provider": "anthropic", "model": "mystery-1", "purpose": "generate", "session_id": "s2",
         "cost_usd": None, "ts": datetime(2026, 3, 3, 9, 10)},
    ])


def run(*args):
    result = CliRunner().invoke(main, ["analytics", *args, "--json"])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return json.loads(result.stdout)


def test_funnel_json_contract(history):
    doc = run("funnel", "--at", AT, "--steps", "request_submitted,email_provided,deployed", "--window-days", "7")
    assert doc["window_days"] == 7 and doc["in_progress"] == 0
    assert [(s["name"], s["count"]) for s in doc["steps"]] == [
        ("request_submitted", 3), ("email_provided", 1), ("deployed", 1)]
    assert doc["steps"][1]["overall_rate"] == pytest.approx(1 / 3)
    assert doc["steps"][1]["median_seconds_to_convert"] == 120
    for step in doc["steps"]:
        assert {"name", "count", "overall_rate", "step_rate", "median_seconds_to_convert"} <= set(step)


def test_funnel_strict_and_breakdown_flags(history):
    doc = run("funnel", "--at", AT, "--strict", "--breakdown", "variant", "--steps", "request_submitted,deployed")
    assert doc["strict"] is True
    assert {g["value"] for g in doc["groups"]} == {"A", "B", "(none)"}


def test_retention_json_contract(history):
    doc = run("retention", "--period", "week", "--at", AT)
    assert doc["period"] == "week"
    # a@x.io (s1 and s3): cohort 03-02, back the next week; s2 never gave an email: a customer of its own
    assert doc["cohorts"] == [{"cohort": "2026-03-02", "size": 2, "retention": [1.0, 0.5, None]}]


def test_retention_cumulative_flag(history):
    assert run("retention", "--period", "week", "--cumulative", "--at", AT)["cumulative"] is True


def test_lifecycle_health_experiments_and_costs_print_json(history):
    assert run("lifecycle", "--at", AT)["periods"][0]["new"] == 2
    health = run("health", "--at", AT)
    assert [c["customer"] for c in health["customers"]] == ["a@x.io"]
    experiments = run("experiments", "--at", AT)
    assert [v["variant"] for v in experiments["variants"]] == ["A", "B"]
    costs = run("costs", "--by", "model", "--at", AT, "--budget", "100")
    assert costs["total_usd"] == pytest.approx(0.5)
    assert costs["unpriced_calls"] == 1
    assert costs["unpriced_examples"][0]["model"] == "mystery-1"
    assert costs["forecast"]["budget_usd"] == 100
    assert costs["per_site"]["deployed_sites"] == 1


def test_tenant_and_date_range_options(history):
    doc = run("funnel", "--at", AT, "--since", "2026-03-03", "--until", "2026-03-04",
              "--steps", "request_submitted,deployed")
    assert doc["steps"][0]["count"] == 1
    assert run("funnel", "--at", AT, "--tenant", "nobody")["steps"][0]["count"] == 0


def test_alerts_dry_run_stores_nothing_then_a_run_stores_and_list_shows_it(history):
    dry = run("alerts", "--dry-run", "--budget", "0.1", "--at", AT)
    assert "cost_over_budget" in [a["rule"] for a in dry["fired"]]  # $0.50 spent in March against $0.10
    assert run("alerts", "--list")["alerts"] == []
    fired = run("alerts", "--budget", "0.1", "--at", AT)
    assert "cost_over_budget" in [a["rule"] for a in fired["fired"]]
    assert "cost_over_budget" in [a["rule"] for a in run("alerts", "--list")["alerts"]]
    assert run("alerts", "--budget", "0.1", "--at", AT)["fired"] == []


def test_health_snapshot_flag_stores_scores(history):
    run("health", "--at", AT, "--snapshot")
    from faibric_kernel.store import read_connection

    with read_connection() as con:
        assert con.execute("SELECT count(*) FROM health_snapshots").fetchall()[0][0] == 1


def test_seed_demo_json(workspace):
    result = CliRunner().invoke(main, ["seed-demo", "--sessions", "50", "--days", "5", "--seed", "9",
                                       "--end", "2026-03-01T00:00", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["sessions"] == 50 and doc["added"]["events"] == doc["events"]
    assert "generating" in result.stderr
    assert doc["site_traffic"]["sites"] >= 1 and doc["site_traffic"]["events"] > 0


def test_seed_demo_twice_with_the_same_seed_adds_no_site_traffic(workspace):
    from faibric_kernel.store import read_connection

    args = ["seed-demo", "--sessions", "50", "--days", "5", "--seed", "9", "--end", "2026-03-01T00:00", "--json"]

    def pageviews():
        with read_connection() as con:
            return con.execute("SELECT count(*) FROM events WHERE event_type = 'site_pageview'").fetchall()[0][0]

    assert CliRunner().invoke(main, args).exit_code == 0
    first = pageviews()
    assert CliRunner().invoke(main, args).exit_code == 0
    assert first > 0 and pageviews() == first


def test_bad_input_is_one_line_on_stderr(history):
    result = CliRunner().invoke(main, ["analytics", "funnel", "--steps", "deployed", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: a funnel needs at least two steps")


def test_activity_prints_sentences(history):
    doc = run("activity", "-n", "2", "--at", AT)
    assert [e["sentence"] for e in doc["events"]] == [
        "a@x.io asked for a site", "A visitor (session s2) asked for a site"]
