"""``faibric studio``: JupyterLab on the builder notebook, on loopback, with token authentication.

The shipped notebook is ``notebooks/builder.ipynb`` of the repository checkout
the package runs from (when the package is installed elsewhere, a wheel, the
same notebook is written to ``$FAIBRIC_HOME/notebooks/``); the studio opens a
copy of it, ``$FAIBRIC_HOME/studio/builder.ipynb``, so using the studio never
changes a file of the repository. The token is
``FAIBRIC_STUDIO_TOKEN`` or a fresh random one; it reaches JupyterLab through
the environment (``JUPYTER_TOKEN``), never the command line that ``ps`` shows.
When the server answers, the URL with its token is printed and written to
``$FAIBRIC_HOME/run/studio.json`` (readable by the owner only).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import click

from .. import config
from ..errors import ConfigError, InvalidInputError, WorkspaceError
from ..ports import port_free
from .service_commands import add_service_commands

__all__ = ["COMMANDS", "BUILDER_NOTEBOOK", "builder_notebook_json", "find_notebook", "studio", "studio_notebook"]

DEFAULT_PORT = 8888
PORT_SCAN = 30
READY_TIMEOUT = 90.0
NOTEBOOK_NAME = "builder.ipynb"

# The builder notebook only shows the studio; all of its logic lives in faibric_kernel.ui.
BUILDER_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "faibric-builder-studio",
            "metadata": {},
            "outputs": [],
            "source": [
                "# The Faibric builder studio: run this cell (Shift+Enter), describe a site, press Build.\n",
                "from faibric_kernel.ui import Studio\n",
                "\n",
                "studio = Studio()\n",
                "studio.show()",
            ],
        },
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def builder_notebook_json() -> str:
    """The builder notebook as it is stored in the repository (and written for installed packages)."""
    return json.dumps(BUILDER_NOTEBOOK, indent=1, ensure_ascii=False) + "\n"


def find_notebook(package_dir: Path | None = None) -> Path:
    """The builder notebook: the checkout's ``notebooks/``, else a copy in ``$FAIBRIC_HOME/notebooks/``.

    ``package_dir`` is where ``faibric_kernel`` lives (this package by default);
    in a checkout its parent holds ``notebooks/``.
    """
    package_dir = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parents[1]
    candidate = package_dir.parent / "notebooks" / NOTEBOOK_NAME
    if candidate.is_file():
        return candidate
    target = config.workspace() / "notebooks" / NOTEBOOK_NAME
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_text(builder_notebook_json(), encoding="utf-8")
    except OSError as exc:
        raise WorkspaceError(f"cannot write the builder notebook to {target}: {exc}; "
                             "set FAIBRIC_HOME to a folder you can write") from None
    return target


def choose_port(requested: int | None) -> int:
    """The requested port if it is free (else an error), or the first free one from 8888."""
    if requested is not None:
        if not 1 <= requested <= 65535:
            raise InvalidInputError(f"--port {requested} is not a port number (1-65535)")
        if not port_free(requested):
            raise InvalidInputError(f"port {requested} on 127.0.0.1 is in use; choose another with --port")
        return requested
    for port in range(DEFAULT_PORT, DEFAULT_PORT + PORT_SCAN):
        if port_free(port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _voila_available() -> bool:
    try:
        import voila  # noqa: F401
    except ImportError:
        return False
    return True


def _wait_ready(base: str, token: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"{base}/api/status", headers={"Authorization": f"token {token}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(f"JupyterLab exited with code {process.returncode} before it was ready")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise ConfigError(f"JupyterLab did not answer on {base} within {timeout:.0f} s")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def studio_notebook() -> Path:
    """The notebook the studio opens: ``$FAIBRIC_HOME/studio/builder.ipynb``, a copy of the shipped one.

    JupyterLab adds cells, outputs and autosaves to the notebook it shows, so
    the studio never opens the repository's file: it works on this copy
    (written when missing; an operator's changes to it are kept).
    """
    target = config.workspace() / "studio" / NOTEBOOK_NAME
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_text(find_notebook().read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as exc:
        raise WorkspaceError(f"cannot write the studio's notebook to {target}: {exc}; "
                             "set FAIBRIC_HOME to a folder you can write") from None
    return target


@click.group("studio", invoke_without_command=True)
@click.option("--port", type=int, default=None, help=f"port on 127.0.0.1 (default: {DEFAULT_PORT} or the next free)")
@click.option("--no-browser", is_flag=True, help="do not open a browser")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document (URL, token, port) once ready")
@click.pass_context
def studio(ctx: click.Context, port: int | None, no_browser: bool, as_json: bool) -> None:
    """Start the builder studio (JupyterLab on a copy of the builder notebook in the workspace, loopback only,
    token required); `faibric studio status` and `faibric studio stop` from another shell."""
    if ctx.invoked_subcommand is not None:
        return
    _run_studio(port, no_browser, as_json)


def _run_studio(port: int | None, no_browser: bool, as_json: bool) -> None:  # noqa: C901 - each way JupyterLab can fail to start gets its own message
    from ..services import register_service, unregister_service

    home = config.workspace()
    notebook = studio_notebook()
    secret = config.get_secret("FAIBRIC_STUDIO_TOKEN")
    token = secret.reveal() if secret else secrets.token_urlsafe(32)
    port = choose_port(port)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/lab/tree/{NOTEBOOK_NAME}?token={token}"
    app_url = f"{base}/voila/render/{NOTEBOOK_NAME}?token={token}" if _voila_available() else None

    command = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={notebook.parent}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--LabApp.default_url=/lab/tree/{NOTEBOOK_NAME}",
        # token sign-in with a per-address throttle on wrong tokens, as on the dashboards
        "--ServerApp.identity_provider_class=faibric_kernel.dashboards.auth.ThrottledTokenProvider",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_TOKEN": token, "FAIBRIC_HOME": str(home.resolve())}
    log_path = home / "logs" / "studio.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    click.echo(f"starting JupyterLab on {base} (log: {log_path})...", err=True)
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, cwd=str(notebook.parent),
                                   # its own session: Ctrl+C reaches only us, and we stop it cleanly
                                   start_new_session=True)
    run_file = home / "run" / "studio.json"

    def shut_down(*_):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        run_file.unlink(missing_ok=True)

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(0))
    try:
        try:
            _wait_ready(base, token, process, READY_TIMEOUT)
        except ConfigError as exc:
            raise ConfigError(f"{exc.message}; its log ends with:\n{_tail(log_path)}") from None
        info = {
            "url": url,
            "app_url": app_url,
            "port": port,
            "token": token,
            "pid": process.pid,
            "notebook": str(notebook),
            "workspace": str(home),
            "log": str(log_path),
            "started_at": datetime.now(UTC).replace(tzinfo=None).isoformat(),
        }
        # one record, run/studio.json, for the operator (URL, token) and for `faibric health`, `faibric studio
        # stop|status` (a service record of JupyterLab's pid: stopping it ends this command cleanly too); never
        # restarted by the monitor, which would lose the operator's kernel
        record = register_service("studio", process.pid, port, host="127.0.0.1", health_path="/api/status",
                                  managed=False)
        _write_private(run_file, json.dumps({**record, **info}, indent=2))
        if as_json:
            click.echo(json.dumps(info))
        else:
            click.echo("Faibric studio is running (JupyterLab on 127.0.0.1 only, token required).")
            click.echo(f"  Open:      {url}")
            if app_url:
                click.echo(f"  App view:  {app_url}")
            click.echo(f"  Notebook:  {notebook}")
            click.echo("Run the notebook's cell (Shift+Enter) to show the studio. Stop with Ctrl+C.")
        sys.stdout.flush()
        if not no_browser:
            import webbrowser

            try:
                webbrowser.open(url)
            except Exception:  # noqa: BLE001 - no browser on this machine is fine: the URL is printed
                pass
        process.wait()
        if process.returncode not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise ConfigError(f"JupyterLab stopped with code {process.returncode}; see {log_path}")
    except KeyboardInterrupt:
        click.echo("stopping the studio...", err=True)
    finally:
        shut_down()
        unregister_service("studio", process.pid)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


add_service_commands(studio, "studio")

COMMANDS = [studio]
