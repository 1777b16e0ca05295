"""The numbers a stakeholder compares across pages, pinned on small hand-made data.

Each rate has one definition (DESIGN.md, "Metric definitions"), a rate can
never exceed 100%, and where two pages show the same idea they show the same
figure (or the page says why not).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from faibric_kernel.analytics import conversion, funnel, health_scores, retention
from faibric_kernel.analytics.testing import insert_calls, insert_events
from faibric_kernel.dashboards import blocks, catalog, data, figures, views
from faibric_kernel.dashboards.roles import ANALYST
from faibric_kernel.store import ingest, record_api_call, record_event

NOW = datetime(2026, 11, 20, 12, 0, 0)
STEPS = ("request_submitted", "email_provided", "verified", "build_started", "deployed")


def full_session(con, session_id, start, email, *, deploys=1):
    rows = [(start + timedelta(minutes=i), session_id, step, email) for i, step in enumerate(STEPS[:-1])]
    rows += [(start + timedelta(minutes=10 + i), session_id, "deployed", email) for i in range(deploys)]
    insert_events(con, rows)


def kpis(con, now=NOW):
    return data.kpi_windows(con, now=now).set_index(["window", "metric"])


# ------------------------------------------------------------------ conversion


def test_conversion_cannot_exceed_100_percent_when_old_sessions_deploy_today(fresh_db):
    # the old way (deploy events today / requests today) said 3 / 1 = 300%
    for i in range(2):
        full_session(fresh_db, f"old{i}", NOW - timedelta(days=3), f"old{i}@x.io")
        insert_events(fresh_db, [(NOW - timedelta(hours=2), f"old{i}", "deployed", f"old{i}@x.io")])
    full_session(fresh_db, "new", NOW - timedelta(hours=1), "new@x.io", deploys=2)
    k = kpis(fresh_db)
    assert k.loc[("today", "sessions started"), "value"] == 1
    assert k.loc[("today", "conversion"), "value"] == 1.0
    for window in ("today", "7 days", "30 days"):
        assert k.loc[(window, "conversion"), "value"] <= 1.0


def test_conversion_counts_sessions_in_progress_as_not_yet_converted(fresh_db):
    full_session(fresh_db, "done", NOW - timedelta(hours=3), "a@x.io")
    insert_events(fresh_db, [(NOW - timedelta(hours=2), "open", "request_submitted")])
    result = conversion(fresh_db, since=datetime(2026, 11, 20), until=NOW, now=NOW)
    assert (result.entered, result.settled, result.converted, result.in_progress) == (2, 1, 1, 1)
    assert result.rate == 1.0  # the funnel's rate among settled sessions
    assert result.so_far == 0.5
    assert kpis(fresh_db).loc[("today", "conversion"), "value"] == 0.5


def test_funnel_started_is_settled_plus_in_progress(fresh_db):
    full_session(fresh_db, "done", NOW - timedelta(days=20), "a@x.io")
    insert_events(fresh_db, [(NOW - timedelta(days=20), "lost", "request_submitted"),
                             (NOW - timedelta(days=1), "open", "request_submitted")])
    result = funnel(fresh_db, since=NOW - timedelta(days=30), until=NOW, now=NOW).conversion()
    assert result.entered == result.settled + result.in_progress == 3
    assert (result.converted, result.in_progress) == (1, 1)
    assert result.converted <= result.settled <= result.entered


def test_overview_and_funnel_pages_show_the_same_conversion(workspace):
    for i, days_ago in enumerate((40, 25, 12, 3, 0)):
        start = NOW - timedelta(days=days_ago, hours=1)
        record_event("request_submitted", session_id=f"s{i}", ts=start)
        if i % 2 == 0:
            record_event("deployed", session_id=f"s{i}", ts=start + timedelta(minutes=30))
    ingest()
    today = NOW.date()
    overview = catalog.build("overview", views.ViewContext(role=ANALYST, now=NOW))
    funnel_page = catalog.build("funnel", views.ViewContext(
        role=ANALYST, now=NOW, filters=data.kpi_window_filters("30 days", now=NOW)))
    assert data.kpi_window_filters("30 days", now=NOW).since == today - timedelta(days=29)
    overview_kpis = {k.label: k.formatted() for b in overview if isinstance(b, blocks.Kpis)
                     and b.title.startswith("30 days") for k in b.items}
    funnel_kpis = {k.label: k.formatted() for b in funnel_page if isinstance(b, blocks.Kpis) for k in b.items}
    assert overview_kpis["conversion"] == funnel_kpis["converted so far"]
    assert overview_kpis["sessions started"] == funnel_kpis["started"]
    assert any("Funnel page" in b.text for b in overview if isinstance(b, blocks.Notice))


def test_overview_and_costs_show_the_same_30_day_spend(workspace):
    # a call 30 x 24 hours ago, before the 30-day range's first midnight: neither page counts it
    for hours_ago, cost in ((1, 1.25), (24 * 29 + 11, 2.5), (24 * 30 - 1, 4.0), (24 * 31, 8.0)):
        record_api_call(provider="anthropic", model="claude-haiku-4-5", purpose="generate", cost_usd=cost,
                        status="ok", ts=NOW - timedelta(hours=hours_ago))
    record_event("request_submitted", session_id="s", ts=NOW - timedelta(hours=1))
    ingest()
    overview = catalog.build("overview", views.ViewContext(role=ANALYST, now=NOW))
    costs = catalog.build("costs", views.ViewContext(role=ANALYST, now=NOW,
                                                   filters=data.kpi_window_filters("30 days", now=NOW)))
    spend_overview = next(k for b in overview if isinstance(b, blocks.Kpis) and b.title.startswith("30 days")
                          for k in b.items if k.label == "spend")
    spend_costs = next(k for b in costs if isinstance(b, blocks.Kpis) for k in b.items if k.label == "spend")
    assert spend_overview.value == spend_costs.value == 3.75


def test_windows_are_whole_days_including_today(fresh_db):
    insert_calls(fresh_db, [{"ts": datetime(2026, 11, 14, 0, 30), "cost_usd": 1.0},
                            {"ts": datetime(2026, 11, 13, 11, 30), "cost_usd": 2.0},
                            {"ts": datetime(2026, 11, 13, 12, 30), "cost_usd": 4.0}])  # after "this time" then
    k = kpis(fresh_db)
    assert k.loc[("7 days", "spend"), "value"] == 1.0
    assert k.loc[("7 days", "spend"), "previous"] == 2.0


# ------------------------------------------------------------------ colours


def test_a_rise_in_spend_or_errors_is_drawn_as_bad_news():
    assert 'faibric-bad' in blocks.Kpis("w", [blocks.Kpi("spend", 2.0, 1.0, "$", higher_is_better=False)]).html()
    assert 'faibric-good' in blocks.Kpis("w", [blocks.Kpi("spend", 1.0, 2.0, "$", higher_is_better=False)]).html()
    assert 'faibric-good' in blocks.Kpis("w", [blocks.Kpi("sessions", 2.0, 1.0)]).html()


def test_overview_marks_spend_and_error_rate_as_up_is_bad(workspace):
    # today 2 of 3 calls failed for $3; yesterday by this time 1 of 4 for $2
    for hours_ago, status, cost in ((1, "error", 1.0), (2, "error", 1.0), (3, "ok", 1.0), (25, "error", 0.5),
                                    (26, "ok", 0.5), (27, "ok", 0.5), (28, "ok", 0.5)):
        record_api_call(provider="anthropic", model="claude-haiku-4-5", purpose="generate", cost_usd=cost,
                        status=status, ts=NOW - timedelta(hours=hours_ago))
    record_event("request_submitted", session_id="s", ts=NOW - timedelta(hours=1))
    ingest()
    overview = catalog.build("overview", views.ViewContext(role=ANALYST, now=NOW))
    today = next(b for b in overview if isinstance(b, blocks.Kpis) and b.title.startswith("today"))
    by_label = {k.label: k for k in today.items}
    assert by_label["spend"].mood(by_label["spend"].change) == "bad"
    assert by_label["API error rate"].mood(by_label["API error rate"].change) == "bad"


# ------------------------------------------------------------------ health


def health_data(con):
    now = NOW
    # green: active on 8 days lately and deployed
    for d in range(8):
        insert_events(con, [(now - timedelta(days=d, hours=1), "g", "request_submitted", "green@x.io")])
    insert_events(con, [(now - timedelta(hours=2), "g", "build_started", "green@x.io"),
                        (now - timedelta(hours=1), "g", "deployed", "green@x.io")])
    # zero: built 40 days ago, never deployed, not seen since
    insert_events(con, [(now - timedelta(days=40), "z", "request_submitted", "zero@x.io"),
                        (now - timedelta(days=40), "z", "build_started", "zero@x.io")])


def test_health_band_legend_uses_the_band_colours(fresh_db):
    health_data(fresh_db)
    scored = health_scores(fresh_db, now=NOW)
    means = scored.groupby("band")[["engagement", "recency"]].mean().reset_index()
    long = means.melt(id_vars="band", var_name="component", value_name="average score")
    fig = figures.bar_figure(long, "component", "average score", colour="band", stacked=False,
                             series_colours=figures.BAND_COLOURS)
    assert {t.name: t.marker.color for t in fig.data} == {"red": figures.BAND_COLOURS["red"],
                                                          "green": figures.BAND_COLOURS["green"]}
    assert [t.name for t in fig.data] == ["red", "green"]


def test_a_dormant_customer_who_never_deployed_scores_zero(fresh_db):
    health_data(fresh_db)
    scored = health_scores(fresh_db, now=NOW).set_index("customer")
    assert scored.loc["zero@x.io", "score"] == 0
    assert scored.loc["zero@x.io", ["engagement", "recency", "build_success"]].tolist() == [0, 0, 0]
    assert scored.loc["green@x.io", "band"] == "green"


def test_health_and_users_count_the_same_bands_over_all_activity(workspace):
    for d in range(8):
        record_event("request_submitted", session_id="g", actor="green@x.io", ts=NOW - timedelta(days=d, hours=1))
    record_event("deployed", session_id="g", actor="green@x.io", ts=NOW - timedelta(hours=1))
    record_event("request_submitted", session_id="y", actor="yellow@x.io", ts=NOW - timedelta(days=3))
    record_event("request_submitted", session_id="r", actor="red@x.io", ts=NOW - timedelta(days=50))
    ingest()
    health = catalog.build("health", views.ViewContext(role=ANALYST, now=NOW))
    health_counts = {k.label: k.value for b in health if isinstance(b, blocks.Kpis) for k in b.items}
    everything = data.Filters(since=(NOW - timedelta(days=365)).date(), until=NOW.date())
    users = catalog.build("users", views.ViewContext(role=ANALYST, now=NOW, filters=everything))
    chart = next(b for b in users if isinstance(b, blocks.Chart))
    users_counts = dict(zip(chart.figure.data[0].x, chart.figure.data[0].y, strict=True))
    for band in ("red", "yellow", "green"):
        assert users_counts[band] == health_counts[band], band
    assert sum(health_counts[b] for b in ("red", "yellow", "green")) == 3


# ------------------------------------------------------------------ cohorts


def test_the_newest_cohort_has_its_period_0_cell(fresh_db):
    insert_events(fresh_db, [("2026-11-16T09:00:00", "a", "request_submitted", "a@x.io"),
                             ("2026-11-09T09:00:00", "b", "request_submitted", "b@x.io")])
    matrix = retention(fresh_db, "week", now=NOW).matrix
    newest = matrix.iloc[-1]
    assert str(newest["cohort"])[:10] == "2026-11-16"
    assert newest[0] == 1.0
    assert pd.isna(newest[1])


def test_seed_demo_counts_customers_as_the_cohorts_page_does(workspace):
    from faibric_kernel.demo import seed_demo

    report = seed_demo(sessions=60, days=20, seed=3, end=NOW)
    with data.dashboard_connection() as con:
        sizes = int(retention(con, "week", now=NOW).matrix["size"].sum())
    assert report.customers == sizes
    assert report.customers_with_email < report.customers


def test_seed_demo_says_how_many_events_are_its_own(workspace):
    from faibric_kernel.demo import seed_demo, seed_summary

    record_event("request_submitted", session_id="waiting", ts=NOW - timedelta(hours=1))
    first = seed_demo(sessions=20, days=5, seed=3, end=NOW)
    again = seed_demo(sessions=20, days=5, seed=3, end=NOW)
    assert first.new_events == first.events
    assert first.added["events"] == first.events + 1
    assert "1 other event(s) that were waiting in the spool" in seed_summary(first.to_dict())
    assert again.new_events == 0
    assert f"{again.events:,} events" in seed_summary(again.to_dict())


# ------------------------------------------------------------------ how numbers read


def test_each_kind_of_number_reads_one_way():
    from faibric_kernel.dashboards.safety import format_as

    assert format_as(88_866.39, "latency") == "88.9 s"
    assert format_as(640.2, "latency") == "640 ms"
    assert format_as(261.049, "money") == "$261.05"
    assert format_as(0.5432, "percent") == "54.3%"
    assert format_as(5400.0, "seconds") == "90.0 min"
    assert format_as(36.8, None) == "36.8"


def test_table_headers_are_words_and_cells_take_their_column_format():
    frame = pd.DataFrame({"model": ["m"], "avg_latency_ms": [88_866.39], "cost_usd": [1.5], "step_rate": [0.25],
                          "tenant_id": ["acme"]})
    html = blocks.Table("By model", frame, "m.csv").html()
    assert "<th>average latency</th>" in html and "<th>cost</th>" in html and "<th>tenant</th>" in html
    assert "88.9 s" in html and "$1.50" in html and "25.0%" in html
    assert "_" not in "".join(h for h in html.split("<th>")[1:] if "</th>" in h).split("</thead>")[0]


def test_a_long_table_pages_instead_of_growing():
    import ipywidgets as widgets

    from faibric_kernel.ui.dashboards import paged_table_widget

    frame = pd.DataFrame({"customer": [f"c{i}@x.io" for i in range(60)], "sessions": range(60)})
    table = blocks.Table("Customers", frame, "c.csv")
    assert table.pages == 3
    box = paged_table_widget(table)
    html, pager, _download = box.children
    previous, label, following = pager.children
    assert "c0@x.io" in html.value and "c25@x.io" not in html.value
    following.click()
    assert "c25@x.io" in html.value and "c24@x.io" not in html.value and "c50@x.io" not in html.value
    assert "rows 26-50 of 60" in label.value and not previous.disabled
    following.click()
    assert following.disabled and "c59@x.io" in html.value
    assert isinstance(html, widgets.HTML)


def test_funnel_steps_read_as_words(workspace):
    record_event("request_submitted", session_id="s", ts=NOW - timedelta(days=20))
    ingest()
    page = catalog.build("funnel", views.ViewContext(role=ANALYST, now=NOW,
                                                   filters=data.kpi_window_filters("30 days", now=NOW)))
    steps = next(b for b in page if isinstance(b, blocks.Table) and b.title == "Steps")
    assert steps.frame["name"].tolist()[:2] == ["Request submitted", "Email given"]


def test_the_timeline_gives_each_event_type_its_own_colour():
    types = list(data._EVENT_LABELS)
    timeline = pd.DataFrame({"ts": [NOW + timedelta(minutes=i) for i in range(len(types))],
                             "session_id": ["s1"] * len(types), "event_type": types,
                             "what": types, "detail": [""] * len(types)})
    fig = figures.timeline_figure(timeline)
    colours = [t.marker.color for t in fig.data]
    assert len(colours) == len(types) == len(set(colours))
    assert fig.layout.xaxis.side == "top"
    assert fig.layout.height <= 900


def test_today_is_drawn_as_a_partial_day():
    daily = pd.DataFrame({"day": pd.to_datetime(["2026-11-18", "2026-11-19", "2026-11-20"]),
                          "sessions_started": [10, 12, 2], "sites_deployed": [5, 6, 1], "errors": [0, 1, 0],
                          "active_sessions": [10, 12, 2], "spend_usd": [1.0, 1.0, 0.1]})
    fig = figures.activity_figure(daily, partial_day=NOW.date())
    solid = next(t for t in fig.data if t.name == "sessions started")
    dotted = next(t for t in fig.data if t.name == "sessions started (today so far)")
    assert list(pd.to_datetime(solid.x)) == list(pd.to_datetime(["2026-11-18", "2026-11-19"]))
    assert dotted.line.dash == "dot" and list(dotted.y) == [12, 2]


def test_the_budget_box_starts_empty_and_says_what_applies(monkeypatch):
    import ipywidgets as widgets

    from faibric_kernel.ui.dashboards import _control_widget

    budget = next(c for c in catalog.VIEWS["costs"].controls if c.name == "budget")
    box = _control_widget(budget, None, None)
    assert isinstance(box, widgets.Text) and box.value == "" and box.placeholder.startswith("not set")
    monkeypatch.setenv("FAIBRIC_MONTHLY_BUDGET_USD", "250")
    assert _control_widget(budget, None, None).placeholder == "250.00 (FAIBRIC_MONTHLY_BUDGET_USD)"
    assert views._budget("") == (250.0, None)
    assert views._budget("$1,000") == (1000.0, None)
    assert views._budget("lots")[0] == 250.0 and "not an amount" in views._budget("lots")[1]


def test_conversions_in_one_pass_equal_one_funnel_per_span(fresh_db):
    # converted early, converted late (after the first span ended), dropped off, still open, entered twice
    full_session(fresh_db, "early", NOW - timedelta(days=20), "a@x.io")
    full_session(fresh_db, "late", NOW - timedelta(days=9), "b@x.io")
    insert_events(fresh_db, [(NOW - timedelta(days=9) + timedelta(days=3), "late", "deployed", "b@x.io")])
    insert_events(fresh_db, [(NOW - timedelta(days=25), "gone", "request_submitted"),
                             (NOW - timedelta(days=24), "gone", "email_provided", "c@x.io"),
                             (NOW - timedelta(hours=5), "open", "request_submitted"),
                             (NOW - timedelta(days=40), "twice", "request_submitted"),
                             (NOW - timedelta(days=2), "twice", "request_submitted")])
    from faibric_kernel.analytics import conversions

    spans = [(NOW - timedelta(days=30), NOW), (NOW - timedelta(days=60), NOW - timedelta(days=30)),
             (NOW - timedelta(days=10), NOW - timedelta(days=8)), (NOW - timedelta(days=7), NOW),
             (datetime(2026, 11, 20), NOW)]
    one_pass = conversions(fresh_db, spans, now=NOW)
    for (since, until), got in zip(spans, one_pass, strict=True):
        assert got == conversion(fresh_db, since=since, until=until, now=until), (since, until)
