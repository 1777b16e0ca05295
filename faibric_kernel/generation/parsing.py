"""Reading files out of a model's answer.

The asked-for format is one tag per file::

    <file path="src/App.jsx">
    ...code...
    </file>

Models stray, so the parser also accepts, in this order of preference:
fenced code blocks whose path is given on the fence, on the line before it or
in a first-line comment; a JSON object of files (the seed's old format);
and prose around any of these. A file whose closing tag (or fence) is
missing is kept but marked incomplete (the answer was probably cut at
``max_tokens``). When a path appears twice, the complete copy wins, then
the longer one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

__all__ = ["ParseResult", "join_continuation", "parse_files"]

_OPEN_TAG = re.compile(r"<file\s+(?:path|name)\s*=\s*(?P<q>[\"'])(?P<path>.*?)(?P=q)\s*/?>", re.S)
_CLOSE_TAG = "</file>"
_PATHISH = r"[\w@][\w.\-@/]*\.(?:jsx|js|mjs|css|json|html|md|svg|txt)"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})(?P<info>[^\n`]*)$", re.M)
_PATH_IN_INFO = re.compile(rf"(?:title|file|filename|path)\s*=\s*[\"']?(?P<p>{_PATHISH})|(?P<bare>{_PATHISH})")
_PATH_LINE = re.compile(
    rf"^\s*(?:[#>*\-\s]*)(?:\*\*|__|`)?(?:file(?:name)?\s*[:\-]\s*)?(?:\*\*|__|`)?(?P<p>(?:\./)?{_PATHISH})"
    rf"(?:\*\*|__|`)?\s*:?\s*(?:\*\*|__|`)?\s*$",
    re.I,
)
_FIRST_LINE_COMMENT = re.compile(
    rf"^\s*(?://|/\*|<!--|#)\s*(?:file(?:name)?\s*[:\-]\s*)?(?P<p>(?:\./)?{_PATHISH})\s*(?:\*/|-->)?\s*$", re.I
)


@dataclass
class ParseResult:
    """Files found in an answer; ``incomplete`` lists those that were cut off."""

    files: dict[str, str] = field(default_factory=dict)
    incomplete: list[str] = field(default_factory=list)
    format: str = "none"
    duplicates: list[str] = field(default_factory=list)
    prose_chars: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.files)

    def to_dict(self) -> dict:
        return {"files": sorted(self.files), "incomplete": self.incomplete, "format": self.format,
                "duplicates": self.duplicates, "prose_chars": self.prose_chars}


class _Collector:
    def __init__(self):
        self.entries: dict[str, tuple[str, bool]] = {}
        self.order: list[str] = []
        self.duplicates: list[str] = []

    def add(self, path: str, content: str, complete: bool) -> None:
        path = path.strip()
        if path.startswith("./"):
            path = path[2:]
        if path in self.entries:
            self.duplicates.append(path)
            old_content, old_complete = self.entries[path]
            better = (complete, len(content)) > (old_complete, len(old_content))
            if not better:
                return
        else:
            self.order.append(path)
        self.entries[path] = (content, complete)

    def result(self, fmt: str, prose_chars: int) -> ParseResult:
        files = {p: self.entries[p][0] for p in self.order}
        incomplete = [p for p in self.order if not self.entries[p][1]]
        return ParseResult(files, incomplete, fmt if files else "none", self.duplicates, prose_chars)


def _clean_content(content: str) -> str:
    if content.startswith("\r\n"):
        content = content[2:]
    elif content.startswith("\n"):
        content = content[1:]
    content = content.rstrip(" \t\r\n")
    # a fence inside the tag: unwrap it
    stripped = content.strip()
    match = re.match(r"^(`{3,}|~{3,})[^\n]*\n(?P<body>.*?)(?:\n\1)?\s*$", stripped, re.S)
    if match and stripped.count(match.group(1)) <= 2:
        content = match["body"]
    return content + "\n" if content else content


def _parse_tags(text: str) -> tuple[_Collector, int]:
    collector = _Collector()
    opens = list(_OPEN_TAG.finditer(text))
    prose = len(text)
    for i, match in enumerate(opens):
        start = match.end()
        limit = opens[i + 1].start() if i + 1 < len(opens) else len(text)
        close = text.find(_CLOSE_TAG, start, limit)
        if close == -1:
            content, complete = text[start:limit], False
            # a fence opened inside the tag and closed: the body is complete code, the tag was just not closed
            end = limit
        else:
            content, complete = text[start:close], True
            end = close + len(_CLOSE_TAG)
        prose -= end - match.start()
        collector.add(match["path"], _clean_content(content), complete)
    return collector, max(prose, 0)


def _path_before(text: str, fence_start: int) -> str | None:
    before = text[:fence_start].rstrip("\n").splitlines()[-3:]
    for line in reversed(before):
        if not line.strip():
            continue
        match = _PATH_LINE.match(line)
        return match["p"] if match else None
    return None


def _parse_fences(text: str) -> tuple[_Collector, int]:
    collector = _Collector()
    prose = len(text)
    pos = 0
    while True:
        opening = _FENCE.search(text, pos)
        if opening is None:
            break
        ticks = opening["ticks"]
        info = opening["info"].strip()
        body_start = opening.end() + 1
        closing = re.compile(rf"^[ \t]*{re.escape(ticks[0])}{{{len(ticks)},}}[ \t]*$", re.M).search(text, body_start)
        if closing is None:
            body, complete, end = text[body_start:], False, len(text)
        else:
            body, complete, end = text[body_start:closing.start()], True, closing.end()
        path = None
        info_match = _PATH_IN_INFO.search(info)
        if info_match:
            path = info_match["p"] or info_match["bare"]
        if path is None:
            path = _path_before(text, opening.start())
        if path is None:
            first, _, rest = body.partition("\n")
            comment = _FIRST_LINE_COMMENT.match(first)
            if comment:
                path = comment["p"]
                body = rest
        if path is not None:
            prose -= end - opening.start()
            collector.add(path, _clean_content(body), complete)
        pos = end
    return collector, max(prose, 0)


def _json_candidates(text: str):
    stripped = text.strip()
    yield stripped
    fence = re.search(r"```(?:json)?\s*\n(?P<body>.*?)\n```", text, re.S)
    if fence:
        yield fence["body"]
    first, last = text.find("{"), text.rfind("}")
    if 0 <= first < last:
        yield text[first:last + 1]


def _parse_json(text: str) -> tuple[_Collector, int]:
    collector = _Collector()
    for candidate in _json_candidates(text):
        try:
            data = json.loads(candidate)
        except (ValueError, RecursionError):
            continue
        entries = []
        if isinstance(data, dict) and "files" in data:
            data = data["files"]
        if isinstance(data, dict):
            entries = [(k, v) for k, v in data.items() if isinstance(v, str)]
            if not entries or not all(re.fullmatch(_PATHISH, k.removeprefix("./")) or "/" in k for k, _ in entries):
                entries = []
        elif isinstance(data, list):
            for item in data:
                if isinstance(item, dict):
                    path = item.get("path") or item.get("name") or item.get("filename") or item.get("file")
                    content = item.get("content") if "content" in item else item.get("code")
                    if isinstance(path, str) and isinstance(content, str):
                        entries.append((path, content))
        for path, content in entries:
            collector.add(path, content if content.endswith("\n") or not content else content + "\n", True)
        if collector.entries:
            return collector, max(len(text) - len(candidate), 0)
    return collector, len(text)


def parse_files(text: str) -> ParseResult:
    """Every file in a model's answer (see the module docstring for the accepted shapes)."""
    if not text or not text.strip():
        return ParseResult()
    if _OPEN_TAG.search(text):
        collector, prose = _parse_tags(text)
        if collector.entries:
            return collector.result("tags", prose)
    if "```" in text or "~~~" in text:
        collector, prose = _parse_fences(text)
        if collector.entries:
            return collector.result("fences", prose)
    if "{" in text:
        collector, prose = _parse_json(text)
        if collector.entries:
            return collector.result("json", prose)
    return ParseResult(prose_chars=len(text))


def join_continuation(previous: str, continuation: str) -> str:
    """The answer so far plus a continuation, without repeating text the model echoed back."""
    if not continuation:
        return previous
    window = previous[-400:]
    for size in range(min(len(window), len(continuation)), 15, -1):
        if continuation.startswith(window[-size:]):
            return previous + continuation[size:]
    return previous + continuation
