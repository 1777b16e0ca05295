"""Preview: node and the pinned npm packages, esbuild bundling, the self-contained preview document."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from faibric_kernel.errors import UnsafePathError, ValidationFailedError
from faibric_kernel.preview import bundle_files, ensure_node_modules, inline_html, node_env, preview_html
from faibric_kernel.preview.node import PACKAGE_DIR, STAMP_NAME, node_dir
from faibric_kernel.preview.sample import sample_project

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")


def test_node_env_finds_a_node_that_runs():
    env = node_env()
    assert env.node.exists()
    assert env.version.startswith("v")
    assert env.npm


def test_lockfile_pins_every_package_exactly():
    import json

    manifest = json.loads((PACKAGE_DIR / "package.json").read_text())
    lock = json.loads((PACKAGE_DIR / "package-lock.json").read_text())
    for name, version in manifest["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned exactly"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_ensure_node_modules_installs_once_and_stamps_the_lockfile():
    modules = ensure_node_modules()
    assert (modules / "esbuild" / "package.json").exists()
    assert (modules / "react-dom" / "package.json").exists()
    assert (node_dir() / STAMP_NAME).read_text().strip()
    stamp_mtime = (node_dir() / STAMP_NAME).stat().st_mtime_ns
    assert ensure_node_modules() == modules
    assert (node_dir() / STAMP_NAME).stat().st_mtime_ns == stamp_mtime


def test_bundle_of_a_project_gives_js_css_and_a_dist(tmp_path):
    result = bundle_files(sample_project(6), out_dir=tmp_path / "dist")
    assert result.ok, result.errors
    assert "createRoot" in result.js or "react" in result.js.lower()
    assert ".hero" in result.css
    assert (tmp_path / "dist" / "index.html").is_file()
    assert (tmp_path / "dist" / "assets" / "index.js").read_text() == result.js
    html = (tmp_path / "dist" / "index.html").read_text()
    assert "./assets/index.js" in html and "./assets/index.css" in html
    assert "/src/main.jsx" not in html


def test_syntax_error_comes_back_with_file_and_line():
    files = sample_project(4)
    files["src/components/Hero.jsx"] = files["src/components/Hero.jsx"].replace("</section>", "</sectoin>")
    result = bundle_files(files)
    assert not result.ok
    issue = result.errors[0]
    assert issue.file == "src/components/Hero.jsx"
    assert issue.line == 8
    assert "sectoin" in issue.message


def test_unresolvable_import_comes_back_as_an_issue():
    files = sample_project(3)
    files["src/App.jsx"] = "import { Star } from 'lucide-react';\n" + files["src/App.jsx"]
    result = bundle_files(files)
    assert not result.ok
    assert result.errors[0].file == "src/App.jsx"
    assert result.errors[0].line == 1
    assert "lucide-react" in result.errors[0].message


def test_missing_entry_is_an_issue_not_an_exception():
    result = bundle_files({"src/App.jsx": "export default () => null;\n"})
    assert not result.ok
    assert "entry" in result.errors[0].message


def test_paths_leaving_the_project_are_refused():
    files = sample_project(2)
    files["../evil.js"] = "alert(1)"
    with pytest.raises(UnsafePathError):
        bundle_files(files)


def test_public_files_are_copied_to_the_dist_root(tmp_path):
    files = sample_project(2)
    files["public/robots.txt"] = "User-agent: *\n"
    assert bundle_files(files, out_dir=tmp_path / "dist").ok
    assert (tmp_path / "dist" / "robots.txt").read_text() == "User-agent: *\n"


class _Tags(HTMLParser):
    """Tags as a browser's tokenizer sees them (script content is raw text up to ``</script``)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.script_text.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text[-1] += data


def _tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def test_preview_is_one_document_with_no_network_references():
    html = preview_html(sample_project(5))
    parsed = _tags(html)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert len(scripts) == 1
    assert not any(re.match(r"(https?:)?//", attrs.get("src") or "") for attrs in scripts)
    assert not any(tag == "link" and re.match(r"(https?:)?//", attrs.get("href") or "") for tag, attrs in parsed.tags)
    assert "<style>" in html and "</style>" in html
    assert ("div", {"id": "root"}) in parsed.tags


def test_preview_script_holds_the_whole_bundle():
    files = sample_project(3)
    js = bundle_files(files).js
    parsed = _tags(preview_html(files))
    assert parsed.script_text[0].replace("<\\/", "</") == js.replace("<\\/", "</")


def test_preview_of_broken_code_raises_validation_failed_with_issues():
    files = sample_project(2)
    files["src/App.jsx"] += "\nexport const = ;\n"
    with pytest.raises(ValidationFailedError) as info:
        preview_html(files)
    assert info.value.details["issues"][0]["file"] == "src/App.jsx"


def test_script_end_tags_inside_the_bundle_cannot_close_the_inline_script():
    html = inline_html("<html><head></head><body><div id=root></div></body></html>",
                       'var a="</script><b>x</b>";', "")
    body = html.split("<script>", 1)[1]
    assert body.lower().count("</script") == 1


def test_comment_openers_in_the_bundle_travel_as_a_data_url():
    html = inline_html("<html><head></head><body></body></html>", 'var a="<!--<script>";', "")
    assert '<script src="data:text/javascript;base64,' in html
    assert "<!--" not in html


def test_style_end_tags_inside_css_are_escaped():
    html = inline_html("<html><head></head><body></body></html>", "", 'a::after{content:"</style>"}')
    assert html.lower().count("</style") == 1


def test_iframe_wraps_the_document_in_an_escaped_sandboxed_srcdoc():
    from faibric_kernel.preview import iframe_html

    frame = iframe_html('<html><body><script>var a = "&<>";</script></body></html>')
    assert frame.startswith("<iframe ") and frame.count("<") == 2
    assert 'sandbox="allow-scripts allow-forms"' in frame
    assert "&lt;script&gt;var a = &quot;&amp;&lt;&gt;&quot;;" in frame


@pytest.mark.browser
@needs_chromium
def test_preview_renders_in_chromium_without_errors_or_serious_violations():
    from faibric_kernel.preview import check_site

    check = check_site(preview_html(sample_project(8)))
    assert check.rendered
    assert check.console_errors == [] and check.page_errors == []
    assert check.overflow_px == 0
    assert check.violations == []
    assert check.title == "Mill Street Bakery"


@pytest.mark.browser
@needs_chromium
def test_check_site_reports_overflow_blocked_requests_and_violations():
    from faibric_kernel.preview import check_site

    html = preview_html(sample_project(2)).replace(
        '<div id="root"></div>',
        '<div id="root"></div><div style="width:900px">wide</div><img src="https://example.com/x.png">',
    )
    check = check_site(html)
    assert check.overflow_px > 0
    assert check.blocked_requests == ["https://example.com/x.png"]
    assert any(v["id"] == "image-alt" for v in check.violations)
    assert not check.ok


@pytest.mark.browser
@needs_chromium
def test_check_site_works_inside_a_running_event_loop():
    import asyncio

    from faibric_kernel.preview import check_site

    async def inside_loop():
        return check_site("<html><body><main><h1>Hi</h1></main></body></html>", axe=False)

    check = asyncio.run(inside_loop())
    assert check.rendered and check.page_errors == [] and check.console_errors == []
