"""Targeted changes: search/replace edits, all or nothing, bounded retries, rewrite fallback, versions."""

from __future__ import annotations

import pytest
from fakes.anthropic_fake import FakeMessagesAPI, Reply, default_answer

from faibric_kernel.build import modify_site, run_build
from faibric_kernel.errors import InvalidInputError, NotFoundError
from faibric_kernel.generation.edits import Edit, apply_edits, parse_edits
from faibric_kernel.projects import get_version, list_versions
from faibric_kernel.providers.anthropic import AnthropicProvider
from faibric_kernel.sessions import create_session, get_session
from faibric_kernel.store import read_connection

PROMPT = "A landing page for Doce Vida, a bakery in Lisbon, with a menu and a contact form"


@pytest.fixture
def built():
    session = create_session(PROMPT)
    result = run_build(session.session_id, deploy_target="none", preview=False)
    return session.session_id, result


def change(session_id, request, **kw):
    kw.setdefault("preview", False)
    return modify_site(session_id, request, **kw)


def event_types(session_id):
    with read_connection() as con:
        return [r[0] for r in con.execute("SELECT event_type FROM events WHERE session_id = ? ORDER BY ts",
                                          [session_id]).fetchall()]


# -- edits, without a model -------------------------------------------------------------------------
FILES = {"a.js": "const a = 1;\nconst b = 2;\n", "b.js": "export const title = 'Hello';\n"}


def test_exact_edit_applies():
    outcome = apply_edits(FILES, [Edit("a.js", "const b = 2;", "const b = 3;")])
    assert outcome.ok and outcome.files["a.js"] == "const a = 1;\nconst b = 3;\n" and outcome.passes == ["exact"]


def test_failed_block_leaves_no_edit_half_applied():
    edits = [Edit("a.js", "const a = 1;", "const a = 100;"), Edit("b.js", "not in the file", "x")]
    outcome = apply_edits(FILES, edits)
    assert not outcome.ok and outcome.files is None and outcome.touched == []
    assert "not found" in outcome.failures[0].reason and outcome.failures[0].path == "b.js"
    assert FILES["a.js"].startswith("const a = 1;")


def test_ambiguous_search_is_refused():
    outcome = apply_edits({"a.js": "x = 1;\nx = 1;\n"}, [Edit("a.js", "x = 1;", "x = 2;")])
    assert not outcome.ok and "2 times" in outcome.failures[0].reason


def test_looser_passes_trailing_then_edge_whitespace_then_unicode():
    files = {"a.js": "function f() {\n    return 'it’s fine';   \n}\n"}
    trailing = apply_edits(files, [Edit("a.js", "    return 'it’s fine';\n}", "    return 'ok';\n}")])
    assert trailing.ok and trailing.passes == ["trailing-whitespace"]
    edge = apply_edits(files, [Edit("a.js", "return 'it’s fine';\n}", "return 'ok';\n}")])
    assert edge.ok and edge.passes == ["edge-whitespace"] and "    return 'ok';" in edge.files["a.js"]
    uni = apply_edits(files, [Edit("a.js", "return 'it's fine';", "return 'ok';")])
    assert uni.ok and uni.passes == ["unicode"]


def test_edits_to_one_file_apply_in_order_and_new_files_can_be_created():
    outcome = apply_edits(FILES, [Edit("a.js", "const a = 1;", "const a = 5;"),
                                  Edit("a.js", "const a = 5;\nconst b = 2;", "const a = 6;"),
                                  Edit("c.js", "", "export default 1;")])
    assert outcome.ok and outcome.files["a.js"] == "const a = 6;\n" and outcome.files["c.js"] == "export default 1;\n"


def test_parse_edit_blocks():
    text = ('<edit path="a.js">\n<<<<<<< SEARCH\nconst a = 1;\n=======\nconst a = 2;\n>>>>>>> REPLACE\n</edit>\n'
            "src/b.js\n<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE\n")
    assert parse_edits(text) == [Edit("a.js", "const a = 1;", "const a = 2;"), Edit("src/b.js", "old", "new")]


# -- offline changes on a built site ------------------------------------------------------------------
def test_headline_change_touches_only_the_content_file(built):
    sid, result = built
    outcome = change(sid, "change the headline to Pão quente todas as manhãs")
    assert outcome.status == "ready" and outcome.touched == ["src/content.js"] and outcome.version == 2
    assert outcome.method == "edits" and outcome.attempts == 1
    new = get_version(result.project_id, 2).files
    old = get_version(result.project_id, 1).files
    assert [p for p in new if new[p] != old.get(p)] == ["src/content.js"]
    assert "Pão quente todas as manhãs" in new["src/content.js"]
    kinds = event_types(sid)
    assert "modification_requested" in kinds and "modification_applied" in kinds


def test_colour_change_touches_only_the_theme(built):
    sid, _ = built
    assert change(sid, "make it green").touched == ["src/theme.css"]


def test_price_change_touches_only_the_content_file(built):
    sid, result = built
    outcome = change(sid, "change the price of the butter croissant to 2.50")
    assert outcome.touched == ["src/content.js"] and '"price": "2.50"' in outcome.diff


def test_adding_a_section_adds_a_component_and_wires_it(built):
    sid, result = built
    outcome = change(sid, "add a FAQ section")
    assert set(outcome.touched) == {"src/App.jsx", "src/content.js", "src/components/FaqList.jsx",
                                    "src/components/FaqList.css"}
    assert get_version(result.project_id).validation["ok"]


def test_rename_touches_content_and_title(built):
    sid, result = built
    outcome = change(sid, "rename the business to Doce Vida Padaria")
    assert set(outcome.touched) == {"src/content.js", "index.html"}
    files = get_version(result.project_id).files
    assert "<title>Doce Vida Padaria</title>" in files["index.html"]


def test_an_offline_change_it_cannot_make_is_refused_and_the_site_stays(built):
    sid, result = built
    with pytest.raises(InvalidInputError, match="offline provider cannot make this change"):
        change(sid, "make the gallery feel more like a Wes Anderson film")
    assert get_session(sid).status == "ready" and len(list_versions(result.project_id)) == 1
    assert "error" in event_types(sid)


def test_changing_a_site_that_was_never_built_is_refused():
    session = create_session(PROMPT)
    with pytest.raises(NotFoundError, match="build it first"):
        change(session.session_id, "make it green")


# -- changes with a model (fake Messages API) -----------------------------------------------------------
def _bad_edit():
    return Reply(text='<edit path="src/content.js">\n<<<<<<< SEARCH\n    "title": "This text is not there",\n=======\n'
                      '    "title": "x",\n>>>>>>> REPLACE\n</edit>\n')


def _provider(api):
    return AnthropicProvider(client=api.client(), sleep=lambda s: None)


def test_a_failed_edit_is_retried_with_the_failure_and_applies_all_or_nothing(built):
    sid, result = built
    api = FakeMessagesAPI()
    api.then(Reply(), _bad_edit())  # classify (default), then one edit that does not match
    outcome = change(sid, "change the headline to Warm bread every morning", provider=_provider(api))
    assert outcome.attempts == 2 and outcome.method == "edits" and outcome.touched == ["src/content.js"]
    retry = api.requests[2].body["messages"][-1]["content"]
    assert "could not be applied, so nothing was changed" in retry and "not found" in retry


def test_after_two_retries_the_touched_files_are_rewritten(built):
    sid, result = built
    api = FakeMessagesAPI()
    api.then(Reply(), _bad_edit(), _bad_edit(), _bad_edit())
    outcome = change(sid, "change the headline to Warm bread every morning", provider=_provider(api))
    assert outcome.method == "rewrite" and outcome.touched == ["src/content.js"]
    purposes = [r.body["messages"][-1]["content"][:45] for r in api.requests]
    assert len(api.requests) == 5 and purposes[-1].startswith("Change the website as requested, by rewri")
    assert "Warm bread every morning" in get_version(result.project_id).files["src/content.js"]


def test_a_rewrite_cannot_touch_files_outside_the_selection(built):
    sid, result = built
    api = FakeMessagesAPI()

    def responder(body):
        user = body["messages"][-1]["content"]
        if "by rewriting whole files" in user:
            answer = default_answer(body)
            return answer + '\n<file path="src/App.jsx">\nexport default function App() { return null; }\n</file>\n'
        return default_answer(body)

    api.responder = responder
    api.then(Reply(), _bad_edit(), _bad_edit(), _bad_edit())
    outcome = change(sid, "change the headline to Warm bread every morning", provider=_provider(api))
    assert outcome.touched == ["src/content.js"]


def test_a_deployed_site_is_redeployed_after_a_change():
    pytest.importorskip("faibric_kernel.deploy")
    session = create_session(PROMPT)
    first = run_build(session.session_id, deploy_target="local")
    assert first.status == "deployed" and first.url
    outcome = modify_site(session.session_id, "change the headline to Pão quente todas as manhãs")
    assert outcome.status == "deployed" and outcome.url
    assert event_types(session.session_id).count("deployed") == 2
