"""The prompts: one long constant system part (cached) and short task messages.

The system part is the role, the output formats and every file of
``constraints/`` verbatim. It is identical for every generation,
modification and fix with the same model, so the provider marks it for
prompt caching and later calls read it from the cache at a tenth of the
price. Everything that changes per task goes in the user message.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .. import config
from ..errors import ConfigError
from .brief import SECTION_KINDS, SiteBrief
from .scaffold import APP_CSS_CLASSES

__all__ = [
    "CONSTRAINT_FILES",
    "classify_change_messages",
    "classify_messages",
    "constraints_dir",
    "constraints_text",
    "continue_messages",
    "components_messages",
    "compose_messages",
    "fix_messages",
    "generate_messages",
    "modify_messages",
    "repair_messages",
    "rewrite_messages",
    "system_prompt",
]

CONSTRAINT_FILES = ("react.md", "styling.md", "security.md", "apis.md", "database.md")

ROLE = """You are Faibric's site engineer. You write complete, production-quality Vite + React websites
for small businesses from a short brief, and you change existing sites precisely when asked.
Your sites are accessible, fast, responsive down to 375 px, secure, and their copy is specific
to the business: real sentences a customer would read, never lorem ipsum or placeholders.
"""

OUTPUT_FORMAT = """# How to answer

## New or whole files

Write each file in one tag, with its path relative to the project root, and nothing else
around the code (no Markdown fences inside the tag):

<file path="src/App.jsx">
import React from 'react';
...
</file>

Write every file completely; never abbreviate with "..." or "rest unchanged". Only write the
files you are asked for. A short sentence before the first tag is allowed; nothing after the last.

## Changes to existing files

Change existing files with search/replace blocks inside an edit tag:

<edit path="src/content.js">
<<<<<<< SEARCH
    "title": "Fresh from the oven",
=======
    "title": "Baked fresh every morning",
>>>>>>> REPLACE
</edit>

- SEARCH must copy the current file exactly, character for character, including indentation,
  and must match exactly one place: include a few surrounding lines when a line repeats.
- Keep each block small: only the lines that change plus enough context to be unique.
- Several blocks may follow each other inside one edit tag; they apply in order.
- To create a new file during a change, use a <file> tag as above.
- Touch only the files the change needs. Do not reformat or rewrite unrelated code.
"""


def constraints_dir() -> Path:
    """Where the constraint files are: ``FAIBRIC_CONSTRAINTS_DIR`` or the repository's ``constraints/``."""
    override = config.get("FAIBRIC_CONSTRAINTS_DIR")
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parents[2] / "constraints"


@lru_cache(maxsize=8)
def _read_constraints(directory: str, stamp: tuple) -> str:
    parts = []
    for name in CONSTRAINT_FILES:
        parts.append(f"<constraints file=\"{name}\">\n{(Path(directory) / name).read_text(encoding='utf-8').strip()}\n"
                     "</constraints>")
    return "\n\n".join(parts)


def constraints_text() -> str:
    """Every constraint file, in a fixed order (the cached part of the prompt)."""
    directory = constraints_dir()
    missing = [n for n in CONSTRAINT_FILES if not (directory / n).is_file()]
    if missing:
        raise ConfigError(
            f"the constraint files {', '.join(missing)} are missing from {directory}; "
            "set FAIBRIC_CONSTRAINTS_DIR to the folder holding react.md, styling.md, security.md, apis.md, database.md"
        )
    stamp = tuple((directory / n).stat().st_mtime_ns for n in CONSTRAINT_FILES)
    return _read_constraints(str(directory), stamp)


def system_prompt() -> str:
    """The constant system part: role, output formats, constraints."""
    return f"{ROLE}\n{OUTPUT_FORMAT}\n# Rules every file must follow\n\n{constraints_text()}\n"


# -- classification (cheap model) ---------------------------------------------------------------------
CLASSIFY_SYSTEM = f"""You classify website requests for a site builder. Answer with one JSON object and nothing else:
{{"kind": one of {json.dumps(sorted(['bakery', 'restaurant', 'cafe', 'portfolio', 'photography', 'saas', 'shop', 'blog',
'event', 'agency', 'fitness', 'salon', 'clinic', 'hotel', 'nonprofit', 'education', 'services', 'music', 'landing']))},
 "business_name": the name if the request gives one, else null,
 "location": the city or area if given, else null,
 "noun": what the business is in two or three words (e.g. "yoga studio"),
 "sections": the page sections the request asks for, from {json.dumps(SECTION_KINDS)},
 "tone": one of ["warm", "elegant", "playful", "professional", "bold", "minimal", "calm"]}}"""


def classify_messages(prompt: str) -> tuple[str, list[dict]]:
    return CLASSIFY_SYSTEM, [{"role": "user", "content": f"Request:\n{prompt}"}]


CLASSIFY_CHANGE_SYSTEM = """You route change requests for an existing website project. Answer with one JSON object and
nothing else: {"kind": "change" if the request modifies the existing site or "new_project" if it asks for a
different site altogether, "files": the paths (from the list given) that must change, at most 6, "summary": the change
in one short sentence}. Text, prices, contact details and section copy live in src/content.js; colours and fonts in
src/theme.css; which sections appear, and in what order, in src/App.jsx; each section's layout in its component."""


def classify_change_messages(request: str, files: dict[str, str]) -> tuple[str, list[dict]]:
    listing = "\n".join(f"- {p} ({len(c.splitlines())} lines)" for p, c in sorted(files.items()))
    return CLASSIFY_CHANGE_SYSTEM, [{"role": "user", "content": f"Files:\n{listing}\n\nRequest:\n{request}"}]


# -- generation ---------------------------------------------------------------------------------------
def _component_api(entry: dict) -> str:
    props = entry.get("props") or {}
    lines = [f"- {entry['component']} (section: {entry['section']}), import from "
             f"'./components/{entry['component']}.jsx'. {entry.get('description') or ''}".rstrip()]
    for name, info in props.items():
        if isinstance(info, dict):
            default = info.get("default")
            example = json.dumps(default, ensure_ascii=False)[:220] if default not in (None, "") else ""
            lines.append(f"    {name}: {info.get('type', 'any')}"
                         + (f" - {info['description']}" if info.get("description") else "")
                         + (f" e.g. {example}" if example else ""))
        else:
            lines.append(f"    {name}")
    return "\n".join(lines)


def _brief_block(brief: SiteBrief) -> str:
    theme = brief.theme if isinstance(brief.theme, str) else json.dumps(brief.theme)
    data = {k: v for k, v in brief.to_dict().items() if k not in ("prompt", "seed")}
    return f"""Request from the customer:
{brief.prompt}

Brief (worked out from the request):
{json.dumps(data, ensure_ascii=False, indent=1)}

Sections, in page order: {', '.join(brief.sections)}
Theme: {theme} (already written to src/theme.css)"""


def _new_component_api(spec: dict) -> str:
    example = json.dumps(spec["props"], ensure_ascii=False)
    if len(example) > 700:
        example = example[:700] + " ..."
    return (f"- {spec['component']} (section: {spec['section']}), import from './components/{spec['component']}.jsx'; "
            f"props (shape only: write new copy): {example}")


def components_messages(brief: SiteBrief, specs: list[dict]) -> list[dict]:
    """The strong model's task: the new components the library could not supply (code, not copy)."""
    wanted = "\n".join(
        f"- src/components/{s['component']}.jsx and src/components/{s['component']}.css for the {s['section']} "
        f"section; props (shape only: write new copy): {json.dumps(s['props'], ensure_ascii=False)[:900]}"
        for s in specs)
    text = f"""Write new section components for this website.

{_brief_block(brief)}

src/App.css defines the shared layout classes {APP_CSS_CLASSES}.

Write exactly these files. Each component renders every prop it is given, takes all its text through props (no
hard-coded copy), has sensible empty defaults, and imports its own stylesheet:
{wanted}
"""
    return [{"role": "user", "content": text}]


def generate_messages(brief: SiteBrief, reuse: list[dict], new_specs: list[dict], provided: list[str]) -> list[dict]:
    """One request for the whole site (new components, copy and page): the single-call mode."""
    reused = "\n".join(_component_api(r) for r in reuse) or "(none)"
    wanted = "\n".join(
        f"- src/components/{s['component']}.jsx and .css for the {s['section']} section; props (shape only: write new copy): "
        f"{json.dumps(s['props'], ensure_ascii=False)[:900]}" for s in new_specs) or "(none)"
    text = f"""Build this website.

{_brief_block(brief)}

These files already exist; do not write them:
{chr(10).join('- ' + p for p in provided)}
src/App.css defines the shared layout classes {APP_CSS_CLASSES}; App.jsx imports it.

Library components in the project (their defaults are sample copy: pass props that replace every visible text with
copy for this business):
{reused}

Write:
- these components, each taking all its text through props and importing its own stylesheet:
{wanted}
- src/content.js: a default-exported object with one key per section holding all of that section's props,
- src/App.jsx: imports the components and renders every section in page order with its props from content.js,
  after a skip link, inside <main id="main">, wrapping sections in the anchors the navigation links to.
"""
    return [{"role": "user", "content": text}]


def compose_messages(brief: SiteBrief, reuse: list[dict], new_specs: list[dict], provided: list[str]) -> list[dict]:
    """The cheap model's task: the copy and the page, from components that already exist."""
    reused = "\n".join(_component_api(r) for r in reuse) or "(none)"
    new = "\n".join(_new_component_api(s) for s in new_specs) or "(none)"
    text = f"""Compose this website from existing components.

{_brief_block(brief)}

These files already exist; do not write them:
{chr(10).join('- ' + p for p in provided)}
src/App.css defines the shared layout classes {APP_CSS_CLASSES}; App.jsx imports it.

Library components in the project (their defaults are sample copy: pass props that replace every visible text with
copy for this business):
{reused}

Components written for this site:
{new}

Write only:
- src/content.js: a default-exported object with one key per section holding all of that section's props,
- src/App.jsx: imports the components and renders every section in page order with its props from content.js,
  after a skip link, inside <main id="main">, wrapping sections in the anchors the navigation links to.
"""
    return [{"role": "user", "content": text}]


def continue_messages(original: list[dict], partial: str) -> list[dict]:
    """Ask the model to go on from where a ``max_tokens`` stop cut it off."""
    tail = partial[-400:]
    return [*original, {"role": "assistant", "content": partial},
            {"role": "user", "content": "Your answer was cut off by the length limit. Continue exactly where it stopped, "
             "with no preamble and without repeating what you already wrote. It ended with:\n" + tail}]


def repair_messages(original: list[dict], answer: str) -> list[dict]:
    """One request to re-answer in the file format after output that could not be parsed."""
    excerpt = answer[:1500]
    return [*original, {"role": "assistant", "content": excerpt or "(empty answer)"},
            {"role": "user", "content": "That answer contained no files in the required format. Answer again with "
             "every file inside <file path=\"...\"> ... </file> tags, complete, with nothing else."}]


def fix_messages(issues: list, files: dict[str, str]) -> list[dict]:
    """The one AI fix request: the problems found and the files they are in."""
    listing = "\n".join(f"- {i.describe()}" for i in issues[:40])
    involved = sorted({i.file for i in issues if i.file in files})
    bodies = "\n\n".join(f"<file path=\"{p}\">\n{files[p]}</file>" for p in involved)
    others = ", ".join(sorted(p for p in files if p not in involved))
    return [{"role": "user", "content": f"""Validation found these problems in the generated site:
{listing}

The files concerned:
{bodies}

Other files in the project (unchanged): {others}

Answer with corrected, complete versions of only the files that need changes, each in a <file> tag.
If a missing file is imported, write it."""}]


def modify_messages(request: str, files: dict[str, str], selected: list[str], failures: list | None = None) -> list[dict]:
    """Ask for search/replace edits on the selected files (with the failures of a previous try)."""
    bodies = "\n\n".join(f"<current path=\"{p}\">\n{files[p]}</current>" for p in selected if p in files)
    others = ", ".join(sorted(p for p in files if p not in selected))
    retry = ""
    if failures:
        retry = "\n\nYour previous edits could not be applied, so nothing was changed:\n" + "\n".join(
            f"- {f.describe()}" for f in failures) + "\nCopy the SEARCH text exactly from the files above."
    return [{"role": "user", "content": f"""Change the website as requested.

Request: {request}

Current files:
{bodies}

Other files in the project: {others}

Answer with <edit> blocks (and <file> tags only for new files).{retry}"""}]


def rewrite_messages(request: str, files: dict[str, str], selected: list[str]) -> list[dict]:
    """The fallback after failed edits: complete new versions of only the touched files."""
    bodies = "\n\n".join(f"<current path=\"{p}\">\n{files[p]}</current>" for p in selected if p in files)
    return [{"role": "user", "content": f"""Change the website as requested, by rewriting whole files.

Request: {request}

Current files:
{bodies}

Answer with the complete new version of each file that must change, in <file> tags. Write only these files:
{', '.join(selected)}."""}]
