"""The dashboards' landing page: a card per dashboard with its one-line purpose, instead of Voila's file list.

Voila answers its root address with a directory listing (``tree-lab.html``
of the template). :func:`write_landing_template` writes a ``faibric``
template folder holding only that page, generated from the registry of views
(:data:`.catalog.VIEWS`: title, description, who may open it), under a Jupyter
data folder; with that folder on Voila's ``JUPYTER_PATH`` (after the
server's own template folder, which does not have the page) the root shows the
cards. :func:`landing_jupyter_path` makes the folder in the workspace and
returns the ``JUPYTER_PATH`` value that adds it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import config
from .safety import esc

__all__ = ["LANDING_PAGES", "landing_html", "landing_jupyter_path", "write_landing_template"]

# the tree page names Voila renders: the lab one by default, the classic one with --classic-tree
LANDING_PAGES = ("tree-lab.html", "tree.html")
TEMPLATE_NAME = "faibric"  # the server's template name (server.TEMPLATE_NAME)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Faibric dashboards</title>
<style>
body {{ font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 0; background: #f6f7fb;
  color: #1d2433; }}
main {{ max-width: 1100px; margin: 0 auto; padding: 32px 24px; }}
h1 {{ margin: 0 0 4px 0; font-size: 26px; }}
.lead {{ margin: 0 0 24px 0; color: #566; }}
.cards {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; }}
a.card {{ display: block; padding: 18px 20px; background: #fff; border: 1px solid #dfe3ec; border-radius: 10px;
  text-decoration: none; color: inherit; transition: box-shadow .15s, border-color .15s; }}
a.card:hover, a.card:focus {{ border-color: #1f4e8c; box-shadow: 0 2px 10px rgba(31, 78, 140, .15); }}
.card h2 {{ margin: 0 0 6px 0; font-size: 18px; color: #1f4e8c; }}
.card p {{ margin: 0; font-size: 14px; line-height: 1.45; color: #445; }}
.tag {{ display: inline-block; margin-top: 10px; padding: 2px 8px; border-radius: 10px; background: #fff4e5;
  font-size: 12px; color: #7a4b00; }}
</style>
</head>
<body>
<main>
<h1>Faibric dashboards</h1>
<p class="lead">Pick a dashboard. Every page has a date range and a tenant filter, and each table downloads as CSV.</p>
<nav class="cards" aria-label="dashboards">
{cards}
</nav>
</main>
</body>
</html>
"""


def landing_html(base_url: str = "{{ base_url }}") -> str:
    """The landing page: one card per dashboard, linking to it, with its purpose.

    ``base_url`` defaults to the Jinja expression Voila fills in when it
    renders the page (so the links work under any base URL).
    """
    from .catalog import VIEWS

    cards = []
    for view in VIEWS.values():
        tag = '<span class="tag">analyst token needed</span>' if view.analyst_only else ""
        cards.append(
            f'<a class="card" data-dashboard="{esc(view.name)}" href="{base_url}voila/render/{esc(view.name)}.ipynb">'
            f"<h2>{esc(view.title)}</h2><p>{esc(view.description)}</p>{tag}</a>"
        )
    return _PAGE.format(cards="\n".join(cards))


def write_landing_template(root: Path) -> Path:
    """Write the landing page as the ``faibric`` template's tree pages under ``root`` (a Jupyter data folder)."""
    folder = root / "voila" / "templates" / TEMPLATE_NAME
    folder.mkdir(parents=True, exist_ok=True)
    page = landing_html()
    for name in LANDING_PAGES:
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != page:
            path.write_text(page, encoding="utf-8")
    return root


def landing_jupyter_path(current: str | None = None) -> str:
    """``JUPYTER_PATH`` with the workspace's landing template folder added (written first if needed)."""
    root = write_landing_template(config.workspace_path("run") / "landing")
    current = os.environ.get("JUPYTER_PATH", "") if current is None else current
    parts = [p for p in current.split(os.pathsep) if p and p != str(root)]
    return os.pathsep.join([*parts, str(root)])
