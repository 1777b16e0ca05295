"""The studio in a real browser: `faibric studio` serves the builder notebook, Voila renders it, Chromium drives it.

Types a prompt, builds offline, waits until the preview iframe shows the
finished site (not the placeholder) with the site's name, and takes a
screenshot. With FAIBRIC_UPDATE_SCREENSHOTS=1 that screenshot replaces the one
the README shows (docs/studio.png); otherwise a test run leaves the tree clean.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "studio.png"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = ("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium, or run "
              "scripts/setup.sh as root)")
    if os.environ.get("FAIBRIC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"FAIBRIC_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"{reason}; set FAIBRIC_REQUIRE_BROWSER=1 to make this a failure")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def studio_urls(workspace):
    """`faibric studio` started the way a user starts it; yields what it printed."""
    env = {**os.environ, "FAIBRIC_HOME": str(workspace), "FAIBRIC_SITES_SERVER": "thread"}
    faibric = Path(sys.executable).parent / "faibric"
    process = subprocess.Popen([str(faibric), "studio", "--no-browser", "--json", "--port", str(_free_port())],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(120)
    try:
        if not lines or not lines[0]:
            process.kill()
            pytest.fail(f"faibric studio did not start: {process.stderr.read()[-2000:]}")
        yield json.loads(lines[0])
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_studio_in_chromium_builds_offline_and_previews_the_site(studio_urls, tmp_path):
    _require_chromium()
    screenshot = SCREENSHOT if os.environ.get("FAIBRIC_UPDATE_SCREENSHOTS") == "1" else tmp_path / "studio.png"
    from playwright.sync_api import sync_playwright

    assert studio_urls["app_url"], "Voila is not installed, so the studio has no app view"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(studio_urls["app_url"], wait_until="domcontentloaded", timeout=120_000)

            prompt = page.locator(".faibric-prompt textarea")
            prompt.wait_for(state="visible", timeout=180_000)
            prompt.fill(PROMPT)
            page.locator("button.faibric-send").click()

            # while it builds, the placeholder already names the business
            frame = page.frame_locator("iframe.faibric-preview-frame")
            # then the finished site replaces it
            site = frame.locator("body:not([data-placeholder])")
            site.get_by_text("Doce Vida").first.wait_for(state="visible", timeout=240_000)
            page.locator(".faibric-chat").get_by_text("Built Doce Vida").wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # let the site's fonts and layout settle before the picture

            page.screenshot(path=str(screenshot), full_page=True)
            assert screenshot.stat().st_size > 20_000
            assert not [e for e in errors if "faibric" in e.lower()], errors
        finally:
            browser.close()


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO, capture_output=True,
                          text=True, check=True).stdout


def test_running_the_studio_in_jupyterlab_changes_no_file_of_the_repository(studio_urls, workspace):
    """Run the cell in Lab, save: the workspace copy of the notebook changes, the repository does not."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    before = _git_status()
    copy = Path(studio_urls["notebook"])
    assert copy == workspace / "studio" / "builder.ipynb"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(studio_urls["url"], wait_until="domcontentloaded", timeout=120_000)
            cell = page.locator(".jp-Notebook .jp-Cell .jp-InputArea-editor").first
            cell.wait_for(state="visible", timeout=180_000)
            # the kernel is up (the status bar says Idle) before the cell runs
            page.get_by_text("| Idle").first.wait_for(timeout=180_000)
            cell.click()
            page.keyboard.press("Shift+Enter")
            page.locator(".faibric-prompt textarea").wait_for(state="visible", timeout=180_000)
            page.keyboard.press("Control+s")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "faibric-prompt" not in copy.read_text(encoding="utf-8") \
                    and "application/vnd.jupyter.widget-view+json" not in copy.read_text(encoding="utf-8"):
                time.sleep(0.5)
        finally:
            browser.close()
    assert "application/vnd.jupyter.widget-view+json" in copy.read_text(encoding="utf-8")  # Lab saved the copy
    assert _git_status() == before
