"""The fixed frame of every generated site: package.json, index.html, vite.config.js, src/main.jsx, src/App.css.

The model never spends tokens on these; they are added when missing, and
their content is the same for every site except the title and description.
"""

from __future__ import annotations

import html
import json
import re

__all__ = ["ALLOWED_PACKAGES", "APP_CSS", "APP_CSS_CLASSES", "DEV_PACKAGES", "ENTRY", "scaffold_files", "slugify"]

ENTRY = "src/main.jsx"
# Runtime packages generated code may import: the preview bundler has exactly these installed.
ALLOWED_PACKAGES = {"react": "^19.0.0", "react-dom": "^19.0.0"}
DEV_PACKAGES = {"vite": "^7.0.0", "@vitejs/plugin-react": "^5.0.0"}


def slugify(text: str, fallback: str = "site") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:48].strip("-")
    return slug or fallback


def package_json(name: str) -> str:
    data = {
        "name": slugify(name),
        "private": True,
        "version": "1.0.0",
        "type": "module",
        "scripts": {"dev": "vite", "build": "vite build", "preview": "vite preview"},
        "dependencies": dict(ALLOWED_PACKAGES),
        "devDependencies": dict(DEV_PACKAGES),
    }
    return json.dumps(data, indent=2) + "\n"


def index_html(title: str, description: str = "", lang: str = "en", body_end: str = "") -> str:
    """The page shell; ``body_end`` (trusted markup, e.g. the visitor beacon) goes just before ``</body>``."""
    title = html.escape(title or "My site")
    description = html.escape(description or title)
    return f"""<!doctype html>
<html lang="{html.escape(lang)}">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <meta name="description" content="{description}" />
    <link rel="icon" href="data:," />
    <title>{title}</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.jsx"></script>
{"    " + body_end + chr(10) if body_end else ""}  </body>
</html>
"""


VITE_CONFIG = """import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
});
"""

MAIN_JSX = """import React from 'react';
import { createRoot } from 'react-dom/client';
import './theme.css';
import App from './App.jsx';

createRoot(document.getElementById('root')).render(
  <React.StrictMode>
    <App />
  </React.StrictMode>,
);
"""


APP_CSS = """/* Layout primitives shared by every section (colours come from theme.css). */
.skip-link {
  position: absolute;
  left: 1rem;
  top: -3rem;
  z-index: 100;
  padding: 0.6rem 1rem;
  border-radius: var(--radius);
  background: var(--color-primary);
  color: var(--color-primary-contrast);
  font-weight: 600;
  text-decoration: none;
}
.skip-link:focus { top: 1rem; }
main { display: block; }
.section { padding: clamp(3rem, 8vw, 6rem) 1.25rem; }
.section--alt { background: var(--color-surface-alt); }
.section__inner { max-width: var(--maxw); margin: 0 auto; }
.section__header { max-width: 42rem; margin: 0 auto 2.5rem; text-align: center; }
.section__eyebrow {
  margin: 0 0 0.5rem;
  color: var(--color-primary);
  font-size: 0.8rem;
  font-weight: 700;
  letter-spacing: 0.12em;
  text-transform: uppercase;
}
.section__title { font-size: clamp(1.75rem, 4vw, 2.6rem); letter-spacing: -0.02em; }
.section__subtitle { margin: 0.9rem 0 0; color: var(--color-muted); font-size: 1.075rem; }
.button {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  min-height: 2.75rem;
  padding: 0.7rem 1.35rem;
  border: 2px solid var(--color-primary);
  border-radius: var(--radius);
  background: var(--color-primary);
  color: var(--color-primary-contrast);
  font: inherit;
  font-weight: 600;
  text-decoration: none;
  cursor: pointer;
  transition: transform 0.15s ease, box-shadow 0.15s ease;
}
.button:hover { transform: translateY(-1px); box-shadow: var(--shadow); }
.button--ghost { background: transparent; color: var(--color-primary); }
.field { display: flex; flex-direction: column; gap: 0.35rem; }
.field label { font-weight: 600; font-size: 0.95rem; }
.field input, .field select, .field textarea {
  width: 100%;
  min-height: 2.75rem;
  padding: 0.65rem 0.8rem;
  border: 1px solid var(--color-border);
  border-radius: var(--radius);
  background: var(--color-surface);
  color: var(--color-text);
  font: inherit;
}
.field [aria-invalid='true'] { border-color: var(--color-danger); }
.field__error { margin: 0; color: var(--color-danger); font-size: 0.9rem; }
.form-status { margin: 1rem 0 0; padding: 0.9rem 1rem; border-radius: var(--radius); background: var(--color-surface-alt); }
.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
}
[id] { scroll-margin-top: 5rem; }
"""

APP_CSS_CLASSES = (".skip-link, .section, .section--alt, .section__inner, .section__header, .section__eyebrow, "
                   ".section__title, .section__subtitle, .button, .button--ghost, .field (label + input), "
                   ".field__error, .form-status, .visually-hidden")


def scaffold_files(title: str, description: str = "", lang: str = "en", body_end: str = "") -> dict[str, str]:
    """The frame files for a site called ``title`` (``src/App.css`` holds the shared layout primitives)."""
    return {
        "package.json": package_json(title),
        "index.html": index_html(title, description, lang, body_end),
        "vite.config.js": VITE_CONFIG,
        ENTRY: MAIN_JSX,
        "src/App.css": APP_CSS,
    }
