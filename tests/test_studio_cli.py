"""`faibric studio`: JupyterLab on the builder notebook, loopback only, token required, URL printed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from faibric_kernel.cli import main
from faibric_kernel.cli.studio import builder_notebook_json, choose_port, find_notebook

REPO = Path(__file__).resolve().parent.parent
FAIBRIC = Path(sys.executable).parent / "faibric"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read_line(stream, timeout: float) -> str:
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return box[0] if box else ""


@pytest.fixture
def studio_process(workspace):
    """`faibric studio --json --no-browser` as a user starts it; yields (process, info)."""
    env = {**os.environ, "FAIBRIC_HOME": str(workspace), "FAIBRIC_SITES_SERVER": "thread"}
    env.pop("FAIBRIC_STUDIO_TOKEN", None)
    process = subprocess.Popen(
        [str(FAIBRIC), "studio", "--no-browser", "--json", "--port", str(_free_port())],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(workspace.parent),
    )
    try:
        line = _read_line(process.stdout, 120)
        if not line:
            process.kill()
            pytest.fail(f"faibric studio printed nothing; stderr: {process.stderr.read()[-2000:]}")
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def _status(url: str) -> tuple[int, str | None]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location")


def test_builder_notebook_in_repo_is_the_shipped_one():
    assert (REPO / "notebooks" / "builder.ipynb").read_text(encoding="utf-8") == builder_notebook_json()


def test_notebook_is_found_in_the_checkout():
    assert find_notebook() == REPO / "notebooks" / "builder.ipynb"


def test_installed_package_gets_a_copy_of_the_notebook_in_the_workspace(tmp_path, workspace):
    site_packages = tmp_path / "site-packages" / "faibric_kernel"
    site_packages.mkdir(parents=True)
    found = find_notebook(site_packages)
    assert found == workspace / "notebooks" / "builder.ipynb"
    assert found.read_text(encoding="utf-8") == builder_notebook_json()


def test_a_busy_port_is_refused_with_a_plain_message():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = CliRunner().invoke(main, ["studio", "--port", str(port), "--no-browser"])
    assert result.exit_code != 0
    assert f"port {port} on 127.0.0.1 is in use; choose another with --port" in result.output


def test_without_a_port_the_first_free_one_is_chosen():
    port = choose_port(None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


@pytest.mark.slow
def test_studio_starts_on_loopback_and_its_url_needs_the_token(studio_process, workspace):
    process, info = studio_process
    assert info["url"].startswith(f"http://127.0.0.1:{info['port']}/lab/tree/builder.ipynb?token=")
    assert len(info["token"]) >= 32
    assert _status(info["url"])[0] == 200
    without = info["url"].split("?")[0]
    code, location = _status(without)
    assert code in (302, 403) and (code == 403 or "/login" in location)
    assert _status(f"http://127.0.0.1:{info['port']}/api/contents")[0] == 403
    run_file = workspace / "run" / "studio.json"
    assert json.loads(run_file.read_text())["url"] == info["url"]
    assert run_file.stat().st_mode & 0o077 == 0
    # bound to loopback only: the machine's own name does not reach it (when it is another address)
    other = socket.gethostbyname(socket.gethostname())
    if other != "127.0.0.1":
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((other, info["port"])) != 0


@pytest.mark.slow
def test_stopping_the_studio_stops_jupyterlab_and_removes_the_run_file(studio_process, workspace):
    process, info = studio_process
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(info["url"], timeout=1)
        except (urllib.error.URLError, OSError):
            break
        time.sleep(0.3)
    else:
        pytest.fail("JupyterLab still answers after faibric studio stopped")
    assert not (workspace / "run" / "studio.json").exists()


@pytest.mark.slow
def test_a_token_from_the_environment_is_used(workspace):
    env = {**os.environ, "FAIBRIC_HOME": str(workspace), "FAIBRIC_STUDIO_TOKEN": "fixed-token-for-this-test-0123456789"}
    process = subprocess.Popen([str(FAIBRIC), "studio", "--no-browser", "--port", str(_free_port())], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = _read_line(process.stdout, 120)
        second = _read_line(process.stdout, 10)
        assert "Faibric studio is running" in first
        assert second.strip().endswith("?token=fixed-token-for-this-test-0123456789")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
