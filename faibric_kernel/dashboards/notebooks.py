"""The dashboard notebooks: generated from one definition, found in a checkout or written for an install.

Each dashboard notebook is one thin code cell that imports the package and
calls :func:`faibric_kernel.ui.dashboards.show`. The notebooks in the repo's
``dashboards/`` folder are exactly what :func:`notebook_json` produces (a test
checks it), so an installed package needs no copy of them:
:func:`dashboards_dir` serves the checkout's folder when there is one, and
otherwise writes the notebooks into ``$FAIBRIC_HOME/dashboards``.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import config

__all__ = ["DASHBOARD_NAMES", "TITLES", "dashboards_dir", "notebook_json", "repo_dashboards_dir", "write_notebooks"]

DASHBOARD_NAMES = ("overview", "users", "user_detail", "funnel", "cohorts", "health", "costs", "sites")
TITLES = {
    "overview": "Overview",
    "users": "Users",
    "user_detail": "User detail",
    "funnel": "Funnel",
    "cohorts": "Cohorts",
    "health": "Customer health",
    "costs": "Costs",
    "sites": "Sites",
}


def notebook_json(name: str) -> str:
    """The text of ``dashboards/<name>.ipynb``."""
    if name not in DASHBOARD_NAMES:
        raise ValueError(f"no dashboard named {name!r}")
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"faibric-{name.replace('_', '-')}",
                "metadata": {},
                "outputs": [],
                "source": [
                    "from faibric_kernel.ui.dashboards import show\n",
                    "\n",
                    f'dashboard = show("{name}")',
                ],
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "title": f"Faibric - {TITLES[name]}",
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def repo_dashboards_dir() -> Path | None:
    """``dashboards/`` of the source checkout this package runs from, if it has every notebook."""
    candidate = Path(__file__).resolve().parents[2] / "dashboards"
    if all((candidate / f"{name}.ipynb").is_file() for name in DASHBOARD_NAMES):
        return candidate
    return None


def write_notebooks(folder: Path) -> Path:
    """Write every dashboard notebook into ``folder`` (only files whose text differs are rewritten)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in DASHBOARD_NAMES:
        path = folder / f"{name}.ipynb"
        text = notebook_json(name)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return folder


def dashboards_dir() -> Path:
    """The folder Voila serves: the checkout's ``dashboards/``, else a generated copy in the workspace."""
    return repo_dashboards_dir() or write_notebooks(config.workspace_path("dashboards"))
