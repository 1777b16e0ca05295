"""The changes the offline provider can make without a model, written as search/replace edits.

Understood requests (anything else gets a clear refusal naming these):

* colours and themes ("make it green", "use a dark theme") -> ``src/theme.css``;
* the business name ("rename the business to X") -> ``src/content.js`` and ``index.html``;
* a field ("change the headline to X", "set the phone number to X", also
  subtitle, tagline, email, address) -> ``src/content.js``;
* a price ("change the price of the croissant to 2.50") -> ``src/content.js``;
* any quoted text ("replace 'A' with 'B'") -> the files holding it;
* adding a section ("add a FAQ section", "add an about page": the site is one page, so the section is added
  and the answer says so) -> a new component, ``src/App.jsx``, ``src/content.js`` (with its navigation link);
* removing a section ("remove the gallery") -> ``src/App.jsx`` and ``src/content.js``: every link and button
  that pointed at it is removed (navigation) or retargeted (buttons);
* moods ("use a darker, more elegant look", "make it playful") -> ``src/theme.css`` colours only;
* the hero's size ("make the hero image bigger") -> ``src/theme.css``;
* translation ("translate the site to Portuguese") -> every string from the decks in that language.

A request outside these gets a refusal that says what was understood and what works instead.

Edits are produced in the same ``<edit>`` format a model uses, so the same
parser, dry run and all-or-nothing application handle them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ...errors import InvalidInputError
from ...generation.brief import COLOUR_THEMES, SECTION_KINDS, SiteBrief
from ...generation.components import component_files
from ...generation.understanding import kind_info
from .copydeck import SECTION_LABELS, _nav_label, section_content

__all__ = ["ChangePlan", "SUPPORTED_CHANGES", "classify_change", "edits_for_change", "render_edits"]

SUPPORTED_CHANGES = (
    "colours or theme (\"make it green\"), the business name (\"rename the business to X\"), the headline, "
    "subtitle, tagline, phone, email or address (\"change the headline to X\"), a price (\"change the price of X "
    "to 4.50\"), quoted text (\"replace 'A' with 'B'\"), adding or removing a section (\"add a FAQ section\", "
    "\"remove the gallery\"), a mood (\"make it darker and more elegant\"), the hero's size (\"make the hero bigger\"), "
    "translation (\"translate the site to Portuguese\")"
)

# mood -> a theme (a named one, or a palette laid over one); colours only
MOODS: list[tuple[list[str], str | dict]] = [
    (["dark", "darker", "night"], "midnight"),
    (["minimal", "minimalist", "clean", "simpler"], "mono"),
    (["elegant", "classy", "luxurious", "sophisticated", "refined"],
     {"base": "rose", "label": "Elegant", "primary": "#7a2e4a", "focus": "#7a2e4a", "accent": "#8a6d3b"}),
    (["playful", "fun", "cheerful", "colourful", "colorful"], "sunset"),
    (["bold", "striking", "punchy", "vivid"],
     {"base": "slate", "label": "Bold", "primary": "#c2410c", "focus": "#c2410c", "accent": "#1d4ed8"}),
    (["light", "lighter", "brighter", "airy"], "slate"),
]

LANGUAGE_WORDS = {
    "en": ["english", "inglés", "inglês", "anglais", "englisch"],
    "es": ["spanish", "español", "espanhol", "espagnol", "spanisch", "castellano"],
    "pt": ["portuguese", "portugués", "português", "portugais", "portugiesisch"],
    "fr": ["french", "francés", "francês", "français", "französisch"],
    "de": ["german", "alemán", "alemão", "allemand", "deutsch"],
}

SECTION_ALIASES = {
    "faq": "faq", "questions": "faq", "testimonials": "testimonials", "reviews": "testimonials", "team": "team",
    "staff": "team", "gallery": "gallery", "photos": "gallery", "pricing": "pricing", "prices": "pricing",
    "plans": "pricing", "newsletter": "newsletter", "mailing list": "newsletter", "contact form": "contact-form",
    "contact": "contact-form", "booking": "booking-form", "reservation": "booking-form", "bookings": "booking-form",
    "reservations": "booking-form", "schedule": "schedule", "timetable": "schedule", "agenda": "schedule",
    "stats": "stats", "numbers": "stats", "about": "about", "our story": "about", "map": "map",
    "location": "map", "opening hours": "map", "hours": "map", "menu": "menu", "products": "product-grid",
    "shop": "product-grid", "blog": "blog-list", "articles": "blog-list", "features": "features",
    "services": "features", "call to action": "cta", "cta": "cta",
}

FIELD_ALIASES = {
    "headline": ("hero", "title"), "hero title": ("hero", "title"), "main title": ("hero", "title"),
    "title": ("hero", "title"), "heading": ("hero", "title"), "subtitle": ("hero", "subtitle"),
    "subheading": ("hero", "subtitle"), "tagline": ("footer", "tagline"), "phone number": ("*", "phone"),
    "phone": ("*", "phone"), "email address": ("*", "email"), "email": ("*", "email"), "address": ("*", "address"),
}

_Q = "[\"'“”‘’]"


@dataclass
class ChangePlan:
    kind: str  # "change" or "new_project"
    files: list[str]
    summary: str
    rule: str | None = None
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "files": self.files, "summary": self.summary}


def _unquote(text: str) -> str:
    return text.strip().strip(".").strip().strip("\"'“”‘’")


def _theme_for(request: str):
    lowered = " " + request.lower() + " "
    for words, theme in COLOUR_THEMES:
        for word in words:
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered):
                return theme
    if re.search(r"\b(light|bright|white)\b", lowered):
        return "slate"
    return None


def _mood_for(request: str):
    lowered = " " + request.lower() + " "
    for words, theme in MOODS:
        if any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", lowered) for w in words):
            return theme
    return None


def _understood(request: str) -> str:
    """What the rules recognise in a request they cannot carry out (said in the refusal)."""
    lowered = request.lower()
    parts = []
    section = _section_in(request)
    if section:
        parts.append(f"the {section} section")
    if re.search(r"\b(image|photo|picture|illustration|logo)s?\b", lowered):
        parts.append("an image")
    if re.search(r"\b(font|typeface|typography)s?\b", lowered):
        parts.append("the fonts")
    if re.search(r"\b(animation|animate|slider|carousel|video)\b", lowered):
        parts.append("motion or media")
    return ", ".join(parts)


def _section_in(request: str) -> str | None:
    lowered = request.lower()
    best = None
    for alias, section in SECTION_ALIASES.items():
        match = re.search(rf"\b{re.escape(alias)}\b", lowered)
        if match and (best is None or len(alias) > best[0]):
            best = (len(alias), section)
    return best[1] if best else None


def classify_change(request: str, files: dict[str, str]) -> ChangePlan:
    """Which rule applies, and the files it touches (rules, no model)."""
    text = request.strip()
    lowered = text.lower()
    if re.search(r"\b(start over|from scratch|new (?:web)?site for|different (?:web)?site|instead,? (?:make|build))\b",
                 lowered):
        return ChangePlan("new_project", [], "a different site altogether", "new_project")
    match = re.search(r"\b(?:rename|change the (?:business |company |shop |site |restaurant |brand )?name)\b.*?\b(?:to|as)\s+(.+)$",
                      text, re.I)
    if match:
        return ChangePlan("change", ["src/content.js", "index.html"], f"rename to {_unquote(match[1])}", "rename",
                          {"name": _unquote(match[1])})
    match = re.search(rf"\b(?:replace|change)\s+{_Q}(.+?){_Q}\s+(?:with|to|by|into)\s+{_Q}(.+?){_Q}", text, re.I)
    if match:
        holding = [p for p, c in files.items() if match[1] in c]
        return ChangePlan("change", sorted(holding, key=lambda p: p != "src/content.js")[:6],
                          f"replace {match[1]!r} with {match[2]!r}", "replace", {"old": match[1], "new": match[2]})
    match = re.search(r"\bprice of (?:the |our )?(.+?) to\s+\D{0,3}?(\d+(?:[.,]\d{1,2})?)", text, re.I)
    if match:
        return ChangePlan("change", ["src/content.js"], f"price of {match[1]} -> {match[2]}", "price",
                          {"item": _unquote(match[1]), "price": match[2].replace(",", ".")})
    match = re.search(r"\b(?:change|set|update|make|replace)\s+(?:the\s+|our\s+)?(?P<field>" + "|".join(
        sorted(map(re.escape, FIELD_ALIASES), key=len, reverse=True)) + r")\b\s*(?:to|as|with|:|=|so it says)\s+(?P<value>.+)$",
        text, re.I)
    if match:
        section, key = FIELD_ALIASES[match["field"].lower()]
        return ChangePlan("change", ["src/content.js"], f"{match['field']} -> {_unquote(match['value'])}", "field",
                          {"section": section, "key": key, "value": _unquote(match["value"])})
    if re.search(r"\b(translate|translation|traduc\w*|tradu\w*|übersetz\w*)\b|\bin (?:" + "|".join(
            w for words in LANGUAGE_WORDS.values() for w in words) + r")\b", lowered):
        language = next((code for code, words in LANGUAGE_WORDS.items()
                         if any(re.search(rf"\b{w}\b", lowered) for w in words)), None)
        return ChangePlan("change", ["src/App.jsx", "src/content.js", "index.html"],
                          f"translate the site to {language}" if language else "translate the site", "translate",
                          {"language": language})
    if re.search(r"\bhero\b|\bbanner\b|\bheader image\b|\btop image\b", lowered) and re.search(
            r"\b(bigger|larger|taller|huge|more space|smaller|shorter|compact|less tall|tighter)\b", lowered):
        size = "small" if re.search(r"\b(smaller|shorter|compact|less tall|tighter)\b", lowered) else "large"
        return ChangePlan("change", ["src/theme.css"], f"make the hero {'smaller' if size == 'small' else 'bigger'}",
                          "hero", {"size": size})
    if re.search(r"\b(add|include|insert|put|create|want|need)\b", lowered):
        section = _section_in(text)
        if section:
            return ChangePlan("change", ["src/App.jsx", "src/content.js"], f"add the {section} section", "add",
                              {"section": section, "page": bool(re.search(r"\bpages?\b", lowered))})
    if re.search(r"\b(remove|delete|drop|hide|get rid of|take out)\b", lowered):
        section = _section_in(text)
        if section:
            return ChangePlan("change", ["src/App.jsx", "src/content.js"], f"remove the {section} section", "remove",
                              {"section": section})
    mood = _mood_for(text)
    if mood is not None and re.search(r"\b(look|feel|style|mood|vibe|make it|make the site|more|theme|design)\b",
                                      lowered) and not re.search(r"\b(colou?rs?|green|blue|red|pink|purple)\b",
                                                                 lowered):
        return ChangePlan("change", ["src/theme.css"], "a new look (colours only)", "theme", {"theme": mood})
    theme = _theme_for(text)
    if theme is not None and re.search(r"\b(colou?rs?|theme|palette|make it|make the site|use|switch|dark|darker|"
                                       r"lighter|mode|look)\b", lowered):
        return ChangePlan("change", ["src/theme.css"], "new colour theme", "theme", {"theme": theme})
    return ChangePlan("change", [], "not understood offline", None, {"request": text})


# -- building edits ------------------------------------------------------------------------------------
def _unique_block(content: str, start: int, end: int) -> str:
    """The smallest run of whole lines around [start, end) that occurs exactly once in ``content``."""
    lines = content.split("\n")
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    first = max(i for i, o in enumerate(offsets) if o <= start)
    last = max(i for i, o in enumerate(offsets) if o <= max(start, end - 1))
    grow_up = True
    while True:
        block = "\n".join(lines[first:last + 1])
        if content.count(block) == 1 or (first == 0 and last == len(lines) - 1):
            return block
        if (grow_up and first > 0) or last == len(lines) - 1:
            first -= 1
        else:
            last += 1
        grow_up = not grow_up


def render_edits(edits: list[tuple[str, str, str]], new_files: dict[str, str] | None = None) -> str:
    """Edits and new files in the answer format (<edit> and <file> tags)."""
    chunks = []
    by_path: dict[str, list[tuple[str, str]]] = {}
    for path, search, replace in edits:
        by_path.setdefault(path, []).append((search, replace))
    for path, blocks in by_path.items():
        body = "\n".join(f"<<<<<<< SEARCH\n{s}\n=======\n{r}\n>>>>>>> REPLACE" for s, r in blocks)
        chunks.append(f'<edit path="{path}">\n{body}\n</edit>')
    for path, content in (new_files or {}).items():
        chunks.append(f'<file path="{path}">\n{content}</file>')
    return "\n\n".join(chunks) + "\n"


def _replace_everywhere(path: str, content: str, old: str, new: str) -> list[tuple[str, str, str]]:
    """Edits replacing every ``old`` with ``new``, each computed on the result of the previous one."""
    edits = []
    working, pos = content, 0
    while (index := working.find(old, pos)) != -1:
        block = _unique_block(working, index, index + len(old))
        start = working.find(block)
        replaced = block.replace(old, new)
        edits.append((path, block, replaced))
        working = working[:start] + replaced + working[start + len(block):]
        pos = start + len(replaced)
    return edits


def _content_line(content: str, section: str | None, key: str) -> list[tuple[int, int]]:
    """Spans of ``"key": "..."`` lines in content.js, inside ``section`` when given."""
    spans = []
    scope_start, scope_end = 0, len(content)
    if section and section != "*":
        head = re.search(rf'^  {re.escape(json.dumps(section))}: \{{', content, re.M)
        if not head:
            return []
        scope_start = head.end()
        nxt = re.search(r"^  \S", content[scope_start:], re.M)
        scope_end = scope_start + nxt.start() if nxt else len(content)
    for match in re.finditer(rf'^\s*{re.escape(json.dumps(key))}: (".*?"|null)(,?)$', content[scope_start:scope_end], re.M):
        spans.append((scope_start + match.start(), scope_start + match.end()))
    return spans


def _set_value(line: str, value: str) -> str:
    return re.sub(r': (".*?"|null)(,?)$', lambda m: ": " + json.dumps(value, ensure_ascii=False) + m[2], line)


def edits_for_change(plan: ChangePlan, files: dict[str, str], brief: SiteBrief | None) -> tuple[list, dict[str, str]]:
    """(edits, new files) carrying out ``plan``; :class:`InvalidInputError` when the rules cannot."""
    rule = plan.rule
    details = plan.details
    content = files.get("src/content.js", "")
    if rule is None:
        understood = _understood(plan.details.get("request", "")) if plan.details else ""
        said = f"it recognised {understood}, but no rule changes that" if understood else \
            "it did not recognise what to change"
        raise InvalidInputError(
            f"the offline provider cannot make this change ({said}); what works offline: " + SUPPORTED_CHANGES
            + ". Set ANTHROPIC_API_KEY for free-form changes")
    if brief is not None:
        brief = _brief_as_built(brief, files)
    if rule == "theme":
        from ...library.themes import theme_css

        current = files.get("src/theme.css")
        if current is None:
            raise InvalidInputError("the project has no src/theme.css to recolour")
        new_css = theme_css(details["theme"])
        old_root = re.search(r":root \{.*?\n\}", current, re.S)
        new_root = re.search(r":root \{.*?\n\}", new_css, re.S)
        if not old_root or not new_root:
            return [], {"src/theme.css": new_css}
        edits = [("src/theme.css", old_root[0], new_root[0])]
        old_fonts = re.search(r"/\* fonts: .*?/\* end fonts \*/", current, re.S)
        new_fonts = re.search(r"/\* fonts: .*?/\* end fonts \*/", new_css, re.S)
        if new_fonts and (old_fonts is None or old_fonts[0] != new_fonts[0]):
            # a new look brings its own font pair (the faces travel with the theme)
            edits.append(("src/theme.css", old_fonts[0], new_fonts[0]) if old_fonts else
                         ("src/theme.css", old_root[0], new_root[0] + "\n\n" + new_fonts[0]))
            if not old_fonts:
                edits.pop(0)
        old_head = re.match(r"/\* Faibric theme: [^\n]*", current)
        new_head = re.match(r"/\* Faibric theme: [^\n]*", new_css)
        if old_head and new_head and old_head[0] != new_head[0]:
            edits.insert(0, ("src/theme.css", old_head[0], new_head[0]))
        return edits, {}
    if rule == "rename":
        old = None
        match = re.search(r'"brand": "(.*?)"', content)
        if match:
            old = json.loads(f'"{match[1]}"')
        if not old and brief is not None:
            old = brief.business_name
        if not old:
            raise InvalidInputError("cannot find the current business name in src/content.js")
        edits = _replace_everywhere("src/content.js", content, old, details["name"])
        if "index.html" in files and old in files["index.html"]:
            edits += _replace_everywhere("index.html", files["index.html"], old, details["name"])
        return edits, {}
    if rule == "replace":
        edits = []
        for path in plan.files:
            edits += _replace_everywhere(path, files[path], details["old"], details["new"])
        if not edits:
            raise InvalidInputError(f"the text {details['old']!r} is not on the site")
        return edits, {}
    if rule == "field":
        section = details["section"]
        if not _content_line(content, section, details["key"]) and section != "*":
            section = None
        edits, working, done = [], content, 0
        while True:
            spans = _content_line(working, section, details["key"])
            if section is None:
                spans = spans[:1]
            if done >= len(spans):
                break
            start, end = spans[done]
            line = working[start:end]
            block = _unique_block(working, start, end)
            replaced = block.replace(line, _set_value(line, details["value"]), 1)
            edits.append(("src/content.js", block, replaced))
            block_start = working.find(block)
            working = working[:block_start] + replaced + working[block_start + len(block):]
            done += 1
        if not edits:
            raise InvalidInputError(f"the site has no {details['key']} to change")
        return edits, {}
    if rule == "price":
        wanted = details["item"].lower().rstrip("s")
        for match in re.finditer(r'^(\s*)"name": "(.*?)",?$', content, re.M):
            if wanted in match[2].lower():
                price = re.search(r'^\s*"price": (".*?"|[\d.]+)(,?)$', content[match.end():], re.M)
                if price:
                    start = match.start()
                    end = match.end() + price.end()
                    block = _unique_block(content, start, end)
                    old_line = price[0].strip("\n")
                    new_value = json.dumps(details["price"]) if price[1].startswith('"') else details["price"]
                    new_line = re.sub(r': (".*?"|[\d.]+)(,?)$', lambda m, v=new_value: f": {v}{m[2]}", old_line)
                    return [("src/content.js", block, block.replace(old_line, new_line, 1))], {}
        raise InvalidInputError(f"no item called {details['item']!r} with a price on the site")
    if rule == "add":
        return _add_section(details["section"], files, brief)
    if rule == "remove":
        return _remove_section(details["section"], files)
    if rule == "hero":
        return _hero_size(details["size"], files)
    if rule == "translate":
        return _translate(details.get("language"), files, brief)
    raise InvalidInputError(f"unknown change rule {rule!r}")


def _section_key(section: str) -> str:
    return f'content[{json.dumps(section)}]' if "-" in section else f"content.{section}"


_CONTENT = re.compile(r"(const content = )(\{.*\})(;\s*export default content;)", re.S)


def _content_data(content: str) -> dict:
    match = _CONTENT.search(content)
    if not match:
        raise InvalidInputError("src/content.js does not have the shape the offline provider writes; "
                                "this change needs ANTHROPIC_API_KEY")
    return json.loads(match[2])


def _content_edit(content: str, data: dict) -> tuple[str, str, str]:
    """One edit replacing content.js's object with ``data`` (written as the composer writes it)."""
    old = _CONTENT.search(content)[2]
    return ("src/content.js", old, json.dumps(data, indent=2, ensure_ascii=False))


def _brief_as_built(brief: SiteBrief, files: dict[str, str]) -> SiteBrief:
    """The brief in the language the page is in now (a translation changes the page, not the stored brief)."""
    match = re.search(r'<html[^>]*\blang="([a-z]{2})"', files.get("index.html", ""))
    if not match or match[1] == brief.language:
        return brief
    return _in_language(brief, match[1])


def _in_language(brief: SiteBrief, language: str) -> SiteBrief:
    data = brief.to_dict()
    data["language"] = language
    noun = (kind_info(brief.subkind, brief.variant).get("noun") or {}).get(language)
    if noun:
        data["noun"] = noun
    return SiteBrief.from_dict(data)


def _anchors_on_page(files: dict[str, str], app: str) -> set[str]:
    """Every id a link can point at: wrapper ids in App.jsx and the root ids of the components it uses."""
    ids = set(re.findall(r'\bid="([A-Za-z][\w-]*)"', app))
    for name in re.findall(r"import \w+ from '\./components/(\w+)\.jsx'", app):
        ids |= set(re.findall(r'<(?:section|header|footer|div)\b[^>]*\bid="([A-Za-z][\w-]*)"',
                              files.get(f"src/components/{name}.jsx", ""))[:1])
    return ids


def _retarget(value, gone: str, fallback: str):
    """``value`` without navigation links to ``#gone``, and other links to it pointed at ``fallback``."""
    if isinstance(value, list):
        kept = [v for v in value if not (isinstance(v, dict) and v.get("href") == f"#{gone}" and "label" in v
                                         and len(v) <= 3)]
        return [_retarget(v, gone, fallback) for v in kept]
    if isinstance(value, dict):
        return {k: _retarget(v, gone, fallback) for k, v in value.items()}
    if value == f"#{gone}":
        return fallback
    return value


def _add_section(section: str, files: dict[str, str], brief: SiteBrief | None):
    app = files.get("src/App.jsx", "")
    content = files.get("src/content.js", "")
    if _section_key(section) in app:
        raise InvalidInputError(f"the site already has a {section} section")
    if brief is None or "</main>" not in app or not content.rstrip().endswith("export default content;"):
        raise InvalidInputError("this project was not composed offline; adding sections needs ANTHROPIC_API_KEY")
    name, new_files = component_files(section)
    new_files = {p: c for p, c in new_files.items() if p not in files}
    data = _content_data(content)
    brief = SiteBrief.from_dict({**brief.to_dict(), "sections": [*brief.sections, section]})
    data[section] = section_content(section, brief)
    anchor = {"contact-form": "contact", "booking-form": "booking", "product-grid": "shop", "blog-list": "journal",
              "map": "visit"}.get(section, section)
    # the new section gets its navigation link (header and footer), unless it is a band with no heading to visit
    if section in SECTION_LABELS and section not in ("cta", "newsletter", "stats"):
        for part in ("navbar", "footer"):
            lists = [v for v in data.get(part, {}).values()
                     if isinstance(v, list) and v and isinstance(v[0], dict) and "href" in v[0]]
            if lists and all(e.get("href") != f"#{anchor}" for lst in lists for e in lst):
                item = {k: "" for k in lists[-1][0]}
                item.update({"label": _nav_label(section, brief), "href": f"#{anchor}"})
                lists[-1].append(item)
    edits = [_content_edit(content, data)]
    imports = re.findall(r"^import .*;$", app, re.M)
    import_line = f"import {name} from './components/{name}.jsx';"
    if import_line not in app:
        edits.append(("src/App.jsx", imports[-1], imports[-1] + "\n" + import_line))
    main_close = re.search(r"^(\s*)</main>", app, re.M)
    indent = main_close[1] + "  "
    element = f'{indent}<div id="{anchor}"><{name} {{...{_section_key(section)}}} /></div>'
    edits.append(("src/App.jsx", main_close[0], element + "\n" + main_close[0]))
    return edits, new_files


def _remove_section(section: str, files: dict[str, str]):
    app = files.get("src/App.jsx", "")
    key = _section_key(section)
    line = next((m for m in re.finditer(r"^.*$", app, re.M) if "{..." + key + "}" in m[0]), None)
    if line is None:
        raise InvalidInputError(f"the site has no {section} section to remove")
    block = _unique_block(app, line.start(), line.end())
    new_app = app.replace(block, "\n".join(x for x in block.split("\n") if x != line[0]), 1)
    edits = [("src/App.jsx", block, "\n".join(x for x in block.split("\n") if x != line[0]))]
    # where links to the section pointed: its wrapper's id, or the root id of its component
    wrapper = re.search(r'<div id="([\w-]+)">', line[0])
    component = re.search(r"<(\w+) \{\.\.\.", line[0])
    gone = wrapper[1] if wrapper else None
    if gone is None and component:
        root = re.search(r'<(?:section|header|footer|div)\b[^>]*\bid="([A-Za-z][\w-]*)"',
                         files.get(f"src/components/{component[1]}.jsx", ""))
        gone = root[1] if root else None
    content = files.get("src/content.js", "")
    if gone and _CONTENT.search(content):
        present = _anchors_on_page(files, new_app)
        fallback = next((f"#{a}" for a in ("contact", "booking", "visit", "shop", "menu") if a in present and a != gone),
                        "#top")
        data = _content_data(content)
        data.pop(section, None)
        edits.append(_content_edit(content, _retarget(data, gone, fallback)))
    return edits, {}


_HERO_SIZES = {
    "large": "min-height: 88vh; padding-block: clamp(4rem, 12vw, 9rem);",
    "small": "min-height: 0; padding-block: clamp(2rem, 5vw, 3.5rem);",
}


def _hero_size(size: str, files: dict[str, str]):
    """A rule in theme.css giving the hero (own or library component) more or less room."""
    current = files.get("src/theme.css")
    if current is None:
        raise InvalidInputError("the project has no src/theme.css to change")
    rule = (f"/* hero size: {size} */\n"
            f"#main > :first-child section, #main > section:first-child {{ {_HERO_SIZES[size]} }}\n"
            f"#main > :first-child h1, #main > section:first-child h1 {{ font-size: "
            f"{'clamp(2.6rem, 7vw, 4.8rem)' if size == 'large' else 'clamp(1.8rem, 4vw, 2.6rem)'}; }}")
    old = re.search(r"/\* hero size: \w+ \*/\n[^\n]*\n[^\n]*", current)
    if old:
        return [("src/theme.css", old[0], rule)], {}
    root = re.search(r":root \{.*?\n\}", current, re.S)
    if not root:
        raise InvalidInputError("src/theme.css has no :root block to place the hero rule after")
    return [("src/theme.css", root[0], root[0] + "\n\n" + rule)], {}


def _translate(language: str | None, files: dict[str, str], brief: SiteBrief | None):
    """Every string from the decks in ``language``: the page recomposed with the same sections and name."""
    from ...generation.scaffold import index_html
    from ...generation.understanding import LANGUAGES
    from .compose import compose_site

    if language not in LANGUAGES:
        raise InvalidInputError("the offline provider translates into English, Spanish, Portuguese, French and "
                                "German; say which one (\"translate the site to Portuguese\")")
    if brief is None:
        raise InvalidInputError("this project has no brief; translating it needs ANTHROPIC_API_KEY")
    content = files.get("src/content.js", "")
    data = _content_data(content)
    sections = [s for s in data if s in SECTION_KINDS]
    action = next((v.get("action") for v in data.values() if isinstance(v, dict) and v.get("action")), "")
    target = SiteBrief.from_dict({**_in_language(brief, language).to_dict(), "sections": sections})
    site = compose_site(target, None, form_action=action or "")
    edits = [("src/App.jsx", files["src/App.jsx"], site.files["src/App.jsx"]),
             _content_edit(content, _content_data(site.files["src/content.js"]))]
    if "index.html" in files:
        description = f"{target.business_name}: {target.noun}{' · ' + target.location if target.location else ''}."
        edits.append(("index.html", files["index.html"], index_html(target.business_name, description, language)))
    new_files = {p: c for p, c in site.files.items() if p.startswith("src/components/") and p not in files}
    return edits, new_files


def known_sections() -> list[str]:
    return list(SECTION_KINDS)
