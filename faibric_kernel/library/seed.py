"""The seed library shipped inside the package (``seed/*.jsx``, ``*.css``, ``manifest.json``, ``theme.css``)."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path

from ..errors import FaibricError
from .models import LibraryItem

__all__ = ["SEED_DIR", "seed_fingerprint", "seed_items", "theme_file"]

SEED_DIR = Path(__file__).parent / "seed"


def component_files(name: str, folder: Path = SEED_DIR) -> dict[str, str]:
    """``{project path: text}`` for a component's JSX and CSS as they live in a generated project."""
    files = {}
    for ext in ("jsx", "css"):
        path = folder / f"{name}.{ext}"
        if path.exists():
            files[f"src/components/{name}.{ext}"] = path.read_text(encoding="utf-8")
    return files


@functools.cache
def _load() -> tuple[LibraryItem, ...]:
    try:
        manifest = json.loads((SEED_DIR / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FaibricError(f"the seed library's manifest is unreadable ({exc}); reinstall faibric") from None
    items = []
    for entry in manifest["components"]:
        files = component_files(entry["name"])
        if f"src/components/{entry['name']}.jsx" not in files:
            raise FaibricError(f"seed component {entry['name']}.jsx is missing from {SEED_DIR}; reinstall faibric")
        items.append(
            LibraryItem(
                id=entry["id"],
                name=entry["name"],
                kind=entry["kind"],
                description=entry["description"],
                tags=list(entry.get("tags", [])),
                files=files,
                props=entry.get("props", {}),
                source="seed",
                provenance={"seed": True, "seed_hash": _hash(files, entry)},
            )
        )
    return tuple(items)


def _hash(files: dict[str, str], entry: dict) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(entry, sort_keys=True).encode())
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    return digest.hexdigest()[:16]


def seed_items() -> list[LibraryItem]:
    """The shipped components as :class:`LibraryItem` (read once per process; copies, safe to change)."""
    return [copy.deepcopy(item) for item in _load()]


def seed_fingerprint() -> str:
    """One hash over the whole seed library: changes whenever a shipped component does."""
    return hashlib.sha256("".join(item.provenance["seed_hash"] for item in _load()).encode()).hexdigest()[:16]


def theme_file() -> str:
    """The shipped ``theme.css`` (the default theme)."""
    return (SEED_DIR / "theme.css").read_text(encoding="utf-8")
