"""The dashboards without a browser: escaping, roles, tokens, views, widgets, notebooks, server settings."""

from __future__ import annotations

import base64
import json
import re
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from faibric_kernel.dashboards import blocks, catalog, data, notebooks, roles, safety, server, views
from faibric_kernel.dashboards.roles import ANALYST, STAKEHOLDER
from faibric_kernel.errors import ConfigError, InvalidInputError
from faibric_kernel.store import ingest, record_api_call, record_event

SCRIPT = "<script>window.__pwned=1</script>"
NOW = datetime(2026, 11, 20, 12, 0, 0)


@pytest.fixture(autouse=True)
def no_dashboard_env(monkeypatch):
    for name in ("FAIBRIC_ANALYST_TOKEN", "FAIBRIC_DASHBOARD_SERVER", "HTTP_X_FAIBRIC_ROLE", "VOILA_PREHEAT",
                 "VOILA_KERNEL_ID", "FAIBRIC_DASHBOARD_ROLE", "QUERY_STRING", "FAIBRIC_MONTHLY_BUDGET_USD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    """A small seed-demo workspace shared by the read-only view tests."""
    import os

    from faibric_kernel.demo import seed_demo
    from faibric_kernel.livesites.demo import seed_site_traffic
    from faibric_kernel.store import close_writers

    home = tmp_path_factory.mktemp("demo") / "home"
    old = os.environ.get("FAIBRIC_HOME")
    os.environ["FAIBRIC_HOME"] = str(home)
    try:
        seed_demo(sessions=300, days=60, seed=7, end=NOW)
        seed_site_traffic(end=NOW, days=60, sites=6, seed=7)
        record_event("request_submitted", session_id="xss-1", tenant_id="acme", properties={"prompt": SCRIPT},
                     ts=NOW - timedelta(seconds=3))
        record_event("email_provided", session_id="xss-1", tenant_id="acme", actor="mallory@evil.test",
                     properties={"email": "mallory@evil.test"}, ts=NOW - timedelta(seconds=2))
        record_event("feedback_submitted", session_id="xss-1", tenant_id="acme", actor="mallory@evil.test",
                     properties={"rating": 1, "comment": '<img src=x onerror="window.__pwned=2">'},
                     ts=NOW - timedelta(seconds=1))
        ingest()
        close_writers()
    finally:
        if old is None:
            os.environ.pop("FAIBRIC_HOME", None)
        else:
            os.environ["FAIBRIC_HOME"] = old
    return home


@pytest.fixture
def demo(demo_home, monkeypatch):
    monkeypatch.setenv("FAIBRIC_HOME", str(demo_home))
    monkeypatch.delenv("FAIBRIC_DATABASE_URL", raising=False)  # the shared workspace keeps its state in its file
    return demo_home


def ctx(role=ANALYST, days=60, **options):
    today = NOW.date()
    return views.ViewContext(role=role, filters=data.Filters(since=today - timedelta(days=days - 1), until=today),
                             now=NOW, options=options)


def all_html(blocks_list) -> str:
    return "\n".join(b.html() if not isinstance(b, blocks.Table) else b.html() for b in blocks_list)


# ------------------------------------------------------------------ escaping and CSV


def test_esc_turns_markup_into_text():
    assert safety.esc(SCRIPT) == "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
    assert safety.esc('" onmouseover="x') == "&quot; onmouseover=&quot;x"


def test_html_table_escapes_headers_and_cells():
    df = pd.DataFrame({"<b>col</b>": [SCRIPT], "n": [1234]})
    html = safety.html_table(df)
    assert "<script>" not in html and "<b>col</b>" not in html
    assert "&lt;script&gt;" in html and "1,234" in html


def test_html_table_shows_missing_times_as_empty():
    html = safety.html_table(pd.DataFrame({"t": [pd.NaT, pd.Timestamp("2026-01-02 03:04:05")]}))
    assert "2026-01-02 03:04:05" in html and "NaT" not in html


def test_plot_text_escapes_for_plotly():
    assert safety.plot_text(SCRIPT) == "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
    assert safety.plot_text(None) == "" and safety.plot_text(float("nan")) == ""


def test_csv_safe_quotes_spreadsheet_formulas():
    out = safety.csv_safe(pd.DataFrame({"c": ["=HYPERLINK(1)", "+1", "plain", "-2", "@x"]}))
    assert out["c"].tolist() == ["'=HYPERLINK(1)", "'+1", "plain", "'-2", "'@x"]


def test_csv_download_link_carries_every_row():
    df = pd.DataFrame({"a": range(500), "b": ["x"] * 500})
    link = safety.csv_download_link(df, "t.csv")
    payload = re.search(r'base64,([^"]+)"', link).group(1)
    text = base64.b64decode(payload).decode()
    assert text.splitlines()[0] == "a,b" and len(text.splitlines()) == 501
    assert 'download="t.csv"' in link


# ------------------------------------------------------------------ roles


def test_role_outside_voila_is_analyst():
    assert roles.current_role({}) == ANALYST


def test_role_under_voila_comes_from_the_server_header():
    assert roles.current_role({"FAIBRIC_DASHBOARD_SERVER": "1", roles.ROLE_ENV: "analyst"}) == ANALYST


def test_role_under_voila_defaults_to_stakeholder():
    assert roles.current_role({"VOILA_PREHEAT": "False"}) == STAKEHOLDER
    assert roles.current_role({"VOILA_PREHEAT": "True", roles.ROLE_ENV: "admin"}) == STAKEHOLDER


def test_role_under_voila_ignores_the_outside_override():
    assert roles.current_role({"FAIBRIC_DASHBOARD_SERVER": "1", "FAIBRIC_DASHBOARD_ROLE": "analyst"}) == STAKEHOLDER


def test_pseudonym_is_stable_and_hides_the_email():
    a, b = roles.pseudonym("ana@example.com"), roles.pseudonym("ana@example.com")
    assert a == b and a.startswith("customer-") and "ana" not in a
    assert roles.pseudonym("ben@example.com") != a


def test_pseudonymise_drops_free_text():
    df = pd.DataFrame({"customer": ["ana@example.com"], "prompt": ["secret"], "n": [1]})
    out = roles.pseudonymise(df, drop=("prompt",))
    assert list(out.columns) == ["customer", "n"] and "@" not in out["customer"][0]


def test_query_never_sets_the_role():
    context = views.context_from_query("role=analyst&customer=a%40b.c", role=STAKEHOLDER, now=NOW)
    assert context.role == STAKEHOLDER and context.options["customer"] == "a@b.c"


def test_query_sets_filters_and_ignores_bad_dates():
    context = views.context_from_query("since=2026-11-01&until=nonsense&tenant=acme", role=ANALYST, now=NOW)
    assert context.filters == data.Filters(since=date(2026, 11, 1), until=NOW.date(), tenant="acme")


# ------------------------------------------------------------------ identity provider (tokens -> roles)


class FakeRequest:
    def __init__(self, headers, protocol="http"):
        from tornado.httputil import HTTPHeaders

        self.headers = HTTPHeaders(headers)
        self.protocol = protocol
        self.remote_ip = "127.0.0.1"
        self.host = "127.0.0.1:8866"


class FakeHandler:
    """The parts of a tornado handler the identity provider touches; cookies are signed like tornado's."""

    base_url = "/"

    def __init__(self, args=None, headers=None, cookies=None, secret=b"s" * 32):
        import logging

        self.args = args or {}
        self.request = FakeRequest(headers or {})
        self.cookies = dict(cookies or {})
        self.secret = secret
        self.log = logging.getLogger("fake")

    current_user = None

    @property
    def xsrf_token(self):
        """As tornado's: reading it sets the ``_xsrf`` cookie when there is none."""
        self.cookies.setdefault("_xsrf", "2|fake")
        return b"2|fake"

    def get_argument(self, name, default=None):
        return self.args.get(name, default)

    def get_cookie(self, name):
        return self.cookies.get(name)

    def get_secure_cookie(self, name, **kwargs):
        from tornado.web import decode_signed_value

        value = self.cookies.get(name)
        return decode_signed_value(self.secret, name, value) if value else None

    def set_secure_cookie(self, name, value, **kwargs):
        from tornado.web import create_signed_value

        self.cookies[name] = create_signed_value(self.secret, name, value).decode()

    def clear_cookie(self, name, **kwargs):
        self.cookies.pop(name, None)

    def force_clear_cookie(self, name, **kwargs):
        self.cookies.pop(name, None)


def provider():
    from faibric_kernel.dashboards.auth import RoleIdentityProvider

    return RoleIdentityProvider(token="stakeholder-token-1", analyst_token="analyst-token-2")


def get_user(p, handler):
    import asyncio

    return asyncio.run(p.get_user(handler))


def test_role_for_token_maps_each_token_to_its_role():
    from faibric_kernel.dashboards.auth import role_for_token

    kwargs = {"stakeholder_token": "st-token-xyz", "analyst_token": "an-token-xyz"}
    assert role_for_token("an-token-xyz", **kwargs) == ANALYST
    assert role_for_token("st-token-xyz", **kwargs) == STAKEHOLDER
    assert role_for_token("nope", **kwargs) is None and role_for_token("", **kwargs) is None


def test_analyst_token_yields_the_analyst_header():
    handler = FakeHandler(args={"token": "analyst-token-2"})
    user = get_user(provider(), handler)
    assert user.username == ANALYST and handler.request.headers[roles.ROLE_HEADER] == ANALYST


def test_a_forged_role_header_is_overwritten():
    handler = FakeHandler(args={"token": "stakeholder-token-1"}, headers={roles.ROLE_HEADER: "analyst"})
    user = get_user(provider(), handler)
    assert user.username == STAKEHOLDER
    assert handler.request.headers.get_list(roles.ROLE_HEADER) == [STAKEHOLDER]


def test_no_token_means_no_user_and_no_role_header():
    handler = FakeHandler(headers={roles.ROLE_HEADER: "analyst"})
    assert get_user(provider(), handler) is None
    assert roles.ROLE_HEADER not in handler.request.headers


def test_the_login_cookie_keeps_the_role():
    p = provider()
    first = FakeHandler(args={"token": "analyst-token-2"})
    get_user(p, first)
    again = FakeHandler(cookies=first.cookies)
    assert get_user(p, again).username == ANALYST
    assert again.request.headers[roles.ROLE_HEADER] == ANALYST


def test_a_cookie_for_another_user_name_is_refused():
    p = provider()
    handler = FakeHandler()
    name = p.get_cookie_name(handler)
    handler.set_secure_cookie(name, json.dumps({"username": "admin", "name": "a", "display_name": "a",
                                                "initials": "A", "color": None, "avatar_url": None}))
    assert get_user(p, FakeHandler(cookies=handler.cookies)) is None


def test_the_login_form_accepts_either_token():
    p = provider()
    assert p.process_login_form(FakeHandler(args={"password": "analyst-token-2"})).username == ANALYST
    assert p.process_login_form(FakeHandler(args={"password": "stakeholder-token-1"})).username == STAKEHOLDER
    assert p.process_login_form(FakeHandler(args={"password": "guess"})) is None


# ------------------------------------------------------------------ data


def test_kpi_windows_count_today_and_compare_with_yesterday():
    record_event("request_submitted", session_id="a", ts=NOW - timedelta(hours=1))
    record_event("request_submitted", session_id="b", ts=NOW - timedelta(hours=2))
    # conversion is the funnel's: session a goes through every step
    for minutes, step in ((50, "email_provided"), (45, "verified"), (40, "build_started"), (30, "deployed")):
        record_event(step, session_id="a", actor="ana@example.com", ts=NOW - timedelta(minutes=minutes))
    record_event("request_submitted", session_id="c", ts=NOW - timedelta(days=1, hours=1))
    record_event("request_submitted", session_id="d", ts=NOW - timedelta(days=10))
    record_api_call(provider="anthropic", model="m", purpose="generate", session_id="a", cost_usd=1.5,
                    status="ok", ts=NOW - timedelta(hours=1))
    from faibric_kernel.store import read_connection

    with read_connection() as con:
        k = data.kpi_windows(con, now=NOW).set_index(["window", "metric"])
    assert k.loc[("today", "sessions started"), "value"] == 2
    assert k.loc[("today", "sessions started"), "previous"] == 1
    assert k.loc[("today", "conversion"), "value"] == 0.5
    assert k.loc[("today", "spend"), "value"] == 1.5
    assert k.loc[("30 days", "sessions started"), "value"] == 4


def test_filters_reject_a_range_that_ends_before_it_starts():
    with pytest.raises(InvalidInputError):
        data.Filters(since=date(2026, 2, 1), until=date(2026, 1, 1))


def test_filters_until_is_inclusive():
    f = data.Filters(since=date(2026, 1, 1), until=date(2026, 1, 31))
    assert f.start == datetime(2026, 1, 1) and f.end == datetime(2026, 2, 1)


# ------------------------------------------------------------------ views


@pytest.mark.parametrize("name", list(catalog.VIEWS))
def test_every_dashboard_says_plainly_when_there_is_no_data(name):
    out = catalog.build(name, ctx(ANALYST))
    assert [type(b) for b in out] == [blocks.Notice]
    assert out[0].kind == "empty" and "faibric seed-demo" in out[0].text


@pytest.mark.parametrize("name", list(catalog.VIEWS))
def test_every_dashboard_shows_a_chart_for_an_analyst(demo, name):
    out = catalog.build(name, ctx(ANALYST))
    assert any(isinstance(b, blocks.Chart) for b in out), [getattr(b, "text", "") for b in out]
    assert not [b for b in out if isinstance(b, blocks.Notice) and b.kind == "error"]


@pytest.mark.parametrize("name", ["users", "user_detail"])
def test_customer_dashboards_need_an_analyst_token(demo, name):
    out = catalog.build(name, ctx(STAKEHOLDER, customer="mallory@evil.test"))
    assert len(out) == 1 and out[0].kind == "denied" and "analyst token" in out[0].text


@pytest.mark.parametrize("name", ["overview", "funnel", "cohorts", "health", "costs"])
def test_stakeholders_see_no_email_and_no_customer_text(demo, name):
    html = all_html(catalog.build(name, ctx(STAKEHOLDER)))
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", html)
    assert "pwned" not in html and "tour dates" not in html  # neither the hostile nor an ordinary prompt


def test_analysts_see_customer_text_escaped(demo):
    html = all_html(catalog.build("user_detail", ctx(ANALYST, customer="mallory@evil.test")))
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<script" not in html and "<img" not in html


def test_the_timeline_figure_escapes_customer_text(demo):
    out = catalog.build("user_detail", ctx(ANALYST, customer="mallory@evil.test"))
    figure = next(b.figure for b in out if isinstance(b, blocks.Chart))
    text = json.dumps(figure.to_plotly_json(), default=str)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_the_activity_feed_escapes_the_prompt(demo):
    html = all_html(catalog.build("overview", ctx(ANALYST)))
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html and "<script" not in html


def test_user_detail_shows_the_customers_history(demo):
    out = catalog.build("user_detail", ctx(ANALYST, customer="mallory@evil.test"))
    tables = {b.title: b.frame for b in out if isinstance(b, blocks.Table)}
    assert tables["Sessions"]["session_id"].tolist() == ["xss-1"]
    assert tables["Feedback"]["rating"].tolist() == [1]


def test_user_detail_for_an_unknown_customer_says_so(demo):
    out = catalog.build("user_detail", ctx(ANALYST, customer="nobody@example.com"))
    assert out[0].kind == "empty" and "nobody@example.com" in out[0].text


def test_users_search_and_sort():
    table = pd.DataFrame({"customer": ["b@x.io", "a@y.io", "c@x.io"], "tenant": ["t", "t", "u"],
                          "spend_usd": [1.0, 3.0, 2.0], "health_band": ["red", "green", None]})
    assert views.filter_users(table, search="x.io", sort="spend")["customer"].tolist() == ["c@x.io", "b@x.io"]
    assert views.filter_users(table, band="no score")["customer"].tolist() == ["c@x.io"]


def test_health_at_risk_list_is_pseudonymised_for_stakeholders(demo):
    out = catalog.build("health", ctx(STAKEHOLDER))
    at_risk = next(b.frame for b in out if isinstance(b, blocks.Table) and b.title.startswith("At risk"))
    assert len(at_risk) and at_risk["customer"].str.startswith("customer-").all()


def test_costs_flag_a_budget_crossing(demo):
    out = catalog.build("costs", ctx(ANALYST, budget=1.0))
    notices = [b for b in out if isinstance(b, blocks.Notice)]
    assert any("budget" in n.text.lower() and n.kind in ("error", "denied") for n in notices)


def test_costs_list_sites_only_for_analysts(demo):
    def titles(role):
        return [b.title for b in catalog.build("costs", ctx(role)) if isinstance(b, blocks.Table)]

    assert any(t.startswith("Deployed sites") for t in titles(ANALYST))
    assert not any(t.startswith("Deployed sites") for t in titles(STAKEHOLDER))


def test_costs_show_where_build_time_goes_and_the_slowest_builds_to_analysts(demo):
    def tables(role):
        return {b.title: b.frame for b in catalog.build("costs", ctx(role)) if isinstance(b, blocks.Table)}

    analyst, stakeholder = tables(ANALYST), tables(STAKEHOLDER)
    stages = analyst["Build stages"].set_index("stage")
    assert stages.loc["generate", "mean_seconds"] == stages["mean_seconds"].max()  # the model's time dominates
    slowest = analyst["Slowest builds and changes"]
    assert len(slowest) and slowest["seconds"].is_monotonic_decreasing
    assert analyst["Most expensive builds and changes"]["cost_usd"].is_monotonic_decreasing
    assert "Build stages" in stakeholder and "Slowest builds and changes" not in stakeholder


def test_funnel_compares_the_prompt_variants(demo):
    out = catalog.build("funnel", ctx(STAKEHOLDER))
    variants = next(b.frame for b in out if isinstance(b, blocks.Table) and b.title.startswith("Prompt variants"))
    assert set(variants["variant"]) == {"A", "B"}


def test_dashboards_as_of_now_offer_no_date_range(demo):
    from faibric_kernel.ui.dashboards import DashboardApp

    app = DashboardApp("health", views.context_from_query("", role=ANALYST, now=NOW))
    shown = list(walk(app.widget))
    assert app.tenant in shown and app.since not in shown


def test_a_failing_section_becomes_a_notice(monkeypatch, demo):
    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.data, "kpi_windows", broken)
    out = catalog.build("overview", ctx(ANALYST))
    assert out[0].kind == "error" and "RuntimeError" in out[0].text


def test_unknown_dashboard_is_refused():
    with pytest.raises(InvalidInputError):
        catalog.build("secrets", ctx())


# ------------------------------------------------------------------ widgets


def test_dashboard_app_renders_and_refreshes_on_filter_change(demo):
    from faibric_kernel.ui.dashboards import DashboardApp

    app = DashboardApp("overview", views.context_from_query("", role=ANALYST, now=NOW, default_days=60))
    app.refresh()
    first = app.refresh_count
    app.tenant.value = "acme"
    assert app.refresh_count == first + 1 and app.ctx.filters.tenant == "acme"


def test_charts_are_plotly_mime_outputs(demo):
    from faibric_kernel.ui.dashboards import PLOTLY_MIME, DashboardApp

    app = DashboardApp("funnel", views.context_from_query("", role=ANALYST, now=NOW, default_days=60))
    app.refresh()
    outputs = [w for w in walk(app.body) if hasattr(w, "outputs")]
    assert outputs and PLOTLY_MIME in outputs[0].outputs[0]["data"]
    json.dumps(outputs[0].outputs[0]["data"])  # plain JSON, ready for the comm


def test_a_live_dashboard_refreshes_itself_for_a_while(demo):
    from faibric_kernel.ui.dashboards import DashboardApp

    app = DashboardApp("funnel", views.context_from_query("", role=ANALYST, now=NOW, default_days=60))
    app.refresh()
    thread = app.start_auto_refresh(every_s=0.05, for_s=1.0)
    thread.join(10)
    assert not thread.is_alive() and app.refresh_count >= 3
    assert "live updates paused" in app.status.value


def test_a_refresh_closes_the_widgets_it_replaces(demo):
    from ipywidgets.widgets.widget import _instances

    from faibric_kernel.ui.dashboards import DashboardApp

    app = DashboardApp("funnel", views.context_from_query("", role=ANALYST, now=NOW, default_days=60))
    app.refresh()
    before = len(_instances)
    for _ in range(3):
        app.refresh()
    assert len(_instances) <= before


def test_show_can_draw_the_body_after_the_cell_returns(demo):
    from faibric_kernel.ui.dashboards import show

    app = show("funnel", query="since=2026-10-01", role=ANALYST, background=True)
    app.first_build.join(30)
    assert app.refresh_count == 1 and "Funnel" in app.blocks_text()


def test_the_overview_is_live():
    assert catalog.VIEWS["overview"].live_every_s > 0


def test_stakeholder_app_for_users_has_no_filters(demo):
    from faibric_kernel.ui.dashboards import DashboardApp

    app = DashboardApp("users", views.context_from_query("", role=STAKEHOLDER))
    app.refresh()
    assert app.denied and not app.controls and "analyst token" in app.blocks_text()


def test_customer_from_the_url_is_preselected(demo):
    from faibric_kernel.ui.dashboards import DashboardApp

    app = DashboardApp("user_detail", views.context_from_query("customer=mallory%40evil.test", role=ANALYST,
                                                               now=NOW, default_days=60))
    app.refresh()
    assert app.controls["customer"].value == "mallory@evil.test"
    assert "mallory@evil.test" in app.blocks_text()


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_big_tables_prepare_their_csv_on_click():
    import ipywidgets as widgets

    from faibric_kernel.ui.dashboards import body_widgets

    frame = pd.DataFrame({"customer": [f"c{i}@example.com" for i in range(20_000)], "n": range(20_000)})
    shown = [w for top in body_widgets([blocks.Table("Big", frame, "big.csv")]) for w in walk(top)]
    button = next(w for w in shown if isinstance(w, widgets.Button) and w.description.startswith("Prepare CSV"))
    link = [w for w in shown if isinstance(w, widgets.HTML)][-1]
    assert link.value == ""
    button.click()
    payload = base64.b64decode(re.search(r"base64,([^\"]+)", link.value).group(1)).decode()
    assert len(payload.splitlines()) == 20_001


def test_small_tables_embed_their_csv():
    from faibric_kernel.ui.dashboards import body_widgets

    (only,) = body_widgets([blocks.Table("Small", pd.DataFrame({"a": [1, 2]}), "small.csv")])
    assert "data:text/csv" in only.value


def test_text_blocks_share_one_widget():
    from faibric_kernel.ui.dashboards import body_widgets

    shown = body_widgets([blocks.Heading("a"), blocks.Notice("b"), blocks.Table("c", pd.DataFrame({"x": [1]}), "c.csv")])
    assert len(shown) == 1


# ------------------------------------------------------------------ notebooks, server settings, CLI


@pytest.mark.parametrize("name", notebooks.DASHBOARD_NAMES)
def test_repo_notebooks_are_the_generated_ones(name):
    repo = Path(__file__).resolve().parents[1] / "dashboards" / f"{name}.ipynb"
    assert repo.read_text(encoding="utf-8") == notebooks.notebook_json(name)


def test_every_notebook_has_a_view():
    assert set(notebooks.DASHBOARD_NAMES) == set(catalog.VIEWS)


def test_notebooks_are_written_for_an_installed_package(tmp_path):
    folder = notebooks.write_notebooks(tmp_path / "dash")
    assert sorted(p.stem for p in folder.glob("*.ipynb")) == sorted(notebooks.DASHBOARD_NAMES)
    cell = json.loads((folder / "costs.ipynb").read_text())["cells"][0]
    assert "".join(cell["source"]).endswith('show("costs")')


def test_tokens_are_generated_when_unset():
    settings = server.resolve_settings(port=9999)
    assert settings.stakeholder_generated and settings.analyst_generated
    assert len(settings.stakeholder_token) >= 24 and settings.stakeholder_token != settings.analyst_token
    assert settings.host == "127.0.0.1"


def test_tokens_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FAIBRIC_DASHBOARD_TOKEN", "stakeholder-from-env")
    monkeypatch.setenv("FAIBRIC_ANALYST_TOKEN", "analyst-from-env")
    settings = server.resolve_settings(port=9999)
    assert settings.stakeholder_token == "stakeholder-from-env" and not settings.stakeholder_generated
    assert settings.to_dict()["stakeholder_token"] is None  # a token the user set is never printed


def test_equal_tokens_are_refused():
    with pytest.raises(ConfigError):
        server.resolve_settings(token="same-token-1", analyst_token="same-token-1")


def test_voila_config_wires_the_roles():
    settings = server.resolve_settings(port=9999, token="stakeholder-tok", analyst_token="analyst-tok")
    cfg = server.voila_config(settings)
    assert cfg["Voila"]["identity_provider_class"] == "faibric_kernel.dashboards.auth.RoleIdentityProvider"
    assert cfg["Voila"]["ip"] == "127.0.0.1" and cfg["Voila"]["port_retries"] == 0
    assert cfg["RoleIdentityProvider"]["analyst_token"] == "analyst-tok"
    assert cfg["VoilaConfiguration"]["http_header_envs"] == [roles.ROLE_HEADER]


def test_kernels_do_not_inherit_the_tokens(monkeypatch):
    monkeypatch.setenv("FAIBRIC_DASHBOARD_TOKEN", "stakeholder-from-env")
    monkeypatch.setenv("FAIBRIC_ANALYST_TOKEN", "analyst-from-env")
    env = server._kernel_env(server.resolve_settings(port=9999))
    assert "FAIBRIC_DASHBOARD_TOKEN" not in env and "FAIBRIC_ANALYST_TOKEN" not in env
    assert env[roles.SERVER_ENV] == "1"


def test_kernels_get_no_request_info_from_the_server_environment(monkeypatch):
    monkeypatch.setenv(roles.ROLE_ENV, "analyst")
    monkeypatch.setenv("QUERY_STRING", "customer=x")
    env = server._kernel_env(server.resolve_settings(port=9999))
    assert roles.ROLE_ENV not in env and "QUERY_STRING" not in env


def test_a_preheated_kernel_waits_again_when_the_request_never_came(monkeypatch):
    from faibric_kernel.ui import dashboards as ui

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    calls = []

    def flaky_wait():
        calls.append(1)
        if len(calls) == 2:  # the first wait broke off; the second brings the request
            monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
            monkeypatch.setenv(roles.ROLE_ENV, "analyst")

    ui._wait_for_voila_request("funnel", wait_for_request=flaky_wait)
    assert len(calls) == 2 and roles.current_role() == ANALYST


def test_the_config_file_is_private(tmp_path):
    settings = server.resolve_settings(port=server.free_port(), token="stakeholder-tok", analyst_token="analyst-tok",
                                       folder=tmp_path)
    srv = server.DashboardServer(settings)
    srv.command = lambda: ["python3", "-c", "import time; time.sleep(30)"]
    srv.start()
    try:
        mode = (srv.run_dir / "voila.json").stat().st_mode
        assert stat.S_IMODE(mode) == 0o600
        assert "analyst-tok" not in " ".join(server.DashboardServer(settings).command())
        assert (srv.run_dir / "jupyter" / "voila" / "templates" / "faibric" / "index.html.j2").is_file()
    finally:
        srv.stop()
    assert not srv.run_dir


def test_readiness_ignores_what_earlier_runs_logged(tmp_path):
    log = tmp_path / "voila.log"
    earlier = "".join(f"[Voila] Kernel pool of {n}.ipynb is filled with 1 kernel(s)\n"
                      f"faibric dashboards: {n} kernel ready, waiting for a viewer\n"
                      for n in notebooks.DASHBOARD_NAMES)
    log.write_text(earlier)
    settings = server.resolve_settings(port=server.free_port(), token="stakeholder-tok", analyst_token="analyst-tok",
                                       folder=tmp_path)
    srv = server.DashboardServer(settings, log_path=log)
    srv.command = lambda: ["python3", "-c", "import time; time.sleep(30)"]
    srv.start()
    try:
        assert not srv.pools_filled()
    finally:
        srv.stop()


def test_the_template_drops_the_cdn():
    assert "cdn." not in server.TEMPLATE_INDEX and "super.super()" in server.TEMPLATE_INDEX


def test_cli_lists_the_dashboards_command():
    from faibric_kernel.cli import main

    result = CliRunner().invoke(main, ["dashboards", "--help"])
    assert result.exit_code == 0 and "--token" in result.output and "--analyst-token" in result.output


def test_cli_refuses_a_short_token():
    from faibric_kernel.cli import main

    result = CliRunner().invoke(main, ["dashboards", "--token", "short", "--port", "0"])
    assert result.exit_code != 0 and "too short" in result.output


def test_server_urls_quote_the_query(tmp_path):
    settings = server.resolve_settings(port=8123, token="stakeholder-tok", analyst_token="analyst-tok",
                                       folder=tmp_path)
    url = server.DashboardServer(settings).url("user_detail", token="t", customer="a+b@x.io")
    assert url.startswith("http://127.0.0.1:8123/voila/render/user_detail.ipynb?")
    from urllib.parse import parse_qs, urlsplit

    assert parse_qs(urlsplit(url).query) == {"customer": ["a+b@x.io"], "token": ["t"]}


@pytest.mark.slow
def test_faibric_dashboards_serves_behind_a_generated_token_and_stops_cleanly(workspace):
    import signal
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    env = {k: v for k, v in __import__("os").environ.items() if k not in ("FAIBRIC_DASHBOARD_TOKEN",
                                                                          "FAIBRIC_ANALYST_TOKEN")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from faibric_kernel.cli import main; main()", "dashboards", "--port", "0",
         "--pool-size", "0", "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        info = json.loads(process.stdout.readline())
        assert info["host"] == "127.0.0.1" and info["url"].startswith("http://127.0.0.1:")
        assert len(info["stakeholder_token"]) >= 24 and len(info["analyst_token"]) >= 24
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(info["url"] + "voila/api/contents/", timeout=10)
        assert refused.value.code == 403
        with urllib.request.urlopen(info["url"] + "voila/render/overview.ipynb", timeout=10) as response:
            assert "/login" in response.url  # redirected to the login page
        with pytest.raises(urllib.error.HTTPError) as odd:
            urllib.request.urlopen(info["url"] + "voila/templates/..%2f..", timeout=10)
        assert odd.value.code == 404  # not Voila's assertion as a 500
        codes = []
        for _ in range(7):  # guessing tokens: after five wrong ones this address is held back
            try:
                with urllib.request.urlopen(info["url"] + "voila/render/overview.ipynb?token=wrong-guess-123",
                                            timeout=10) as response:
                    codes.append(response.status)
            except urllib.error.HTTPError as exc:
                codes.append(exc.code)
        assert codes[-1] == 429, codes
        record = json.loads((workspace / "run" / "dashboards.json").read_text())
        assert record["port"] == info["port"] and record["pid"] == process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    assert not (workspace / "run" / "dashboards.json").exists()
    assert not list((workspace / "run").glob("dashboards-*"))  # the private config folder is gone
    logs = "".join(p.read_text() for p in (workspace / "logs").glob("dashboards-*.log"))
    assert "wrong-guess-123" not in logs and info["stakeholder_token"] not in logs


def test_every_dashboard_notebook_draws_from_one_pool():
    from faibric_kernel.dashboards.pool import POOL_NOTEBOOK, pool_key

    assert {pool_key(f"{name}.ipynb") for name in notebooks.DASHBOARD_NAMES} == {POOL_NOTEBOOK}
    assert pool_key("sub/costs.ipynb") == f"sub/{POOL_NOTEBOOK}"
    assert pool_key("notes.ipynb") == "notes.ipynb"  # not a dashboard: a pool of its own


def test_the_request_path_names_the_dashboard_a_pooled_kernel_shows():
    from faibric_kernel.dashboards.pool import requested_dashboard

    assert requested_dashboard("/voila/render/costs.ipynb", "overview") == "costs"
    assert requested_dashboard("/voila/render/user_detail.ipynb", "overview") == "user_detail"
    assert requested_dashboard("/voila/render/user%5Fdetail.ipynb", "overview") == "user_detail"  # as Voila decodes
    assert requested_dashboard("/voila/render/secret.ipynb", "overview") == "overview"
    assert requested_dashboard("", "users") == "users"


class _PerNotebookPools:
    """Voila's pooling manager as far as the shared pool uses it: pools and notebook data keyed by name."""

    def __init__(self, **kwargs):
        self.pools: dict[str, list[str]] = {}
        self.notebook_data = {}
        self.kernel_env: list[dict] = []

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        self.kernel_env.append(kwargs.get("extra_kernel_env_variables", {}))
        pool = self.pools.setdefault(notebook_name, [])
        while len(pool) < 2:
            pool.append(f"kernel-{sum(len(p) for p in self.pools.values())}")
            self.notebook_data[notebook_name] = {"template": "faibric"}

    def get_pool_size(self, notebook_name):
        return len(self.pools.get(notebook_name, []))

    async def get_rendered_notebook(self, notebook_name, **kwargs):
        return self.pools[notebook_name].pop(0)


def test_filling_for_every_dashboard_starts_one_pool_and_any_dashboard_takes_from_it():
    import asyncio

    from faibric_kernel.dashboards.pool import POOL_NOTEBOOK, SharedPool

    manager = type("Manager", (SharedPool, _PerNotebookPools), {})()
    for name in notebooks.DASHBOARD_NAMES:
        manager.fill_if_needed(delay=0, notebook_name=f"{name}.ipynb")
    assert list(manager.pools) == [POOL_NOTEBOOK]
    assert manager.get_pool_size("costs.ipynb") == 2
    assert manager.notebook_data.get("costs.ipynb") == {"template": "faibric"}
    assert asyncio.run(manager.get_rendered_notebook("costs.ipynb")) == "kernel-0"
    assert manager.get_pool_size("users.ipynb") == 1


def test_a_viewer_s_url_and_token_never_reach_the_kernel_that_refills_the_pool():
    from faibric_kernel.dashboards.pool import SharedPool

    manager = type("Manager", (SharedPool, _PerNotebookPools), {})()
    manager.fill_if_needed(delay=0, notebook_name="costs.ipynb",
                           extra_kernel_env_variables={"VOILA_REQUEST_URL": "http://h/costs.ipynb?token=secret"})
    assert manager.kernel_env == [{}]
