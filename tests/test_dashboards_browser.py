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

from faibric_kernel.dashboards.notebooks import DASHBOARD_NAMES

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
STAKEHOLDER_TOKEN = "stakeholder-" + "s" * 20
ANALYST_TOKEN = "analyst-" + "a" * 20
SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_COMMENT = '<img src=x onerror="window.__pwned=2">'
MALLORY = "mallory@evil.test"
CHART_TIMEOUT_MS = 90_000
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
    from faibric_kernel.dashboards.server import DashboardServer, free_port, resolve_settings

    old = os.environ.get("FAIBRIC_HOME")
    os.environ["FAIBRIC_HOME"] = str(home)
    try:
        settings = resolve_settings(port=free_port(), token=STAKEHOLDER_TOKEN, analyst_token=ANALYST_TOKEN,
                                    pool_size=1)
        server = DashboardServer(settings, log_path=home / "logs" / "voila-test.log")
        server.start()
        try:
            server.wait_ready(timeout=180, pools=True)
        except Exception:
            server.stop()
            raise
    finally:
        if old is None:
            os.environ.pop("FAIBRIC_HOME", None)
        else:
            os.environ["FAIBRIC_HOME"] = old
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


# The module's page loads are ordered so that one dashboard is not opened twice in a row: each has a pool
# of one pre-heated kernel, refilled a few seconds after use.


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
