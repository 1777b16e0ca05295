"""Bundling a generated Vite + React project with esbuild, into ``dist/`` or one HTML document.

A project is a dict ``{relative_path: text}``. :func:`bundle_files` writes it
to a scratch folder, runs ``build.js`` (esbuild's JS API) with the shared
``node_modules``, and returns a :class:`BundleResult`. Mistakes in the code
come back as :class:`BundleIssue` entries with file and line, so generation
can feed them to its bounded fix step; only a broken environment raises.
"""

from __future__ import annotations

import base64
import html as html_lib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import FaibricError, UnsafePathError, ValidationFailedError
from .node import ensure_node_modules, node_env

__all__ = [
    "BundleIssue",
    "BundleResult",
    "bundle_files",
    "dist_html",
    "iframe_html",
    "inline_html",
    "preview_html",
]

BUILD_SCRIPT = Path(__file__).parent / "build.js"
ENTRY_CANDIDATES = ("src/main.jsx", "src/main.js", "src/main.tsx", "src/index.jsx", "src/index.js", "src/index.tsx")
DEFAULT_INDEX_HTML = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Faibric site</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.jsx"></script>
  </body>
</html>
"""

# a <script ...src="..."...></script> whose src is inside the project (not http(s), not //host)
_LOCAL_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"'](?!https?:|//|data:)([^\"']+)[\"'][^>]*>\s*</script\s*>\s*", re.IGNORECASE
)


@dataclass(frozen=True)
class BundleIssue:
    """One bundling problem, pointing at a project file and line when esbuild knows them."""

    file: str | None
    line: int | None
    column: int | None
    message: str
    line_text: str | None = None

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "message": self.message,
                "line_text": self.line_text}

    def __str__(self) -> str:
        where = self.file or "<project>"
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class BundleResult:
    """What one bundle produced: the JS and CSS, a ready ``dist/`` (when asked for), or the issues."""

    ok: bool
    errors: list[BundleIssue] = field(default_factory=list)
    js: str = ""
    css: str = ""
    dist_dir: Path | None = None
    seconds: float = 0.0
    warnings: list[BundleIssue] = field(default_factory=list)
    index_html: str = DEFAULT_INDEX_HTML
    entry: str | None = None

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "errors": [e.to_dict() for e in self.errors],
            "warnings": [w.to_dict() for w in self.warnings],
            "js_bytes": len(self.js.encode()),
            "css_bytes": len(self.css.encode()),
            "dist_dir": str(self.dist_dir) if self.dist_dir else None,
            "seconds": round(self.seconds, 3),
            "entry": self.entry,
        }


def _safe_relative(path: str) -> PurePosixPath:
    rel = PurePosixPath(path.replace("\\", "/"))
    if not path or rel.is_absolute() or ".." in rel.parts or re.match(r"^[A-Za-z]:", path):
        raise UnsafePathError(f"project file path {path!r} is absolute or leaves the project; use a relative path")
    return rel


def _find_entry(files: dict[str, str]) -> str | None:
    html = files.get("index.html")
    if html:
        for match in _LOCAL_SCRIPT.finditer(html):
            candidate = match.group(1).split("?")[0].lstrip("./").lstrip("/")
            if candidate in files:
                return candidate
    for candidate in ENTRY_CANDIDATES:
        if candidate in files:
            return candidate
    return None


def _issue(raw: dict) -> BundleIssue:
    return BundleIssue(
        file=raw.get("file"),
        line=raw.get("line"),
        column=raw.get("column"),
        message=raw.get("text") or "unknown bundling error",
        line_text=raw.get("lineText"),
    )


def bundle_files(files: dict[str, str], *, out_dir: Path | None = None, minify: bool = True,
                 timeout: float = 120.0) -> BundleResult:
    """Bundle a project with esbuild; with ``out_dir`` also write a static site there.

    Code mistakes come back as ``ok=False`` with :class:`BundleIssue` entries;
    a missing node, a failed npm install or a crashed esbuild raise
    :class:`FaibricError`.
    """
    started = time.perf_counter()
    index_html = files.get("index.html") or DEFAULT_INDEX_HTML
    entry = _find_entry(files)
    if entry is None:
        return BundleResult(
            ok=False,
            errors=[BundleIssue("src/main.jsx", None, None,
                                "the project has no entry file (src/main.jsx) and index.html names none")],
            seconds=time.perf_counter() - started,
            index_html=index_html,
        )
    node_modules = ensure_node_modules()
    env = node_env()
    with tempfile.TemporaryDirectory(prefix="faibric-bundle-") as scratch:
        project = Path(scratch)
        for path, text in files.items():
            rel = _safe_relative(path)
            target = project.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        request = {"nodeModules": str(node_modules), "projectDir": str(project), "entry": entry, "minify": minify}
        run_env = dict(os.environ)
        run_env["NODE_PATH"] = str(node_modules)
        try:
            proc = subprocess.run(
                [str(env.node), str(BUILD_SCRIPT)],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=timeout,
                env=run_env,
            )
        except subprocess.TimeoutExpired:
            raise FaibricError(f"esbuild did not finish within {timeout:.0f}s; the machine may be overloaded") from None
    try:
        answer = json.loads(proc.stdout)
    except json.JSONDecodeError:
        tail = (proc.stderr or proc.stdout).strip()[-500:]
        raise FaibricError(f"the bundler crashed (exit {proc.returncode}): {tail}") from None
    if answer.get("environment"):
        raise FaibricError(
            f"the bundler could not run: {answer['environment'][:500]}; "
            f"remove {node_modules.parent} to reinstall the npm packages"
        )
    result = BundleResult(
        ok=bool(answer["ok"]),
        errors=[_issue(e) for e in answer.get("errors", [])],
        warnings=[_issue(w) for w in answer.get("warnings", [])],
        index_html=index_html,
        entry=entry,
    )
    for output in answer.get("outputs", []):
        if output["path"].endswith(".js"):
            result.js = output["text"]
        elif output["path"].endswith(".css"):
            result.css = output["text"]
    if result.ok and out_dir is not None:
        result.dist_dir = _write_dist(Path(out_dir), result, files)
    result.seconds = time.perf_counter() - started
    return result


def _strip_local_scripts(html: str) -> str:
    return _LOCAL_SCRIPT.sub("", html)


def _insert_before(html: str, tag: str, snippet: str) -> str:
    """Insert ``snippet`` before the last ``</tag>``, or append when the tag is missing."""
    index = html.lower().rfind(f"</{tag}")
    if index < 0:
        return html + snippet
    while index > 0 and html[index - 1] in " \t":
        index -= 1
    return html[:index] + snippet + html[index:]


def dist_html(index_html: str, *, has_css: bool) -> str:
    """The project's index.html rewired to the bundled ``assets/index.js`` and ``assets/index.css``."""
    html = _strip_local_scripts(index_html)
    head = ""
    if has_css:
        head += '    <link rel="stylesheet" href="./assets/index.css" />\n'
    head += '    <script defer src="./assets/index.js"></script>\n'
    return _insert_before(html, "head", head) if "</head" in html.lower() else head + html


def _write_dist(out_dir: Path, result: BundleResult, files: dict[str, str]) -> Path:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "assets").mkdir(parents=True)
    (out_dir / "assets" / "index.js").write_text(result.js, encoding="utf-8")
    if result.css:
        (out_dir / "assets" / "index.css").write_text(result.css, encoding="utf-8")
    # Vite copies public/ as is to the site root
    for path, text in files.items():
        rel = _safe_relative(path)
        if rel.parts[0] == "public" and len(rel.parts) > 1:
            target = out_dir.joinpath(*rel.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    (out_dir / "index.html").write_text(dist_html(result.index_html, has_css=bool(result.css)), encoding="utf-8")
    return out_dir


_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_END = re.compile(r"</(style)", re.IGNORECASE)


def _inline_script(js: str) -> str:
    """A ``<script>`` element carrying ``js`` that the HTML parser cannot end early.

    ``</script`` becomes ``<\\/script`` (the same string, regex or template to
    JavaScript). A ``<!--`` could still switch the parser into its
    double-escaped state, so such a bundle travels as a base64 ``data:`` URL,
    which needs no network either.
    """
    escaped = _SCRIPT_END.sub(r"<\\/\1", js)
    if "<!--" in escaped:
        encoded = base64.b64encode(js.encode("utf-8")).decode("ascii")
        return f'<script src="data:text/javascript;base64,{encoded}"></script>'
    return f"<script>{escaped}</script>"


def inline_html(index_html: str, js: str, css: str) -> str:
    """One self-contained document: the project's index.html with CSS and JS inlined."""
    html = _strip_local_scripts(index_html)
    if css:
        style = "<style>" + _STYLE_END.sub(r"<\\/\1", css) + "</style>\n"
        html = _insert_before(html, "head", style) if "</head" in html.lower() else style + html
    script = _inline_script(js) + "\n"
    return _insert_before(html, "body", script) if "</body" in html.lower() else html + script


def preview_html(files: dict[str, str]) -> str:
    """A self-contained HTML document for an iframe ``srcdoc``; needs no network to show.

    Raises :class:`ValidationFailedError` (with ``issues``) when the project does not bundle.
    """
    result = bundle_files(files)
    if not result.ok:
        first = result.errors[0] if result.errors else "unknown error"
        raise ValidationFailedError(
            f"the project does not bundle: {first}",
            issues=[e.to_dict() for e in result.errors],
        )
    return inline_html(result.index_html, result.js, result.css)


def iframe_html(document: str, *, height: int = 640, title: str = "Site preview") -> str:
    """An ``<iframe srcdoc>`` showing ``document`` (from :func:`preview_html`), for JupyterLab or Voila.

    The frame is sandboxed: scripts and forms run, but without the notebook's origin,
    so a generated site can reach neither the kernel nor the page around it.
    """
    escaped = html_lib.escape(document, quote=True)
    return (f'<iframe title="{html_lib.escape(title)}" srcdoc="{escaped}" sandbox="allow-scripts allow-forms" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ddd;border-radius:6px"></iframe>')
