"""The shipped seed components: complete, parseable, themeable, documented, and rendering.

Static checks run everywhere. The render checks bundle the components with
esbuild (``faibric_kernel.preview``), render every one with React's
``renderToString`` in node, and open all of them as one page in Chromium at
375 px with axe-core (marked ``browser``); the contact and newsletter forms
are filled in and submitted against a loopback server.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_javascript

from faibric_kernel.library import KINDS, seed_items
from faibric_kernel.library.jsx import component_info
from faibric_kernel.library.seed import SEED_DIR
from faibric_kernel.library.themes import (
    DEFAULT_THEME,
    THEME_VARIABLES,
    THEMES,
    contrast_ratio,
    resolve_palette,
    theme_css,
)

MANIFEST = json.loads((SEED_DIR / "manifest.json").read_text(encoding="utf-8"))
ENTRIES = MANIFEST["components"]
NAMES = [e["name"] for e in ENTRIES]
ISSUE_KINDS = ["navbar", "hero", "features", "pricing", "menu", "gallery", "testimonials", "team", "faq",
               "contact-form", "booking-form", "footer", "blog-list", "product-grid", "stats", "cta", "map",
               "newsletter"]
THEME_VARS = {("--color-" if k not in {"font_heading", "font_body", "radius", "radius_lg", "shadow", "shadow_lg",
                                        "space", "maxw"} else "--") + k.replace("_", "-") for k in THEME_VARIABLES}


def _parser():
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


def _jsx(name: str) -> str:
    return (SEED_DIR / f"{name}.jsx").read_text(encoding="utf-8")


def _css(name: str) -> str:
    return (SEED_DIR / f"{name}.css").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the manifest


def test_manifest_lists_at_least_30_components():
    assert len(ENTRIES) >= 30


def test_manifest_ids_are_unique_kebab_case():
    ids = [e["id"] for e in ENTRIES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_manifest_names_are_unique_pascal_case():
    assert len(NAMES) == len(set(NAMES))
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]+", n) for n in NAMES)


def test_every_kind_in_the_issue_has_a_component():
    kinds = {e["kind"] for e in ENTRIES}
    assert set(ISSUE_KINDS) <= kinds


def test_manifest_kinds_are_known_kinds():
    assert {e["kind"] for e in ENTRIES} <= set(KINDS)


def test_several_kinds_have_two_variants():
    counts = {}
    for e in ENTRIES:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    assert sum(1 for n in counts.values() if n >= 2) >= 8


def test_every_entry_has_description_and_tags():
    for e in ENTRIES:
        assert len(e["description"]) > 30, e["id"]
        assert len(e["tags"]) >= 3, e["id"]


def test_seed_items_load_from_the_package_files():
    items = seed_items()
    assert [it.name for it in items] == NAMES
    assert all(f"src/components/{it.name}.jsx" in it.files and f"src/components/{it.name}.css" in it.files
               for it in items)


# ---------------------------------------------------------------- the code


@pytest.mark.parametrize("name", NAMES)
def test_component_parses_without_error_nodes(name):
    tree = _parser().parse(_jsx(name).encode())
    bad = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            bad.append((node.type, node.start_point))
        stack.extend(node.children)
    assert not bad, f"{name}.jsx: {bad[:3]}"


@pytest.mark.parametrize("name", NAMES)
def test_component_default_exports_a_function_of_its_name(name):
    info = component_info(_jsx(name))
    assert info.has_default_export and info.name == name


@pytest.mark.parametrize("name", NAMES)
def test_component_imports_only_react_and_its_own_css(name):
    imports = component_info(_jsx(name)).imports
    assert set(imports) <= {"react", f"./{name}.css"}
    assert f"./{name}.css" in imports


@pytest.mark.parametrize("name", NAMES)
def test_manifest_props_match_the_code(name):
    entry = next(e for e in ENTRIES if e["name"] == name)
    code_props = component_info(_jsx(name)).props
    assert list(entry["props"]) == list(code_props)
    for prop, spec in code_props.items():
        assert entry["props"][prop]["type"] == spec["type"], prop
        assert entry["props"][prop]["default"] == spec["default"], prop
        assert entry["props"][prop]["description"], prop


@pytest.mark.parametrize("name", NAMES)
def test_every_prop_has_a_default(name):
    for prop, spec in component_info(_jsx(name)).props.items():
        assert spec["default"] is not None or spec.get("computed"), f"{name}.{prop} has no default"


@pytest.mark.parametrize("name", NAMES)
def test_component_makes_no_network_calls_or_remote_assets(name):
    code, css = _jsx(name), _css(name)
    assert not re.search(r"""src=\{?["'`]https?:""", code)
    assert "url(http" not in css and "@import" not in css
    for call in re.findall(r"fetch\(([^,)]*)", code):
        assert call.strip() == "action", f"{name} fetches {call!r}; only the action prop may be fetched"
    assert "XMLHttpRequest" not in code and "WebSocket" not in code


@pytest.mark.parametrize("name", NAMES)
def test_css_colours_come_only_from_theme_variables(name):
    css = _css(name)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", css), "hex colour"
    assert not re.search(r"(?<![-\w])(?:white|black|red|blue|green|gray|grey|orange|purple)(?![-\w])", css), "named colour"
    # the one literal allowed: a translucent black scrim behind a modal
    for match in re.findall(r"rgba?\([^)]*\)", css):
        assert match.replace(" ", "").startswith("rgb(000/"), match


@pytest.mark.parametrize("name", NAMES)
def test_css_uses_only_variables_the_theme_defines(name):
    used = set(re.findall(r"var\((--[a-z0-9-]+)", _css(name)))
    local = set(re.findall(r"'(--[a-z0-9-]+)'", _jsx(name)))
    assert used - THEME_VARS - local == set()


@pytest.mark.parametrize("name", NAMES)
def test_css_classes_are_scoped_to_the_component(name):
    selectors = re.findall(r"(?m)^\s*\.([a-z0-9-]+)", _css(name))
    prefixes = {s.split("__")[0] for s in selectors if not s.startswith("is-")}
    assert len(prefixes) == 1, prefixes


@pytest.mark.parametrize("name", NAMES)
def test_interactive_components_style_keyboard_focus(name):
    code = _jsx(name)
    if re.search(r"<(a|button|input|select|textarea)\b", code) or "tabIndex={0}" in code:
        assert ":focus-visible" in _css(name)


@pytest.mark.parametrize("name", NAMES)
def test_svgs_are_labelled_or_hidden(name):
    for tag in re.findall(r"<svg\b[^>]*>", _jsx(name)):
        assert 'aria-hidden="true"' in tag or ('role="img"' in tag and "aria-label" in tag), tag


@pytest.mark.parametrize("name", NAMES)
def test_sections_are_landmarks_with_headings(name):
    code = _jsx(name)
    assert re.search(r"<(section|header|footer|nav)\b", code)
    if "<section" in code:
        assert "aria-labelledby" in code or "aria-label" in code


@pytest.mark.parametrize("name", [n for n in NAMES if "<form" in _jsx(n)])
def test_forms_validate_and_confirm(name):
    code = _jsx(name)
    assert "noValidate" in code and "preventDefault" in code
    assert 'role="status"' in code, "a visible confirmation after a successful submit"
    assert "aria-invalid" in code
    for control_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', code):
        assert f'htmlFor="{control_id}"' in code, f"{control_id} has no label"


def test_forms_post_json_when_an_action_is_given():
    for name in ("ContactForm", "ContactSplit", "BookingForm", "BookingSlots", "NewsletterSignup"):
        code = _jsx(name)
        assert "action = ''" in code and "method: 'POST'" in code and "JSON.stringify" in code, name


# ---------------------------------------------------------------- themes


def test_shipped_theme_file_is_the_default_theme():
    assert (SEED_DIR / "theme.css").read_text(encoding="utf-8") == theme_css(DEFAULT_THEME)


def test_theme_file_documents_and_defines_every_variable():
    css = theme_css()
    for var in THEME_VARS:
        assert f"{var}:" in css and var in css.split("*/")[0]


def test_there_are_at_least_eight_named_themes():
    assert len(THEMES) >= 8
    assert {"bakery", "ocean", "forest", "slate", "midnight", "rose", "sunset", "mono"} <= set(THEMES)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_theme_text_contrast_is_sufficient(theme):
    t = THEMES[theme]
    assert contrast_ratio(t["text"], t["bg"]) >= 7
    for surface in ("bg", "surface", "surface_alt"):
        assert contrast_ratio(t["muted"], t[surface]) >= 4.5, surface
        assert contrast_ratio(t["text"], t[surface]) >= 7, surface


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_theme_colour_pairs_meet_wcag_aa(theme):
    t = THEMES[theme]
    assert contrast_ratio(t["primary_contrast"], t["primary"]) >= 4.5
    assert contrast_ratio(t["accent_contrast"], t["accent"]) >= 4.5
    assert contrast_ratio(t["primary"], t["bg"]) >= 4.5
    assert contrast_ratio(t["primary"], t["surface"]) >= 4.5
    assert contrast_ratio(t["danger"], t["surface"]) >= 4.5
    assert contrast_ratio(t["success"], t["surface"]) >= 4.5


def test_theme_css_accepts_a_partial_palette():
    css = theme_css({"base": "ocean", "primary": "#123456"})
    assert "--color-primary: #123456;" in css
    assert f"--color-bg: {THEMES['ocean']['bg']};" in css


def test_theme_css_names_the_themes_when_one_is_unknown():
    from faibric_kernel.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="bakery"):
        theme_css("neon")


def test_theme_css_refuses_a_colour_that_is_not_hex():
    from faibric_kernel.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="#rrggbb"):
        resolve_palette({"primary": "red"})


def test_theme_css_refuses_css_injection():
    from faibric_kernel.errors import InvalidInputError

    with pytest.raises(InvalidInputError):
        theme_css({"font_body": "x; } body { display: none"})


# ---------------------------------------------------------------- rendering


def _preview():
    preview = pytest.importorskip("faibric_kernel.preview")
    if not hasattr(preview, "bundle_files"):
        pytest.skip("faibric_kernel.preview has no bundle_files")
    try:
        preview.ensure_node_modules()
    except Exception as exc:  # noqa: BLE001 - an environment without node/npm packages
        pytest.skip(f"the preview toolchain is not available: {exc}")
    return preview


def _project(main_jsx: str, names: list[str], theme: str = DEFAULT_THEME) -> dict[str, str]:
    files = {"src/theme.css": theme_css(theme), "src/main.jsx": main_jsx}
    for name in names:
        files[f"src/components/{name}.jsx"] = _jsx(name)
        files[f"src/components/{name}.css"] = _css(name)
    return files


def _imports(names):
    return "\n".join(f"import {n} from './components/{n}.jsx';" for n in names)


@pytest.fixture(scope="module")
def server_rendered():
    """Every component rendered with its default props by react-dom/server in node."""
    preview = _preview()
    main = (
        "import React from 'react';\nimport { renderToString } from 'react-dom/server';\nimport './theme.css';\n"
        + _imports(NAMES)
        + "\nconst components = {" + ", ".join(NAMES) + "};\nconst out = {};\n"
        "for (const [name, C] of Object.entries(components)) {\n"
        "  try { out[name] = { html: renderToString(React.createElement(C)) }; }\n"
        "  catch (e) { out[name] = { error: String((e && e.stack) || e) }; }\n}\n"
        "globalThis.__faibricRender = out;\n"
    )
    result = preview.bundle_files(_project(main, NAMES), minify=False)
    assert result.ok, [str(e) for e in result.errors]
    script = result.js + "\nprocess.stdout.write(JSON.stringify(globalThis.__faibricRender), () => process.exit(0));\n"
    proc = subprocess.run([str(preview.node_env().node), "-"], input=script, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout), result.css


@pytest.mark.parametrize("name", NAMES)
def test_component_renders_with_default_props(server_rendered, name):
    rendered, _ = server_rendered
    assert "error" not in rendered[name], rendered[name].get("error")
    html = rendered[name]["html"]
    assert len(html) > 300
    assert re.search(r"<h[1-3]|<nav|<footer", html)


@pytest.mark.parametrize("name", NAMES)
def test_rendered_images_have_text_alternatives(server_rendered, name):
    html = server_rendered[0][name]["html"]
    for tag in re.findall(r"<svg\b[^>]*>", html):
        assert 'aria-hidden="true"' in tag or ("role=\"img\"" in tag and "aria-label=" in tag), tag
    assert "<img" not in html or all("alt=" in t for t in re.findall(r"<img\b[^>]*>", html))


def test_bundled_css_carries_every_component(server_rendered):
    css = server_rendered[1]
    for entry in ENTRIES:
        assert "." + _css(entry["name"]).split("{")[0].strip().lstrip(".").split(",")[0].split(" ")[0] in css


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("theme", [DEFAULT_THEME, "midnight", "bakery"])
def test_all_components_on_one_page_pass_axe_at_phone_width(theme):
    preview = _preview()
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    main = ("import React from 'react';\nimport { createRoot } from 'react-dom/client';\nimport './theme.css';\n"
            + _imports(NAMES) + "\ncreateRoot(document.getElementById('root')).render(<main>"
            + "".join(f"<{n} />" for n in NAMES) + "</main>);\n")
    result = preview.bundle_files(_project(main, NAMES, theme))
    assert result.ok, [str(e) for e in result.errors]
    check = preview.check_site(preview.inline_html(result.index_html, result.js, result.css), width=375)
    assert check.rendered
    assert check.console_errors == [] and check.page_errors == []
    assert check.overflow_px == 0
    assert check.violations == [], check.violations
    assert check.blocked_requests == []


class _FormServer(BaseHTTPRequestHandler):
    page = ""
    posts: list = []

    def do_GET(self):  # noqa: N802 - the http.server API
        body = self.page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        type(self).posts.append((self.path, json.loads(self.rfile.read(length) or b"{}")))
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def form_page():
    """Serve a page with the given component on loopback; yields (url, posts)."""
    preview = _preview()
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    servers = []

    def start(name: str, props: str):
        main = ("import React from 'react';\nimport { createRoot } from 'react-dom/client';\nimport './theme.css';\n"
                f"{_imports([name])}\ncreateRoot(document.getElementById('root')).render(<{name} {props} />);\n")
        result = preview.bundle_files(_project(main, [name]))
        assert result.ok, [str(e) for e in result.errors]
        handler = type("Handler", (_FormServer,), {"page": preview.inline_html(result.index_html, result.js,
                                                                                 result.css), "posts": []})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/", handler.posts

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _browser_page(url):
    import os

    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(url)
    return pw, browser, page


@pytest.mark.browser
@pytest.mark.slow
def test_contact_form_validates_then_posts_and_confirms(form_page):
    url, posts = form_page("ContactForm", 'action="/api/contact"')
    pw, browser, page = _browser_page(url)
    try:
        page.get_by_role("button", name="Send message").click()
        assert page.get_by_text("Please enter your name.").is_visible()
        assert page.get_by_role("textbox", name="Name", exact=True).get_attribute("aria-invalid") == "true"
        assert posts == []
        page.get_by_role("textbox", name="Name", exact=True).fill("Ada Lovelace")
        page.get_by_role("textbox", name="Email", exact=True).fill("ada@example.com")
        page.get_by_role("textbox", name="Message", exact=True).fill("I would like a quote for a birthday cake.")
        page.get_by_role("button", name="Send message").click()
        page.get_by_role("status").wait_for(timeout=5000)
        assert "Thank you" in page.get_by_role("status").inner_text()
    finally:
        browser.close()
        pw.stop()
    [(path, body)] = posts
    assert path == "/api/contact"
    assert {k: v for k, v in body.items() if not k.startswith("_")} == {
        "name": "Ada Lovelace", "email": "ada@example.com", "phone": "",
        "message": "I would like a quote for a birthday cake."}
    # what the form inbox needs to tell people from bots: which form, the untouched honeypot, the fill time
    assert body["_form"] == "contact" and body["_gotcha"] == "" and isinstance(body["_elapsed"], int)


@pytest.mark.browser
@pytest.mark.slow
def test_contact_form_without_action_shows_an_error_with_the_email_never_sent(form_page):
    url, posts = form_page("ContactForm", 'email="hello@doce-vida.com"')
    pw, browser, page = _browser_page(url)
    try:
        page.get_by_role("textbox", name="Name", exact=True).fill("Ada")
        page.get_by_role("textbox", name="Email", exact=True).fill("not-an-email")
        page.get_by_role("textbox", name="Message", exact=True).fill("Hello there, a question.")
        page.get_by_role("button", name="Send message").click()
        assert page.get_by_text("valid email address").is_visible()
        page.get_by_role("textbox", name="Email", exact=True).fill("ada@example.com")
        page.get_by_role("button", name="Send message").click()
        page.get_by_role("alert").wait_for(timeout=5000)
        assert "hello@doce-vida.com" in page.get_by_role("alert").inner_text()
        assert page.get_by_role("status").count() == 0
        assert "Thank you" not in page.locator("body").inner_text()
    finally:
        browser.close()
        pw.stop()
    assert posts == []


@pytest.mark.browser
@pytest.mark.slow
def test_newsletter_signup_posts_the_email(form_page):
    url, posts = form_page("NewsletterSignup", 'action="/api/subscribe"')
    pw, browser, page = _browser_page(url)
    try:
        page.get_by_label("Email address").fill("reader@example.com")
        page.get_by_role("button", name="Subscribe").click()
        page.get_by_role("status").wait_for(timeout=5000)
    finally:
        browser.close()
        pw.stop()
    [(path, body)] = posts
    assert path == "/api/subscribe" and body["email"] == "reader@example.com" and body["_form"] == "newsletter"


@pytest.mark.browser
@pytest.mark.slow
def test_interactive_components_respond_to_clicks_and_keys(form_page):
    url, _ = form_page("PricingTiers", "")
    pw, browser, page = _browser_page(url)
    try:
        assert page.get_by_text("$29", exact=True).is_visible()
        page.get_by_role("button", name="Yearly").click()
        assert page.get_by_text("$290", exact=True).is_visible()
        assert page.get_by_role("button", name="Yearly").get_attribute("aria-pressed") == "true"
    finally:
        browser.close()
        pw.stop()


@pytest.mark.browser
@pytest.mark.slow
def test_navbar_menu_opens_on_phones(form_page):
    url, _ = form_page("NavbarSimple", "")
    pw, browser, page = _browser_page(url)
    try:
        toggle = page.get_by_role("button", name="Open menu")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not page.get_by_role("link", name="Pricing").is_visible()
        toggle.click()
        assert page.get_by_role("button", name="Close menu").get_attribute("aria-expanded") == "true"
        assert page.get_by_role("link", name="Pricing").is_visible()
    finally:
        browser.close()
        pw.stop()


@pytest.mark.browser
@pytest.mark.slow
def test_gallery_lightbox_opens_and_closes_with_escape(form_page):
    url, _ = form_page("GalleryGrid", "")
    pw, browser, page = _browser_page(url)
    try:
        page.get_by_role("button", name="Handmade").click()
        dialog = page.get_by_role("dialog", name="Handmade")
        assert dialog.is_visible()
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached", timeout=3000)
    finally:
        browser.close()
        pw.stop()


@pytest.mark.browser
@pytest.mark.slow
def test_menu_tabs_switch_with_arrow_keys(form_page):
    url, _ = form_page("MenuTabs", "")
    pw, browser, page = _browser_page(url)
    try:
        page.get_by_role("tab", name="Breads").focus()
        page.keyboard.press("ArrowRight")
        assert page.get_by_role("tab", name="Pastries").get_attribute("aria-selected") == "true"
        assert page.get_by_text("Butter croissant").is_visible()
    finally:
        browser.close()
        pw.stop()


@pytest.mark.browser
@pytest.mark.slow
def test_booking_form_refuses_a_missing_date_then_confirms(form_page):
    url, posts = form_page("BookingForm", 'action="/api/bookings"')
    pw, browser, page = _browser_page(url)
    try:
        page.get_by_role("button", name="Request booking").click()
        assert page.get_by_text("Please choose a date.").is_visible()
        page.get_by_label("Date").fill("2099-05-01")
        page.get_by_label("Time").select_option("19:00")
        page.get_by_label("Guests").select_option("4")
        page.get_by_role("textbox", name="Name", exact=True).fill("Grace Hopper")
        page.get_by_role("textbox", name="Email", exact=True).fill("grace@example.com")
        page.get_by_role("button", name="Request booking").click()
        page.get_by_role("status").wait_for(timeout=5000)
        assert "4 guests on 2099-05-01 at 19:00" in page.get_by_role("status").inner_text()
    finally:
        browser.close()
        pw.stop()
    assert posts and posts[0][1]["guests"] == "4" and posts[0][1]["date"] == "2099-05-01"
