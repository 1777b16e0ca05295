"""The analyst notebooks run top to bottom under nbval on a fresh workspace (they seed a small demo first)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["explore_cohorts", "explore_costs"]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_under_nbval_on_a_fresh_workspace(name, tmp_path):
    home = tmp_path / "fresh-home"
    env = {**os.environ, "FAIBRIC_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", str(NOTEBOOKS / f"{name}.ipynb"), "-q",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert (home / "faibric.duckdb").exists()  # it worked on its own workspace, not the user's


@pytest.mark.parametrize("name", NAMES)
def test_notebook_reads_through_short_connections(name):
    cells = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "with read_connection() as con:" in code
    assert "write_connection" not in code and "duckdb.connect" not in code


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name):
    cells = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")
