"""The prompt set rendered in Chromium: judged on what a visitor reads (innerText), with axe and layout checks."""

from __future__ import annotations

import os

import pytest
from test_prompt_set import CASES, build_files

from faibric_kernel.providers.offline.fit import judge_site

pytestmark = pytest.mark.browser


def test_every_site_of_the_prompt_set_reads_right_in_a_real_browser():
    from faibric_kernel.preview.browser import _AXE_RUN, CHROMIUM_ARGS, chromium_path
    from faibric_kernel.preview.node import ensure_node_modules

    if not chromium_path().exists():
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    from faibric_kernel.preview import preview_html

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    axe = ensure_node_modules() / "axe-core" / "axe.min.js"
    failures: list[str] = []
    kinds_wrong = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS, headless=True)
        try:
            for case in CASES:
                files, brief, _ = build_files(case["prompt"])
                page = browser.new_page(viewport={"width": 375, "height": 800})
                errors: list[str] = []
                page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.set_content(preview_html(files), wait_until="load")
                page.wait_for_function("() => document.querySelector('#root').children.length > 0")
                text = page.evaluate("() => document.body.innerText")
                lang = page.evaluate("() => document.documentElement.lang")
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                page.add_script_tag(path=str(axe))
                serious = [v["id"] for v in page.evaluate(_AXE_RUN) if v.get("impact") in ("serious", "critical")]
                page.close()
                problems = judge_site(case, brief, files, rendered_text=text, rendered_lang=lang)
                kinds_wrong += bool(problems.pop("kind"))
                found = [p for v in problems.values() for p in v]
                found += [f"console: {e}" for e in errors] + [f"axe: {v}" for v in serious]
                found += [f"{overflow}px of horizontal scroll at 375px"] if overflow > 0 else []
                failures += [f"{case['prompt'][:60]}: {p}" for p in found]
        finally:
            browser.close()
    assert kinds_wrong <= len(CASES) * 0.05
    assert failures == []


def test_the_cart_adds_items_and_totals_them_in_a_real_browser():
    from faibric_kernel.preview.browser import CHROMIUM_ARGS, chromium_path

    if not chromium_path().exists():
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    from faibric_kernel.preview import preview_html

    files, _, _ = build_files("Online store for Alpaca Threads, handmade wool sweaters from Peru, product grid and cart")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.set_content(preview_html(files), wait_until="load")
            assert "Your cart is empty." in page.inner_text("#cart")
            buttons = page.get_by_role("button", name="Add to cart")
            buttons.nth(0).click()
            buttons.nth(0).click()
            buttons.nth(1).click()
            cart = page.inner_text("#cart")
            assert "2 × Hand-knitted sweaters" in cart and "1 × Natural fibres" in cart and "Total: $115.00" in cart
        finally:
            browser.close()


def test_headings_use_the_themes_self_hosted_face_in_a_real_browser():
    from faibric_kernel.preview.browser import CHROMIUM_ARGS, chromium_path

    if not chromium_path().exists():
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    from faibric_kernel.preview import preview_html

    files, brief, _ = build_files("A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form")
    assert brief["theme"] == "bakery" and "font/woff2;base64" in files["src/theme.css"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.set_content(preview_html(files), wait_until="load")
            page.evaluate("() => document.fonts.ready")
            family = page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily")
            assert family.startswith("Fraunces") or family.startswith("'Fraunces'") or family.startswith('"Fraunces"')
            assert page.evaluate("() => document.fonts.check(\"700 32px 'Fraunces'\")")
            assert page.evaluate("() => [...document.fonts].some((f) => f.family.includes('Fraunces') "
                                 "&& f.status === 'loaded')")
        finally:
            browser.close()
