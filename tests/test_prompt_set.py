"""The right site for every prompt: the prompt set, built offline and judged on the page's visible text.

Each case of ``prompt_set.json`` names the kind, the name (or none), the
language, words that must appear and words that must not (another kind of
business's vocabulary). Every prompt goes through the real build pipeline
(classification, library reuse, the offline provider, parsing, screening,
validation) and the files are judged by :mod:`faibric_kernel.providers.offline.fit`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from faibric_kernel.build import BuildRun
from faibric_kernel.build.generate import generate_project
from faibric_kernel.generation.brief import analyse_prompt
from faibric_kernel.generation.understanding import check_taxonomy, detect_language, taxonomy, understand
from faibric_kernel.providers.offline import OfflineProvider
from faibric_kernel.providers.offline.copydeck import check_decks
from faibric_kernel.providers.offline.fit import judge_site, visible_text
from faibric_kernel.sessions import create_session

CASES = json.loads((Path(__file__).with_name("prompt_set.json")).read_text(encoding="utf-8"))["cases"]

ISSUE_PROMPTS = [
    "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form",
    "Website for Harper & Cole, a family law firm in Austin. Practice areas, attorney bios, free consultation booking",
    "SaaS landing page for Tallyho, an invoicing tool for freelancers: features, pricing with monthly/yearly toggle, "
    "FAQ, signup",
    "Portfolio for Mina Okafor, a UX designer in Berlin, with case studies and a contact form",
    "Dentist office in Leeds, Bright Smile Dental, opening hours, services, book an appointment, map",
    "Yoga studio Prana Flow in Bali: class schedule, teachers, retreats, newsletter signup",
    "Nonprofit Clean Rivers Fund: mission, impact numbers, donate button, volunteer signup, team",
    "Conference page for PyData Porto 2027: speakers, schedule, tickets, venue, sponsors",
    "Online store for Alpaca Threads, handmade wool sweaters from Peru, product grid and cart",
    "Personal blog of a software engineer writing about Rust and databases",
    "un sitio web para una panadería en Sevilla llamada El Horno de Ana, con menú y horarios",
    "a site",
    "Landing page for a mobile app called Sprout that helps people water their plants, with app store buttons and "
    "screenshots",
    "Restaurant Sakura Sushi in Seattle with online reservations, menu with prices, and a photo gallery",
]


def build_files(prompt: str) -> tuple[dict, dict, dict]:
    """(files, brief dict, build info) of the offline pipeline from prompt to validated files."""
    session = create_session(prompt)
    run = BuildRun(session, OfflineProvider(), None, None, None, None)
    run.bundle = False
    files, info = generate_project(run, prompt)
    return files, info["brief"].to_dict(), info


def test_the_prompt_set_is_large_varied_and_holds_the_issues_prompts():
    languages = Counter(case["lang"] for case in CASES)
    assert len(CASES) >= 60
    assert all(languages[lang] >= 8 for lang in ("es", "pt", "fr", "de")), languages
    prompts = {case["prompt"] for case in CASES}
    assert all(p in prompts for p in ISSUE_PROMPTS)


def test_the_taxonomy_has_forty_kinds_and_every_kind_speaks_every_language():
    kinds = taxonomy()
    assert len(kinds) >= 40 and sum(len(k.get("variants", {})) for k in kinds.values()) >= 10
    assert check_taxonomy() == []


def test_a_kind_missing_a_language_is_reported():
    broken = {"bakery": {**taxonomy()["bakery"], "noun": {"en": "bakery"}}}
    assert "bakery: no noun in de" in check_taxonomy(broken)


def test_every_copy_string_exists_in_every_language():
    assert check_decks() == []


@pytest.mark.parametrize(("prompt", "language"), [
    ("una panadería en Sevilla", "es"), ("Site para a padaria Doce Vida em Lisboa", "pt"),
    ("Site pour une boulangerie à Lyon", "fr"), ("Webseite für eine Bäckerei in Berlin", "de"),
    ("a site", "en"),
])
def test_language_is_detected_from_short_prompts(prompt, language):
    assert detect_language(prompt)[0] == language


def test_names_come_from_the_usual_phrasings_and_are_never_invented():
    assert understand("Restaurant Sakura Sushi in Seattle").name == "Sakura Sushi"
    assert understand("una panadería llamada El Horno de Ana").name == "El Horno de Ana"
    assert understand("Yoga studio Prana Flow in Bali").name == "Prana Flow"
    assert understand("Dentist office in Leeds, Bright Smile Dental, map").name == "Bright Smile Dental"
    assert understand("Personal blog of a software engineer").name is None


def test_a_prompt_no_kind_fits_gets_a_neutral_site_with_low_confidence():
    brief = analyse_prompt("a site")
    assert brief.subkind == "general" and brief.confidence < 0.5 and not brief.name_given
    woodwork = analyse_prompt("A website for my woodworking hobby")
    assert woodwork.subkind == "general" and "woodworking" in woodwork.nouns


def test_asks_the_composer_cannot_meet_and_sample_facts_are_listed_in_the_brief():
    sprout = analyse_prompt(ISSUE_PROMPTS[12])
    assert any("screenshots" in u for u in sprout.unmet)
    alpaca = analyse_prompt(ISSUE_PROMPTS[8])
    assert any("no payment" in u for u in alpaca.unmet)
    doce = analyse_prompt(ISSUE_PROMPTS[0])
    assert any("prices" in f for f in doce.facts_to_confirm) and any("address" in f for f in doce.facts_to_confirm)


def test_every_prompt_of_the_set_builds_the_right_site():
    failures: dict[str, list[str]] = {"kind": [], "name": [], "language": [], "must": [], "must_not": []}
    for case in CASES:
        files, brief, info = build_files(case["prompt"])
        assert info["report"].ok, (case["prompt"], info["report"].summary())
        for criterion, problems in judge_site(case, brief, files).items():
            failures[criterion] += [f"{case['prompt'][:60]}: {p}" for p in problems]
    # targets: every name and language right, at least 95% of kinds, no banned word, every must-have word
    assert failures["name"] == [] and failures["language"] == []
    assert len(failures["kind"]) <= len(CASES) * 0.05, failures["kind"]
    assert failures["must_not"] == [] and failures["must"] == []


def test_a_spanish_site_is_spanish_throughout():
    files, brief, _ = build_files(ISSUE_PROMPTS[10])
    text = visible_text(files)
    assert brief["language"] == "es" and '<html lang="es">' in files["index.html"]
    for word in ("Enviar mensaje", "Horarios", "Todos los derechos reservados", "Saltar al contenido", "Correo"):
        assert word in text, word
    for word in ("Send message", "Opening hours", "All rights reserved", "Name", "Email"):
        assert word not in text.split("\n"), word


def test_a_pricing_toggle_that_was_asked_for_is_on_the_page():
    files, _, _ = build_files(ISSUE_PROMPTS[2])
    text = visible_text(files)
    assert "Monthly" in text and "Yearly" in text and '"yearly": "190"' in files["src/content.js"]


def test_a_cart_that_was_asked_for_has_add_buttons_and_a_cart_view():
    files, brief, info = build_files(ISSUE_PROMPTS[8])
    assert "ShopCart" in files["src/App.jsx"] and "src/components/ShopCart.jsx" in files
    text = visible_text(files)
    assert "Add to cart" in text and "Your cart" in text and brief["unmet"] == [
        "the cart sends the order by email (or to the form endpoint); there is no payment or stock"]


def test_sponsors_that_were_asked_for_get_a_section_and_are_facts_to_confirm():
    files, brief, _ = build_files(ISSUE_PROMPTS[7])
    text = visible_text(files)
    assert "SponsorWall" in files["src/App.jsx"] and "Become a sponsor" in text and "Your logo here" in text
    assert any("sponsors" in fact for fact in brief["facts_to_confirm"]) and brief["unmet"] == []


def test_app_store_badges_and_phone_screens_that_were_asked_for_are_on_the_page():
    files, brief, _ = build_files(ISSUE_PROMPTS[12])
    text = visible_text(files)
    assert "Download on the App Store" in text and "Get it on Google Play" in text and "Watering reminders" in text
    assert "<svg" in files["src/components/AppDownload.jsx"]
    assert any("Google Play" in fact for fact in brief["facts_to_confirm"])


def test_imagery_fits_the_kind_and_ships_as_svg_files():
    from faibric_kernel.generation.understanding import kind_info
    from faibric_kernel.providers.offline.copydeck import ART_DIR

    for kind, info in taxonomy().items():
        for entry in [info, *info.get("variants", {}).values()]:
            assert entry.get("art") or kind_info(kind).get("art"), kind
            for motif in entry.get("art", []):
                assert (ART_DIR / f"{motif}.svg").is_file(), motif
    sushi, _, _ = build_files(ISSUE_PROMPTS[13])
    bakery, _, _ = build_files(ISSUE_PROMPTS[0])
    # the sushi bar's gallery shows sushi, the bakery's bread; neither shows the other's
    assert "sushi" in _motifs(sushi) and "bread" not in _motifs(sushi)
    assert {"bread", "croissant", "cake", "coffee"} & _motifs(bakery) and "sushi" not in _motifs(bakery)


def _motifs(files: dict[str, str]) -> set[str]:
    from urllib.parse import unquote

    from faibric_kernel.providers.offline.copydeck import ART_DIR

    content = unquote(files["src/content.js"])
    return {p.stem for p in ART_DIR.glob("*.svg") if p.read_text(encoding="utf-8").strip() in content}


def test_every_theme_has_a_self_hosted_font_pair_and_no_monospace_or_times_heading():
    from faibric_kernel.library.themes import THEME_FONTS, THEMES, font_faces, theme_css

    assert set(THEME_FONTS) == set(THEMES)
    for theme in THEMES:
        heading, body, faces = font_faces(theme)
        assert "monospace" not in heading.split(",")[0] and "Times" not in heading.split(",")[0]
        assert faces.count("@font-face") == 2 and "format('woff2')" in faces
        assert faces in theme_css(theme)


def test_site_css_and_js_fit_the_budget_with_fonts_counted_apart():
    import gzip
    import re

    from faibric_kernel.preview import bundle_files

    files, _, _ = build_files(ISSUE_PROMPTS[0])
    result = bundle_files(files)
    assert result.ok, result.errors
    text = result.js + result.css
    fonts = re.findall(r"url\(data:font/woff2;base64,[^)]*\)", text)
    assert len(fonts) == 2
    without_fonts = text
    for font in fonts:
        without_fonts = without_fonts.replace(font, "")
    assert len(gzip.compress(without_fonts.encode())) <= 100 * 1024
    assert sum(len(f) for f in fonts) * 3 / 4 <= 120 * 1024
