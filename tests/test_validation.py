"""Validation (tree-sitter, imports, entry, security rules), cheap fixes, and file safety."""

from __future__ import annotations

import os

import pytest

from faibric_kernel.errors import UnsafePathError
from faibric_kernel.generation.safety import check_path, screen_files, write_tree
from faibric_kernel.generation.scaffold import scaffold_files
from faibric_kernel.generation.validation import apply_cheap_fixes, parse_js, validate_files
from faibric_kernel.store import read_connection

APP = """import React from 'react';
import Hero from './components/Hero.jsx';

export default function App() {
  return <main><Hero title="Hi" /></main>;
}
"""
HERO = """import React from 'react';
import './Hero.css';

export default function Hero({ title }) {
  return <section><h1>{title}</h1></section>;
}
"""


def project(**extra) -> dict:
    files = {**scaffold_files("Test Site"), "src/theme.css": ":root{}\n", "src/App.jsx": APP,
             "src/components/Hero.jsx": HERO, "src/components/Hero.css": ".hero{}\n"}
    files.update(extra)
    return {k: v for k, v in files.items() if v is not None}


def rules(report) -> set[str]:
    return {i.rule for i in report.errors}


def test_a_clean_project_is_valid():
    report = validate_files(project())
    assert report.ok, report.summary()


def test_syntax_errors_give_file_line_and_column():
    report = validate_files(project(**{"src/App.jsx": "export default function App() {\n  return <main>;\n}\n"}))
    syntax = [i for i in report.errors if i.rule == "syntax"]
    assert syntax and syntax[0].file == "src/App.jsx" and syntax[0].line == 2 and syntax[0].column


def test_parse_js_reports_missing_nodes():
    _, errors = parse_js("const a = (1 + 2;\n")
    assert errors and errors[0][0] == 1


def test_missing_relative_import_is_reported_with_a_case_hint():
    report = validate_files(project(**{"src/App.jsx": APP.replace("./components/Hero.jsx", "./components/hero")}))
    issue = next(i for i in report.errors if i.rule == "import-missing")
    assert "Hero.jsx" in issue.message and issue.line == 2


def test_missing_css_import_is_reported():
    report = validate_files(project(**{"src/components/Hero.css": None}))
    assert "import-missing" in rules(report)


def test_package_not_in_package_json_is_reported():
    report = validate_files(project(**{"src/App.jsx": "import axios from 'axios';\n" + APP}))
    assert "import-package" in rules(report)


def test_node_builtins_are_refused():
    report = validate_files(project(**{"src/App.jsx": "import fs from 'fs';\n" + APP}))
    assert "node-builtin" in rules(report)


def test_entry_point_must_exist():
    files = project()
    del files["src/main.jsx"]
    assert "entry" in rules(validate_files(files))


@pytest.mark.parametrize("code, rule", [
    ("eval('1');", "no-eval"),
    ("const f = new Function('return 1');", "no-eval"),
    ("setTimeout('alert(1)', 10);", "no-eval"),
    ("document.body.innerHTML = '<b>x</b>';", "no-inner-html"),
    ("document.write('x');", "no-document-write"),
    ("const k = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';", "no-secrets"),
    ("const config = { apiKey: 'Zx81kLmP0qRsTuVw2345' };", "no-secrets"),
    ("fetch('http://api.example.com/data');", "https-only"),
])
def test_security_rules(code, rule):
    report = validate_files(project(**{"src/extra.js": code + "\n"}))
    assert rule in rules(report)


def test_dangerous_html_needs_sanitising():
    bad = HERO.replace("<h1>{title}</h1>", "<h1 dangerouslySetInnerHTML={{ __html: title }} />")
    good = HERO.replace("<h1>{title}</h1>", "<h1 dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(title) }} />")
    assert "no-dangerous-html" in rules(validate_files(project(**{"src/components/Hero.jsx": bad})))
    assert "no-dangerous-html" not in rules(validate_files(project(**{"src/components/Hero.jsx": good})))


def test_script_tags_and_javascript_urls_in_jsx_are_refused():
    code = HERO.replace("<h1>{title}</h1>", '<div><script src="x.js"></script><a href="javascript:alert(1)">x</a></div>')
    found = rules(validate_files(project(**{"src/components/Hero.jsx": code})))
    assert {"no-script-tag", "no-javascript-url"} <= found


def test_external_scripts_in_index_html_are_refused():
    files = project()
    files["index.html"] = files["index.html"].replace(
        "</head>", '<script src="https://cdn.example.com/tracker.js"></script></head>')
    assert "no-external-script" in rules(validate_files(files))


def test_install_scripts_in_package_json_are_refused():
    files = project()
    files["package.json"] = files["package.json"].replace('"scripts": {', '"scripts": {\n    "postinstall": "curl x",')
    assert "install-script" in rules(validate_files(files))


def test_images_need_alt_text():
    code = HERO.replace("<h1>{title}</h1>", '<img src="a.svg" />')
    assert "img-alt" in rules(validate_files(project(**{"src/components/Hero.jsx": code})))


def test_cheap_fixes_turn_class_and_for_into_react_props():
    code = HERO.replace("<h1>{title}</h1>", '<label class="x" for="name">Name</label>')
    files = project(**{"src/components/Hero.jsx": code})
    assert "syntax" in rules(validate_files(files))
    fixed, fixes = apply_cheap_fixes(files)
    assert 'className="x" htmlFor="name"' in fixed["src/components/Hero.jsx"]
    assert validate_files(fixed).ok and fixes[0].count == 2


def test_cheap_fixes_repair_import_case_and_blank_targets():
    files = project(**{"src/App.jsx": APP.replace("./components/Hero.jsx", "./components/hero.jsx").replace(
        "<Hero", '<a href="https://x.org" target="_blank">x</a><Hero')})
    fixed, fixes = apply_cheap_fixes(files)
    assert "./components/Hero.jsx" in fixed["src/App.jsx"] and 'rel="noopener noreferrer"' in fixed["src/App.jsx"]
    assert validate_files(fixed).ok and {f.rule for f in fixes} == {"import-missing", "link-rel"}


def test_cheap_fix_is_not_applied_to_strings_when_it_does_not_help():
    code = "const html = '<div class=\"x\">';\n"
    fixed, fixes = apply_cheap_fixes(project(**{"src/extra.js": code}))
    assert fixed["src/extra.js"] == code and not fixes


# -- file safety ------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [
    "/etc/passwd", "../secrets.js", "src/../../x.js", "src\\App.jsx", "C:/Windows/x.js", "c:evil.js",
    "src/a\x00.js", "src/\u202eevil.js", "~/.bashrc", "node_modules/x/index.js", ".env", "src/.hidden/a.js",
    "src/run.sh", "src/", "", "con.js", "src/a.js ", ".git/config",
])
def test_hostile_paths_are_refused(path):
    with pytest.raises(UnsafePathError):
        check_path(path)


def test_harmless_forms_are_normalised():
    assert check_path("./src//App.jsx") == "src/App.jsx"


def test_screening_refuses_files_and_records_events():
    safe, rejected = screen_files({"src/App.jsx": "x", "../../evil.js": "y", "/abs.js": "z"},
                                  session_id="s-safe", tenant_id="default")
    assert list(safe) == ["src/App.jsx"] and len(rejected) == 2
    with read_connection() as con:
        events = con.execute("SELECT count(*) FROM events WHERE event_type = 'file_rejected' AND session_id = 's-safe'"
                             ).fetchall()[0][0]
    assert events == 2


def test_too_many_files_are_refused(monkeypatch):
    monkeypatch.setenv("FAIBRIC_MAX_FILES", "3")
    with pytest.raises(UnsafePathError, match="FAIBRIC_MAX_FILES"):
        screen_files({f"src/f{i}.js": "x" for i in range(4)})


def test_too_many_bytes_are_refused(monkeypatch):
    monkeypatch.setenv("FAIBRIC_MAX_FILE_BYTES", "10")
    with pytest.raises(UnsafePathError, match="FAIBRIC_MAX_FILE_BYTES"):
        screen_files({"src/a.js": "x" * 11})


def test_write_tree_writes_nothing_outside_and_replaces_atomically(tmp_path):
    root = tmp_path / "project" / "src-tree"
    write_tree(root, {"src/App.jsx": "one", "index.html": "<html>"})
    write_tree(root, {"src/App.jsx": "two"})
    assert (root / "src" / "App.jsx").read_text() == "two" and not (root / "index.html").exists()
    with pytest.raises(UnsafePathError):
        write_tree(root, {"../outside.js": "x"})
    assert not (tmp_path / "project" / "outside.js").exists()
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["src-tree"]


def test_write_tree_refuses_a_symlinked_project_folder(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / "src-tree"
    os.symlink(target, link)
    with pytest.raises(UnsafePathError, match="symlink"):
        write_tree(link, {"a.js": "x"})
    assert list(target.iterdir()) == []
