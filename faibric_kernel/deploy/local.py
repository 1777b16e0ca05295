"""The local deployer: built sites in the workspace, served over HTTP on loopback.

Each deploy copies ``dist/`` into ``$FAIBRIC_HOME/sites/.releases/<site_id>/<release>/``
and then atomically points the symlink ``sites/<site_id>`` at it, so a visitor
never sees half a site; the last few releases stay for a quick rollback.
``FAIBRIC_SITES_DIR`` moves the sites to a folder several hosts share.

:func:`serve_sites` serves every site of a workspace at ``/<site_id>/`` with a
single-page-app fallback to the site's ``index.html``. A deploy makes sure a
server is listening (:func:`ensure_sites_server`): it reuses one that already
serves this workspace, or starts one, either as a detached process that
outlives the caller (``FAIBRIC_SITES_SERVER=process``, the default, so the URL
of ``faibric build`` keeps working) or as a daemon thread in this process
(``thread``: notebooks and tests).

What a stranger can learn from the server is only what it serves: a site's
URL segment is not its session id (it is an HMAC of it under the workspace's
sites key, ``run/sites-server.key``, mode 0600, or ``.sites-server.key`` inside
a shared ``FAIBRIC_SITES_DIR``), the front page lists nothing
unless ``FAIBRIC_SITES_INDEX=1`` (operators use ``faibric sites list``), and
``/__faibric__/health`` answers ``ok``; only a caller holding the sites key
(this workspace's own commands) gets the server's pid and folder. Requests
are bounded: a read timeout, a header size limit, a path length limit; a
malformed one gets a 4xx and one log line, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import gzip
import hashlib
import hmac
import json
import mimetypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import config
from ..errors import ConfigError, DeployError
from .base import Deployer, DeployResult, SiteToDeploy, register_deployer, utcnow, validate_site_id

__all__ = [
    "LocalDeployer",
    "SitesServer",
    "ensure_sites_server",
    "publish_site",
    "serve_sites",
    "sites_dir",
    "stop_sites_server",
]

DEFAULT_PORT = 8765
PORT_SCAN = 20
HEALTH_PATH = "/__faibric__/health"
SERVICE_NAME = "faibric-sites"
RUN_FILE = "sites-server.json"
KEY_FILE = "sites-server.key"
KEY_HEADER = "X-Faibric-Sites-Key"
KEEP_RELEASES = 3
READ_TIMEOUT_SECONDS = 10
MAX_HEADER_BYTES = 16 * 1024
MAX_PATH_CHARS = 2048


def _shared_sites_dir() -> Path | None:
    shared = config.get("FAIBRIC_SITES_DIR")
    return Path(shared).expanduser() if shared else None


def sites_dir() -> Path:
    """Where deployed sites live, one entry per site: ``$FAIBRIC_HOME/sites``, or ``FAIBRIC_SITES_DIR``.

    ``FAIBRIC_SITES_DIR`` is a folder several hosts share (NFS, a mounted
    volume): a site any host deploys is served by every host's sites server,
    at the same address, since the key that names sites lives in it too.
    """
    path = _shared_sites_dir() or config.workspace() / "sites"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key_path(root: Path) -> Path:
    """The key that names the sites in ``root``: beside a workspace's own folder, inside a shared one.

    Inside, its name starts with a dot, and the sites server answers no path
    with a part that does.
    """
    shared = _shared_sites_dir()
    if shared is not None and Path(root).resolve() == shared.resolve():
        return Path(root) / ("." + KEY_FILE)
    return Path(root).parent / "run" / KEY_FILE


def sites_key(root: Path | None = None) -> str:
    """This workspace's sites key (drawn once, kept owner-only): it names sites and proves who asks."""
    path = _key_path(root or sites_dir())
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()  # another process drew it first
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def public_site_id(site_id: str, *, root: Path | None = None) -> str:
    """The URL segment a site is served at: stable for the site, and telling nothing of its session id."""
    digest = hmac.new(sites_key(root).encode(), site_id.encode(), hashlib.sha256).hexdigest()
    return f"s{digest[:23]}"


# --- publishing ---------------------------------------------------------------------------


def publish_site(site_id: str, dist_dir: Path, *, root: Path | None = None) -> tuple[Path, str]:
    """Copy ``dist_dir`` in as a new release of ``site_id`` and switch to it atomically.

    Returns the live folder and the release name.
    """
    validate_site_id(site_id)
    dist_dir = Path(dist_dir)
    if not (dist_dir / "index.html").is_file():
        raise DeployError(f"{dist_dir} has no index.html; bundle the project (bundle_files(..., out_dir=...)) first")
    root = root or sites_dir()
    releases = root / ".releases" / site_id
    releases.mkdir(parents=True, exist_ok=True)
    release = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
    staging = releases / (".staging-" + release)
    try:
        shutil.copytree(dist_dir, staging)
        staging.rename(releases / release)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise DeployError(f"cannot copy the site into {releases}: {exc.strerror or exc}; free disk space "
                          "or set FAIBRIC_HOME to a writable folder") from None
    live = root / site_id
    link_tmp = root / f".{site_id}.{release}.link"
    try:
        os.symlink(Path(".releases") / site_id / release, link_tmp, target_is_directory=True)
        if live.is_dir() and not live.is_symlink():
            # a plain folder from an older layout cannot be replaced atomically by a link
            shutil.rmtree(live)
        os.replace(link_tmp, live)
    except OSError:
        link_tmp.unlink(missing_ok=True)
        # no symlinks here (some Windows setups): swap folders, which is brief but not atomic
        old = root / f".{site_id}.old-{release}"
        if live.exists() or live.is_symlink():
            os.replace(live, old)
        shutil.copytree(releases / release, live)
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
    _prune_releases(releases, keep=KEEP_RELEASES, current=release)
    return live, release


def _prune_releases(releases: Path, *, keep: int, current: str) -> None:
    done = sorted((p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in done[:-keep]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


# --- serving ------------------------------------------------------------------------------


_ASSET_SUFFIXES = {
    ".js", ".mjs", ".css", ".map", ".json", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico",
    ".woff", ".woff2", ".ttf", ".txt", ".xml", ".webmanifest", ".pdf", ".mp4", ".webm", ".mp3",
}


class _SitesHandler(BaseHTTPRequestHandler):
    server_version = "FaibricSites/1"
    root: Path  # set on the subclass made per server
    key: str = ""
    quiet = True
    timeout = READ_TIMEOUT_SECONDS  # a slow client's socket read gives up after this long
    header_deadline = 2 * READ_TIMEOUT_SECONDS  # and its whole request line and headers must arrive by then

    def handle_one_request(self) -> None:
        # a client trickling its headers a byte at a time never hits the read timeout: a deadline ends it
        self._deadline = threading.Timer(self.header_deadline, self._hang_up)
        self._deadline.daemon = True
        self._deadline.start()
        try:
            super().handle_one_request()
        finally:
            self._deadline.cancel()

    def _hang_up(self) -> None:
        sys.stderr.write(f"{self.log_date_time_string()} sites server: hung up on {self.client_address[0]}: "
                         f"no complete request within {self.header_deadline:g} s\n")
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        if not self.quiet:
            super().log_message(format, *args)

    def _refuse(self, status: int, why: str, head: bool = False) -> None:
        """A 4xx for a malformed request, with one log line (never the request's bytes)."""
        sys.stderr.write(f"{self.log_date_time_string()} sites server: {status} for {self.client_address[0]}: {why}\n")
        body = f"{HTTPStatus(status).phrase.lower()}\n".encode()
        self._send(status, body, "text/plain; charset=utf-8", head, {"Connection": "close"})
        self.close_connection = True

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        self._deadline.cancel()  # the headers are in
        size = sum(len(k) + len(v) + 4 for k, v in self.headers.items())
        if size > MAX_HEADER_BYTES:
            self._refuse(431, f"headers of {size} bytes (the limit is {MAX_HEADER_BYTES})")
            return False
        return True

    def do_HEAD(self):
        self._handle(head=True)

    def do_GET(self):
        self._handle(head=False)

    def _send(self, status: int, body: bytes, content_type: str, head: bool, extra: dict | None = None) -> None:
        body, extra = _compressed(body, content_type, self.headers.get("Accept-Encoding", ""), extra)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _handle(self, head: bool) -> None:
        if len(self.path) > MAX_PATH_CHARS:
            return self._refuse(404, f"a path of {len(self.path)} characters", head)
        path = unquote(urlsplit(self.path).path)
        if "\x00" in path:
            return self._refuse(400, "a NUL byte in the path", head)
        try:
            return self._serve(path, head)
        except (OSError, ValueError) as exc:  # e.g. a name too long for the file system
            return self._refuse(404, f"{type(exc).__name__} for the path", head)

    def _health(self, head: bool) -> None:
        given = self.headers.get(KEY_HEADER, "")
        if self.key and given and hmac.compare_digest(given.encode(), self.key.encode()):
            body = json.dumps({"service": SERVICE_NAME, "root": str(self.root), "pid": os.getpid()}).encode()
            return self._send(200, body, "application/json", head)
        return self._send(200, b"ok\n", "text/plain; charset=utf-8", head)

    def _serve(self, path: str, head: bool) -> None:  # noqa: C901 - one answer per kind of request the sites server takes
        if path == HEALTH_PATH:
            return self._health(head)
        parts = [p for p in path.split("/") if p]
        if not parts:
            if not config.get_bool("FAIBRIC_SITES_INDEX", False):
                return self._send(404, b"not found\n", "text/plain; charset=utf-8", head)
            return self._send(200, self._index_page(), "text/html; charset=utf-8", head)
        site_id, rest = parts[0], parts[1:]
        if site_id.startswith(".") or any(p in ("..", ".") or p.startswith(".") for p in rest):
            return self._send(404, b"not found\n", "text/plain; charset=utf-8", head)
        site = self.root / site_id
        if not (site / "index.html").is_file():
            return self._send(404, f"no site {site_id!r} here\n".encode(), "text/plain; charset=utf-8", head)
        if not rest and not path.endswith("/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", f"/{site_id}/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        site_real = site.resolve()
        target = site.joinpath(*rest).resolve() if rest else site_real / "index.html"
        if not target.is_relative_to(site_real):
            return self._send(404, b"not found\n", "text/plain; charset=utf-8", head)
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            body = target.read_bytes()
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
                ctype += "; charset=utf-8"
            return self._send(200, body, ctype, head)
        if rest and Path(rest[-1]).suffix.lower() in _ASSET_SUFFIXES:
            return self._send(404, b"not found\n", "text/plain; charset=utf-8", head)
        # single-page-app fallback: client-side routes get the site's index.html; a <base> keeps its
        # relative asset links pointing at the site root whatever the depth of the route
        html = (site_real / "index.html").read_text(encoding="utf-8")
        if rest:
            html = _with_base(html, f"/{site_id}/")
        return self._send(200, html.encode("utf-8"), "text/html; charset=utf-8", head)

    def _index_page(self) -> bytes:
        names = sorted(p.name for p in self.root.iterdir() if not p.name.startswith(".") and (p / "index.html").is_file()) \
            if self.root.is_dir() else []
        items = "".join(f'<li><a href="/{n}/">{n}</a></li>' for n in names) or "<li>no sites yet</li>"
        return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Faibric sites</title></head>"
                f"<body><main><h1>Faibric sites</h1><ul>{items}</ul></main></body></html>").encode()


_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


def _compressed(body: bytes, content_type: str, accept_encoding: str, extra: dict | None) -> tuple[bytes, dict]:
    """The body gzipped when the client accepts it and it is text worth compressing (fonts and images already are)."""
    extra = dict(extra or {})
    if len(body) < 512 or not content_type.startswith(_COMPRESSIBLE):
        return body, extra
    extra["Vary"] = "Accept-Encoding"
    accepted = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
    if "gzip" not in accepted:
        return body, extra
    extra["Content-Encoding"] = "gzip"
    return gzip.compress(body, compresslevel=6, mtime=0), extra


def _with_base(html: str, href: str) -> str:
    lower = html.lower()
    if "<base " in lower:
        return html
    index = lower.find("<head")
    if index < 0:
        return f'<base href="{href}">' + html
    close = html.find(">", index)
    return html[: close + 1] + f'<base href="{href}">' + html[close + 1 :]


class SitesServer(ThreadingHTTPServer):
    """A threaded HTTP server for one workspace's sites folder."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, quiet: bool = True):
        handler = type("SitesHandler", (_SitesHandler,), {"root": Path(root), "quiet": quiet,
                                                          "key": sites_key(Path(root))})
        super().__init__((host, port), handler)
        self.root = Path(root)

    def handle_error(self, request, client_address) -> None:
        # one line, not the stdlib's traceback of every dropped connection
        error = sys.exc_info()[1]
        sys.stderr.write(f"sites server: request from {client_address[0]} failed: {type(error).__name__}\n")

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def serve_sites(port: int | None = None, *, host: str = "127.0.0.1", root: Path | None = None,
                quiet: bool = True) -> SitesServer:
    """A server (not yet serving) for every site of the workspace; call ``serve_forever()`` on it."""
    port = _configured_port() if port is None else port
    root = Path(root) if root is not None else sites_dir()
    try:
        return SitesServer(root, host, port, quiet=quiet)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {port} is already in use; choose another with --port "
                              "or FAIBRIC_SITES_PORT") from None
        raise


# --- making sure a server is running ------------------------------------------------------

_threads: dict[str, SitesServer] = {}
_threads_lock = threading.Lock()


def _configured_port() -> int:
    return config.get_int("FAIBRIC_SITES_PORT", DEFAULT_PORT)


def _probe(port: int, timeout: float = 2.0) -> dict | None:
    """What answers on loopback ``port``: this workspace's sites server's health document (asked with
    the sites key), ``{}`` for something else (another program, another workspace's server), ``None``
    for nothing."""
    # a closed port is refused at once; the timeout only waits for a server that is busy (a loaded machine)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{HEALTH_PATH}", headers={KEY_HEADER: sites_key()})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError:
        return {}
    except OSError:
        return None
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) and data.get("service") == SERVICE_NAME else {}


def _run_file() -> Path:
    return config.workspace() / "run" / RUN_FILE


def _serves(port: int, root: Path) -> bool:
    found = _probe(port)
    return bool(found) and Path(found.get("root", "")) == root


def ensure_sites_server(port: int | None = None, *, mode: str | None = None) -> str:
    """The base URL of a server for this workspace's sites, starting one when none is running.

    ``port`` defaults to ``FAIBRIC_SITES_PORT`` (8765; ``0`` = any free port). When
    the port is taken by something else and was not set explicitly, the next
    ports are tried. ``mode`` is ``process`` or ``thread`` (``FAIBRIC_SITES_SERVER``).
    """
    root = sites_dir().resolve()
    mode = (mode or config.get("FAIBRIC_SITES_SERVER") or "process").lower()
    if mode not in ("process", "thread"):
        raise ConfigError(f"FAIBRIC_SITES_SERVER must be 'process' or 'thread', not {mode!r}")
    explicit = port is not None or config.is_set("FAIBRIC_SITES_PORT")
    port = _configured_port() if port is None else port
    with _threads_lock:
        running = _threads.get(str(root))
        if running is not None and (port == 0 or running.port == port):
            return running.url
        try:
            recorded = json.loads(_run_file().read_text())
            if (port == 0 or recorded.get("port") == port) and _serves(int(recorded["port"]), root):
                return f"http://127.0.0.1:{recorded['port']}"
        except (OSError, ValueError, KeyError, TypeError):
            pass
        # without an explicit port, a few ports after the default are tried, then any free one
        candidates = [0] if port == 0 else ([port] if explicit else [*range(port, port + PORT_SCAN), 0])
        taken = []
        for candidate in candidates:
            if candidate:
                found = _probe(candidate)
                if found is not None:
                    if found and Path(found.get("root", "")) == root:
                        return f"http://127.0.0.1:{candidate}"
                    taken.append(f"{candidate} ({'another Faibric workspace: ' + found['root'] if found else 'another program or workspace'})")
                    continue
            try:
                if mode == "thread":
                    return _start_thread(root, candidate)
                return _start_process(root, candidate)
            except _PortInUse:
                taken.append(f"{candidate} (in use)")
    raise DeployError(
        "cannot start the local sites server: port " + ", ".join(taken)
        + "; set FAIBRIC_SITES_PORT to a free port (0 picks any free port)"
    )


class _PortInUse(Exception):
    pass


def _start_thread(root: Path, port: int) -> str:
    try:
        server = SitesServer(root, "127.0.0.1", port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise _PortInUse from None
        raise
    thread = threading.Thread(target=server.serve_forever, name=f"faibric-sites-{server.port}", daemon=True)
    thread.start()
    _threads[str(root)] = server
    return server.url


def _start_process(root: Path, port: int) -> str:
    run_file = _run_file()
    run_file.unlink(missing_ok=True)
    log = config.workspace() / "logs" / "sites-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    sites_key(root)  # drawn before the server starts, so it and this process agree
    # not `-m faibric_kernel.deploy.local`: the package imports that module first, and runpy warns about it
    # (a RuntimeWarning in the server's log at every start)
    cmd = [sys.executable, "-c", "import sys; from faibric_kernel.deploy.local import _main; sys.exit(_main())",
           "--root", str(root), "--port", str(port), "--run-file", str(run_file), "--exit-when-root-missing"]
    with os.fdopen(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as log_fh:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log_fh, stderr=log_fh,
                                start_new_session=True, close_fds=True)
    # whenever it ends (`faibric sites stop`, its workspace removed), reap it: no zombie left in this process
    threading.Thread(target=proc.wait, name="faibric-sites-reaper", daemon=True).start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            if proc.returncode == 3:
                raise _PortInUse
            raise DeployError(f"the local sites server exited at start (code {proc.returncode}); see {log}")
        try:
            recorded = json.loads(run_file.read_text())
            if recorded.get("pid") == proc.pid and _serves(int(recorded["port"]), root):
                return f"http://127.0.0.1:{recorded['port']}"
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    proc.terminate()
    raise DeployError(f"the local sites server did not answer within 15 s; see {log}")


def sites_server_status() -> dict | None:
    """The detached sites server recorded for this workspace, if it answers: ``{"url", "pid"}``, else None."""
    try:
        recorded = json.loads(_run_file().read_text())
        pid, port = recorded["pid"], int(recorded["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    found = _probe(port)
    if not found or found.get("pid") != pid or Path(found.get("root", "")).resolve() != sites_dir().resolve():
        return None
    return {"url": f"http://127.0.0.1:{port}", "pid": pid}


def stop_sites_server() -> dict:
    """Stop this workspace's sites server (thread or detached process); report what was stopped."""
    root = sites_dir().resolve()
    stopped: dict = {"thread": None, "process": None}
    with _threads_lock:
        server = _threads.pop(str(root), None)
    if server is not None:
        server.shutdown()
        server.server_close()
        stopped["thread"] = server.port
    running = sites_server_status()
    if running is not None:
        try:
            os.kill(int(running["pid"]), signal.SIGTERM)
            stopped["process"] = running["pid"]
        except (OSError, ValueError):
            pass
    _run_file().unlink(missing_ok=True)
    return stopped


# --- what `faibric sites list` shows ---------------------------------------------------------


def with_serving_status(rows: list[dict]) -> list[dict]:
    """``list_sites`` rows with ``serving``: "live" when the site answers now, "stopped" when a local site's
    server is not running (after ``faibric sites stop``), else the deploy's own status."""
    with _threads_lock:
        thread_running = str(sites_dir().resolve()) in _threads
    local_up = thread_running or sites_server_status() is not None
    out = []
    for row in rows:
        serving = row.get("status")
        if serving == "live" and (row.get("live_target") or row.get("target")) == "local" and not local_up:
            serving = "stopped"
        out.append({**row, "serving": serving})
    return out


def sites_table(rows: list[dict]) -> str:
    """The sites as a table with a header: name, status, target, version and URL (one line per site)."""
    if not rows:
        return "no sites deployed yet"
    lines = [("SITE", "STATUS", "TARGET", "VERSION", "URL")]
    for r in rows:
        version = r.get("live_version") if r.get("live_version") is not None else r.get("version")
        lines.append((str(r["site_id"]), str(r.get("serving") or r.get("status") or "-"), str(r.get("target") or "-"),
                      f"v{version}" if version is not None else "-",
                      (r.get("url") or "-") if r.get("serving") != "stopped" else f"{r.get('url') or '-'} (not served)"))
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line[:4])) + "  " + line[4]
                     for line in lines)


# --- the deployer -------------------------------------------------------------------------


@register_deployer
class LocalDeployer(Deployer):
    """Copies the built site into the workspace and serves it on loopback (no key, no network)."""

    name = "local"
    needs_key = False
    key_env_var = None
    description = "the workspace, served over HTTP on loopback"

    def __init__(self, port: int | None = None, server: str | None = None, start_server: bool = True):
        self.port = port
        self.server = server
        self.start_server = start_server

    def deploy(self, site: SiteToDeploy, *, on_progress=None, cancel=None, on_remote_ids=None) -> DeployResult:
        started = utcnow()
        self._check_cancel(cancel)
        if site.dist_dir is None:
            raise DeployError("the site has no built dist/ folder; bundle it first (faibric_kernel.deploy.prepare_site)")
        served_as = public_site_id(site.site_id)
        self._say(on_progress, f"publishing {site.site_id}")
        live, release = publish_site(served_as, site.dist_dir)
        ids = {"local_path": str(live), "local_release": release}
        if on_remote_ids is not None:
            on_remote_ids(ids)
        if self.start_server:
            base = ensure_sites_server(self.port, mode=self.server)
        else:
            base = f"http://127.0.0.1:{self.port if self.port is not None else _configured_port()}"
        url = f"{base}/{served_as}/"
        self._say(on_progress, f"live at {url}")
        return DeployResult(self.name, "live", url, ids, started, utcnow())


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve Faibric sites on loopback (started by deploys)")
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--run-file", default=None)
    parser.add_argument("--exit-when-root-missing", action="store_true")
    args = parser.parse_args(argv)
    root = Path(args.root)
    try:
        server = SitesServer(root, "127.0.0.1", args.port)
    except OSError as exc:
        print(f"cannot listen on port {args.port}: {exc}", file=sys.stderr)
        return 3 if exc.errno == errno.EADDRINUSE else 1
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    if args.run_file:
        tmp = Path(args.run_file + ".tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "port": server.port, "root": str(root),
                                   "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}))
        os.replace(tmp, args.run_file)
    if args.exit_when_root_missing:
        # a server started for a workspace that is later deleted (a test's temporary folder) goes away with it
        def watch():
            while root.exists():
                time.sleep(2)
            server.shutdown()

        threading.Thread(target=watch, daemon=True).start()
    print(f"serving {root} at {server.url}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
