"""Offline generation acceptance: a fitting, valid site from a prompt, with no key and no network."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from faibric_kernel.build import run_build
from faibric_kernel.generation.brief import analyse_prompt
from faibric_kernel.generation.validation import parse_js, resolve_import, validate_files
from faibric_kernel.providers.offline.compose import adapt_props, component_shape, compose_site
from faibric_kernel.sessions import create_session

DOCE_VIDA = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"

TEN = {
    "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form": ("bakery", ["sourdough"]),
    "Portfolio site for Ana Ribeiro, a freelance illustrator, minimal black and white": ("portfolio", ["illustration"]),
    "A SaaS landing page for Flowbase, a project management tool for small teams, with pricing and FAQ":
        ("saas", ["trial", "Team"]),
    "Website for my yoga studio in Brighton with class schedule and pricing": ("fitness", ["class", "£"]),
    'An online shop selling handmade ceramics called "Clay & Kiln"': ("shop", ["Stoneware", "shipping"]),
    "A blog about slow travel and food": ("blog", ["stories", "Subscribe"]),
    "Website for TechConf Berlin 2027, a developer conference with speakers, agenda and tickets":
        ("event", ["keynote", "ticket"]),
    "A site for a dental clinic in Austin with appointment booking": ("clinic", ["appointment", "patients"]),
    "A wedding website for Maria and João with RSVP and the day schedule": ("event", ["RSVP", "Ceremony"]),
    "Plumber in Manchester, 24/7 emergency service, reviews and a quote form": ("services", ["quote", "insured"]),
}


def build(prompt: str, **kwargs):
    session = create_session(prompt)
    return run_build(session.session_id, deploy_target="none", preview=False, **kwargs)


def files_of(result) -> dict[str, str]:
    from faibric_kernel.projects import get_version

    return get_version(result.project_id, result.version).files


def test_brief_of_the_doce_vida_prompt():
    brief = analyse_prompt(DOCE_VIDA)
    assert (brief.kind, brief.business_name, brief.location, brief.currency) == ("bakery", "Doce Vida", "Lisbon", "€")
    assert {"menu", "contact-form"} <= set(brief.requested_sections) and brief.sections[0] == "navbar"


def test_brief_invents_a_fitting_name_when_none_is_given():
    brief = analyse_prompt("Website for a barbershop in Brooklyn")
    assert brief.business_name == "Brooklyn Barbers" and not brief.name_given and brief.kind == "salon"


def test_a_wedding_photographer_is_a_photography_business_and_a_wedding_site_is_the_couples():
    photographer = analyse_prompt("A portfolio site for Lena Park, a wedding photographer in Seattle")
    assert (photographer.kind, photographer.noun, photographer.business_name) == (
        "photography", "photography studio", "Lena Park")
    content = files_of(build("A portfolio site for Lena Park, a wedding photographer in Seattle"))["src/content.js"]
    assert "RSVP" not in content and "getting married" not in content.lower() and "Lena Park" in content
    assert analyse_prompt("A website for our wedding in Porto with RSVP").business_name == "Our Wedding in Porto"


def test_offline_build_of_doce_vida_is_valid_and_shows_what_was_asked():
    result = build(DOCE_VIDA)
    assert result.status == "ready" and result.provider == "offline" and result.cost_usd == 0.0
    files = files_of(result)
    names = set(files)
    for path, text in files.items():
        if path.endswith((".js", ".jsx")):
            assert parse_js(text)[1] == [], path
            for spec in re.findall(r"""from\s+['"](\.[^'"]+)['"]|import\s+['"](\.[^'"]+)['"]""", text):
                spec = spec[0] or spec[1]
                assert resolve_import(path, spec, names), f"{path} imports {spec}"
    assert validate_files(files).ok
    content = files["src/content.js"]
    assert content.count("Doce Vida") >= 3 and "€" in content
    app = files["src/App.jsx"]
    menu_component = re.search(r"<(\w+) \{\.\.\.content\.menu\}", app)[1]
    menu_source = files[f"src/components/{menu_component}.jsx"]
    assert 'id="menu"' in menu_source or '<div id="menu">' in app
    assert "Custard tart" in content and "Country sourdough" in content
    form_component = re.search(r"<(\w+) \{\.\.\.content\[\"contact-form\"\]\}", app)[1]
    form = files[f"src/components/{form_component}.jsx"]
    assert "<form" in form and "onSubmit" in form and "type=\"email\"" in form and "<textarea" in form
    assert re.search(r"fetch\(action|mailto:", form) and "role=\"status\"" in form


def test_the_project_folder_holds_the_current_version(workspace):
    result = build(DOCE_VIDA)
    on_disk = {p.relative_to(result.project_dir).as_posix(): p.read_text()
               for p in __import__("pathlib").Path(result.project_dir).rglob("*") if p.is_file()}
    assert on_disk == files_of(result) and result.project_dir.startswith(str(workspace))


def test_ten_different_prompts_give_ten_fitting_different_sites():
    contents, themes, names = {}, set(), set()
    for prompt, (kind, words) in TEN.items():
        result = build(prompt)
        files = files_of(result)
        assert result.status == "ready" and result.brief["kind"] == kind, prompt
        assert validate_files(files).ok, prompt
        content = files["src/content.js"]
        assert result.brief["business_name"] in content, prompt
        for word in words:
            assert word in content, f"{word!r} missing for {prompt}"
        assert "lorem" not in content.lower() and "ipsum" not in content.lower()
        contents[prompt] = content
        themes.add(files["src/theme.css"])
        names.add(result.brief["business_name"])
    assert len(set(contents.values())) == 10 and len(names) == 10 and len(themes) >= 5


def test_library_components_are_reused_with_the_sites_copy():
    result = build(DOCE_VIDA)
    assert result.reused, "no library component was reused"
    files = files_of(result)
    content = files["src/content.js"]
    for entry in result.reused:
        assert f"src/components/{entry['component']}.jsx" in files
    # no sample copy from the library is left where the site's copy belongs
    assert "Maison Flour" not in content and "Lumen Studio" not in content


def test_library_reuse_decisions_are_recorded():
    from faibric_kernel.store import read_connection

    result = build(DOCE_VIDA)
    with read_connection() as con:
        rows = con.execute("SELECT properties->>'section', properties->>'decision' FROM events "
                           "WHERE event_type = 'library_reused' AND session_id = ?", [result.session_id]).fetchall()
    decisions = dict(rows)
    assert decisions["menu"] == "reuse" and set(decisions) >= {"navbar", "hero", "menu", "contact-form"}


def test_composer_declines_a_component_whose_props_cannot_carry_the_copy():
    brief = analyse_prompt("Website for my yoga studio in Brighton with class schedule and pricing")
    tiers = {"plans": {"type": "array", "default": [{"name": "A", "monthly": 1, "yearly": 10, "features": ["x"]}]}}
    from faibric_kernel.providers.offline.copydeck import section_content

    props, why = adapt_props("pricing", section_content("pricing", brief), component_shape("", tiers), brief)
    assert props is None and "one-off" in why


def test_composition_without_reuse_uses_own_components():
    site = compose_site(analyse_prompt(DOCE_VIDA), [])
    assert not site.used_library and "menu" in site.own and "src/content.js" in site.files


@pytest.mark.browser
def test_doce_vida_in_a_real_browser_shows_name_menu_and_a_form_that_never_fakes_sent(tmp_path):
    if not shutil.which("chromium") and not __import__("os").path.exists("/usr/bin/chromium"):
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    from faibric_kernel.preview import preview_html

    page_file = tmp_path / "site.html"
    page_file.write_text(preview_html(files_of(build(DOCE_VIDA))))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.goto(page_file.as_uri())
        assert "Doce Vida" in page.inner_text("body")
        assert page.locator("#menu").count() == 1 and "Country sourdough" in page.inner_text("#menu")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        form = page.locator("#contact form")
        form.locator("button[type=submit]").click()
        assert page.locator("#contact [aria-invalid='true']").count() >= 1  # empty fields are refused
        form.get_by_label("Name").first.fill("Rita")
        form.get_by_label("Email").first.fill("rita@example.com")
        form.get_by_label("Message").first.fill("Could you bake a cake for Saturday?")
        form.locator("button[type=submit]").click()
        shown = "#contact [role=alert], #contact .form-status"
        page.wait_for_selector(shown)
        # a preview has no form endpoint: the visitor is told to email the business, never that it was sent
        status = page.inner_text(shown)
        assert "could not be sent" in status and "Please email" in status and "@" in status
        assert "Message sent" not in page.inner_text("#contact")
        browser.close()


def test_build_json_from_the_cli(workspace):
    from click.testing import CliRunner

    from faibric_kernel.cli import main

    result = CliRunner().invoke(main, ["build", DOCE_VIDA, "--provider", "offline", "--deploy", "none",
                                       "--no-preview", "--quiet", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "ready" and data["url"] is None and data["cost_usd"] == 0.0 and data["version"] == 1
    assert "src/App.jsx" in data["files"] and data["project_dir"].endswith("src-tree")
