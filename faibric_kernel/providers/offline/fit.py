"""Does a built site fit its prompt? The judge of the prompt set (tests and the generation benchmark).

A case names the kind, the name (or none), the language, words that must
appear and words that must not. The site is judged on its visible text: every
string in ``src/content.js`` but links, icons and shapes, the skip link and
the page title, plus the ``lang`` attribute of ``index.html``. Words that
belong to some kinds only (a tradesman's "free quote", a restaurant's "Book a
table", a SaaS's "per user") are banned from every other kind's site.
"""

from __future__ import annotations

import json
import re

__all__ = ["GLOBAL_BANNED", "KIND_VOCABULARY", "judge_site", "visible_text"]

# never on any site: other sites' invented names, placeholders, the old illustration labels
GLOBAL_BANNED = ["Northstar", "Tasklane", "Futures Forum", "Est. 2015", "STEP 1", "lorem", "ipsum", "Leeds Dental"]

# words that belong to the listed kinds only
KIND_VOCABULARY: dict[str, set[str]] = {
    "free quote": {"plumber", "electrician", "builder", "cleaning", "garage"},
    "leave your home tidy": {"plumber", "electrician", "builder", "cleaning"},
    "jobs completed": {"plumber", "electrician", "builder", "cleaning"},
    "call-out": {"plumber", "electrician", "builder", "cleaning"},
    "Book a table": {"restaurant", "bar"},
    "burrata": {"restaurant"},
    "fresh pasta": {"restaurant"},
    "per user": {"saas"},
    "SSO": {"saas"},
    "audit logs": {"saas"},
    "keynote": {"conference", "meetup"},
    "stoneware": {"shop"},
    "food bank": {"nonprofit"},
    "sourdough": {"bakery", "cafe"},
    "croissant": {"bakery", "cafe"},
    "RSVP": {"wedding", "meetup"},
}

# the English frame's words, which a site in another language must not show
ENGLISH_UI = ["Send message", "All rights reserved", "Opening hours", "Get in touch", "Welcome to", "Learn more",
              "Skip to content", "Request booking", "Book now", "Most popular"]

_HIDDEN_KEYS = {"href", "icon", "shape", "action", "tone", "category", "featured", "periodic", "rating"}


def _strings(value, key: str = "") -> list[str]:
    if isinstance(value, str):
        return [] if key in _HIDDEN_KEYS or key.endswith("Href") else [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, key)]
    return []


def visible_text(files: dict[str, str]) -> str:
    """The words a visitor reads on the page, as one text (content, skip link, title)."""
    parts = []
    content = files.get("src/content.js", "")
    match = re.search(r"const content = (\{.*\});\s*export default", content, re.S)
    if match:
        parts += _strings(json.loads(match[1]))
    app = files.get("src/App.jsx", "")
    parts += re.findall(r'className="skip-link"[^>]*>([^<]+)<', app)
    # words fixed in the components' markup ("Monthly", "Opening hours"), which no prop changes
    for name in re.findall(r"import \w+ from '\./components/(\w+)\.jsx'", app):
        source = files.get(f"src/components/{name}.jsx", "")
        parts += [t.strip() for t in re.findall(r">([^<>{}]*[A-Za-zÀ-ÿ][^<>{}]*)<", source)
                  if not re.search(r"[=;()]|=>|&&", t)]
    parts += re.findall(r"<title>([^<]*)</title>", files.get("index.html", ""))
    return "\n".join(parts)


def page_language(files: dict[str, str]) -> str | None:
    match = re.search(r'<html[^>]*\blang="([^"]+)"', files.get("index.html", ""))
    return match[1] if match else None


def _has(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I) is not None


def judge_site(case: dict, brief: dict, files: dict[str, str], *, rendered_text: str | None = None,
               rendered_lang: str | None = None) -> dict[str, list[str]]:
    """What is wrong, by criterion (kind, name, language, must, must_not); empty lists when the site fits.

    ``rendered_text`` and ``rendered_lang`` (a browser's ``innerText`` and ``documentElement.lang``) replace
    what is read from the files.
    """
    text = visible_text(files) if rendered_text is None else rendered_text
    page_lang = page_language(files) if rendered_lang is None else rendered_lang
    problems: dict[str, list[str]] = {"kind": [], "name": [], "language": [], "must": [], "must_not": []}
    if brief.get("subkind") != case["kind"]:
        problems["kind"].append(f"kind {brief.get('subkind')!r}, expected {case['kind']!r}")
    if case["name"] is None:
        if brief.get("name_given"):
            problems["name"].append(f"invented a given name {brief.get('business_name')!r} from a prompt with none")
    elif brief.get("business_name") != case["name"]:
        problems["name"].append(f"name {brief.get('business_name')!r}, expected {case['name']!r}")
    elif case["name"] not in text:
        problems["name"].append(f"the name {case['name']!r} is not on the page")
    if brief.get("language") != case["lang"] or page_lang != case["lang"]:
        problems["language"].append(f"language {brief.get('language')!r} (page lang {page_lang!r}), "
                                    f"expected {case['lang']!r}")
    for word in case.get("must", []):
        if word.lower() not in text.lower():
            problems["must"].append(f"{word!r} is missing")
    banned = list(case.get("must_not", [])) + GLOBAL_BANNED + [
        w for w, kinds in KIND_VOCABULARY.items() if case["kind"] not in kinds]
    if case["lang"] != "en":
        banned += ENGLISH_UI
    for word in banned:
        if _has(text, word):
            problems["must_not"].append(f"{word!r} is on the page")
    return problems
