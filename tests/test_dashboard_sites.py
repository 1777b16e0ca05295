"""The Sites dashboard over a real workspace store: figures per site, no visitor text, one tenant at a time."""

from __future__ import annotations

from datetime import date

from faibric_kernel.dashboards import catalog, views
from faibric_kernel.dashboards.blocks import Chart, Kpis, Notice, Table
from faibric_kernel.dashboards.data import Filters
from faibric_kernel.dashboards.roles import ANALYST
from faibric_kernel.livesites.leads import check_submission, store_lead
from faibric_kernel.livesites.registry import lookup_site, public_site_id
from faibric_kernel.livesites.visitors import record_batch
from faibric_kernel.sessions import create_session

SCRIPT = "<img src=x onerror=alert(1)>"


def live_site(tenant):
    session = create_session("A bakery", tenant_id=tenant, email=f"owner@{tenant}.example")
    info = lookup_site(public_site_id(session.session_id, tenant))
    record_batch(info, "/", "", [("pv", ""), ("sv", "menu"), ("cc", SCRIPT), ("fs", "contact")], "visitor-1")
    record_batch(info, "/", "", [("pv", ""), ("sv", SCRIPT)], "visitor-2")
    body = {"_form": "contact", "_elapsed": 9000, "email": "ada@example.com", "message": SCRIPT}
    store_lead(info, check_submission(body, min_fill_seconds=3))
    return info


def build(tenant=None, **options):
    ctx = views.ViewContext(role=ANALYST, filters=Filters(since=date(2020, 1, 1), until=date(2100, 1, 1),
                                                          tenant=tenant), options=options)
    return catalog.build("sites", ctx)


def kpis(blocks):
    [row] = [b for b in blocks if isinstance(b, Kpis)]
    return {k.label: k.value for k in row.items}


def test_the_sites_dashboard_shows_visitors_clicks_and_leads_per_site():
    info = live_site("acme")
    blocks = build("acme")
    figures = kpis(blocks)
    assert (figures["sites"], figures["visitors"], figures["CTA clicks"], figures["leads"]) == (1, 2, 1, 1)
    assert figures["form conversion"] == 1.0
    per_site = next(b for b in blocks if isinstance(b, Table) and b.title == "Per site")
    assert list(per_site.frame["site"]) == [info.site_id]
    html = "".join(b.html() for b in blocks)
    assert SCRIPT not in html and "ada@example.com" not in html


def test_one_site_can_be_chosen_and_shows_its_sections():
    info = live_site("acme")
    blocks = build("acme", site=f"A bakery ({info.site_id})")
    sections = next(b for b in blocks if isinstance(b, Table) and b.title == "Sections reached")
    assert set(sections.frame["section"]) == {"menu", SCRIPT}
    # a section name comes from the visitor's browser: text in the table and in the chart, never markup
    assert SCRIPT not in "".join(b.html() for b in blocks)
    chart = next(b for b in blocks if isinstance(b, Chart) and b.title == "Sections reached")
    assert SCRIPT not in chart.figure.to_json() and "&lt;img" in chart.figure.to_json()


def test_another_tenant_never_sees_these_sites():
    live_site("acme")
    live_site("globex")
    assert kpis(build("globex"))["sites"] == 1
    other = build("initech")
    assert isinstance(other[0], Notice)
