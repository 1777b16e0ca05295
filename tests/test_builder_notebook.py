"""notebooks/builder.ipynb only shows the studio, and runs offline on a fresh workspace (nbval)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "builder.ipynb"


def test_the_builder_notebook_only_shows_the_studio():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert len(code) == 1
    assert "from faibric_kernel.ui import Studio" in code[0] and ".show()" in code[0]
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")


def test_ipywidgets_is_imported_only_inside_the_ui_package():
    package = REPO / "faibric_kernel"
    offenders = [
        str(path.relative_to(REPO))
        for path in package.rglob("*.py")
        if "ui" not in path.relative_to(package).parts[:1]
        and any(line.lstrip().startswith(("import ipywidgets", "from ipywidgets"))
                for line in path.read_text(encoding="utf-8").splitlines())
    ]
    assert offenders == []


@pytest.mark.slow
def test_nbval_runs_the_builder_notebook_offline_on_a_fresh_workspace(tmp_path):
    home = tmp_path / "fresh-home"
    env = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "GITHUB_TOKEN", "RENDER_API_KEY")}
    env["FAIBRIC_HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", str(NOTEBOOK)],
        cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout or "2 passed" in result.stdout
