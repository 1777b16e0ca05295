"""Acceptance in Chromium: a locally deployed site reports its visit, CTA click and enquiry back to the API.

The site is built offline by the real build, which takes its form action (the
site's form inbox on the API at ``FAIBRIC_PUBLIC_URL``) and its beacon from
:func:`faibric_kernel.sitefeedback.site_feedback`. Then a real
browser visits it, clicks a call to action and sends the contact form: the
pageview, the click and the lead are in the store, the owner's email is in
the outbox and ``faibric leads`` lists it. With the API stopped the form
shows the error with the site's email, never "sent".
"""

from __future__ import annotations

import json
import socket
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner

from faibric_kernel.api import create_app
from faibric_kernel.build import JobRunner, run_build
from faibric_kernel.cli import main
from faibric_kernel.deploy import deploy_site, prepare_site
from faibric_kernel.onboarding import Onboarding
from faibric_kernel.projects import get_version
from faibric_kernel.sessions import create_session
from faibric_kernel.sitefeedback import site_feedback
from faibric_kernel.store import read_connection

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"
OWNER = "rita@docevida.example"
# a desktop Chrome: the API ignores beacons from headless browsers and other bots
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Api:
    """The Faibric API served by uvicorn in a thread, stoppable mid-test."""

    def __init__(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        app = create_app(onboarding=Onboarding(worker=JobRunner()), public_url=self.base, recover=False,
                         ingest_interval=0)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(20)


def wait_for(check, what: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def site_events(event_type: str, site_id: str) -> list[dict]:
    with read_connection() as con:
        rows = con.execute("SELECT CAST(properties AS VARCHAR) FROM events WHERE event_type = ?",
                           [event_type]).fetchall()
    return [p for p in (json.loads(r[0]) for r in rows) if p.get("site_id") == site_id]


def owner_emails(workspace: Path) -> list:
    return [m for m in (message_from_bytes(p.read_bytes(), policy=default_policy)
                        for p in sorted((workspace / "outbox").glob("*.eml"))) if m["To"] == OWNER]


@pytest.fixture
def deployed(workspace, monkeypatch):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    monkeypatch.setenv("FAIBRIC_FORM_MIN_FILL_SECONDS", "1")
    api = Api()
    api.start()
    session = create_session(PROMPT, email=OWNER)
    monkeypatch.setenv("FAIBRIC_PUBLIC_URL", api.base)  # the build wires the forms and the beacon to this API
    built = run_build(session.session_id, deploy_target="none", preview=False)
    feedback = site_feedback(session.session_id)
    files = dict(get_version(built.project_id, built.version).files)
    assert feedback.beacon in files["index.html"]
    assert feedback.form_action in "".join(files.values())
    site = prepare_site(files, site_id=session.session_id, session_id=session.session_id,
                        project_id=built.project_id, version=built.version)
    result = deploy_site(site, "local")
    try:
        yield api, feedback.site_id, result.url
    finally:
        api.stop()


def fill_contact_form(page):
    form = page.locator("form[data-form=contact]")
    form.scroll_into_view_if_needed()
    form.get_by_label("Name").first.fill("Ada <script>alert(1)</script>")
    form.get_by_label("Email").first.fill("ada@example.com")
    form.get_by_label("Message").first.fill("Could you bake a cake for Saturday, for 12 people?")
    page.wait_for_timeout(1200)  # people take longer than the minimum fill time
    form.locator("button[type=submit]").click()
    return form


def test_a_visit_a_click_and_an_enquiry_reach_the_store_the_owner_and_faibric_leads(deployed, workspace):
    api, site_id, url = deployed
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(user_agent=USER_AGENT, viewport={"width": 1200, "height": 900}).new_page()
            page.goto(url)
            page.wait_for_selector("main")
            assert page.locator(f'script[data-site="{site_id}"]').count() == 1
            page.locator("main a[href^='#']").first.click()  # a call to action
            fill_contact_form(page)
            page.get_by_role("status").wait_for(timeout=15000)
            assert "Thank you" in page.get_by_role("status").inner_text()
        finally:
            browser.close()

    assert wait_for(lambda: site_events("site_pageview", site_id), "the pageview")
    [click, *_] = wait_for(lambda: site_events("site_cta_clicked", site_id), "the CTA click")
    assert click["label"] and len(click["visitor"]) == 16
    assert site_events("site_form_started", site_id)[0]["form"] == "contact"
    [lead] = [e for e in site_events("lead_received", site_id)]
    assert lead["spam"] == "ok" and lead["form"] == "contact"
    [email] = wait_for(lambda: owner_emails(workspace), "the owner's email")
    text = email.get_body(("plain",)).get_content()
    assert "Could you bake a cake for Saturday" in text and "ada@example.com" in text
    assert "<script>" not in email.get_body(("html",)).get_content()
    listed = CliRunner().invoke(main, ["leads", "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.output)
    assert row["site_id"] == site_id and row["fields"]["name"] == "Ada <script>alert(1)</script>"


def test_with_the_api_stopped_the_form_shows_an_error_with_the_sites_email_not_sent(deployed):
    api, site_id, url = deployed
    api.stop()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(user_agent=USER_AGENT).new_page()
            page.goto(url)
            page.wait_for_selector("main")
            form = fill_contact_form(page)
            alert = form.get_by_role("alert")
            alert.wait_for(timeout=15000)
            assert "could not be sent" in alert.inner_text() and "@" in alert.inner_text()
            assert page.get_by_role("status").count() == 0
            assert "Thank you" not in page.locator("body").inner_text()
        finally:
            browser.close()


@pytest.mark.parametrize("signal", ["doNotTrack", "globalPrivacyControl"])
def test_do_not_track_and_global_privacy_control_send_nothing_and_no_cookie_is_set(deployed, signal):
    api, site_id, url = deployed
    from playwright.sync_api import sync_playwright

    value = "'1'" if signal == "doNotTrack" else "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            for private in (True, False):
                context = browser.new_context(user_agent=USER_AGENT)
                if private:
                    context.add_init_script(f"Object.defineProperty(navigator, '{signal}', {{get: () => {value}}})")
                page = context.new_page()
                beacons = []
                page.on("request", lambda r, sent=beacons: sent.append(r) if r.url.endswith("/api/collect") else None)
                page.goto(url)
                page.wait_for_selector("main")
                page.locator("main a[href^='#']").first.click()
                page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
                page.wait_for_timeout(3500)  # longer than the beacon's batching delay
                assert (len(beacons) == 0) is private, (signal, private, len(beacons))
                assert context.cookies() == [] and page.evaluate("document.cookie") == ""
                assert page.evaluate("localStorage.length + sessionStorage.length") == 0
                context.close()
        finally:
            browser.close()
