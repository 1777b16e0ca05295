"""File safety: which generated paths may be written, and writing them without escaping the project.

A generated path must be relative, normalised and inside the project, of an
allowed type, and the whole set must stay within configured limits
(``FAIBRIC_MAX_FILES``, ``FAIBRIC_MAX_FILE_BYTES``, ``FAIBRIC_MAX_PROJECT_BYTES``).
Every refusal is an :class:`UnsafePathError` with the reason, and an event
(``file_rejected``). :func:`write_tree` writes into a folder it has just
created, never following a symlink, so nothing lands outside the project.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import UnsafePathError
from ..store import record_event

__all__ = ["Limits", "Rejection", "check_path", "enforce_limits", "limits", "screen_files", "write_tree"]

ALLOWED_SUFFIXES = {".js", ".jsx", ".mjs", ".css", ".json", ".html", ".md", ".svg", ".txt", ".webmanifest"}
ALLOWED_DOTFILES = {".gitignore", ".editorconfig", ".nvmrc"}
FORBIDDEN_DIRS = {"node_modules", "dist", ".git", ".github", ".vscode", ".idea"}
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_PATH_CHARS = 200
MAX_DEPTH = 8


@dataclass(frozen=True)
class Limits:
    max_files: int
    max_file_bytes: int
    max_total_bytes: int


def limits() -> Limits:
    """The configured limits (read when used)."""
    return Limits(
        max_files=config.get_int("FAIBRIC_MAX_FILES", 120),
        max_file_bytes=config.get_int("FAIBRIC_MAX_FILE_BYTES", 200_000),
        max_total_bytes=config.get_int("FAIBRIC_MAX_PROJECT_BYTES", 2_000_000),
    )


@dataclass
class Rejection:
    path: str
    reason: str

    def to_dict(self) -> dict:
        return {"path": self.path, "reason": self.reason}


def _shown(path) -> str:
    text = repr(path) if not isinstance(path, str) else ascii(path)[1:-1]
    return text[:120] + ("..." if len(text) > 120 else "")


def check_path(path) -> str:  # noqa: C901 - one rule per hostile path shape, checked in order
    """The normalised form of a generated path, or :class:`UnsafePathError` saying why it is refused."""
    if not isinstance(path, str) or not path.strip():
        raise UnsafePathError("a file path is empty; every file needs a relative path such as src/App.jsx")
    shown = _shown(path)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in path):
        raise UnsafePathError(f"the path {shown!r} contains control or invisible characters", path=shown)
    if "\\" in path:
        raise UnsafePathError(f"the path {shown!r} uses backslashes; use forward slashes (src/App.jsx)", path=shown)
    if path != path.strip():
        raise UnsafePathError(f"the path {shown!r} starts or ends with spaces", path=shown)
    if path.startswith("/") or path.startswith("~"):
        raise UnsafePathError(f"the path {shown!r} is absolute; paths must be relative to the project", path=shown)
    if len(path) >= 2 and path[1] == ":" and path[0].isalpha():
        raise UnsafePathError(f"the path {shown!r} has a drive letter; paths must be relative", path=shown)
    if len(path) > MAX_PATH_CHARS:
        raise UnsafePathError(f"the path {shown!r} is longer than {MAX_PATH_CHARS} characters", path=shown)
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts:
        raise UnsafePathError(f"the path {shown!r} names no file", path=shown)
    if path.endswith("/"):
        raise UnsafePathError(f"the path {shown!r} is a folder, not a file", path=shown)
    if len(parts) > MAX_DEPTH:
        raise UnsafePathError(f"the path {shown!r} is nested deeper than {MAX_DEPTH} folders", path=shown)
    for part in parts:
        if part == "..":
            raise UnsafePathError(f"the path {shown!r} climbs out of the project with '..'", path=shown)
        if ":" in part:
            raise UnsafePathError(f"the path {shown!r} contains ':'", path=shown)
        if part.endswith((".", " ")) or part.split(".")[0].lower() in WINDOWS_RESERVED:
            raise UnsafePathError(f"the path {shown!r} uses a reserved or trailing-dot name", path=shown)
        if part in FORBIDDEN_DIRS:
            raise UnsafePathError(f"the path {shown!r} writes into {part}/, which Faibric manages itself", path=shown)
    name = parts[-1]
    if name.startswith("."):
        if name not in ALLOWED_DOTFILES:
            raise UnsafePathError(
                f"the path {shown!r} is a hidden file; only {', '.join(sorted(ALLOWED_DOTFILES))} are allowed",
                path=shown)
    elif Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise UnsafePathError(
            f"the path {shown!r} has a file type Faibric does not write; allowed: "
            f"{', '.join(sorted(ALLOWED_SUFFIXES))}", path=shown)
    if any(p.startswith(".") for p in parts[:-1]):
        raise UnsafePathError(f"the path {shown!r} is inside a hidden folder", path=shown)
    return "/".join(parts)


def _reject(rejection: Rejection, session_id, tenant_id) -> None:
    if session_id is not None or tenant_id is not None:
        record_event("file_rejected", session_id=session_id, tenant_id=tenant_id or "default",
                     properties=rejection.to_dict())


def enforce_limits(files: dict[str, str], *, session_id=None, tenant_id=None) -> None:
    """Refuse a file set with more files or bytes than the configured limits."""
    lim = limits()
    if len(files) > lim.max_files:
        rejection = Rejection("*", f"{len(files)} files is more than the limit of {lim.max_files}")
        _reject(rejection, session_id, tenant_id)
        raise UnsafePathError(
            f"the output has {len(files)} files, more than FAIBRIC_MAX_FILES={lim.max_files}; "
            "ask for a smaller site or raise the limit", files=len(files))
    total = 0
    for path, content in files.items():
        size = len(content.encode("utf-8"))
        total += size
        if size > lim.max_file_bytes:
            rejection = Rejection(_shown(path), f"{size} bytes is more than the limit of {lim.max_file_bytes}")
            _reject(rejection, session_id, tenant_id)
            raise UnsafePathError(
                f"{_shown(path)} is {size:,} bytes, more than FAIBRIC_MAX_FILE_BYTES={lim.max_file_bytes:,}",
                path=_shown(path))
    if total > lim.max_total_bytes:
        _reject(Rejection("*", f"{total} bytes in all"), session_id, tenant_id)
        raise UnsafePathError(
            f"the output is {total:,} bytes, more than FAIBRIC_MAX_PROJECT_BYTES={lim.max_total_bytes:,}",
            bytes=total)


def screen_files(files: dict[str, str], *, session_id=None, tenant_id=None) -> tuple[dict[str, str], list[Rejection]]:
    """Split generated files into safe ones (normalised paths) and rejections (each recorded as an event).

    Limits are enforced on the whole set first: too many files or bytes
    refuses everything.
    """
    enforce_limits(files, session_id=session_id, tenant_id=tenant_id)
    safe: dict[str, str] = {}
    rejections: list[Rejection] = []
    lowered: dict[str, str] = {}
    for path, content in files.items():
        try:
            clean = check_path(path)
            if not isinstance(content, str):
                raise UnsafePathError(f"{clean} has no text content")
            if "\x00" in content:
                raise UnsafePathError(f"{clean} contains NUL bytes; only text files are written")
            other = lowered.get(clean.lower())
            if other is not None and other != clean:
                raise UnsafePathError(f"{clean} differs from {other} only in letter case")
        except UnsafePathError as exc:
            rejection = Rejection(_shown(path), exc.message)
            rejections.append(rejection)
            _reject(rejection, session_id, tenant_id)
            continue
        lowered[clean.lower()] = clean
        safe[clean] = content
    names = set(safe)
    for path in list(safe):
        parts = path.split("/")
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in names:
                rejection = Rejection(path, f"{'/'.join(parts[:i])} is a file, so it cannot also be a folder")
                rejections.append(rejection)
                _reject(rejection, session_id, tenant_id)
                safe.pop(path, None)
                break
    return safe, rejections


def _write_file(root: Path, rel: str, content: str) -> None:
    target = root.joinpath(*rel.split("/"))
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    real_root = os.path.realpath(root)
    if os.path.commonpath([os.path.realpath(parent), real_root]) != real_root:
        raise UnsafePathError(f"{rel} would be written outside the project (a symlinked folder)")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(content)


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Replace the folder ``root`` with exactly ``files`` (paths checked again), atomically.

    The files are written into a fresh sibling folder which then takes
    ``root``'s place, so a reader never sees half a tree and an existing
    symlink inside the old tree is never followed.
    """
    root = Path(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    if root.is_symlink():
        raise UnsafePathError(f"{root} is a symlink; refusing to write a project through it")
    clean = {check_path(path): content for path, content in files.items()}
    enforce_limits(clean)
    staging = root.parent / f".{root.name}.tmp-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        for rel, content in sorted(clean.items()):
            _write_file(staging, rel, content)
        old = None
        if root.exists():
            old = root.parent / f".{root.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(root, old)
        os.replace(staging, root)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return root
