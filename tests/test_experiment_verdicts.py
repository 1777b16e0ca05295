"""Experiment verdicts on outcomes: a fixed horizon with the sample size up front, checked against scipy."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from faibric_kernel.analytics.experiments import (
    ExperimentDesign,
    experiments,
    holm,
    ratio_z_test,
    sample_size_two_proportions,
)
from faibric_kernel.analytics.testing import insert_calls, insert_events
from faibric_kernel.cli import main
from faibric_kernel.store import record_api_calls, record_events

NOW = "2026-03-20T12:00:00"
START = datetime(2026, 3, 1, 9)


def arm(variant, sessions, deployed, *, minutes=30, changes=0, cost=0.10, rating=None, rollback_every=0):
    """Events and calls of one arm: the first ``deployed`` sessions deploy ``minutes`` (+ i) after starting."""
    events, calls = [], []
    for i in range(sessions):
        sid, start = f"{variant}{i}", START + timedelta(minutes=i)
        events.append({"ts": start, "session_id": sid, "event_type": "request_submitted",
                       "properties": {"variant": variant}})
        if i < deployed:
            live = start + timedelta(minutes=minutes + i % 7)
            for c in range(changes + i % 2):
                events.append({"ts": start + timedelta(minutes=1 + c), "session_id": sid,
                               "event_type": "modification_requested"})
            events.append({"ts": live, "session_id": sid, "event_type": "deployed", "properties": {"version": 2}})
            events.append({"ts": live + timedelta(minutes=5), "session_id": sid, "event_type": "modification_requested"})
            if rollback_every and i % rollback_every == 0:
                events.append({"ts": live + timedelta(minutes=9), "session_id": sid, "event_type": "deployed",
                               "properties": {"version": 1}})
        if rating is not None:
            events.append({"ts": start + timedelta(hours=2), "session_id": sid, "event_type": "feedback_submitted",
                           "properties": {"rating": rating + i % 2}})
        calls.append({"ts": start, "session_id": sid, "cost_usd": cost + 0.01 * (i % 5)})
    return events, calls


def load(con, *arms):
    for events, calls in arms:
        insert_events(con, [{**e, "ts": e["ts"].isoformat()} for e in events])
        insert_calls(con, [{**c, "ts": c["ts"].isoformat()} for c in calls])


def verdict(result, outcome):
    return result.verdicts.set_index("outcome").loc[outcome]


def test_sample_size_gives_the_asked_power_by_scipy():
    for baseline, effect, alpha, power in ((0.30, 0.05, 0.05, 0.80), (0.10, 0.03, 0.01, 0.90), (0.5, -0.1, 0.05, 0.8)):
        n = sample_size_two_proportions(baseline, effect, alpha, power)
        p1, p2 = baseline, baseline + effect
        pooled = (p1 + p2) / 2

        def achieved(size, alpha=alpha, effect=effect, pooled=pooled, p1=p1, p2=p2):
            z_alpha = stats.norm.ppf(1 - alpha / 2)
            return stats.norm.cdf((abs(effect) * np.sqrt(size) - z_alpha * np.sqrt(2 * pooled * (1 - pooled)))
                                  / np.sqrt(p1 * (1 - p1) + p2 * (1 - p2)))

        assert achieved(n) >= power > achieved(n - 1)
    assert ExperimentDesign().sample_size_per_arm() == sample_size_two_proportions(0.30, 0.05)


def test_holm_adjustment_on_known_values():
    assert holm([0.01, 0.04, 0.03, None])[3] is None
    assert holm([0.01, 0.04, 0.03, None])[:3] == pytest.approx([0.03, 0.06, 0.06])


def test_ratio_test_standard_error_matches_a_bootstrap():
    rng = np.random.default_rng(7)
    cost_a, dep_a = rng.gamma(2, 0.1, 400), rng.random(400) < 0.4
    cost_b, dep_b = rng.gamma(2, 0.1, 400), rng.random(400) < 0.3
    ratio_a, ratio_b, p = ratio_z_test(cost_a, dep_a, cost_b, dep_b)
    assert ratio_a == pytest.approx(cost_a.sum() / dep_a.sum()) and ratio_b == pytest.approx(cost_b.sum() / dep_b.sum())
    boot = []
    for _ in range(2000):
        ia, ib = rng.integers(0, 400, 400), rng.integers(0, 400, 400)
        boot.append(cost_b[ib].sum() / dep_b[ib].sum() - cost_a[ia].sum() / dep_a[ia].sum())
    # the delta method's standard error (recovered from its p-value) is the bootstrap's, within 10%
    delta_se = abs(ratio_b - ratio_a) / stats.norm.isf(p / 2)
    assert delta_se == pytest.approx(np.std(boot), rel=0.10)


def test_outcomes_and_p_values_match_scipy_on_known_data(fresh_db):
    load(fresh_db, arm("A", 30, 12, minutes=40, changes=2, rating=3, cost=0.10),
         arm("B", 30, 21, minutes=20, changes=0, rating=4, cost=0.12, rollback_every=3))
    result = experiments(fresh_db, now=NOW, design=ExperimentDesign(sample_size=30))
    s = result.sessions
    a, b = s[s.variant == "A"], s[s.variant == "B"]
    # deploy rate: the z-test equals scipy's chi-square without continuity correction
    chi = stats.chi2_contingency([[12, 18], [21, 9]], correction=False).pvalue
    assert verdict(result, "deploy_rate")["p_value"] == pytest.approx(chi)
    # time to deploy: Mann-Whitney U on the deployed sessions
    t = verdict(result, "seconds_to_deploy")
    assert t["control_value"] == pytest.approx(a.seconds_to_deploy.dropna().median())
    assert t["p_value"] == pytest.approx(stats.mannwhitneyu(a.seconds_to_deploy.dropna(), b.seconds_to_deploy.dropna(),
                                                            alternative="two-sided").pvalue)
    # changes before deploy (not after): Welch's t
    c = verdict(result, "changes_before_deploy")
    assert c["control_value"] == pytest.approx(2.5) and c["variant_value"] == pytest.approx(10 / 21)
    assert c["p_value"] == pytest.approx(stats.ttest_ind(a.changes_before_deploy.dropna(),
                                                         b.changes_before_deploy.dropna(), equal_var=False).pvalue)
    # rollbacks: a deploy of an older version than one already live
    r = verdict(result, "rollbacks_per_session")
    assert r["control_value"] == 0 and r["variant_value"] == pytest.approx(7 / 30)
    assert r["p_value"] == pytest.approx(stats.ttest_ind(a.rollbacks, b.rollbacks, equal_var=False).pvalue)
    rating = verdict(result, "rating")
    assert rating["p_value"] == pytest.approx(stats.mannwhitneyu(a.rating, b.rating, alternative="two-sided").pvalue)
    assert verdict(result, "cost_per_deployed_usd")["control_value"] == pytest.approx(a.cost_usd.sum() / 12)
    # Holm across the outcomes, then a direction per outcome
    adjusted = holm([None if np.isnan(p) else p for p in result.verdicts["p_value"]])  # no live sites: leads untested
    assert list(result.verdicts["adjusted_p_value"].fillna(-1)) == pytest.approx([-1 if p is None else p for p in adjusted])
    assert verdict(result, "deploy_rate")["state"] == "better"
    assert verdict(result, "seconds_to_deploy")["state"] == "better"
    assert verdict(result, "rollbacks_per_session")["state"] in ("worse", "no difference yet")


def test_leads_per_deployed_site_come_from_each_sessions_public_site(fresh_db):
    load(fresh_db, arm("A", 30, 20), arm("B", 30, 20))
    leads = []
    for variant, per_site in (("A", lambda i: i % 2), ("B", lambda i: 2 + i % 3)):
        for i in range(20):
            fresh_db.execute("INSERT INTO public_sites (site_id, session_id, created_at) VALUES (?, ?, ?)",
                             [f"site-{variant}{i}", f"{variant}{i}", START])
            for n in range(per_site(i)):
                leads.append({"ts": (START + timedelta(days=1, minutes=n)).isoformat(), "session_id": None,
                              "event_type": "lead_received", "properties": {"site_id": f"site-{variant}{i}"}})
    # spam is stored in the inbox but is not a lead; nor is a lead of a site no session owns
    leads.append({"ts": (START + timedelta(days=1)).isoformat(), "session_id": None, "event_type": "lead_received",
                  "properties": {"site_id": "site-A0", "spam": "honeypot"}})
    leads.append({"ts": (START + timedelta(days=1)).isoformat(), "session_id": None, "event_type": "lead_received",
                  "properties": {"site_id": "site-elsewhere"}})
    insert_events(fresh_db, leads)
    result = experiments(fresh_db, now=NOW, design=ExperimentDesign(sample_size=30))
    s = result.sessions
    a, b = s[s.variant == "A"].leads.dropna(), s[s.variant == "B"].leads.dropna()
    assert len(a) == len(b) == 20  # deployed sessions only
    row = verdict(result, "leads_per_site")
    assert row["control_value"] == pytest.approx(0.5) and row["variant_value"] == pytest.approx(59 / 20)
    assert row["p_value"] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    assert row["state"] == "better"
    assert result.variants.set_index("variant").loc["B", "leads_per_deployed_site"] == pytest.approx(59 / 20)


def test_without_live_sites_leads_per_site_is_not_enough_data(fresh_db):
    load(fresh_db, arm("A", 30, 20), arm("B", 30, 20))
    result = experiments(fresh_db, now=NOW, design=ExperimentDesign(sample_size=30))
    assert verdict(result, "leads_per_site")["state"] == "not enough data"


def test_no_verdict_below_the_minimum_sample_even_with_a_large_difference(fresh_db):
    load(fresh_db, arm("A", 20, 2), arm("B", 20, 19))
    result = experiments(fresh_db, now=NOW, design=ExperimentDesign(baseline_deploy_rate=0.3,
                                                                     minimum_detectable_effect=0.05))
    n = sample_size_two_proportions(0.3, 0.05)
    assert result.design.sample_size_per_arm() == n > 20
    assert result.verdicts["p_value"].isna().all()
    assert set(result.verdicts["state"]) == {f"collecting: 20 of {n:,} sessions per arm, no verdict"}
    assert verdict(result, "deploy_rate")["variant_value"] == pytest.approx(0.95)  # the estimate is still shown


def test_same_arms_at_the_horizon_say_no_difference_yet(fresh_db):
    load(fresh_db, arm("A", 40, 20, rating=4), arm("B", 40, 20, rating=4))
    result = experiments(fresh_db, now=NOW, design=ExperimentDesign(sample_size=40))
    states = result.verdicts.set_index("outcome")["state"]
    assert states["deploy_rate"] == "no difference yet" and states["seconds_to_deploy"] == "no difference yet"
    assert states["rollbacks_per_session"] == "not enough data"  # no rollbacks in either arm: nothing to test


def test_analytics_experiments_cli_shows_the_sample_size_and_states(workspace):
    events, calls = [], []
    for name, deployed in (("A", 3), ("B", 9)):
        e, c = arm(name, 10, deployed)
        events += e
        calls += [{**x, "provider": "anthropic", "model": "claude-sonnet-4-6", "purpose": "generate"} for x in c]
    record_events(events)
    record_api_calls(calls)
    result = CliRunner().invoke(main, ["analytics", "experiments", "--at", NOW, "--json"])
    doc = json.loads(result.stdout)
    assert doc["design"]["sample_size_per_arm"] == sample_size_two_proportions(0.3, 0.05)
    assert {v["state"] for v in doc["verdicts"]} == {
        f"collecting: 10 of {doc['design']['sample_size_per_arm']:,} sessions per arm, no verdict"}
    text = CliRunner().invoke(main, ["analytics", "experiments", "--at", NOW, "--sample-size", "10"]).output
    assert "fixed horizon: 10 sessions per arm" in text and "deploy rate" in text and "better" in text
