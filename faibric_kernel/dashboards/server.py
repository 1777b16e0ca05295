"""Serving the dashboards with Voila: tokens, loopback by default, pre-heated kernels.

:func:`resolve_settings` decides the host, port and the two tokens
(``--token`` / ``FAIBRIC_DASHBOARD_TOKEN`` for stakeholders,
``--analyst-token`` / ``FAIBRIC_ANALYST_TOKEN`` for analysts; each generated
when unset). :class:`DashboardServer` writes a private Voila config file
(mode 0600, in a fresh folder under ``$FAIBRIC_HOME/run``) holding the tokens
and the role plumbing described in :mod:`.auth`, and runs Voila
(``python -m faibric_kernel.dashboards.pool <dashboards folder>``) from that
folder, so the tokens appear neither on the command line nor in the kernels'
environment.

Kernels are pre-heated (``VoilaConfiguration.preheat_kernel``): a pool of
``pool_size`` kernels, shared by all the dashboards (:mod:`.pool`), each
waiting with the package loaded and the entry dashboard built once, for a
viewer's request. That keeps time to first chart low without a resident
kernel per dashboard. ``pool_size=0`` turns it off.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from .. import config
from ..errors import ConfigError, FaibricError, InvalidInputError
from .notebooks import dashboards_dir
from .pool import POOL_NOTEBOOK
from .roles import ROLE_ENV, ROLE_HEADER, SERVER_ENV

__all__ = ["DashboardServer", "ServerSettings", "free_port", "is_loopback", "resolve_settings"]

DEFAULT_PORT = 8866
# three viewers (or one clicking quickly through the nav) find a warm kernel while used ones are replaced
DEFAULT_POOL_SIZE = 3
TOKEN_ENV = "FAIBRIC_DASHBOARD_TOKEN"
ANALYST_TOKEN_ENV = "FAIBRIC_ANALYST_TOKEN"
_POOL_FILLED = re.compile(r"Kernel pool of (\S+) is filled")
_KERNEL_WAITING = re.compile(r"faibric dashboards: \w+ kernel ready")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host if host not in ("", "0.0.0.0") else "127.0.0.1", 0))
        return sock.getsockname()[1]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class ServerSettings:
    """Everything a dashboards server run needs."""

    host: str
    port: int
    stakeholder_token: str
    analyst_token: str
    stakeholder_generated: bool = False
    analyst_generated: bool = False
    pool_size: int = DEFAULT_POOL_SIZE
    folder: Path | None = None

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def to_dict(self) -> dict:
        return {
            "url": self.base_url,
            "host": self.host,
            "port": self.port,
            "folder": str(self.folder) if self.folder else None,
            "pool_size": self.pool_size,
            # a token is shown only when this run made it up; one the user set stays theirs to share
            "stakeholder_token": self.stakeholder_token if self.stakeholder_generated else None,
            "analyst_token": self.analyst_token if self.analyst_generated else None,
        }


def _token_from(explicit: str | None, env_name: str) -> tuple[str, bool]:
    if explicit:
        return explicit, False
    secret = config.get_secret(env_name)
    if secret:
        return secret.reveal(), False
    return secrets.token_urlsafe(24), True


def resolve_settings(*, host: str = "127.0.0.1", port: int | None = None, token: str | None = None,
                     analyst_token: str | None = None, pool_size: int | None = None,
                     folder: Path | None = None) -> ServerSettings:
    """Settings from options, then the environment (and ``$FAIBRIC_HOME/.env``), then generated tokens."""
    stakeholder, st_generated = _token_from(token, TOKEN_ENV)
    analyst, an_generated = _token_from(analyst_token, ANALYST_TOKEN_ENV)
    for name, value in (("stakeholder", stakeholder), ("analyst", analyst)):
        if len(value) < 8:
            raise ConfigError(f"the {name} token is too short; use at least 8 characters (or leave it unset to "
                              "have one generated)")
    if stakeholder == analyst:
        raise ConfigError(
            f"the stakeholder token ({TOKEN_ENV}) and the analyst token ({ANALYST_TOKEN_ENV}) must differ, "
            "otherwise every stakeholder is an analyst"
        )
    if pool_size is None:
        pool_size = DEFAULT_POOL_SIZE
    if pool_size < 0:
        raise InvalidInputError("--pool-size must be 0 (no pre-heated kernels) or more")
    if port is None:
        port = DEFAULT_PORT
    if port == 0:
        port = free_port(host)
    return ServerSettings(host=host, port=port, stakeholder_token=stakeholder, analyst_token=analyst,
                          stakeholder_generated=st_generated, analyst_generated=an_generated, pool_size=pool_size,
                          folder=folder)


def voila_config(settings: ServerSettings) -> dict:
    """The Voila traitlets config of one run (written to ``voila.json``, mode 0600)."""
    voila_configuration = {
        "http_header_envs": [ROLE_HEADER],
        "show_tracebacks": False,
        "template": TEMPLATE_NAME,
        "preheat_kernel": settings.pool_size > 0,
        "default_pool_size": settings.pool_size,
    }
    return {
        "Voila": {
            "ip": settings.host,
            "port": settings.port,
            "open_browser": False,
            # Voila would otherwise move to a random nearby port when this one is taken
            "port_retries": 0,
            "token": settings.stakeholder_token,
            "identity_provider_class": "faibric_kernel.dashboards.auth.RoleIdentityProvider",
        },
        # the tokens are the only credentials: the login page must not offer to set a password
        "RoleIdentityProvider": {"analyst_token": settings.analyst_token, "allow_password_change": False,
                                 **_kernel_caps(settings)},
        "VoilaConfiguration": voila_configuration,
        # refilling a pool renders the notebook in the server's event loop; waiting a little keeps that work
        # from competing with the page of the viewer who just took the pooled kernel
        # the pool all dashboards share (see .pool) holds pool_size kernels; any other notebook in the folder
        # gets none, rather than a pool of its own
        "VoilaKernelManager": {"fill_delay": 4.0,
                               "kernel_pools_config": {"default": {"pool_size": 0},
                                                       POOL_NOTEBOOK: {"pool_size": settings.pool_size}}},
        # a closed tab's beacon shuts its kernel down (auth sets the _xsrf cookie it needs); a tab that dies
        # without one (a crash, a lost network) leaves a kernel that is culled after a minute idle and
        # disconnected (pooled kernels are exempt, open tabs stay connected); each holds a few hundred MB
        "MappingKernelManager": {"cull_idle_timeout": 60, "cull_interval": 15, "cull_connected": False},
        # kernels talk to the server over Unix sockets beside their connection files (Voila's private temp
        # folder), not TCP on loopback: nothing else on the machine can connect, and ipykernel does not warn
        # that it runs over TCP without encryption
        "KernelManager": {"transport": "ipc"},
    }


def _kernel_caps(settings: ServerSettings) -> dict:
    """Kernels per viewer and in total (see auth.KernelBudget); the total always leaves room beyond the pools."""
    pooled = settings.pool_size
    total = config.get_int("FAIBRIC_DASHBOARD_MAX_KERNELS", 24)
    return {"max_kernels": max(total, pooled + 2),
            "max_kernels_per_viewer": config.get_int("FAIBRIC_DASHBOARD_KERNELS_PER_VIEWER", 16),
            "kernel_window": 300.0}


TEMPLATE_NAME = "faibric"
# Voila's "lab" template without the two stylesheets it pulls from a CDN (Font Awesome): dashboards must
# render offline, and a stakeholder's browser should not call third parties. Everything else is "lab".
TEMPLATE_INDEX = """{%- extends 'lab/index.html.j2' -%}
{% import "spinner.macro.html.j2" as spinner %}
{%- block notebook_css -%}
  {% if frontend == "voila" %}
    {{ resources.include_js("static/voila-style.js") }}
  {% endif %}
  {{ spinner.css() }}
  <style>
    .jp-mod-noOutputs.jp-mod-noInput { display: none; }
  </style>
  {{ super.super() }}
{%- endblock notebook_css -%}
"""
TEMPLATE_CONF = {"base_template": "lab", "mimetypes": {"text/html": True}}


def write_template(root: Path) -> Path:
    """Write the ``faibric`` Voila template under ``root`` (a Jupyter data folder) and return ``root``."""
    folder = root / "voila" / "templates" / TEMPLATE_NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html.j2").write_text(TEMPLATE_INDEX, encoding="utf-8")
    (folder / "conf.json").write_text(json.dumps(TEMPLATE_CONF), encoding="utf-8")
    return root


def _kernel_env(settings: ServerSettings, data_dir: Path | None = None) -> dict:
    # no token reaches a kernel, and nothing that looks like request info either: a kernel learns its
    # viewer's role and query only from the request Voila hands it
    request_vars = (ROLE_ENV, "QUERY_STRING", "SCRIPT_NAME", "SERVER_SOFTWARE", "FAIBRIC_DASHBOARD_ROLE")
    env = {k: v for k, v in os.environ.items()
           if k not in (TOKEN_ENV, ANALYST_TOKEN_ENV, "JUPYTER_TOKEN", *request_vars)}
    env["FAIBRIC_HOME"] = str(config.workspace())
    env[SERVER_ENV] = "1"
    env["FAIBRIC_PSEUDONYM_SALT"] = secrets.token_hex(16)
    env["PYTHONUNBUFFERED"] = "1"
    # a pre-heated kernel fetches its viewer's request from the server at this address
    env["VOILA_APP_IP"] = "127.0.0.1" if settings.host in ("", "0.0.0.0", "localhost") else settings.host
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if data_dir is not None:
        env["JUPYTER_PATH"] = str(data_dir) + (os.pathsep + env["JUPYTER_PATH"] if env.get("JUPYTER_PATH") else "")
    return env


def _die_with_parent() -> None:
    """In the Voila child: get SIGTERM when the launcher dies, even by SIGKILL (Linux only).

    Otherwise a killed `faibric dashboards` leaves Voila holding the port, and
    the monitor cannot restart the service on it.
    """
    try:
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the monitor's restart may then find the port busy


class DashboardServer:
    """A Voila server for the dashboards, as a child process; use as a context manager."""

    def __init__(self, settings: ServerSettings, *, log_path: Path | None = None):
        self.settings = settings
        if settings.folder is None:
            settings.folder = dashboards_dir()
        self.log_path = log_path or config.workspace_path("logs") / f"dashboards-{settings.port}.log"
        self.process: subprocess.Popen | None = None
        self.run_dir: Path | None = None
        self._log_file = None
        self._log_offset = 0

    def command(self) -> list[str]:
        # Voila's own command line, with one kernel pool for all dashboards (see .pool)
        return [sys.executable, "-m", "faibric_kernel.dashboards.pool", str(self.settings.folder)]

    def start(self) -> DashboardServer:
        self.run_dir = Path(tempfile.mkdtemp(prefix="dashboards-", dir=config.workspace_path("run")))
        os.chmod(self.run_dir, 0o700)
        config_path = self.run_dir / "voila.json"
        fd = os.open(config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(voila_config(self.settings), fh)
        data_dir = write_template(self.run_dir / "jupyter")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = os.fdopen(os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
        # the log may hold earlier runs: readiness is judged on what this run writes
        self._log_offset = self._log_file.tell()
        # Voila reads voila.json from its working directory; the tokens stay in that private file
        self.process = subprocess.Popen(
            self.command(), cwd=self.run_dir, env=_kernel_env(self.settings, data_dir), stdout=self._log_file,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        return self

    def url(self, dashboard: str | None = None, *, token: str | None = None, **query) -> str:
        """The address of the tree (no dashboard) or of one dashboard, with a token and query if given."""
        path = "" if dashboard is None else f"voila/render/{quote(dashboard)}.ipynb"
        params = dict(query)
        if token:
            params["token"] = token
        return self.settings.base_url + path + (("?" + urlencode(params)) if params else "")

    def log_text(self) -> str:
        """What this run of the server has logged so far."""
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(self._log_offset)
                return fh.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_ready(self, timeout: float = 120.0, *, pools: bool = False) -> None:
        """Until the server answers HTTP (and, with ``pools``, every notebook's kernel pool is full)."""
        deadline = time.monotonic() + timeout
        login = self.settings.base_url + "login"
        answered = False
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = "\n".join(self.log_text().splitlines()[-15:])
                raise FaibricError(f"the Voila server exited with code {self.process.returncode}:\n{tail}")
            if not answered:
                try:
                    with urllib.request.urlopen(login, timeout=2) as response:
                        answered = response.status < 500
                except urllib.error.HTTPError as exc:
                    answered = exc.code < 500
                except (urllib.error.URLError, OSError):
                    answered = False
            if answered and (not pools or self.settings.pool_size == 0 or self.pools_filled()):
                return
            time.sleep(0.2)
        raise FaibricError(f"the Voila server did not get ready within {timeout:.0f}s; see {self.log_path}")

    def pools_filled(self) -> bool:
        """Whether the shared pool is full of kernels that have loaded the package and wait for a viewer."""
        text = self.log_text()
        filled = {Path(m).name for m in _POOL_FILLED.findall(text)}
        return POOL_NOTEBOOK in filled and len(_KERNEL_WAITING.findall(text)) >= self.settings.pool_size

    def stop(self, timeout: float = 15.0) -> None:
        """Stop Voila and every kernel it started."""
        process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if process is not None:
            # kernels live in the server's session; any that outlived it go with it
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None

    def __enter__(self) -> DashboardServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
