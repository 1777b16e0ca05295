"""Judging a site as its visitors meet it: Chromium, at phone width, with axe-core.

:func:`check_site` opens a URL or an HTML document in Debian's chromium driven
by Playwright for Python (no browser download), blocks every request that
would leave the machine, and reports console errors, uncaught exceptions,
horizontal overflow at 375 px and serious or critical axe-core violations.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .. import config
from ..errors import ConfigError
from .node import ensure_node_modules

__all__ = ["CHROMIUM_ARGS", "SiteCheck", "check_site", "chromium_path"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# entrance animations (a carousel slide fading in from 20% opacity) are brought to their end first: axe
# judges the page a visitor reads once it has settled, not a frame of its fade-in, whose contrast depends
# on how far the animation had got when the check ran
_AXE_RUN = """async () => {
  for (const animation of document.getAnimations()) {
    try { animation.finish(); } catch (endless) { /* an infinite animation has no end to jump to */ }
  }
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
}"""
_ROOT_RENDERED = "() => { const r = document.querySelector('#root'); return !r || r.children.length > 0; }"


@dataclass
class SiteCheck:
    """What a visitor's browser saw."""

    rendered: bool
    title: str = ""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    overflow_px: int = 0
    violations: list[dict] = field(default_factory=list)
    width: int = 375
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.rendered and not (self.console_errors or self.page_errors or self.overflow_px or self.violations)

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def chromium_path() -> Path:
    """Debian's chromium (``FAIBRIC_CHROMIUM`` overrides ``/usr/bin/chromium``)."""
    return Path(config.get("FAIBRIC_CHROMIUM") or "/usr/bin/chromium")


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.scheme in {"http", "https", "ws"} and (parts.hostname or "") in _LOCAL_HOSTS


def check_site(url_or_html: str, *, width: int = 375, height: int = 800, axe: bool = True,
               timeout_ms: int = 15000, impacts: tuple[str, ...] = ("serious", "critical")) -> SiteCheck:
    """Open a loopback URL or an HTML document in headless Chromium and report what went wrong.

    Requests to anything but loopback, ``data:`` and ``blob:`` are blocked and listed.
    Raises :class:`ConfigError` when Chromium or Playwright is missing. Inside a
    running event loop (a Jupyter kernel) the check runs in a worker thread,
    since Playwright's sync API refuses to run on a loop's thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(check_site, url_or_html, width=width, height=height, axe=axe,
                               timeout_ms=timeout_ms, impacts=impacts).result()
    browser_path = chromium_path()
    if not browser_path.exists():
        raise ConfigError(f"Chromium was not found at {browser_path}; run `apt-get install chromium` "
                          "or set FAIBRIC_CHROMIUM to its path")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ConfigError("Playwright for Python is not installed; pip install playwright "
                          "(no browser download is needed)") from None
    axe_script = ensure_node_modules() / "axe-core" / "axe.min.js" if axe else None
    started = time.perf_counter()
    check = SiteCheck(rendered=False, width=width)
    is_html = url_or_html.lstrip()[:1] == "<"
    # Playwright's driver must not try to download a browser of its own
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(browser_path), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: check.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: check.page_errors.append(str(e)))

            def guard(route):
                if _is_local(route.request.url):
                    route.continue_()
                else:
                    check.blocked_requests.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            if is_html:
                page.set_content(url_or_html, wait_until="load", timeout=timeout_ms)
            else:
                page.goto(url_or_html, wait_until="load", timeout=timeout_ms)
            try:
                page.wait_for_function(_ROOT_RENDERED, timeout=timeout_ms)
                check.rendered = True
            except PlaywrightError:
                check.rendered = False
            check.title = page.title()
            check.overflow_px = max(0, int(page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth")))
            if axe_script is not None:
                page.add_script_tag(path=str(axe_script))
                found = page.evaluate(_AXE_RUN)
                check.violations = [v for v in found if v.get("impact") in impacts]
        finally:
            browser.close()
    check.seconds = time.perf_counter() - started
    return check
