"""Alerts: each rule on a hand-made store, once per period, stored, and delivered through fakes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import httpx

from faibric_kernel.analytics import alerts
from faibric_kernel.analytics.alerts import AlertConfig, deliver, evaluate, run_alerts
from faibric_kernel.analytics.testing import insert_calls, insert_events

NOW = datetime(2026, 4, 11, 0, 0, 0)
RECENCY_ONLY = {"engagement": 0, "recency": 1, "build_success": 0, "friction": 0, "feedback": 0}
FAST_RECENCY = {"recency_full_days": 1, "recency_zero_days": 3}


def quiet(**kw) -> AlertConfig:
    """A config where only the rules a test sets up can fire."""
    base = {"budget_usd": None, "error_min_calls": 10**9, "conversion_min_sessions": 10**9,
            "health_weights": RECENCY_ONLY, "health_thresholds": FAST_RECENCY}
    base.update(kw)
    return AlertConfig(**base)


def month_spend(con):
    insert_calls(con, [
        {"ts": "2026-04-01T10:00:00", "cost_usd": 10.0},
        {"ts": "2026-04-05T10:00:00", "cost_usd": 20.0},
        {"ts": "2026-04-10T10:00:00", "cost_usd": 30.0},
    ])


def test_cost_over_budget_fires_once_per_month(fresh_db):
    month_spend(fresh_db)
    first = evaluate(fresh_db, NOW, quiet(budget_usd=50))
    assert [(a.rule, a.period_key, a.severity) for a in first] == [("cost_over_budget", "2026-04", "critical")]
    assert "$60.00" in first[0].message
    assert evaluate(fresh_db, NOW + timedelta(hours=5), quiet(budget_usd=50)) == []
    assert fresh_db.execute("SELECT count(*) FROM alerts").fetchall()[0][0] == 1
    # a new month is a new period
    insert_calls(fresh_db, [{"ts": "2026-05-01T10:00:00", "cost_usd": 60.0}])
    assert [a.period_key for a in evaluate(fresh_db, datetime(2026, 5, 2), quiet(budget_usd=50))] == ["2026-05"]


def test_forecast_over_budget_fires_before_the_budget_is_spent(fresh_db):
    month_spend(fresh_db)
    fired = evaluate(fresh_db, NOW, quiet(budget_usd=150))
    assert [a.rule for a in fired] == ["cost_forecast_over_budget"]
    assert fired[0].details["crossing_date"] == "2026-04-26"


def test_no_budget_means_no_cost_alert(fresh_db):
    month_spend(fresh_db)
    assert evaluate(fresh_db, NOW, quiet()) == []


def error_calls(con, ok: int, failed: int):
    rows = [{"ts": NOW - timedelta(hours=1), "status": "ok", "cost_usd": 0.01} for _ in range(ok)]
    rows += [{"ts": NOW - timedelta(hours=2), "status": "error", "error_type": "overloaded"} for _ in range(failed)]
    rows.append({"ts": NOW - timedelta(hours=30), "status": "error"})  # outside the 24 h window
    insert_calls(con, rows)


def test_error_rate_over_threshold_fires_once_per_day(fresh_db):
    error_calls(fresh_db, ok=17, failed=3)  # 15% of 20 calls
    cfg = quiet(error_rate_threshold=0.10, error_min_calls=20)
    fired = evaluate(fresh_db, NOW, cfg)
    assert [(a.rule, a.period_key) for a in fired] == [("error_rate", "2026-04-11")]
    assert fired[0].details["calls"] == 20 and fired[0].details["errors"] == 3
    assert evaluate(fresh_db, NOW + timedelta(hours=1), cfg) == []


def test_error_rate_needs_the_minimum_sample(fresh_db):
    error_calls(fresh_db, ok=16, failed=3)  # 19 calls: too few to judge
    assert evaluate(fresh_db, NOW, quiet(error_rate_threshold=0.10, error_min_calls=20)) == []


def conversion_days(con, day_rates: dict[str, tuple[int, int]]):
    rows = []
    for day, (sessions, converted) in day_rates.items():
        for i in range(sessions):
            sid = f"{day}-{i}"
            start = datetime.fromisoformat(day) + timedelta(hours=10)
            rows.append((start, sid, "request_submitted"))
            if i < converted:
                rows.append((start + timedelta(hours=1), sid, "deployed", f"{sid}@x.io"))
    insert_events(con, rows)


def test_conversion_below_its_seven_day_baseline_fires(fresh_db):
    # now = 04-11 00:00 with a 24 h window: the latest day whose windows all closed is 04-09
    baseline = {f"2026-04-0{d}": (10, 5) for d in range(2, 9)}
    conversion_days(fresh_db, {**baseline, "2026-04-09": (10, 1)})
    cfg = quiet(conversion_min_sessions=5, conversion_drop=0.25, rules=("conversion_drop",))
    fired = evaluate(fresh_db, NOW, cfg)
    assert [(a.rule, a.period_key) for a in fired] == [("conversion_drop", "2026-04-09")]
    assert fired[0].details["rate"] == 0.1 and fired[0].details["baseline_rate"] == 0.5
    assert evaluate(fresh_db, NOW, cfg) == []


def test_conversion_within_tolerance_does_not_fire(fresh_db):
    baseline = {f"2026-04-0{d}": (10, 5) for d in range(2, 9)}
    conversion_days(fresh_db, {**baseline, "2026-04-09": (10, 4)})  # 40% vs 50%: within 25%
    cfg = quiet(conversion_min_sessions=5, conversion_drop=0.25, rules=("conversion_drop",))
    assert evaluate(fresh_db, NOW, cfg) == []


def test_a_customer_turning_red_fires_once_and_one_already_red_does_not(fresh_db):
    insert_events(fresh_db, [
        (NOW - timedelta(days=2, hours=2), "s1", "request_submitted", "turning@x.io"),  # 95 a day ago, 45 now
        (NOW - timedelta(days=10), "s2", "request_submitted", "long_red@x.io"),  # 0 both days
        (NOW - timedelta(hours=3), "s3", "request_submitted", "fine@x.io"),
    ])
    fired = evaluate(fresh_db, NOW, quiet())
    assert [(a.rule, a.subject, a.tenant_id) for a in fired] == [("health_red", "default/turning@x.io", "default")]
    assert evaluate(fresh_db, NOW + timedelta(hours=2), quiet()) == []


def test_evaluate_without_store_writes_nothing(fresh_db):
    month_spend(fresh_db)
    assert len(evaluate(fresh_db, NOW, quiet(budget_usd=50), store=False)) == 1
    assert fresh_db.execute("SELECT count(*) FROM alerts").fetchall()[0][0] == 0


def an_alert(rule="cost_over_budget", message="over budget"):
    return alerts.Alert(rule, "2026-04", "*", "critical", message, fired_at=NOW)


def test_webhook_gets_slack_compatible_json():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), json.loads(request.content)))
        return httpx.Response(200, text="ok")

    client = httpx.Client(transport=httpx.MockTransport(handler))
    [alert] = deliver([an_alert()], quiet(webhook_url="https://hooks.example/T1"), client=client,
                      email_sender=lambda *a: None)
    assert seen == [("https://hooks.example/T1", {"text": "[critical] over budget"})]
    assert alert.delivered["webhook"] == {"status": "sent", "http_status": 200}


def test_a_failing_webhook_is_recorded_not_raised():
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500, text="boom")))
    [alert] = deliver([an_alert()], quiet(webhook_url="https://hooks.example/T1"), client=client)
    assert alert.delivered["webhook"]["status"] == "failed"
    assert alert.delivered["webhook"]["http_status"] == 500


def test_several_alerts_of_a_rule_go_out_as_one_digest():
    seen = []
    client = httpx.Client(transport=httpx.MockTransport(
        lambda r: seen.append(json.loads(r.content)) or httpx.Response(200)))
    many = [alerts.Alert("health_red", "2026-04-11", f"default/c{i}", "warning", f"c{i} turned red")
            for i in range(25)]
    deliver(many, quiet(webhook_url="https://hooks.example/T1"), client=client)
    assert len(seen) == 1
    text = seen[0]["text"]
    assert text.startswith("[warning] 25 health red alerts:")
    assert "- c0 turned red" in text and "... and 5 more" in text
    assert all(a.delivered["webhook"]["status"] == "sent" for a in many)


def test_without_a_webhook_url_delivery_is_skipped_with_the_reason():
    [alert] = deliver([an_alert()], quiet())
    assert alert.delivered["webhook"] == {"status": "skipped", "reason": "FAIBRIC_ALERT_WEBHOOK_URL is not set"}


def test_email_goes_through_the_sender_to_each_recipient():
    sent = []
    [alert] = deliver([an_alert()], quiet(email_to=["ops@x.io", "cto@x.io"]),
                      email_sender=lambda to, subject, text: sent.append((to, subject, text)))
    assert [s[0] for s in sent] == ["ops@x.io", "cto@x.io"]
    assert sent[0][1] == "Faibric alert: cost over budget"
    assert alert.delivered["email"] == {"status": "sent", "to": ["ops@x.io", "cto@x.io"]}


def test_email_without_recipients_is_skipped():
    [alert] = deliver([an_alert()], quiet(), email_sender=lambda *a: None)
    assert alert.delivered["email"] == {"status": "skipped", "reason": "FAIBRIC_ALERT_EMAIL_TO is not set"}


def test_email_is_skipped_with_the_reason_when_the_email_module_is_missing(monkeypatch):
    monkeypatch.setattr(alerts, "_resolve_email_sender", lambda: (None, "faibric_kernel.email is not available yet"))
    [alert] = deliver([an_alert()], quiet(email_to=["ops@x.io"]))
    assert alert.delivered["email"] == {"status": "skipped", "reason": "faibric_kernel.email is not available yet"}


def test_run_alerts_stores_delivers_and_records_delivery_once(workspace, monkeypatch):
    from faibric_kernel.store import ingest, read_connection, record_api_calls

    record_api_calls([{"provider": "anthropic", "model": "claude-sonnet-4-6", "purpose": "generate",
                       "cost_usd": 60.0, "ts": NOW - timedelta(days=1)}])
    ingest()
    monkeypatch.setenv("FAIBRIC_ALERT_WEBHOOK_URL", "https://hooks.example/T1")
    posts = []
    client = httpx.Client(transport=httpx.MockTransport(lambda r: posts.append(r) or httpx.Response(200)))
    fired = run_alerts(NOW, quiet(budget_usd=50), client=client, email_sender=lambda *a: None)
    assert [a.rule for a in fired] == ["cost_over_budget"]
    assert run_alerts(NOW, quiet(budget_usd=50), client=client) == []
    assert len(posts) == 1
    with read_connection() as con:
        rows = con.execute("SELECT rule, period_key, CAST(delivered AS VARCHAR) FROM alerts").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("cost_over_budget", "2026-04")]
    assert json.loads(rows[0][2])["webhook"]["status"] == "sent"


def test_email_uses_faibric_kernel_email_when_it_exists(monkeypatch):
    import pytest

    pytest.importorskip("faibric_kernel.email")
    monkeypatch.setenv("FAIBRIC_ALERT_EMAIL_TO", "ops@x.io")
    [alert] = deliver([an_alert()], AlertConfig.from_config())
    assert alert.delivered["email"]["status"] == "sent", alert.delivered
