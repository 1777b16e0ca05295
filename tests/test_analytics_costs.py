"""Costs: rollups, unpriced calls, cost per site, savings and the month-end forecast, worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from faibric_kernel.analytics import cost_forecast, cost_per_site, costs, savings, unpriced_calls
from faibric_kernel.analytics.testing import insert_calls, insert_events
from faibric_kernel.errors import InvalidInputError

NOW = "2026-03-20T12:00:00"
V = "anthropic-2026-11-01"  # a price version that lists claude-sonnet-4-6 (3 in / 0.30 cache read)


def some_calls(con):
    insert_calls(con, [
        {"ts": "2026-03-01T10:00:00", "session_id": "s1", "tenant_id": "acme", "model": "claude-sonnet-4-6",
         "purpose": "generate", "input_tokens": 1000, "output_tokens": 100, "cache_read_input_tokens": 10_000,
         "cost_usd": 0.30, "price_version": V, "latency_ms": 1000},
        {"ts": "2026-03-01T11:00:00", "session_id": "s1", "tenant_id": "acme", "model": "claude-haiku-4-5",
         "purpose": "classify", "input_tokens": 500, "output_tokens": 20, "cost_usd": 0.01, "price_version": V,
         "latency_ms": 200},
        {"ts": "2026-03-02T09:00:00", "session_id": "s2", "tenant_id": "globex", "model": "mystery-1",
         "purpose": "generate", "input_tokens": 800, "cache_read_input_tokens": 5_000, "cost_usd": None},
        {"ts": "2026-03-02T10:00:00", "session_id": "s2", "tenant_id": "globex", "model": "claude-sonnet-4-6",
         "purpose": "modify", "cost_usd": 0.20, "price_version": V, "status": "error", "error_type": "overloaded"},
    ])


def test_costs_by_day(fresh_db):
    some_calls(fresh_db)
    df = costs(fresh_db, by="day", now=NOW)
    assert [d.isoformat() for d in df["day"].dt.date] == ["2026-03-01", "2026-03-02"]
    assert list(df["cost_usd"]) == pytest.approx([0.31, 0.20])
    assert list(df["calls"]) == [2, 2]
    assert list(df["unpriced_calls"]) == [0, 1]
    assert list(df["errors"]) == [0, 1]
    assert list(df["cache_read_tokens"]) == [10_000, 5_000]


def test_costs_by_model_keep_unpriced_calls_apart_from_free_ones(fresh_db):
    some_calls(fresh_db)
    df = costs(fresh_db, by="model", now=NOW).set_index("model")
    assert df.loc["claude-sonnet-4-6", "cost_usd"] == pytest.approx(0.50)
    assert df.loc["claude-haiku-4-5", "cost_usd"] == pytest.approx(0.01)
    assert df.loc["mystery-1", "unpriced_calls"] == 1
    assert df.loc["mystery-1", "calls"] == 1


@pytest.mark.parametrize(("by", "key", "expected"), [
    ("purpose", "purpose", {"generate": 0.30, "classify": 0.01, "modify": 0.20}),
    ("tenant", "tenant_id", {"acme": 0.31, "globex": 0.20}),
    ("session", "session_id", {"s1": 0.31, "s2": 0.20}),
])
def test_costs_by_purpose_tenant_and_session(fresh_db, by, key, expected):
    some_calls(fresh_db)
    df = costs(fresh_db, by=by, now=NOW)
    assert dict(zip(df[key], df["cost_usd"], strict=True)) == pytest.approx(expected)


def test_costs_respect_range_tenant_and_now(fresh_db):
    some_calls(fresh_db)
    assert list(costs(fresh_db, by="tenant", tenant="acme", now=NOW)["tenant_id"]) == ["acme"]
    assert costs(fresh_db, since="2026-03-02", now=NOW)["calls"].sum() == 2
    assert costs(fresh_db, now="2026-03-01T10:30:00")["calls"].sum() == 1


def test_unpriced_calls_are_listed(fresh_db):
    some_calls(fresh_db)
    df = unpriced_calls(fresh_db, now=NOW)
    assert list(df["model"]) == ["mystery-1"]
    assert list(df["session_id"]) == ["s2"]


def test_an_empty_store(fresh_db):
    assert costs(fresh_db, now=NOW).empty
    assert unpriced_calls(fresh_db, now=NOW).empty
    forecast = cost_forecast(fresh_db, budget_usd=10, now=NOW)
    assert forecast.month_to_date_usd == 0
    assert forecast.projected_usd == 0
    assert forecast.crossing_date is None
    assert cost_per_site(fresh_db, now=NOW).cost_per_site_usd is None
    assert savings(fresh_db, now=NOW).total_saved_usd == 0


def test_an_unknown_dimension_is_refused(fresh_db):
    with pytest.raises(InvalidInputError):
        costs(fresh_db, by="colour")


def test_cost_per_deployed_site(fresh_db):
    insert_events(fresh_db, [
        {"ts": "2026-03-01T12:00:00", "session_id": "s1", "event_type": "deployed",
         "properties": {"url": "https://one.test"}},
        {"ts": "2026-03-03T12:00:00", "session_id": "s3", "event_type": "deployed",
         "properties": {"url": "https://three.test"}},
    ])
    insert_calls(fresh_db, [
        {"ts": "2026-03-01T10:00:00", "session_id": "s1", "cost_usd": 0.30},
        {"ts": "2026-03-01T11:00:00", "session_id": "s1", "cost_usd": 0.10},
        {"ts": "2026-03-02T10:00:00", "session_id": "s2", "cost_usd": 0.20},  # never deployed
    ])
    result = cost_per_site(fresh_db, now=NOW)
    assert result.deployed_sites == 2
    assert result.total_cost_usd == pytest.approx(0.60)
    assert result.cost_per_site_usd == pytest.approx(0.30)  # all spend over two sites
    assert result.direct_cost_per_site_usd == pytest.approx(0.20)  # (0.40 + 0) / 2
    assert list(result.sites["url"]) == ["https://one.test", "https://three.test"]
    assert list(result.sites["cost_usd"]) == pytest.approx([0.40, 0.0])


def test_savings_from_reuse_and_caching(fresh_db):
    some_calls(fresh_db)
    insert_events(fresh_db, [
        {"ts": "2026-03-01T10:00:00", "session_id": "s1", "event_type": "library_reused",
         "properties": {"est_tokens_saved": 1000, "est_cost_saved": 0.015}},
        {"ts": "2026-03-02T10:00:00", "session_id": "s2", "event_type": "library_reused",
         "properties": {"est_tokens_saved": 2000, "est_cost_saved": 0.03}},
    ])
    saved = savings(fresh_db, now=NOW)
    assert saved.reuse_events == 2
    assert saved.reuse_tokens_saved == 3000
    assert saved.reuse_cost_saved_usd == pytest.approx(0.045)
    # 10,000 cache-read tokens on sonnet: (3.00 - 0.30) $/M -> $0.027; the unknown model's 5,000 are unpriced
    assert saved.cache_read_tokens == 15_000
    assert saved.caching_saved_usd == pytest.approx(0.027)
    assert saved.cache_read_tokens_unpriced == 5_000
    assert saved.total_saved_usd == pytest.approx(0.072)


def forecast_calls(con):
    insert_calls(con, [
        {"ts": "2026-03-31T10:00:00", "cost_usd": 99.0},  # last month: not counted
        {"ts": "2026-04-01T10:00:00", "cost_usd": 10.0},
        {"ts": "2026-04-05T10:00:00", "cost_usd": 20.0},
        {"ts": "2026-04-10T10:00:00", "cost_usd": 30.0},
        {"ts": "2026-04-10T11:00:00", "cost_usd": None, "model": "mystery-1"},
    ])


APRIL_11 = "2026-04-11T00:00:00"  # 10 days elapsed, 20 left in a 30-day month


def test_forecast_from_month_to_date(fresh_db):
    forecast_calls(fresh_db)
    f = cost_forecast(fresh_db, budget_usd=150, now=APRIL_11)
    assert f.month == "2026-04"
    assert f.month_to_date_usd == pytest.approx(60)
    assert f.days_elapsed == pytest.approx(10)
    assert f.days_left == pytest.approx(20)
    assert f.daily_rate_usd == pytest.approx(6)
    assert f.projected_usd == pytest.approx(180)  # 60 + 6 * 20
    assert f.unpriced_calls == 1
    assert f.over_budget is False
    assert f.forecast_over_budget is True
    assert f.crossing_date == date(2026, 4, 26)  # (150 - 60) / 6 = 15 days after 04-11


def test_forecast_when_the_budget_is_already_crossed(fresh_db):
    forecast_calls(fresh_db)
    f = cost_forecast(fresh_db, budget_usd=50, now=APRIL_11)
    assert f.over_budget is True
    assert f.crossing_date == date(2026, 4, 10)  # 10 + 20 = 30 by 04-05, 60 by 04-10


def test_forecast_under_budget_has_no_crossing(fresh_db):
    forecast_calls(fresh_db)
    f = cost_forecast(fresh_db, budget_usd=200, now=APRIL_11)
    assert (f.over_budget, f.forecast_over_budget, f.crossing_date) == (False, False, None)


def test_forecast_from_the_last_seven_full_days(fresh_db):
    forecast_calls(fresh_db)
    f = cost_forecast(fresh_db, now=APRIL_11, method="last_7_days")
    # 04-04 .. 04-10: 20 + 30 = 50 over 7 days
    assert f.daily_rate_usd == pytest.approx(50 / 7)
    assert f.projected_usd == pytest.approx(60 + 50 / 7 * 20)
    assert f.budget_usd is None and f.crossing_date is None


def test_forecast_budget_comes_from_configuration(fresh_db, monkeypatch):
    forecast_calls(fresh_db)
    monkeypatch.setenv("FAIBRIC_MONTHLY_BUDGET_USD", "150")
    assert cost_forecast(fresh_db, now=APRIL_11).crossing_date == date(2026, 4, 26)
