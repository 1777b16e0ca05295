"""Reading React components with a real parser (tree-sitter's JavaScript grammar, which parses JSX).

What the library needs from a component's code:

* :func:`parse_problems` / :func:`require_parses`: does it parse, and if not, where and why;
* :func:`component_info`: the default-exported component's name, the props it
  destructures with their defaults (so ``<Name />`` is documented), and its imports;
* :func:`code_shingles` / :func:`code_similarity`: a fingerprint of the code's
  structure that ignores comments, whitespace and literal text, so a component
  whose copy was adapted still counts as the same component.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..errors import InvalidInputError

__all__ = [
    "ComponentInfo",
    "ParseProblem",
    "code_shingles",
    "code_similarity",
    "component_info",
    "parse_problems",
    "require_parses",
]


@functools.cache
def _parser():
    import tree_sitter
    import tree_sitter_javascript

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


def _tree(code: str):
    return _parser().parse(code.encode("utf-8"))


def _text(node) -> str:
    return node.text.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class ParseProblem:
    """One place where the parser could not make sense of the code (1-based line and column)."""

    line: int
    column: int
    kind: str  # "syntax error" or "missing <token>"
    near: str

    def __str__(self) -> str:
        near = f" near `{self.near}`" if self.near else ""
        return f"line {self.line}, column {self.column}: {self.kind}{near}"


def parse_problems(code: str, limit: int = 5) -> list[ParseProblem]:
    """The ERROR and MISSING nodes of the parse, first ``limit`` of them, in source order."""
    tree = _tree(code)
    if not tree.root_node.has_error:
        return []
    lines = code.splitlines()
    problems: list[ParseProblem] = []
    stack = [tree.root_node]
    while stack and len(problems) < limit:
        node = stack.pop()
        if node.is_missing or node.type == "ERROR":
            row, col = node.start_point
            source_line = lines[row] if row < len(lines) else ""
            if node.is_missing:
                kind, near = f"missing `{node.type}`", source_line[max(0, col - 20):col + 20].strip()
            else:
                kind, near = "syntax error", _text(node).splitlines()[0][:40].strip() if node.text else ""
            problems.append(ParseProblem(row + 1, col + 1, kind, near))
            if node.type == "ERROR":
                continue  # the first position inside one error is enough
        if node.has_error or node.is_missing:
            stack.extend(reversed(node.children))
    return sorted(problems, key=lambda p: (p.line, p.column))


def require_parses(code: str, path: str = "component") -> None:
    """Raise :class:`InvalidInputError` naming the file, line and column when ``code`` does not parse."""
    problems = parse_problems(code)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        line_text = code.splitlines()[first.line - 1].rstrip() if first.line - 1 < len(code.splitlines()) else ""
        raise InvalidInputError(
            f"{path} does not parse: {first}{more}; line {first.line} reads: {line_text.strip()[:120]!r}",
            path=path,
            problems=[str(p) for p in problems],
            line=first.line,
            column=first.column,
        )


@dataclass
class ComponentInfo:
    """What a component file declares: its name, its props with defaults, what it imports."""

    name: str | None
    props: dict[str, dict] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    has_default_export: bool = False


_UNRESOLVED = object()
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "`": "`", "0": "\0"}


def _string_value(node) -> str:
    out = []
    for child in node.children:
        if child.type == "string_fragment":
            out.append(_text(child))
        elif child.type == "escape_sequence":
            raw = _text(child)[1:]
            if raw.startswith("u"):
                try:
                    out.append(chr(int(raw.strip("u{}"), 16)))
                except ValueError:
                    out.append(raw)
            else:
                out.append(_ESCAPES.get(raw, raw))
    return "".join(out)


def _literal(node, consts: dict, depth: int = 0):  # noqa: C901 - an evaluator of JSX literal nodes: one branch per node type
    """The Python value of a JS literal (objects, arrays, strings, numbers, booleans), or _UNRESOLVED."""
    if depth > 20:
        return _UNRESOLVED
    kind = node.type
    if kind == "string":
        return _string_value(node)
    if kind == "template_string":
        if any(c.type == "template_substitution" for c in node.children):
            return _UNRESOLVED
        return _string_value(node)
    if kind == "number":
        text = _text(node).replace("_", "")
        try:
            return int(text, 0) if re.fullmatch(r"0[xob][0-9a-f]+|\d+", text, re.I) else float(text)
        except ValueError:
            return _UNRESOLVED
    if kind == "unary_expression" and node.child_count == 2 and _text(node.children[0]) == "-":
        value = _literal(node.children[1], consts, depth + 1)
        return -value if isinstance(value, (int, float)) else _UNRESOLVED
    if kind in ("true", "false"):
        return kind == "true"
    if kind in ("null", "undefined"):
        return None
    if kind == "parenthesized_expression" and node.named_child_count == 1:
        return _literal(node.named_children[0], consts, depth + 1)
    if kind == "identifier":
        target = consts.get(_text(node))
        return _literal(target, consts, depth + 1) if target is not None else _UNRESOLVED
    if kind == "array":
        values = [_literal(c, consts, depth + 1) for c in node.named_children if c.type != "comment"]
        return _UNRESOLVED if any(v is _UNRESOLVED for v in values) else values
    if kind == "object":
        result = {}
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type != "pair":
                return _UNRESOLVED
            key_node = child.child_by_field_name("key")
            value_node = child.child_by_field_name("value")
            if key_node.type == "string":
                key = _string_value(key_node)
            elif key_node.type in ("property_identifier", "number"):
                key = _text(key_node)
            else:
                return _UNRESOLVED
            value = _literal(value_node, consts, depth + 1)
            if value is _UNRESOLVED:
                return _UNRESOLVED
            result[key] = value
        return result
    return _UNRESOLVED


def _type_of(node, value) -> str:
    if value is _UNRESOLVED:
        return {"template_string": "string", "array": "array", "object": "object",
                "arrow_function": "function", "function_expression": "function"}.get(node.type, "any")
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "any"


def _component_function(root):  # noqa: C901 - an evaluator of JSX literal nodes: one branch per node type
    """The default-exported function node and its name (``export default function X``/``export default X``)."""
    functions = {}
    default_name = None
    for node in root.named_children:
        target = node
        if node.type == "export_statement":
            is_default = any(c.type == "default" for c in node.children)
            declaration = node.child_by_field_name("declaration") or next(
                (c for c in node.named_children if c.type in ("function_declaration", "identifier",
                                                              "arrow_function", "function_expression",
                                                              "call_expression")), None)
            if declaration is None:
                continue
            if is_default:
                if declaration.type == "function_declaration":
                    name_node = declaration.child_by_field_name("name")
                    return declaration, (_text(name_node) if name_node else None)
                if declaration.type == "identifier":
                    default_name = _text(declaration)
                    continue
                if declaration.type in ("arrow_function", "function_expression"):
                    return declaration, None
                continue
            target = declaration
        if target.type == "function_declaration":
            name_node = target.child_by_field_name("name")
            if name_node is not None:
                functions[_text(name_node)] = target
        elif target.type == "lexical_declaration":
            for declarator in target.named_children:
                value = declarator.child_by_field_name("value")
                name_node = declarator.child_by_field_name("name")
                if value is not None and name_node is not None and value.type in ("arrow_function",
                                                                                   "function_expression"):
                    functions[_text(name_node)] = value
    if default_name is not None:
        return functions.get(default_name), default_name
    return None, None


def _top_level_consts(root) -> dict:
    consts = {}
    for node in root.named_children:
        declaration = node.child_by_field_name("declaration") if node.type == "export_statement" else node
        if declaration is None or declaration.type != "lexical_declaration":
            continue
        for declarator in declaration.named_children:
            name_node = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name_node is not None and value is not None and name_node.type == "identifier":
                consts[_text(name_node)] = value
    return consts


def component_info(code: str) -> ComponentInfo:  # noqa: C901 - an evaluator of JSX literal nodes: one branch per node type
    """Name, props (``{name: {"type", "default"}}``) and imports of a component file.

    A default that is not a plain literal (for example a template string with
    ``${...}``) is reported with ``default: None`` and ``computed: True``.
    """
    root = _tree(code).root_node
    imports = []
    for node in root.named_children:
        if node.type == "import_statement":
            source = node.child_by_field_name("source")
            if source is not None:
                imports.append(_string_value(source))
    function, name = _component_function(root)
    info = ComponentInfo(name=name, imports=imports, has_default_export=function is not None)
    if function is None:
        return info
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    pattern = None
    if parameters is not None:
        pattern = parameters if parameters.type == "object_pattern" else next(
            (c for c in parameters.named_children if c.type == "object_pattern"), None)
    if pattern is None:
        return info
    consts = _top_level_consts(root)
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            info.props[_text(child)] = {"type": "any", "default": None}
        elif child.type == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            right = child.child_by_field_name("right")
            if left is None or right is None:
                continue
            value = _literal(right, consts)
            entry = {"type": _type_of(right, value), "default": None if value is _UNRESOLVED else value}
            if value is _UNRESOLVED:
                entry["computed"] = True
            info.props[_text(left)] = entry
        elif child.type == "pair_pattern":
            key = child.child_by_field_name("key")
            if key is not None:
                info.props[_text(key)] = {"type": "any", "default": None}
    return info


_LITERAL_TYPES = {"string", "template_string", "number", "jsx_text", "regex", "comment", "html_comment"}


def _structure_tokens(code: str) -> list[str]:
    tokens: list[str] = []
    stack = [_tree(code).root_node]
    while stack:
        node = stack.pop()
        if node.type in _LITERAL_TYPES:
            if node.type not in ("comment", "html_comment") and not (node.type == "jsx_text" and not _text(node).strip()):
                tokens.append(f"<{node.type}>")
            continue
        if node.child_count == 0:
            text = _text(node).strip()
            if text:
                tokens.append(text)
            continue
        stack.extend(reversed(node.children))
    return tokens


def code_shingles(code: str, size: int = 5) -> frozenset[int]:
    """Hashed ``size``-grams of the code's structure (identifiers and syntax, literal text masked)."""
    tokens = _structure_tokens(code)
    if len(tokens) < size:
        return frozenset({hash(tuple(tokens))}) if tokens else frozenset()
    return frozenset(hash(tuple(tokens[i:i + size])) for i in range(len(tokens) - size + 1))


def code_similarity(a: str | frozenset, b: str | frozenset) -> float:
    """Jaccard similarity (0-1) of two components' structure shingles."""
    sa = a if isinstance(a, frozenset) else code_shingles(a)
    sb = b if isinstance(b, frozenset) else code_shingles(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)
