"""Long-running processes a user starts and stops: the studio, the dashboards, the sites server."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from faibric_kernel.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_the_studio_works_on_a_copy_of_the_builder_notebook_in_the_workspace(workspace):
    from faibric_kernel.cli.studio import builder_notebook_json, studio_notebook

    notebook = studio_notebook()
    assert notebook == workspace / "studio" / "builder.ipynb"
    assert notebook.read_text(encoding="utf-8") == builder_notebook_json()
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("Shift+Enter", "Shift+Enter!"), encoding="utf-8")
    assert "Shift+Enter!" in studio_notebook().read_text(encoding="utf-8")  # the operator's copy is kept
    assert (REPO / "notebooks" / "builder.ipynb").read_text(encoding="utf-8") == builder_notebook_json()


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])


def test_studio_status_and_stop_from_another_shell(workspace):
    from faibric_kernel.services import read_service, register_service

    process = _sleeper()
    try:
        register_service("studio", process.pid, 1, managed=False)
        status = CliRunner().invoke(main, ["studio", "status"])
        assert status.output.startswith("studio: running - pid") and str(process.pid) in status.output
        stopped = CliRunner().invoke(main, ["studio", "stop"])
        assert stopped.exit_code == 0 and f"stopped studio (pid {process.pid})" in stopped.output
        assert process.wait(10) is not None and read_service("studio") is None
        assert "studio: stopped" in CliRunner().invoke(main, ["studio", "status"]).output
    finally:
        process.kill()


def test_dashboards_stop_and_status(workspace):
    from faibric_kernel.services import register_service

    process = _sleeper()
    try:
        register_service("dashboards", process.pid, 1)
        assert "dashboards: running" in CliRunner().invoke(main, ["dashboards", "status"]).output
        assert "stopped dashboards" in CliRunner().invoke(main, ["dashboards", "stop"]).output
        assert process.wait(10) is not None
        assert "is not running" in CliRunner().invoke(main, ["dashboards", "stop"]).output
    finally:
        process.kill()


def test_health_lists_the_studio(workspace):
    result = CliRunner().invoke(main, ["health"])
    assert "studio: not started by Faibric (start it with `faibric studio`)" in result.output


def test_sites_table_has_a_header_and_shows_stopped_sites(workspace):
    from faibric_kernel.deploy.local import sites_table, with_serving_status

    rows = [{"site_id": "doce-vida", "status": "live", "target": "local", "live_target": "local", "version": 2,
             "live_version": 2, "url": "http://127.0.0.1:8765/doce-vida/"},
            {"site_id": "atelier", "status": "failed", "target": "render", "live_target": None, "version": 1,
             "live_version": None, "url": None}]
    shown = with_serving_status(rows)  # no sites server runs in this workspace
    assert [r["serving"] for r in shown] == ["stopped", "failed"]
    lines = sites_table(shown).splitlines()
    assert lines[0].split() == ["SITE", "STATUS", "TARGET", "VERSION", "URL"]
    assert lines[1].split()[:4] == ["doce-vida", "stopped", "local", "v2"] and "(not served)" in lines[1]


def test_a_stopped_sites_server_leaves_no_zombie_and_no_runpy_warning(workspace, monkeypatch):
    from faibric_kernel.deploy.local import ensure_sites_server, sites_dir, sites_server_status, stop_sites_server

    monkeypatch.setenv("FAIBRIC_SITES_PORT", "0")
    sites_dir().mkdir(parents=True, exist_ok=True)
    ensure_sites_server(mode="process")
    running = sites_server_status()
    assert running is not None
    stop_sites_server()
    deadline = time.monotonic() + 10
    state = "?"
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{running['pid']}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            state = "gone"
            break
        time.sleep(0.1)
    assert state == "gone"
    log = (workspace / "logs" / "sites-server.log").read_text()
    assert "serving" in log and "RuntimeWarning" not in log
