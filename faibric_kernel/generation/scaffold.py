"""The fixed frame of every generated site: package.json, index.html, vite.config.js, src/main.jsx.

The model never spends tokens on these; they are added when missing, and
their content is the same for every site except the title and description.
"""

from __future__ import annotations

import html
import json
import re

__all__ = ["ALLOWED_PACKAGES", "DEV_PACKAGES", "ENTRY", "scaffold_files", "slugify"]

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


def index_html(title: str, description: str = "", lang: str = "en") -> str:
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
  </body>
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


def scaffold_files(title: str, description: str = "", lang: str = "en") -> dict[str, str]:
    """The frame files for a site called ``title``."""
    return {
        "package.json": package_json(title),
        "index.html": index_html(title, description, lang),
        "vite.config.js": VITE_CONFIG,
        ENTRY: MAIN_JSX,
    }
