"""The dashboards as a viewer meets them: `faibric dashboards` (Voila) in Debian's chromium, driven by Playwright.

One server per module, on a seed-demo workspace with a hostile prompt in it.
Waits are for elements (the plotly chart, the notice), never fixed sleeps.
Without chromium the module is skipped, unless FAIBRIC_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from faibric_kernel.dashboards.notebooks import DASHBOARD_NAMES, TITLES

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
STAKEHOLDER_TOKEN = "stakeholder-" + "s" * 20
ANALYST_TOKEN = "analyst-" + "a" * 20
SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_COMMENT = '<img src=x onerror="window.__pwned=2">'
MALLORY = "mallory@evil.test"
CHART_TIMEOUT_MS = 180_000  # generous: pages wait for a pooled kernel to warm up, slower on a loaded CI machine
REPO = Path(__file__).resolve().parent.parent
README_SCREENSHOTS = {"overview": REPO / "docs" / "dashboard-overview.png",
                      "funnel": REPO / "docs" / "dashboard-funnel.png"}
MAX_TABLE_PX = 2_500
# what a viewer's page measures: Voila's lab template scrolls #rendered_cells, not the document
LAYOUT_JS = """() => {
  const scroller = document.querySelector('#rendered_cells') || document.documentElement;
  const overflow = Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth,
                            scroller.scrollWidth - scroller.clientWidth);
  const tables = [...document.querySelectorAll('.faibric-table')].map(t => t.getBoundingClientRect().height);
  const broken = [...document.querySelectorAll('.faibric-table th')].filter(th => {
      const range = document.createRange(); range.selectNodeContents(th);
      return range.getClientRects().length > 1; }).map(th => th.textContent);
  return {overflow, tables, broken, height: scroller.scrollHeight};
}"""
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _need_chromium() -> None:
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return
    reason = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("FAIBRIC_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + "; FAIBRIC_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A seed-demo workspace, plus a customer whose prompt and comment are hostile."""
    _need_chromium()
    from faibric_kernel.demo import seed_demo
    from faibric_kernel.livesites.demo import seed_site_traffic
    from faibric_kernel.store import close_writers, ingest, record_event

    home = tmp_path_factory.mktemp("dash-browser") / "home"
    old = os.environ.get("FAIBRIC_HOME")
    os.environ["FAIBRIC_HOME"] = str(home)
    try:
        seed_demo(sessions=400, days=60, seed=11)
        now = datetime.now(UTC).replace(tzinfo=None)
        seed_site_traffic(end=now, days=30, sites=6, seed=11)
        record_event("request_submitted", session_id="xss-1", tenant_id="acme", properties={"prompt": SCRIPT},
                     ts=now - timedelta(seconds=3))
        record_event("email_provided", session_id="xss-1", tenant_id="acme", actor=MALLORY,
                     properties={"email": MALLORY}, ts=now - timedelta(seconds=2))
        record_event("feedback_submitted", session_id="xss-1", tenant_id="acme", actor=MALLORY,
                     properties={"rating": 1, "comment": HOSTILE_COMMENT}, ts=now - timedelta(seconds=1))
        ingest()
        close_writers()
    finally:
        if old is None:
            os.environ.pop("FAIBRIC_HOME", None)
        else:
            os.environ["FAIBRIC_HOME"] = old
    return home


@pytest.fixture(scope="module")
def dash(home):
    """`faibric dashboards` on a free port, started once for the module, with warm kernel pools."""
    from faibric_kernel.dashboards.landing import landing_jupyter_path
    from faibric_kernel.dashboards.server import DashboardServer, free_port, resolve_settings

    with pytest.MonkeyPatch.context() as env:
        env.setenv("FAIBRIC_HOME", str(home))
        # as `faibric dashboards` does: Voila's root is the landing page of cards
        env.setenv("JUPYTER_PATH", landing_jupyter_path())
        # every test here is the same viewer on loopback, opening far more pages than a person would in
        # 5 minutes; the caps themselves are tested in test_dashboards_guards
        env.setenv("FAIBRIC_DASHBOARD_KERNELS_PER_VIEWER", "1000")
        env.setenv("FAIBRIC_DASHBOARD_MAX_KERNELS", "1000")
        settings = resolve_settings(port=free_port(), token=STAKEHOLDER_TOKEN, analyst_token=ANALYST_TOKEN,
                                    pool_size=3)
        server = DashboardServer(settings, log_path=home / "logs" / "voila-test.log")
        server.start()
        try:
            server.wait_ready(timeout=180, pools=True)
        except Exception:
            server.stop()
            raise
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(dash):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser, **context_options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)

    # no test reaches the internet: anything not on loopback is refused
    def only_loopback(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_loopback)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    context, page = _new_page(browser)
    yield page
    context.close()


def _open(page, dash, name, token, **query):
    page.goto(dash.url(name, token=token, **query), wait_until="domcontentloaded")


def _wait_chart(page):
    page.wait_for_selector(".js-plotly-plot", timeout=CHART_TIMEOUT_MS)


def _wait_notice(page, text):
    page.wait_for_selector(f".faibric-notice:has-text('{text}')", timeout=CHART_TIMEOUT_MS)


WRITER = textwrap.dedent(
    """
    import os, sys, time
    from faibric_kernel.store import ingest, record_event
    count_file = sys.argv[1]
    n = 0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        record_event("request_submitted", session_id=f"writer-{n}", tenant_id="loadtest",
                     properties={"prompt": "written while dashboards read"})
        n += 1
        if n % 50 == 0:
            ingest()  # the writer also takes the database read-write now and then
            with open(count_file + ".tmp", "w") as fh:
                fh.write(str(n))
            os.replace(count_file + ".tmp", count_file)
        time.sleep(0.02)
    """
)


@pytest.fixture
def writer(home, tmp_path):
    """Another process recording events (and ingesting them) for as long as the test runs."""
    count_file = tmp_path / "count"
    env = {**os.environ, "FAIBRIC_HOME": str(home)}
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(count_file)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def written() -> int:
        try:
            return int(count_file.read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    deadline = time.monotonic() + 30
    while written() == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.poll() is None, process.stderr.read().decode()
    yield written
    process.terminate()
    process.wait(10)


# Every dashboard draws from one pool of three pre-heated kernels, each refilled a few seconds after use;
# a page that finds the pool empty starts its own kernel, which is slower but shows the same page.


@pytest.mark.parametrize("name", DASHBOARD_NAMES)
def test_each_dashboard_shows_its_charts_while_another_process_writes(page, dash, writer, name):
    """With the token, every dashboard loads its charts from the seed-demo data, and writers are never blocked."""
    before = writer()
    _open(page, dash, name, ANALYST_TOKEN)
    _wait_chart(page)
    assert page.locator(".js-plotly-plot").count() >= 1
    assert page.locator(".faibric-error").count() == 0, page.locator(".faibric-error").first.inner_text()
    assert page.locator(".jp-OutputArea-output pre").filter(has_text="Traceback").count() == 0
    assert writer() > before, "the writer made no progress while the dashboard read"


def test_a_pre_heated_kernel_from_the_shared_pool_shows_the_dashboard_asked_for(page, dash):
    """One pool serves every dashboard: the page for Costs comes from a kernel warmed on Overview, shows Costs."""
    deadline = time.monotonic() + 120
    while dash.log_text().count("kernel ready") <= dash.log_text().count("Using pre-heated kernel") \
            and time.monotonic() < deadline:
        time.sleep(0.25)  # a warm kernel is waiting
    used = dash.log_text().count("Using pre-heated kernel")
    _open(page, dash, "costs", ANALYST_TOKEN)
    _wait_chart(page)
    assert dash.log_text().count("Using pre-heated kernel") == used + 1
    assert "for overview.ipynb" in dash.log_text().rsplit("Using pre-heated kernel", 1)[1].splitlines()[0]
    assert page.locator(".faibric-dash h2").first.inner_text() == "Costs"
    assert page.locator(".faibric-nav .faibric-active").inner_text() == "Costs"
    page.wait_for_function("document.title === 'Faibric - Costs'", timeout=CHART_TIMEOUT_MS)


def test_leaving_a_dashboard_shuts_its_kernel_down_at_once(browser, dash):
    # intercepting loopback requests (as _new_page does) drops beacons sent while a page unloads,
    # so this page intercepts only what is not on loopback (and refuses it, as everywhere here)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^(?!(?:http|ws)://127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = context.new_page()
    _open(page, dash, "cohorts", ANALYST_TOKEN)
    _wait_chart(page)
    assert any(c["name"] == "_xsrf" for c in page.context.cookies())  # what the page's close beacon posts back
    before = dash.log_text().count("Kernel shutdown:")
    page.close(run_before_unload=True)  # the viewer leaves: Voila's beforeunload beacon asks for the shutdown
    deadline = time.monotonic() + 20
    while dash.log_text().count("Kernel shutdown:") <= before and time.monotonic() < deadline:
        time.sleep(0.25)
    assert dash.log_text().count("Kernel shutdown:") > before, "the kernel of a closed page was left running"
    assert "'_xsrf' argument missing" not in dash.log_text()
    context.close()


def test_without_a_token_the_answer_is_the_login_page(page, dash):
    response = page.goto(dash.url("overview"), wait_until="domcontentloaded")
    assert "/login" in page.url or response.status == 403
    assert page.locator("input[type=password]").count() >= 1
    assert page.locator(".js-plotly-plot").count() == 0


def test_a_wrong_token_gets_the_login_page(page, dash):
    page.goto(dash.url("costs", token="not-the-token"), wait_until="domcontentloaded")
    assert "/login" in page.url and page.locator(".faibric-dash").count() == 0


def test_without_a_token_the_api_answers_403(dash):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(dash.settings.base_url + "voila/api/contents/", timeout=10)
    assert caught.value.code == 403


def test_the_login_form_takes_the_analyst_token(page, dash):
    page.goto(dash.url("users"), wait_until="domcontentloaded")
    page.fill("input[type=password]", ANALYST_TOKEN)
    page.keyboard.press("Enter")
    page.wait_for_selector(".faibric-table", timeout=CHART_TIMEOUT_MS)
    assert "analyst: individual customers visible" in page.inner_text("body")


def test_a_stakeholder_sees_aggregates_without_customers(page, dash):
    _open(page, dash, "overview", STAKEHOLDER_TOKEN)
    _wait_chart(page)
    page.wait_for_selector(".faibric-table", timeout=CHART_TIMEOUT_MS)
    text = page.inner_text("body")
    assert "stakeholder: aggregates only" in text
    assert not EMAIL.search(text) and "pwned" not in text


def test_a_stakeholder_is_told_user_detail_needs_an_analyst_token(page, dash):
    _open(page, dash, "user_detail", STAKEHOLDER_TOKEN, customer=MALLORY)
    _wait_notice(page, "requires an analyst token")
    assert MALLORY not in page.inner_text("body")


def test_a_table_downloads_as_csv(page, dash):
    _open(page, dash, "costs", ANALYST_TOKEN)
    link = page.locator("a.faibric-download").first
    link.wait_for(timeout=CHART_TIMEOUT_MS)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    header = Path(download.path()).read_text(encoding="utf-8").splitlines()[0]
    assert "cost_usd" in header


def test_a_stakeholder_cannot_claim_the_analyst_role(browser, dash):
    context, page = _new_page(browser, extra_http_headers={"X-Faibric-Role": "analyst"})
    try:
        page.goto(dash.url("users", token=STAKEHOLDER_TOKEN, role="analyst", HTTP_X_FAIBRIC_ROLE="analyst"),
                  wait_until="domcontentloaded")
        _wait_notice(page, "requires an analyst token")
        assert page.locator(".faibric-table").count() == 0
        assert MALLORY not in page.inner_text("body")
    finally:
        context.close()


def test_a_script_prompt_shows_as_text(page, dash):
    _open(page, dash, "user_detail", ANALYST_TOKEN, customer=MALLORY)
    _wait_chart(page)
    page.wait_for_selector(".faibric-table", timeout=CHART_TIMEOUT_MS)
    text = page.inner_text("body")
    assert SCRIPT in text and HOSTILE_COMMENT in text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("script:has-text('__pwned')").count() == 0
    assert page.locator("img[src=x]").count() == 0


def test_the_activity_feed_shows_the_script_prompt_as_text(page, dash):
    # the writer tests above filled the latest events of their own tenant; this customer is in acme
    _open(page, dash, "overview", ANALYST_TOKEN, tenant="acme")
    page.wait_for_selector(f".faibric-table:has-text('{MALLORY}')", timeout=CHART_TIMEOUT_MS)
    assert SCRIPT in page.inner_text("body")
    assert page.evaluate("typeof window.__pwned") == "undefined"


def _layout(page) -> dict:
    page.wait_for_timeout(500)  # let plotly finish sizing its charts to the page
    return page.evaluate(LAYOUT_JS)


@pytest.mark.parametrize("name", DASHBOARD_NAMES)
def test_every_dashboard_fits_1280_px_with_short_tables_and_whole_header_words(page, dash, name):
    """No sideways scrolling at 1280 px, no table taller than 2,500 px (they page), no header broken in a word."""
    _open(page, dash, name, ANALYST_TOKEN)
    _wait_chart(page)
    page.wait_for_selector(".faibric-table", timeout=CHART_TIMEOUT_MS)
    layout = _layout(page)
    assert layout["overflow"] <= 0, f"{name} scrolls sideways by {layout['overflow']} px"
    assert layout["tables"] and max(layout["tables"]) <= MAX_TABLE_PX, layout["tables"]
    assert layout["broken"] == [], f"headers broken across lines: {layout['broken']}"
    if name in README_SCREENSHOTS and os.environ.get("FAIBRIC_UPDATE_SCREENSHOTS") == "1":
        page.set_viewport_size({"width": 1280, "height": min(layout["height"] + 40, 2400)})
        page.wait_for_timeout(1500)
        page.screenshot(path=str(README_SCREENSHOTS[name]))
        page.set_viewport_size({"width": 1280, "height": 900})


def test_the_landing_page_links_to_every_dashboard(page, dash):
    page.goto(dash.url(None, token=ANALYST_TOKEN), wait_until="domcontentloaded")
    page.wait_for_selector("a.card", timeout=CHART_TIMEOUT_MS)
    cards = {page.locator("a.card").nth(i).get_attribute("data-dashboard"): page.locator("a.card").nth(i)
             for i in range(page.locator("a.card").count())}
    assert set(cards) == set(DASHBOARD_NAMES)
    for name, card in cards.items():
        assert TITLES[name] in card.inner_text()
        assert card.get_attribute("href").endswith(f"voila/render/{name}.ipynb")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    cards["costs"].click()
    _wait_chart(page)
    assert page.locator(".faibric-nav .faibric-active").inner_text() == "Costs"


def test_the_health_legend_colours_match_the_bands(page, dash):
    from faibric_kernel.dashboards.figures import BAND_COLOURS

    _open(page, dash, "health", ANALYST_TOKEN)
    _wait_chart(page)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=CHART_TIMEOUT_MS)
    page.wait_for_timeout(500)
    legends = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(gd =>
        [...gd.querySelectorAll('.legend .traces')].map(t => ({
            name: t.querySelector('.legendtext').textContent,
            fill: getComputedStyle(t.querySelector('.legendpoints path')).fill})))""")
    by_band = [legend for legend in legends if {e["name"] for e in legend} >= {"red", "green"}]
    assert len(by_band) >= 2, legends  # the score distribution and the components by band
    def rgb(hex_colour):
        return "rgb({}, {}, {})".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)))
    for legend in by_band:
        for entry in legend:
            assert entry["fill"] == rgb(BAND_COLOURS[entry["name"]]), (entry, legend)
