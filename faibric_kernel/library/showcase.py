"""See library components as visitors would: a tiny project that renders them, and its preview HTML.

:func:`showcase_files` builds a minimal React project (``src/main.jsx``,
``src/theme.css`` and the components' files) that renders the given items
one after another with their default props (or the props you pass).
:func:`showcase_html` bundles it with :mod:`faibric_kernel.preview` into one
self-contained document, ready for an ``IFrame(srcdoc=...)`` in a notebook.
"""

from __future__ import annotations

import json

from ..errors import ConfigError, InvalidInputError
from .models import LibraryItem
from .themes import theme_css

__all__ = ["showcase_files", "showcase_html"]


def _resolve(items) -> list[LibraryItem]:
    from .catalog import get_item

    if isinstance(items, (str, LibraryItem)):
        items = [items]
    resolved = [get_item(it) if isinstance(it, str) else it for it in items]
    if not resolved:
        raise InvalidInputError("showcase needs at least one item (an id or a LibraryItem)")
    names = [it.name for it in resolved]
    if len(set(names)) != len(names):
        raise InvalidInputError(f"two items share a component name ({', '.join(names)}); show them separately")
    return resolved


def showcase_files(items, theme: str | dict = "slate", props: dict[str, dict] | None = None) -> dict[str, str]:
    """A runnable project rendering ``items`` (ids or LibraryItems) in order, themed with ``theme``.

    ``props`` maps a component name or item id to the props to pass it.
    """
    resolved = _resolve(items)
    props = props or {}
    files = {"src/theme.css": theme_css(theme)}
    imports, body = [], []
    for item in resolved:
        files.update(item.files)
        imports.append(f"import {item.name} from './components/{item.name}.jsx';")
        given = props.get(item.name, props.get(item.id, {}))
        spread = f" {{...{json.dumps(given, ensure_ascii=False)}}}" if given else ""
        body.append(f"      <{item.name}{spread} />")
    files["src/main.jsx"] = (
        "import React from 'react';\n"
        "import { createRoot } from 'react-dom/client';\n"
        "import './theme.css';\n"
        + "\n".join(imports)
        + "\n\ncreateRoot(document.getElementById('root')).render(\n  <React.StrictMode>\n    <main>\n"
        + "\n".join(body)
        + "\n    </main>\n  </React.StrictMode>,\n);\n"
    )
    return files


def showcase_html(items, theme: str | dict = "slate", props: dict[str, dict] | None = None) -> str:
    """One self-contained HTML document showing ``items``; needs node and the preview toolchain."""
    try:
        from ..preview import preview_html
    except ImportError:
        raise ConfigError("previews need faibric_kernel.preview (esbuild through node), which is not installed") \
            from None
    return preview_html(showcase_files(items, theme, props))
