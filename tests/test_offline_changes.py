"""Offline changes that keep the site whole: links follow sections, moods, hero size, translation, pages, refusals."""

from __future__ import annotations

import re

import pytest

from faibric_kernel.build import modify_site, run_build
from faibric_kernel.errors import InvalidInputError
from faibric_kernel.projects import get_version
from faibric_kernel.providers.offline.fit import visible_text
from faibric_kernel.sessions import create_session

BAKERY = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"
LAW = "Website for Harper & Cole, a family law firm in Austin. Practice areas, attorney bios, free consultation booking"


def build(prompt: str):
    session = create_session(prompt)
    result = run_build(session.session_id, deploy_target="none", preview=False)
    return session.session_id, result


def change(session_id: str, request: str):
    return modify_site(session_id, request, preview=False)


def files_of(result) -> dict[str, str]:
    return get_version(result.project_id).files


def dead_links(files: dict[str, str]) -> set[str]:
    """In-page links (#id) with no element of that id on the page."""
    app = files["src/App.jsx"]
    ids = set(re.findall(r'\bid="([\w-]+)"', app))
    for name in re.findall(r"import \w+ from '\./components/(\w+)\.jsx'", app):
        ids |= set(re.findall(r'\bid="([\w-]+)"', files.get(f"src/components/{name}.jsx", "")))
    links = set(re.findall(r'"#([\w-]+)"', files["src/content.js"])) | set(re.findall(r'href="#([\w-]+)"', app))
    return links - ids


def test_a_fresh_site_has_no_dead_links():
    _, result = build(BAKERY)
    assert dead_links(files_of(result)) == set()


def test_removing_a_section_removes_its_links_and_retargets_its_buttons():
    sid, result = build(LAW)
    before = files_of(result)
    assert '"#booking"' in before["src/content.js"]
    outcome = change(sid, "remove the booking form")
    files = files_of(result)
    assert outcome.status == "ready" and "content[\"booking-form\"]" not in files["src/App.jsx"]
    assert '"#booking"' not in files["src/content.js"] and dead_links(files) == set()
    # the hero's and header's buttons now lead to a section that exists
    assert re.search(r'"primaryHref": "#(visit|location|top|contact)"', files["src/content.js"])


def test_removing_the_gallery_leaves_no_link_to_it():
    sid, result = build(BAKERY)
    change(sid, "remove the gallery")
    files = files_of(result)
    assert "#gallery" not in files["src/content.js"] and dead_links(files) == set()


def test_an_added_section_gets_its_navigation_link():
    sid, result = build(BAKERY)
    change(sid, "add a FAQ section")
    files = files_of(result)
    assert '"href": "#faq"' in files["src/content.js"] and 'id="faq"' in files["src/App.jsx"]
    assert dead_links(files) == set()


def test_adding_a_page_explains_the_site_is_one_page_and_adds_the_section(workspace):
    from faibric_kernel.providers import CompletionRequest, GenerationContext
    from faibric_kernel.providers.offline import OfflineProvider

    sid, result = build(LAW)
    files = files_of(result)
    brief = result.brief
    request = CompletionRequest(purpose="modify", system="", messages=[{"role": "user", "content": "x"}],
                                context=GenerationContext(request="add a pricing page", files=files, brief=brief))
    answer = OfflineProvider().complete(request).text
    assert answer.startswith("This site is a single page") and "pricing" in answer
    change(sid, "add a pricing page")
    assert "content.pricing" in files_of(result)["src/App.jsx"]


def test_a_mood_changes_colours_only():
    sid, result = build(BAKERY)
    before = files_of(result)
    outcome = change(sid, "use a darker, more elegant look")
    after = files_of(result)
    assert outcome.touched == ["src/theme.css"] and after["src/content.js"] == before["src/content.js"]
    assert "Midnight" in after["src/theme.css"].splitlines()[0]


@pytest.mark.parametrize(("request_text", "marker"), [("make the hero image bigger", "hero size: large"),
                                                      ("make the hero smaller", "hero size: small")])
def test_the_hero_size_changes(request_text, marker):
    sid, result = build(BAKERY)
    outcome = change(sid, request_text)
    assert outcome.touched == ["src/theme.css"] and marker in files_of(result)["src/theme.css"]


def test_translating_rewrites_every_string_in_the_new_language():
    sid, result = build(BAKERY)
    change(sid, "translate the site to Portuguese")
    files = files_of(result)
    text = visible_text(files)
    assert '<html lang="pt">' in files["index.html"]
    assert "Doce Vida" in text and "Padaria" in text and "Enviar mensagem" in text and "Horário" in text
    assert "Send message" not in text and "All rights reserved" not in text and dead_links(files) == set()


def test_a_refusal_names_what_was_understood_and_what_works():
    sid, _ = build(BAKERY)
    with pytest.raises(InvalidInputError) as caught:
        change(sid, "make the gallery feel more like a Wes Anderson film")
    message = str(caught.value)
    assert "recognised the gallery section" in message and "translate" in message and "hero" in message
