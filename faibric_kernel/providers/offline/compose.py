"""Composing a whole site from a brief: library components where they fit, own components elsewhere.

The offline provider's "model output" is made here. For each section of the
brief, the copy comes from :mod:`.copydeck`; when the build decided to reuse
a library component for that section, the copy is mapped onto the
component's props (read from the library's prop metadata, or from the
component's own source); when the props cannot carry the copy, or nothing was
reused, the section gets one of the provider's own components.

The composed files are ``src/content.js`` (every word on the page, so text
changes touch one file), ``src/App.jsx`` and the own
components. Reused library files are not part of the output: the build adds
them from the library, as it does for a real model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ...generation.brief import SiteBrief
from ...generation.components import component_files, reuse_refusal, root_id
from ...generation.understanding import kind_action
from .copydeck import section_content, site_meta, ui_strings

__all__ = ["ComposedSite", "adapt_props", "component_shape", "compose_site", "render_files"]


@dataclass
class ComposedSite:
    files: dict[str, str]
    used_library: dict[str, str] = field(default_factory=dict)  # section -> component name
    own: dict[str, str] = field(default_factory=dict)  # section -> component name
    declined: dict[str, str] = field(default_factory=dict)  # section -> why a reuse was declined


# -- reading a component's props ------------------------------------------------------------------
def _balanced(text: str, start: int, open_ch: str, close_ch: str) -> int:
    """Index just past the bracket closing the one at ``start`` (quotes and template strings skipped)."""
    depth = 0
    i = start
    quote = None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def _split_top(text: str) -> list[str]:
    parts, depth, current, quote, i = [], 0, [], None, 0
    while i < len(text):
        ch = text[i]
        if quote:
            current.append(ch)
            if ch == "\\" and i + 1 < len(text):
                current.append(text[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
            current.append(ch)
        elif ch in "([{":
            depth += 1
            current.append(ch)
        elif ch in ")]}":
            depth -= 1
            current.append(ch)
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _shape_of_literal(expr: str, source: str, depth: int = 0):
    expr = expr.strip()
    if depth > 9 or not expr:
        return "unknown"
    if expr[0] in "'\"`":
        return "str"
    if re.fullmatch(r"-?\d+(\.\d+)?", expr):
        return "num"
    if expr in ("true", "false"):
        return "bool"
    if expr in ("null", "undefined"):
        return "unknown"
    if re.fullmatch(r"[A-Z_][A-Z0-9_]*", expr):
        match = re.search(rf"\bconst\s+{expr}\s*=\s*", source)
        if not match:
            return "unknown"
        start = match.end()
        opener = source[start]
        if opener == "[":
            return _shape_of_literal(source[start:_balanced(source, start, "[", "]")], source, depth + 1)
        if opener == "{":
            return _shape_of_literal(source[start:_balanced(source, start, "{", "}")], source, depth + 1)
        return "unknown"
    if expr.startswith("["):
        inner = expr[1:-1].strip()
        if not inner:
            return ("list", "unknown")
        first = _split_top(inner)[0]
        return ("list", _shape_of_literal(first, source, depth + 1))
    if expr.startswith("{"):
        keys = {}
        for part in _split_top(expr[1:-1]):
            match = re.match(r"^['\"]?([\w$]+)['\"]?\s*:\s*(.*)$", part, re.S)
            if match:
                keys[match[1]] = _shape_of_literal(match[2], source, depth + 1)
        return ("obj", keys)
    return "unknown"


def _shape_of_value(value, depth: int = 0):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "num"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return ("list", _shape_of_value(value[0], depth + 1) if value else "unknown")
    if isinstance(value, dict) and depth < 5:
        return ("obj", {k: _shape_of_value(v, depth + 1) for k, v in value.items()})
    return "unknown"


def component_shape(source: str, metadata: dict | None = None) -> dict:
    """Prop name -> shape (``"str"``, ``"num"``, ``("list", shape)``, ``("obj", {key: shape})``...)."""
    shapes: dict = {}
    match = re.search(r"export\s+default\s+function\s+\w+\s*\(\s*\{", source)
    if match:
        start = match.end() - 1
        params = source[start + 1:_balanced(source, start, "{", "}") - 1]
        for part in _split_top(params):
            if not part or part.startswith("..."):
                continue
            name, _, default = part.partition("=")
            name = name.strip()
            if re.fullmatch(r"[A-Za-z_$][\w$]*", name):
                shapes[name] = _shape_of_literal(default, source) if default else "unknown"
    for name, info in (metadata or {}).items():
        if not isinstance(info, dict):
            continue
        if "default" in info and info["default"] is not None and not isinstance(info["default"], str | int | float):
            shapes[name] = _shape_of_value(info["default"])
        elif name not in shapes or shapes[name] == "unknown":
            kind = str(info.get("type", "")).lower()
            shapes[name] = {"string": "str", "number": "num", "boolean": "bool"}.get(kind, shapes.get(name, "unknown"))
    return shapes


# -- mapping canonical copy onto props ------------------------------------------------------------
_SCALAR_SYNONYMS = {
    "title": ["title", "heading", "headline"],
    "heading": ["title"],
    "headline": ["title"],
    "subtitle": ["subtitle", "text", "lead", "intro"],
    "description": ["subtitle", "text"],
    "text": ["text", "subtitle"],
    "lead": ["subtitle"],
    "eyebrow": ["eyebrow"],
    "kicker": ["eyebrow"],
    "badge": ["eyebrow", "badge"],
    "brand": ["brand"],
    "logo": ["brand"],
    "businessName": ["brand"],
    "tagline": ["tagline"],
    "note": ["note"],
    "ctaLabel": ["ctaLabel", "primaryLabel", "label"],
    "ctaHref": ["ctaHref", "primaryHref", "href"],
    "primaryLabel": ["primaryLabel", "label", "ctaLabel"],
    "primaryHref": ["primaryHref", "href", "ctaHref"],
    "placeName": ["placeName", "brand", "name"],
    "blurb": ["blurb", "tagline", "text"],
    "intro": ["intro", "subtitle", "text"],
    "copyright": ["copyright"],
    "hours": ["hours"],
    "signature": ["signature"],
    "buttonLabel": ["label", "primaryLabel", "submitLabel"],
    "buttonHref": ["href", "primaryHref"],
    "submitLabel": ["submitLabel", "label"],
    "successTitle": ["successTitle"],
    "successText": ["successText"],
    "currency": ["currency"],
    "address": ["address"],
    "phone": ["phone"],
    "email": ["email"],
    "action": ["action"],
    "contactHref": ["ctaHref"],
}
_ITEM_SYNONYMS = {
    "title": ["title", "name"],
    "name": ["name", "title"],
    "text": ["text", "description", "bio", "answer", "caption", "excerpt"],
    "description": ["description", "text", "caption", "bio", "excerpt"],
    "caption": ["caption", "text", "description"],
    "bio": ["bio", "text", "description"],
    "excerpt": ["excerpt", "text", "description"],
    "quote": ["quote", "text"],
    "role": ["role", "position"],
    "author": ["name"],
    "badge": ["badge", "tag"],
    "tag": ["tag", "badge"],
    "label": ["label", "name", "title"],
    "value": ["value"],
    "href": ["href"],
    "price": ["price", "monthly"],
}
_OPTIONAL_ITEM_KEYS = {"icon", "shape", "tags", "badge", "rating", "featured", "ctaLabel", "alt", "image", "href",
                       "highlight", "tag", "photo", "avatar", "emoji", "tone", "period", "category", "note"}


def _lists_in(copy: dict) -> dict[str, list]:
    return {k: v for k, v in copy.items() if isinstance(v, list) and v and isinstance(v[0], dict)}


def _convert(value, key_shape, currency: str):
    """A copy value in the type the component expects (numbers from numeric text, prices with currency)."""
    if key_shape == "num" and isinstance(value, str):
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return None
    if key_shape == "str" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return "Free" if value == 0 else f"{currency}{value}"
    return value


def _adapt_item(item: dict, shape: dict, currency: str = "$") -> tuple[dict | None, float]:
    out, hits, wanted = {}, 0, 0
    for key, key_shape in shape.items():
        required = key not in _OPTIONAL_ITEM_KEYS
        wanted += 1 if required else 0
        value = None
        for candidate in [key, *_ITEM_SYNONYMS.get(key, [])]:
            if candidate in item:
                value = item[candidate]
                break
        if value is None:
            continue
        if isinstance(key_shape, tuple) and key_shape[0] == "list":
            inner = key_shape[1]
            if isinstance(inner, tuple) and inner[0] == "obj" and isinstance(value, list):
                adapted = [_adapt_item(v, inner[1], currency)[0] for v in value if isinstance(v, dict)]
                if any(a is None for a in adapted):
                    return None, 0.0
                value = adapted
        else:
            value = _convert(value, key_shape, currency)
            if value is None:
                continue
        out[key] = value
        hits += 1 if required else 0
    return out, (hits / wanted if wanted else 1.0)


def _coverage(items: list, item_shape: dict, currency: str) -> float:
    scores = [_adapt_item(i, item_shape, currency)[1] for i in items]
    return min(scores) if scores else 0.0


def _comparison_rows(plans: list[dict], item_shape: dict) -> list[dict] | None:
    """Feature-by-plan rows (``{feature, values}``) built from the plans' feature lists."""
    label_key = next((k for k, v in item_shape.items() if v == "str"), None)
    if label_key is None or "values" not in item_shape:
        return None
    features: list[str] = []
    for plan in plans:
        for feature in plan.get("features", []):
            if feature not in features:
                features.append(feature)
    return [{label_key: f, "values": [f in plan.get("features", []) for plan in plans]} for f in features]


def _keeps_default(name: str) -> bool:
    """UI wording (button labels, placeholders) is generic; it may stay as the library wrote it."""
    return (name.endswith(("Label", "label")) or name in ("placeholder", "submitLabel") or name.startswith(
        ("default", "aria", "success", "error", "empty", "show", "allow", "max", "min")))


def adapt_props(section: str, copy: dict, shape: dict, brief: SiteBrief) -> tuple[dict | None, str]:
    """Props for a library component carrying ``copy``, or (None, why it cannot)."""
    props: dict = {}
    currency = copy.get("currency") or brief.currency
    lists = _lists_in(copy)
    list_props = [n for n, s in shape.items() if isinstance(s, tuple) and s[0] == "list"
                  and isinstance(s[1], tuple) and s[1][0] == "obj"]
    used_lists: set[str] = set()
    if section == "navbar" and {"leftLinks", "rightLinks"} <= set(list_props) and "links" in lists:
        links = lists["links"]
        half = (len(links) + 1) // 2
        for name, part in (("leftLinks", links[:half]), ("rightLinks", links[half:])):
            props[name] = [_adapt_item(i, shape[name][1][1])[0] for i in part]
        used_lists.add("links")
    for name in list_props:
        if name in props:
            continue
        item_shape = shape[name][1][1]
        candidates = [k for k in lists if k not in used_lists]
        chosen = name if name in candidates else None
        if chosen is None and candidates:
            best = max(candidates, key=lambda k: _coverage(lists[k], item_shape, currency))
            if _coverage(lists[best], item_shape, currency) >= 0.5:
                chosen = best
        if chosen is None:
            rows = _comparison_rows(copy.get("plans") or [], item_shape) if "plans" in copy else None
            if rows:
                props[name] = rows
                continue
            if name in ("social", "socials", "logos", "badges", "partners"):
                props[name] = []
                continue
            return None, f"the component's {name} list has nothing in this site's copy to fill it"
        items = lists[chosen]
        if chosen == "plans" and "yearly" in item_shape and not copy.get("periodic"):
            return None, "the component shows monthly/yearly prices; these prices are one-off"
        adapted = []
        for item in items:
            result, score = _adapt_item(item, item_shape, currency)
            if result is None or score < 0.5:
                return None, f"the component's {name} items need fields the copy does not have"
            adapted.append(result)
        props[name] = adapted
        used_lists.add(chosen)
    main_list = next((k for k in ("items", "sections", "plans") if k in lists), None)
    if main_list and main_list not in used_lists and section not in ("navbar", "footer"):
        return None, f"the component has nowhere to show the {len(lists[main_list])} {main_list}"
    for name, prop_shape in shape.items():
        if name in props:
            continue
        value = None
        for candidate in [name, *_SCALAR_SYNONYMS.get(name, [])]:
            if candidate in copy and copy[candidate] is not None and not isinstance(copy[candidate], dict):
                value = copy[candidate]
                break
        if value is not None:
            if prop_shape == "str" and isinstance(value, list):
                value = None
            elif prop_shape in ("str", "num"):
                value = _convert(value, prop_shape, currency)
            elif isinstance(prop_shape, tuple) and prop_shape[0] == "list" and not isinstance(value, list):
                value = None
        if value is not None:
            props[name] = value
        elif _keeps_default(name):
            continue
        elif name.endswith(("Href", "href")):
            props[name] = copy.get("primaryHref") or copy.get("ctaHref") or copy.get("href") or "#top"
        elif prop_shape == "str":
            # never leave a sample sentence from the library on a real site: hide what we cannot fill
            props[name] = None
        elif isinstance(prop_shape, tuple) and prop_shape[0] == "list" and prop_shape[1] == "str":
            props[name] = []
    title_props = [n for n in ("title", "heading", "headline", "brand", "name") if n in shape]
    if title_props and not any(props.get(n) for n in title_props):
        return None, "no title could be mapped"
    return props, "ok"


# -- rendering -------------------------------------------------------------------------------------
def _js_value(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def render_files(brief: SiteBrief, parts: list[tuple[str, str, str, dict]], anchors: dict[str, str],
                 extra_files: dict[str, str]) -> dict[str, str]:
    """content.js and App.jsx for ``parts`` = [(section, component, import path, props)] (App.css is in the frame)."""
    content = {section: props for section, _, _, props in parts}
    content_js = (
        f"// Every word on the {brief.business_name} site. Edit the text here; the components only lay it out.\n"
        f"const content = {_js_value(content)};\n\nexport default content;\n"
    )
    imports = ["import React from 'react';", "import './App.css';", "import content from './content.js';"]
    seen = set()
    for _, component, path, _ in parts:
        if component not in seen:
            seen.add(component)
            imports.append(f"import {component} from '{path}';")
    header, body, footer = [], [], []
    for section, component, _, _ in parts:
        key = json.dumps(section) if "-" in section else section
        props = f"content[{key}]" if "-" in section else f"content.{section}"
        element = f"<{component} {{...{props}}} />"
        if section == "navbar":
            header.append(f"      {element}")
        elif section == "footer":
            footer.append(f"      {element}")
        elif anchors.get(section):
            body.append(f'        <div id="{anchors[section]}">{element}</div>')
        else:
            body.append(f"        {element}")
    app = "\n".join(imports) + "\n\nexport default function App() {\n  return (\n    <div id=\"top\">\n" + \
        f'      <a className="skip-link" href="#main">{ui_strings(brief.language)["skip"]}</a>\n' + "\n".join(header) + \
        ("\n" if header else "") + '      <main id="main">\n' + "\n".join(body) + "\n      </main>\n" + \
        "\n".join(footer) + ("\n" if footer else "") + "    </div>\n  );\n}\n"
    return {"src/content.js": content_js, "src/App.jsx": app, **extra_files}


def _rewrite_hrefs(value, mapping: dict[str, str]):
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, list):
        return [_rewrite_hrefs(v, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_hrefs(v, mapping) for k, v in value.items()}
    return value


def compose_site(brief: SiteBrief, reuse: list[dict] | None = None, *, form_action: str = "") -> ComposedSite:
    """The generated files of a site for ``brief``.

    ``reuse`` lists the library components the build chose, as dicts with
    ``section``, ``component`` (PascalCase name), ``files`` and ``props``
    (the library's prop metadata).
    """
    reuse_by_section = {r["section"]: r for r in (reuse or []) if r.get("section")}
    anchors = dict(site_meta(brief)["anchors"])
    plans: list[tuple[str, str, str, dict]] = []
    own_files: dict[str, str] = {}
    used, own, declined = {}, {}, {}
    for section in brief.sections:
        copy = section_content(section, brief)
        if "action" in copy:
            copy["action"] = form_action
        chosen = reuse_by_section.get(section)
        if chosen is not None:
            refusal = reuse_refusal(section, chosen["component"],
                                    chosen.get("files", {}).get(f"src/components/{chosen['component']}.jsx", ""),
                                    brief.language, brief.asks or [], kind_action(brief.subkind))
            if refusal:
                declined[section] = refusal
                chosen = None
        if section == "product-grid" and "cart" in (brief.asks or []):
            # the ask is a cart with a cart view: the provider's own shop component has one
            name, files = component_files("cart")
            own_files.update(files)
            plans.append((section, name, f"./components/{name}.jsx", copy))
            own[section] = name
            continue
        if chosen is not None:
            name = chosen["component"]
            source = chosen.get("files", {}).get(f"src/components/{name}.jsx", "")
            props, why = adapt_props(section, copy, component_shape(source, chosen.get("props")), brief)
            if props is not None:
                fixed = root_id(source)
                if fixed and section not in ("navbar", "footer"):
                    anchors[section] = fixed
                elif fixed:
                    anchors.pop(section, None)
                plans.append((section, name, f"./components/{name}.jsx", props))
                used[section] = name
                continue
            declined[section] = why
        name, files = component_files(section)
        own_files.update(files)
        plans.append((section, name, f"./components/{name}.jsx", copy))
        own[section] = name
    # links point at the anchors actually on the page
    defaults = site_meta(brief)["anchors"]
    mapping = {f"#{defaults[s]}": f"#{anchors[s]}" for s in defaults if s in anchors and anchors[s] != defaults[s]}
    anchors_in_body = {s: a for s, a in anchors.items() if s in used and root_id(
        reuse_by_section[s].get("files", {}).get(f"src/components/{used[s]}.jsx", "")) == a}
    wrapper_anchors = {s: a for s, a in anchors.items() if s not in anchors_in_body and s not in ("navbar", "footer")}
    plans = [(s, c, p, _rewrite_hrefs(props, mapping)) for s, c, p, props in plans]
    files = render_files(brief, plans, wrapper_anchors, own_files)
    return ComposedSite(files=files, used_library=used, own=own, declined=declined)
