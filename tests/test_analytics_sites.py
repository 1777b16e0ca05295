"""Live-site analytics on a small in-memory store: visitors, sections, clicks, conversion, versions, tenants."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pandas as pd
import pytest

from faibric_kernel.analytics.sites import (
    quiet_sites,
    session_site_summary,
    site_daily,
    site_outcomes_by_customer,
    site_overview,
    site_sections,
    site_versions,
)

NOW = datetime(2026, 12, 10, 12)


def add_site(con, site_id, session_id, tenant="default", email="owner@example.com", version=1, name="Doce Vida"):
    con.execute("INSERT INTO public_sites VALUES (?, ?, ?, ?, '[]')", [site_id, session_id, tenant, datetime(2026, 12, 1)])
    con.execute("INSERT INTO sessions (session_id, tenant_id, email, status, created_at, updated_at) "
                "VALUES (?, ?, ?, 'deployed', ?, ?)", [session_id, tenant, email, datetime(2026, 12, 1),
                                                       datetime(2026, 12, 1)])
    con.execute("INSERT INTO projects (project_id, session_id, tenant_id, name, current_version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", [f"p-{session_id}", session_id, tenant, name, version,
                                                 datetime(2026, 12, 1), datetime(2026, 12, 1)])
    con.execute("INSERT INTO deploys (deploy_id, session_id, version, tenant_id, target, status, url, started_at) "
                "VALUES (?, ?, ?, ?, 'local', 'live', ?, ?)", [f"d-{session_id}-{version}", session_id, version, tenant,
                                                               f"http://127.0.0.1:8765/{session_id}/",
                                                               datetime(2026, 12, version)])


def event(con, event_type, site_id, ts, tenant="default", **props):
    props = {"site_id": site_id, **props}
    con.execute("INSERT INTO events VALUES (?, ?, ?, NULL, NULL, ?, ?)",
                [str(uuid.uuid4()), ts, tenant, event_type, json.dumps(props)])


def visit(con, site_id, visitor, day, version=1, tenant="default", sections=(), clicks=0, form=False, lead=False):  # noqa: PLR0913 - a visit in one line of test data
    ts = datetime(2026, 12, day, 10)
    base = {"version": version, "visitor": visitor}
    event(con, "site_pageview", site_id, ts, tenant, **base)
    for section in sections:
        event(con, "site_section_viewed", site_id, ts, tenant, section=section, **base)
    for _ in range(clicks):
        event(con, "site_cta_clicked", site_id, ts, tenant, label="Book", **base)
    if form:
        event(con, "site_form_started", site_id, ts, tenant, form="contact", **base)
    if lead:
        event(con, "lead_received", site_id, ts, tenant, version=version, form="contact", spam="ok")


@pytest.fixture
def store(fresh_db):
    con = fresh_db
    add_site(con, "s_aaaaaaaaaaaaaaaa", "sess-a", name="Doce Vida")
    add_site(con, "s_bbbbbbbbbbbbbbbb", "sess-b", tenant="globex", email="g@globex.example", name="Globex")
    add_site(con, "s_cccccccccccccccc", "sess-c", name="Quiet Cafe")
    visit(con, "s_aaaaaaaaaaaaaaaa", "v1", 8, sections=("menu", "contact"), clicks=2, form=True, lead=True)
    visit(con, "s_aaaaaaaaaaaaaaaa", "v1", 8, sections=("menu",))  # the same visitor again that day
    visit(con, "s_aaaaaaaaaaaaaaaa", "v1", 9)  # and the next day: a new visitor-day
    visit(con, "s_aaaaaaaaaaaaaaaa", "v2", 9, version=2, sections=("menu",), form=True)
    event(con, "lead_received", "s_aaaaaaaaaaaaaaaa", datetime(2026, 12, 9, 11), version=2, spam="honeypot")
    visit(con, "s_bbbbbbbbbbbbbbbb", "v9", 9, tenant="globex", lead=True)
    return con


def row(frame, **match):
    found = frame
    for key, value in match.items():
        found = found[found[key] == value]
    assert len(found) == 1, found
    return found.iloc[0]


def test_overview_counts_visitor_days_pageviews_clicks_and_leads(store):
    frame = site_overview(store, tenant="default", now=NOW)
    doce = row(frame, site_id="s_aaaaaaaaaaaaaaaa")
    assert (doce["name"], doce["live_version"]) == ("Doce Vida", 1)
    assert (doce["visitors"], doce["pageviews"], doce["cta_clicks"], doce["form_starts"], doce["leads"]) == (3, 4, 2, 2, 1)
    assert doce["conversion"] == pytest.approx(1 / 3) and doce["form_conversion"] == pytest.approx(0.5)
    quiet = row(frame, site_id="s_cccccccccccccccc")
    assert quiet["visitors"] == 0 and quiet["leads"] == 0


def test_a_tenant_never_sees_another_tenants_sites(store):
    assert set(site_overview(store, tenant="default")["site_id"]) == {"s_aaaaaaaaaaaaaaaa", "s_cccccccccccccccc"}
    assert set(site_overview(store, tenant="globex")["site_id"]) == {"s_bbbbbbbbbbbbbbbb"}
    assert set(site_versions(store, tenant="globex")["site_id"]) == {"s_bbbbbbbbbbbbbbbb"}
    assert set(site_sections(store, tenant="globex")["site_id"]) <= {"s_bbbbbbbbbbbbbbbb"}
    assert int(site_daily(store, tenant="globex")["visitors"].sum()) == 1
    assert set(site_outcomes_by_customer(store, tenant="globex")["customer"]) == {"g@globex.example"}


def test_versions_compare_conversion(store):
    frame = site_versions(store, tenant="default", site_id="s_aaaaaaaaaaaaaaaa")
    v1, v2 = row(frame, version=1), row(frame, version=2)
    assert (v1["visitors"], v1["leads"]) == (2, 1) and v1["conversion"] == pytest.approx(0.5)
    assert (v2["visitors"], v2["leads"]) == (1, 0) and v2["conversion"] == 0  # the honeypot lead is not a lead


def test_sections_reached_with_their_share_of_visitors(store):
    frame = site_sections(store, site_id="s_aaaaaaaaaaaaaaaa")
    assert list(frame["section"]) == ["menu", "contact"]
    assert row(frame, section="menu")["visitors"] == 2
    assert row(frame, section="menu")["reach"] == pytest.approx(2 / 3)


def test_daily_figures_and_date_range(store):
    frame = site_daily(store, tenant="default", since=datetime(2026, 12, 9), until=datetime(2026, 12, 10))
    assert [str(d)[:10] for d in frame["day"]] == ["2026-12-09"]
    assert int(frame["visitors"].iloc[0]) == 2


def test_quiet_sites_are_live_sites_without_visitors(store):
    assert list(quiet_sites(store, days=7, now=NOW)["site_id"]) == ["s_cccccccccccccccc"]
    assert list(quiet_sites(store, days=7, now=NOW, tenant="globex")["site_id"]) == []


def test_site_outcomes_per_owner_for_health_count_quiet_sites_as_zero(store):
    frame = site_outcomes_by_customer(store, tenant="default")
    owner = row(frame, customer="owner@example.com")
    assert (owner["live_sites"], owner["site_visitors"], owner["site_leads"]) == (2, 3, 1)
    before = site_outcomes_by_customer(store, tenant="default", since=datetime(2026, 11, 1), until=datetime(2026, 11, 2))
    assert before.empty  # the sites did not exist yet


def test_customer_health_counts_a_site_that_gets_visitors_and_leads(store):
    from faibric_kernel.analytics.health import health_scores

    for session, email in (("sess-a", "owner@example.com"), ("sess-z", "nosite@example.com")):
        store.execute("INSERT INTO events VALUES (?, ?, 'default', ?, ?, 'request_submitted', '{}')",
                      [str(uuid.uuid4()), datetime(2026, 12, 9), session, email])
    scores = health_scores(store, now=NOW, tenant="default", trend=False)
    owner = row(scores, customer="owner@example.com")
    assert owner["site"] == 100 and (owner["site_visitors"], owner["site_leads"]) == (3, 1)
    assert pd.isna(row(scores, customer="nosite@example.com")["site"])  # no live site: no data, not a zero
    later = health_scores(store, now=datetime(2027, 2, 1), tenant="default", trend=False)
    assert row(later, customer="owner@example.com")["site"] == 0  # live sites nobody visited for 30 days


def test_the_studio_summary_of_a_sessions_site(store):
    summary = session_site_summary(store, "sess-a", days=2, now=NOW)
    assert (summary["site_id"], summary["visitors"], summary["leads"]) == ("s_aaaaaaaaaaaaaaaa", 2, 0)
    assert (summary["visitors_all_time"], summary["leads_all_time"]) == (3, 1)
    assert summary["last_lead_at"] == datetime(2026, 12, 8, 10)
    assert session_site_summary(store, "no-such-session") is None
