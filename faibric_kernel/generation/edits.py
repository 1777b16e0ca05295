"""Targeted changes as search/replace blocks, applied all or nothing.

The asked-for format::

    <edit path="src/content.js">
    <<<<<<< SEARCH
    exact lines from the current file
    =======
    the lines that replace them
    >>>>>>> REPLACE
    </edit>

A block is matched in passes, from exact to looser: exact text, then lines
ignoring trailing whitespace, then lines ignoring indentation, then lines
after unicode normalisation (NFKC, typographic quotes and dashes). A match
must be unique. :func:`apply_edits` dry-runs every block on copies first and
returns the new files only when all of them apply; otherwise nothing changes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Edit", "EditFailure", "EditOutcome", "apply_edits", "parse_edits"]

_EDIT_TAG = re.compile(r"<edit\s+path\s*=\s*(?P<q>[\"'])(?P<path>.*?)(?P=q)\s*>(?P<body>.*?)(?:</edit>|(?=<edit\s)|\Z)",
                       re.S)
_BLOCK = re.compile(
    r"^[ \t]*<{5,9}[ \t]*SEARCH[ \t]*\r?\n(?P<search>.*?)^[ \t]*={5,9}[ \t]*\r?\n(?P<replace>.*?)^[ \t]*>{5,9}[ \t]*REPLACE[ \t]*$",
    re.S | re.M,
)
_PATH_BEFORE_BLOCK = re.compile(r"^\s*(?:[#*`\s]*)(?P<p>[\w.\-@/]+\.\w+)(?:[*`\s]*)$")


@dataclass
class Edit:
    path: str
    search: str
    replace: str

    def to_dict(self) -> dict:
        return {"path": self.path, "search": self.search, "replace": self.replace}


@dataclass
class EditFailure:
    path: str
    index: int
    reason: str
    search: str

    def to_dict(self) -> dict:
        return {"path": self.path, "index": self.index, "reason": self.reason, "search": self.search[:300]}

    def describe(self) -> str:
        return f"edit {self.index + 1} on {self.path}: {self.reason}"


@dataclass
class EditOutcome:
    """The result of a dry run: ``files`` is set only when every edit applied."""

    ok: bool
    files: dict[str, str] | None
    touched: list[str] = field(default_factory=list)
    failures: list[EditFailure] = field(default_factory=list)
    passes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "touched": self.touched, "failures": [f.to_dict() for f in self.failures],
                "passes": self.passes}


def _strip_block_text(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text


def parse_edits(text: str) -> list[Edit]:
    """Every search/replace block in an answer, with its file path."""
    edits: list[Edit] = []
    consumed: list[tuple[int, int]] = []
    for tag in _EDIT_TAG.finditer(text):
        consumed.append(tag.span())
        for block in _BLOCK.finditer(tag["body"]):
            edits.append(Edit(tag["path"].strip(), _strip_block_text(block["search"]),
                              _strip_block_text(block["replace"])))
    # blocks outside <edit> tags: the path is the nearest path-looking line above them
    for block in _BLOCK.finditer(text):
        if any(start <= block.start() < end for start, end in consumed):
            continue
        path = None
        for line in reversed(text[:block.start()].splitlines()[-4:]):
            line = line.strip().strip("`")
            if not line or line.startswith("```"):
                continue
            match = _PATH_BEFORE_BLOCK.match(line)
            if match:
                path = match["p"]
            break
        if path:
            edits.append(Edit(path, _strip_block_text(block["search"]), _strip_block_text(block["replace"])))
    return edits


_TYPOGRAPHIC = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2026": "...",
})


def _norm_unicode(line: str) -> str:
    return unicodedata.normalize("NFKC", line).translate(_TYPOGRAPHIC).strip()


PASSES = (
    ("exact", None),
    ("trailing-whitespace", lambda line: line.rstrip()),
    ("edge-whitespace", lambda line: line.strip()),
    ("unicode", _norm_unicode),
)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _reindent(replace_lines: list[str], search_first: str, found_first: str) -> list[str]:
    """Shift the replacement by the indentation difference between the search text and the file."""
    have, want = _indent(search_first), _indent(found_first)
    if have == want:
        return replace_lines
    out = []
    for line in replace_lines:
        if line.startswith(have):
            out.append(want + line[len(have):])
        elif not line.strip():
            out.append(line)
        else:
            out.append(want + line.lstrip())
    return out


def _apply_one(content: str, edit: Edit) -> tuple[str | None, str, str]:
    """(new content or None, pass name or failure reason, pass name)."""
    if not edit.search.strip():
        return None, "the SEARCH part is empty; quote the lines to change", ""
    count = content.count(edit.search)
    if count == 1:
        return content.replace(edit.search, edit.replace, 1), "exact", "exact"
    if count > 1:
        return None, f"the SEARCH text occurs {count} times; include more surrounding lines so it is unique", ""
    lines = content.split("\n")
    search_lines = edit.search.split("\n")
    while search_lines and not search_lines[-1].strip():
        search_lines.pop()
    while search_lines and not search_lines[0].strip():
        search_lines.pop(0)
    n = len(search_lines)
    for name, normalise in PASSES[1:]:
        wanted = [normalise(s) for s in search_lines]
        normalised = [normalise(s) for s in lines]
        hits = [i for i in range(len(lines) - n + 1) if normalised[i:i + n] == wanted]
        if len(hits) == 1:
            i = hits[0]
            replacement = edit.replace.split("\n")
            if name != "trailing-whitespace":
                replacement = _reindent(replacement, search_lines[0], lines[i])
            return "\n".join(lines[:i] + replacement + lines[i + n:]), name, name
        if len(hits) > 1:
            return None, f"the SEARCH lines match {len(hits)} places ({name}); include more lines so it is unique", ""
    return None, "the SEARCH text was not found in the file (not even ignoring whitespace)", ""


def apply_edits(files: dict[str, str], edits: list[Edit]) -> EditOutcome:
    """Dry-run ``edits`` on copies of ``files``; the new files only if every edit applies.

    Edits to one file apply in order, each to the result of the previous one.
    An edit with an empty SEARCH creates a file that does not exist yet.
    """
    if not edits:
        return EditOutcome(False, None, failures=[EditFailure("*", 0, "the answer contained no edit blocks", "")])
    working = dict(files)
    failures: list[EditFailure] = []
    touched: list[str] = []
    passes: list[str] = []
    for index, edit in enumerate(edits):
        path = edit.path.removeprefix("./")
        if path not in working:
            if not edit.search.strip():
                working[path] = edit.replace if edit.replace.endswith("\n") else edit.replace + "\n"
                touched.append(path)
                passes.append("create")
                continue
            failures.append(EditFailure(path, index, "no such file in the project", edit.search))
            continue
        new, how, pass_name = _apply_one(working[path], edit)
        if new is None:
            failures.append(EditFailure(path, index, how, edit.search))
            continue
        working[path] = new
        passes.append(pass_name)
        if path not in touched:
            touched.append(path)
    if failures:
        return EditOutcome(False, None, touched=[], failures=failures, passes=passes)
    return EditOutcome(True, working, touched=touched, passes=passes)
