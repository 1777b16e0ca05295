"""Validation of a generated project, and the fixes that need no AI.

Checks (the checkable rules of ``constraints/*.md``):

* every ``.js``/``.jsx`` file parses (tree-sitter, JavaScript grammar with JSX);
  ERROR and MISSING nodes give the line and column;
* imports resolve: relative files exist; packages are in package.json, and
  runtime code imports only packages the preview can bundle;
* the entry point exists (``index.html`` loads ``/src/main.jsx``, which exists);
* security: no ``eval``, ``new Function``, string timers, ``innerHTML``/
  ``document.write``, ``javascript:`` URLs, ``<script>`` in JSX, external
  scripts in index.html, ``dangerouslySetInnerHTML`` on unsanitised data,
  inline secrets, install scripts in package.json, plain-http requests;
* basics: JSON parses, CSS braces balance, images have ``alt``.

:func:`apply_cheap_fixes` repairs what is safe to repair mechanically
(``class`` -> ``className``, ``for`` -> ``htmlFor``, lower-case DOM props,
``rel`` on ``target=_blank`` links, import paths differing only in case),
keeping a fix only when it does not make the file worse.
"""

from __future__ import annotations

import json
import posixpath
import re
import threading
import time
from dataclasses import dataclass, field

from ..livesites.beacon import beacon_source
from .scaffold import ALLOWED_PACKAGES, ENTRY

__all__ = ["Fix", "Issue", "ValidationReport", "apply_cheap_fixes", "parse_js", "validate_files"]

JS_SUFFIXES = (".js", ".jsx", ".mjs")
RESOLVE_SUFFIXES = ("", ".jsx", ".js", ".mjs", ".json", ".css", "/index.jsx", "/index.js")
NODE_BUILTINS = {"fs", "path", "os", "child_process", "http", "https", "net", "crypto", "process", "url", "util",
                 "stream", "buffer", "events", "zlib", "tls", "dns", "vm", "worker_threads", "cluster"}
CONFIG_FILES = {"vite.config.js", "vite.config.mjs"}

_local = threading.local()


def _language():
    lang = getattr(_local, "language", None)
    if lang is None:
        import tree_sitter_javascript
        from tree_sitter import Language, Parser, Query

        lang = Language(tree_sitter_javascript.language())
        _local.language = lang
        _local.parser = Parser(lang)
        _local.query = Query(lang, _QUERY)
    return lang


_QUERY = """
(import_statement source: (string (string_fragment) @import))
(export_statement source: (string (string_fragment) @import))
(call_expression function: (import) arguments: (arguments (string (string_fragment) @import)))
(call_expression function: (identifier) @call arguments: (arguments) @call_args)
(call_expression function: (member_expression object: (identifier) @mobj property: (property_identifier) @mprop))
(new_expression constructor: (identifier) @new)
(jsx_attribute (property_identifier) @attr)
(assignment_expression left: (member_expression property: (property_identifier) @assign_prop))
(jsx_opening_element name: (_) @tag)
(jsx_self_closing_element name: (_) @tag)
"""


@dataclass
class Issue:
    """One problem found: where, which rule, and what to do."""

    file: str
    line: int | None
    column: int | None
    rule: str
    message: str
    severity: str = "error"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "rule": self.rule,
                "message": self.message, "severity": self.severity}

    def describe(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "") + (f":{self.column}" if self.column else "")
        return f"{where}: [{self.rule}] {self.message}"


@dataclass
class Fix:
    file: str
    rule: str
    message: str
    count: int = 1

    def to_dict(self) -> dict:
        return {"file": self.file, "rule": self.rule, "message": self.message, "count": self.count}


@dataclass
class ValidationReport:
    """What validation found (and, once fixed, what was fixed)."""

    issues: list[Issue] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    files_checked: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {"ok": self.ok, "errors": [i.to_dict() for i in self.errors],
                "warnings": [i.to_dict() for i in self.warnings], "fixes": [f.to_dict() for f in self.fixes],
                "files_checked": self.files_checked, "seconds": round(self.seconds, 4)}

    def summary(self) -> str:
        if self.ok:
            return f"{self.files_checked} files valid" + (f", {len(self.warnings)} warning(s)" if self.warnings else "")
        return f"{len(self.errors)} error(s): " + "; ".join(i.describe() for i in self.errors[:5])


# -- parsing ---------------------------------------------------------------------------------------
def parse_js(source: str):
    """The tree-sitter tree of a JS/JSX source, and its syntax errors as (line, column, message)."""
    _language()
    tree = _local.parser.parse(source.encode("utf-8"))
    errors = []
    if tree.root_node.has_error:
        stack = [tree.root_node]
        while stack and len(errors) < 20:
            node = stack.pop()
            if not node.has_error and not node.is_missing:
                continue
            if node.is_missing:
                errors.append((node.start_point[0] + 1, node.start_point[1] + 1, f"missing {node.type!r}"))
                continue
            if node.type == "ERROR":
                snippet = node.text.decode("utf-8", "replace").strip().splitlines()[0][:40] if node.text else ""
                errors.append((node.start_point[0] + 1, node.start_point[1] + 1,
                               f"syntax error near {snippet!r}" if snippet else "syntax error"))
                continue
            stack.extend(reversed(node.children))
        errors.sort()
    return tree, errors


def _captures(tree) -> dict:
    from tree_sitter import QueryCursor

    return QueryCursor(_local.query).captures(tree.root_node)


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _pos(node) -> tuple[int, int]:
    return node.start_point[0] + 1, node.start_point[1] + 1


# -- imports ---------------------------------------------------------------------------------------
def package_name(spec: str) -> str:
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


def resolve_import(importer: str, spec: str, names: set[str]) -> str | None:
    """The project file a relative import points at, or None."""
    base = posixpath.dirname(importer)
    target = posixpath.normpath(posixpath.join(base, spec)) if not spec.startswith("/") else spec.lstrip("/")
    for suffix in RESOLVE_SUFFIXES:
        if target + suffix in names:
            return target + suffix
    return None


def _declared_packages(files: dict[str, str]) -> tuple[set[str] | None, list[Issue]]:
    raw = files.get("package.json")
    if raw is None:
        return None, [Issue("package.json", None, None, "package-json", "package.json is missing")]
    try:
        data = json.loads(raw)
    except ValueError as exc:
        return None, [Issue("package.json", getattr(exc, "lineno", None), getattr(exc, "colno", None), "json",
                            f"package.json is not valid JSON: {exc}")]
    issues = []
    if not isinstance(data, dict):
        return None, [Issue("package.json", None, None, "package-json", "package.json must be an object")]
    scripts = data.get("scripts") or {}
    for hook in ("preinstall", "install", "postinstall", "prepare", "prepublish"):
        if hook in scripts:
            issues.append(Issue("package.json", None, None, "install-script",
                                f"package.json defines a {hook!r} script; install hooks are not allowed"))
    deps = {**(data.get("dependencies") or {}), **(data.get("devDependencies") or {})}
    for name, version in deps.items():
        if isinstance(version, str) and re.match(r"^(git|https?|file|link):|^[\w.-]+/[\w.-]+$", version):
            issues.append(Issue("package.json", None, None, "dependency-source",
                                f"{name} comes from {version!r}; dependencies must be registry versions"))
    for name in ALLOWED_PACKAGES:
        if name not in deps:
            issues.append(Issue("package.json", None, None, "package-json", f"package.json lacks {name}"))
    return set(deps), issues


# -- the security and React rules on one JS file --------------------------------------------------
_SECRET_PATTERNS = [
    (re.compile(r"sk-ant-[A-Za-z0-9_\-]{16,}"), "an Anthropic API key"),
    (re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9]{32,}"), "an OpenAI-style secret key"),
    (re.compile(r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}"), "a Stripe secret key"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}"), "a GitHub token"),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}"), "a GitHub token"),
    (re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"\bAIza[0-9A-Za-z\-_]{35}\b"), "a Google API key"),
    (re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"), "a private key"),
    (re.compile(r"(?i)\b(?:api[_-]?key|secret|access[_-]?token|auth[_-]?token|password|passwd|client[_-]?secret)"
                r"[\"']?\s*[:=]\s*[\"'`](?=[^\"'`\s]*[0-9])(?=[^\"'`\s]*[A-Za-z])[^\"'`\s]{16,}[\"'`]"),
     "a hard-coded credential"),
]
_LOWERCASE_PROPS = {
    "onclick": "onClick", "onchange": "onChange", "onsubmit": "onSubmit", "oninput": "onInput",
    "onkeydown": "onKeyDown", "onkeyup": "onKeyUp", "onblur": "onBlur", "onfocus": "onFocus",
    "onmouseenter": "onMouseEnter", "onmouseleave": "onMouseLeave", "tabindex": "tabIndex",
    "readonly": "readOnly", "maxlength": "maxLength", "minlength": "minLength", "autocomplete": "autoComplete",
    "autofocus": "autoFocus", "colspan": "colSpan", "rowspan": "rowSpan", "srcset": "srcSet",
    "crossorigin": "crossOrigin", "enctype": "encType", "novalidate": "noValidate", "inputmode": "inputMode",
    "stroke-width": "strokeWidth", "stroke-linecap": "strokeLinecap", "stroke-linejoin": "strokeLinejoin",
    "fill-rule": "fillRule", "clip-rule": "clipRule", "viewbox": "viewBox",
}
_SANITIZED = re.compile(r"__html\s*:\s*(?:DOMPurify\.)?sanitize(?:Html)?\s*\(")


def _attribute_value(attr_node):
    for child in attr_node.children:
        if child.type in ("string", "jsx_expression"):
            return child
    return None


def _check_js(path: str, source: str, names: set[str], packages: set[str] | None, lowered: dict[str, str]):
    """Syntax, imports and the security rules of one JavaScript/JSX file."""
    tree, syntax = parse_js(source)
    issues = [Issue(path, line, column, "syntax", message) for line, column, message in syntax]
    caps = _captures(tree)
    runtime = path.startswith("src/")
    issues += _check_imports(path, caps, names, packages, lowered, runtime=runtime)
    issues += _check_calls(path, caps, runtime=runtime)
    issues += _check_dom(path, caps)
    issues += _check_attributes(path, caps)
    issues += _check_plain_http(path, source)
    return issues


def _check_imports(path: str, caps: dict, names: set[str], packages: set[str] | None, lowered: dict[str, str], *,
                   runtime: bool) -> list[Issue]:
    """Relative imports resolve (with a letter-case hint); packages are declared, allowed and not Node's."""
    issues: list[Issue] = []
    for node in caps.get("import", []):
        spec = _text(node)
        line, column = _pos(node)
        if spec.startswith((".", "/")):
            if resolve_import(path, spec, names) is None:
                hint = ""
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), spec)).lower()
                for suffix in RESOLVE_SUFFIXES:
                    if target + suffix in lowered:
                        hint = f" (did you mean {lowered[target + suffix]}? letter case matters)"
                        break
                issues.append(Issue(path, line, column, "import-missing",
                                    f"{spec!r} does not resolve to a file in the project{hint}"))
        elif re.match(r"^(https?:)?//", spec):
            issues.append(Issue(path, line, column, "remote-import", f"imports code from {spec!r}; bundle it instead"))
        else:
            name = package_name(spec.removeprefix("node:"))
            if spec.startswith("node:") or name in NODE_BUILTINS:
                issues.append(Issue(path, line, column, "node-builtin",
                                    f"imports the Node module {spec!r}, which does not exist in a browser"))
            elif packages is not None and name not in packages:
                issues.append(Issue(path, line, column, "import-package",
                                    f"imports {name!r}, which is not in package.json"))
            elif runtime and name not in ALLOWED_PACKAGES:
                issues.append(Issue(path, line, column, "import-package",
                                    f"imports {name!r}; site code may only import "
                                    f"{', '.join(sorted(ALLOWED_PACKAGES))} (write it with plain React)"))
    return issues


def _check_calls(path: str, caps: dict, *, runtime: bool) -> list[Issue]:
    """No eval, no string timers, no require() in site code."""
    issues: list[Issue] = []
    calls = caps.get("call", [])
    for node in calls:
        name = _text(node)
        line, column = _pos(node)
        if name == "eval":
            issues.append(Issue(path, line, column, "no-eval", "eval() runs arbitrary code; remove it"))
        elif name in ("setTimeout", "setInterval"):
            args = node.parent.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            if first is not None and first.type in ("string", "template_string"):
                issues.append(Issue(path, line, column, "no-eval",
                                    f"{name} with a string evaluates code; pass a function"))
        elif name == "require" and runtime:
            issues.append(Issue(path, line, column, "esm-only", "require() is not available; use import"))
    return issues


def _check_dom(path: str, caps: dict) -> list[Issue]:
    """No new Function, document.write, innerHTML, script-like tags; images carry alt text."""
    issues: list[Issue] = []
    for node in caps.get("new", []):
        if _text(node) == "Function":
            line, column = _pos(node)
            issues.append(Issue(path, line, column, "no-eval", "new Function() evaluates code; remove it"))
    for obj, prop in zip(caps.get("mobj", []), caps.get("mprop", []), strict=False):
        if _text(obj) == "document" and _text(prop) in ("write", "writeln"):
            line, column = _pos(obj)
            issues.append(Issue(path, line, column, "no-document-write", "document.write is not allowed"))
    for node in caps.get("assign_prop", []):
        if _text(node) in ("innerHTML", "outerHTML"):
            line, column = _pos(node)
            issues.append(Issue(path, line, column, "no-inner-html",
                                f"assigning {_text(node)} injects HTML; render with JSX"))
    for node in caps.get("tag", []):
        if _text(node) in ("script", "iframe", "object", "embed"):
            line, column = _pos(node)
            issues.append(Issue(path, line, column, "no-script-tag",
                                f"<{_text(node)}> elements are not allowed in components"))
        elif _text(node) == "img":
            attrs = {_text(c.child(0)) for c in node.parent.children if c.type == "jsx_attribute" and c.child_count}
            if "alt" not in attrs:
                line, column = _pos(node)
                issues.append(Issue(path, line, column, "img-alt",
                                    "<img> needs an alt attribute (alt=\"\" for decoration)"))
    return issues


def _check_attributes(path: str, caps: dict) -> list[Issue]:
    """Sanitised dangerouslySetInnerHTML, no javascript: URLs, React prop names, object styles."""
    issues: list[Issue] = []
    for node in caps.get("attr", []):
        name = _text(node)
        attr = node.parent
        line, column = _pos(node)
        if name == "dangerouslySetInnerHTML":
            value = _attribute_value(attr)
            if value is None or not _SANITIZED.search(_text(value)):
                issues.append(Issue(path, line, column, "no-dangerous-html",
                                    "dangerouslySetInnerHTML needs sanitised input (DOMPurify.sanitize); render text "
                                    "with JSX instead"))
        elif name in ("href", "src", "action", "formAction"):
            value = _attribute_value(attr)
            if value is not None and re.search(r"^\W*javascript:", _text(value).strip("{}'\"` "), re.I):
                issues.append(Issue(path, line, column, "no-javascript-url", f"{name} uses a javascript: URL"))
        elif name in _LOWERCASE_PROPS:
            issues.append(Issue(path, line, column, "react-prop",
                                f"{name} is not a React prop; use {_LOWERCASE_PROPS[name]}", "warning"))
        elif name == "style":
            value = _attribute_value(attr)
            if value is not None and value.type == "string":
                issues.append(Issue(path, line, column, "react-style",
                                    "style must be an object (style={{ color: 'red' }}), not a string"))
    return issues


def _check_plain_http(path: str, source: str) -> list[Issue]:
    """Requests go over https (loopback excepted)."""
    issues: list[Issue] = []
    for match in re.finditer(r"""(?:fetch|axios\.\w+|axios)\s*\(\s*["'`](http://[^"'`]+)""", source):
        if not re.match(r"http://(localhost|127\.0\.0\.1)", match[1]):
            line = source.count("\n", 0, match.start()) + 1
            issues.append(Issue(path, line, None, "https-only", f"requests {match[1]!r} over plain http; use https"))
    return issues


def _check_secrets(path: str, source: str) -> list[Issue]:
    issues = []
    for pattern, what in _SECRET_PATTERNS:
        for match in pattern.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            issues.append(Issue(path, line, None, "no-secrets",
                                f"contains what looks like {what}; never put secrets in site code"))
    return issues


def _is_faibric_beacon(source: str, body_start: int) -> bool:
    """Whether the inline script starting at ``body_start`` is exactly Faibric's own visitor beacon (added by the build)."""
    end = source.find("</script>", body_start)
    return end >= 0 and source[body_start:end].strip("\n") == beacon_source().strip("\n")


def _check_html(path: str, source: str, names: set[str]) -> list[Issue]:
    issues = []
    for match in re.finditer(r"<script\b([^>]*)>", source, re.I):
        attrs = match[1]
        line = source.count("\n", 0, match.start()) + 1
        src = re.search(r"""src\s*=\s*["']([^"']+)""", attrs, re.I)
        if src and re.match(r"^(https?:)?//", src[1]):
            issues.append(Issue(path, line, None, "no-external-script", f"loads the external script {src[1]!r}"))
        elif not src and not _is_faibric_beacon(source, match.end()):
            issues.append(Issue(path, line, None, "no-inline-script", "inline <script> blocks are not allowed"))
    if re.search(r"""<link\b[^>]*href\s*=\s*["'](https?:)?//""", source, re.I):
        issues.append(Issue(path, None, None, "no-external-resource",
                            "links an external stylesheet or font; use the theme's system fonts", "warning"))
    return issues


def _check_css(path: str, source: str) -> list[Issue]:
    issues = []
    depth = 0
    stripped = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    stripped = re.sub(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'", "\"\"", stripped)
    for index, ch in enumerate(stripped):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                line = stripped.count("\n", 0, index) + 1
                issues.append(Issue(path, line, None, "css-syntax", "a '}' closes nothing"))
                depth = 0
    if depth > 0:
        issues.append(Issue(path, None, None, "css-syntax", f"{depth} '{{' never closed"))
    for match in re.finditer(r"""@import\s+(?:url\()?\s*["']?((?:https?:)?//[^"')\s]+)""", stripped):
        line = stripped.count("\n", 0, match.start()) + 1
        issues.append(Issue(path, line, None, "no-external-resource",
                            f"imports {match[1]!r}; use system fonts and local styles"))
    return issues


def _check_entry(files: dict[str, str]) -> list[Issue]:
    issues = []
    page = files.get("index.html")
    if page is None:
        issues.append(Issue("index.html", None, None, "entry", "index.html is missing"))
    else:
        srcs = re.findall(r"""<script[^>]*type\s*=\s*["']module["'][^>]*src\s*=\s*["']/?([^"']+)["']""", page, re.I)
        srcs += re.findall(r"""<script[^>]*src\s*=\s*["']/?([^"']+)["'][^>]*type\s*=\s*["']module["']""", page, re.I)
        if not srcs:
            issues.append(Issue("index.html", None, None, "entry",
                                f'index.html must load the app with <script type="module" src="/{ENTRY}">'))
        for src in srcs:
            if src not in files:
                issues.append(Issue("index.html", None, None, "entry", f"index.html loads /{src}, which is missing"))
        if 'id="root"' not in page and "id='root'" not in page:
            issues.append(Issue("index.html", None, None, "entry", 'index.html needs <div id="root"></div>'))
    if ENTRY not in files and not any(p in files for p in ("src/main.js", "src/index.jsx", "src/index.js")):
        issues.append(Issue(ENTRY, None, None, "entry", f"the entry point {ENTRY} is missing"))
    if "src/App.jsx" not in files and "src/App.js" not in files:
        issues.append(Issue("src/App.jsx", None, None, "entry", "src/App.jsx (the root component) is missing"))
    return issues


def validate_files(files: dict[str, str]) -> ValidationReport:
    """Check a whole project (path -> text) and report every issue found."""
    started = time.perf_counter()
    names = set(files)
    lowered = {n.lower(): n for n in names}
    packages, issues = _declared_packages(files)
    issues.extend(_check_entry(files))
    for path, source in sorted(files.items()):
        if path.endswith(JS_SUFFIXES):
            issues.extend(_check_js(path, source, names, packages, lowered))
        elif path.endswith(".html"):
            issues.extend(_check_html(path, source, names))
        elif path.endswith(".css"):
            issues.extend(_check_css(path, source))
        elif path.endswith(".json") and path != "package.json":
            try:
                json.loads(source)
            except ValueError as exc:
                issues.append(Issue(path, getattr(exc, "lineno", None), None, "json", f"not valid JSON: {exc}"))
        if path.endswith(JS_SUFFIXES + (".html", ".css", ".json", ".md", ".svg")):
            issues.extend(_check_secrets(path, source))
    return ValidationReport(issues=issues, files_checked=len(files), seconds=time.perf_counter() - started)


# -- cheap fixes -----------------------------------------------------------------------------------
_KEYWORD_ATTR = re.compile(r"(<[A-Za-z][\w.:-]*(?:\s+[^<>]*?)?\s)(class|for)(\s*=\s*[\"'{])")


def _fix_keyword_attributes(source: str) -> tuple[str, int]:
    count = 0

    def swap(match):
        nonlocal count
        count += 1
        return match[1] + ("className" if match[2] == "class" else "htmlFor") + match[3]

    previous = None
    while previous != source:
        previous = source
        source = _KEYWORD_ATTR.sub(swap, source)
    return source, count


def _fix_lowercase_props(source: str) -> tuple[str, int]:
    tree, _ = parse_js(source)
    caps = _captures(tree)
    edits = []
    for node in caps.get("attr", []):
        name = _text(node)
        if name in _LOWERCASE_PROPS:
            edits.append((node.start_byte, node.end_byte, _LOWERCASE_PROPS[name]))
    data = source.encode("utf-8")
    for start, end, replacement in sorted(edits, reverse=True):
        data = data[:start] + replacement.encode() + data[end:]
    return data.decode("utf-8"), len(edits)


_BLANK_TARGET = re.compile(r"<a\b(?=[^>]*\btarget\s*=\s*[\"']_blank[\"'])(?![^>]*\brel\s*=)", re.S)


def _fix_blank_targets(source: str) -> tuple[str, int]:
    return _BLANK_TARGET.subn('<a rel="noopener noreferrer"', source)


def _fix_import_case(path: str, source: str, names: set[str]) -> tuple[str, int]:
    lowered = {n.lower(): n for n in names}
    count = 0

    def repair(match):
        nonlocal count
        spec = match[2]
        if not spec.startswith(".") or resolve_import(path, spec, names) is not None:
            return match[0]
        base = posixpath.dirname(path)
        target = posixpath.normpath(posixpath.join(base, spec))
        for suffix in RESOLVE_SUFFIXES:
            real = lowered.get((target + suffix).lower())
            if real is not None:
                fixed = posixpath.relpath(real[: len(real) - len(suffix)] if suffix else real, base)
                fixed = fixed if fixed.startswith(".") else "./" + fixed
                count += 1
                return match[1] + fixed + match[3]
        return match[0]

    fixed = re.sub(r"""(\bfrom\s*["']|\bimport\s*\(?\s*["'])([^"']+)(["'])""", repair, source)
    return fixed, count


def apply_cheap_fixes(files: dict[str, str]) -> tuple[dict[str, str], list[Fix]]:
    """Apply the mechanical repairs; returns the new files and what was fixed."""
    out = dict(files)
    fixes: list[Fix] = []
    names = set(files)
    for path, source in files.items():
        if not path.endswith(JS_SUFFIXES):
            continue
        current = source
        _, errors = parse_js(current)
        if errors and re.search(r"\s(?:class|for)\s*=", current):
            candidate, count = _fix_keyword_attributes(current)
            if count:
                _, new_errors = parse_js(candidate)
                if len(new_errors) < len(errors):
                    current = candidate
                    fixes.append(Fix(path, "react-prop", "class/for -> className/htmlFor", count))
        candidate, count = _fix_lowercase_props(current)
        if count:
            current = candidate
            fixes.append(Fix(path, "react-prop", "HTML attribute names -> React prop names", count))
        candidate, count = _fix_blank_targets(current)
        if count:
            current = candidate
            fixes.append(Fix(path, "link-rel", 'rel="noopener noreferrer" added to target="_blank" links', count))
        candidate, count = _fix_import_case(path, current, names)
        if count:
            current = candidate
            fixes.append(Fix(path, "import-missing", "import path letter case corrected", count))
        out[path] = current
    return out, fixes
