"""The offline provider's own section components, for sections the library does not cover.

Each is a React function component taking its copy as props (the same
canonical shape :mod:`.copydeck` produces), styled only through the theme's
CSS variables, importing its own stylesheet, accessible by construction
(labelled fields, one ``h1``, ``h2`` per section, visible focus). Shared
layout primitives live in ``src/App.css`` (part of the frame, see :mod:`.scaffold`).

The components are data, not Python: ``sections/manifest.json`` maps each
section kind to its component, whose ``.jsx`` and ``.css`` files sit beside it
(as the library's seed components do in ``library/seed/``). Edit those files;
the form components each carry their own copy of the submit helper, so every
component stays self-contained.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from .scaffold import APP_CSS

__all__ = ["APP_CSS", "component_files", "own_component_name", "own_components", "prop_shape", "reuse_refusal", "root_id"]

SECTIONS_DIR = Path(__file__).with_name("sections")


@cache
def _manifest() -> dict:
    return json.loads((SECTIONS_DIR / "manifest.json").read_text(encoding="utf-8"))


@cache
def own_components() -> dict[str, tuple[str, str, str]]:
    """{section kind: (component name, JSX text, CSS text)}, read once from ``sections/``."""
    manifest = _manifest()
    return {
        entry["section"]: (
            entry["name"],
            (SECTIONS_DIR / entry["jsx"]).read_text(encoding="utf-8"),
            (SECTIONS_DIR / entry["css"]).read_text(encoding="utf-8"),
        )
        for entry in manifest["components"]
    }


def own_component_name(section: str) -> str:
    """The name of the offline provider's own component for a section kind (the name asked of a model too)."""
    components = own_components()
    if section in components:
        return components[section][0]
    return "".join(part.capitalize() for part in section.split("-")) + "Section"


def component_files(section: str) -> tuple[str, dict[str, str]]:
    """(component name, {path: text}) of the offline provider's own component for a section kind."""
    name, jsx, css = own_components()[section]
    return name, {f"src/components/{name}.jsx": jsx, f"src/components/{name}.css": css}


@cache
def _prop_shapes() -> dict[str, dict]:
    return {entry["section"]: entry.get("props") or {} for entry in _manifest()["components"]}


def prop_shape(section: str) -> dict:
    """A section component's props as a neutral shape (names and ``<placeholder>`` values, no copy).

    This is what a model is shown for a component it must write: the shape
    only, so no other business's copy leaks into its answer.
    """
    return _prop_shapes().get(section, {})


def root_id(source: str) -> str | None:
    """The id on a component's root element (its section anchor), when its source sets one."""
    match = re.search(r"<(?:section|header|footer|div)\b[^>]*\bid=\"([A-Za-z][\w-]*)\"", source)
    return match[1] if match else None


def reuse_refusal(section: str, component: str, source: str, language: str, asks: list[str] | tuple = (),  # noqa: PLR0913 - the site's facts a refusal weighs
                  action: str | None = None) -> str | None:
    """Why a library component cannot serve ``section`` of this site, or None when it can.

    The same rules hold for every provider: the offline composer and the model's plan both write their own
    component instead of reusing one that would put English words on a Spanish site, drop an explicit ask, or
    take table reservations (guests, party size) for a site that books something else (``action``, the kind's
    own call to action, e.g. "Book a consultation").
    """
    if language != "en":
        return f"the library component has fixed English words; the site is in {language}"
    if (section == "booking-form" and action and "table" not in action.lower()
            and re.search(r"(?i)\bguests\b|party size", source)):
        return f"the library form takes table reservations (guests); this site's booking is '{action}'"
    if section == "product-grid" and "cart" in asks:
        return "the prompt asks for a cart, which this component does not have"
    if section == "pricing" and "pricing-toggle" in asks and "yearly" not in source:
        return "the prompt asks for a monthly/yearly switch, which this component does not have"
    return None
