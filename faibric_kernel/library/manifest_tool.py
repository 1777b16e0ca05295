"""Keeps ``seed/manifest.json``'s props in step with the seed components' code.

The manifest's ids, kinds, descriptions and tags are written by hand; the
props (names, types, defaults) are read from each component with the parser
and given a description. Run after editing a seed component::

    python -m faibric_kernel.library.manifest_tool
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .jsx import component_info

SEED_DIR = Path(__file__).parent / "seed"
MANIFEST = SEED_DIR / "manifest.json"

_EXACT = {
    "title": "Section heading",
    "subtitle": "Supporting text under the heading",
    "eyebrow": "Small label above the heading (empty to hide)",
    "brand": "Business name shown as the logo",
    "tagline": "Short line under the business name",
    "action": "URL the form POSTs its fields to as JSON; empty shows the confirmation without sending",
    "currency": "Currency symbol put before prices",
    "copyright": "Copyright line (defaults to the current year and brand)",
    "address": "Street address",
    "phone": "Phone number (also used for a tap-to-call link)",
    "email": "Email address (also used for a mailto link)",
    "hours": "Opening hours",
    "text": "Body text",
    "intro": "Introductory paragraph",
    "note": "Small print under the section",
    "subtitleText": "Supporting text",
    "name": "Product name",
    "price": "Price, without the currency symbol",
    "description": "Description paragraph",
    "placeholder": "Example text shown in the empty email field",
    "successText": "Message shown after a successful submit",
    "successTitle": "Heading shown after a successful submit",
    "maxGuests": "Largest party size offered",
    "daysAhead": "How many upcoming days (Sundays skipped) to offer",
    "allowMultiple": "Whether several answers can be open at once",
    "showPhone": "Whether to ask for an optional phone number",
    "defaultPeriod": "Billing period shown first: monthly or yearly",
    "featuredLabel": "Ribbon text on the featured plan",
    "placeName": "Name shown with the address",
    "directionsNote": "How to get there: transport, parking",
    "signature": "Sign-off under the story",
    "imageLabel": "Alt text of the illustration",
    "illustrationLabel": "Alt text of the illustration",
    "finePrint": "Small print under the button",
}


def _describe(prop: str, spec: dict) -> str:
    if prop in _EXACT:
        return _EXACT[prop]
    words = re.sub(r"([A-Z])", r" \1", prop).lower().strip()
    if prop.endswith("Label"):
        return f"Text of the {words.removesuffix(' label')} button or link"
    if prop.endswith("Href"):
        return f"Where the {words.removesuffix(' href')} link goes (URL or #section)"
    if spec["type"] == "array":
        return f"List of {words}; each entry's fields follow the default"
    if spec["type"] == "object":
        return f"The {words}; fields follow the default"
    if spec["type"] == "boolean":
        return f"Whether to show the {words}"
    return words.capitalize()


def props_for(name: str) -> dict:
    """The manifest ``props`` entry for seed component ``name``, read from its code."""
    info = component_info((SEED_DIR / f"{name}.jsx").read_text(encoding="utf-8"))
    props = {}
    for prop, spec in info.props.items():
        props[prop] = {"type": spec["type"], "default": spec["default"], "description": _describe(prop, spec)}
    return props


def refresh() -> int:
    """Rewrite the props of every manifest entry; returns how many entries there are."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for entry in manifest["components"]:
        entry["props"] = props_for(entry["name"])
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(manifest["components"])


if __name__ == "__main__":
    print(f"refreshed props of {refresh()} components in {MANIFEST}")
