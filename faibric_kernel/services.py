"""Services Faibric started (``faibric dashboards``, ``faibric serve``): their records and health checks.

A launcher that starts a long-running service records it with
:func:`register_service` in ``$FAIBRIC_HOME/run/<name>.json`` (pid, port, the
argv that starts it again, started_at) and removes the record with
:func:`unregister_service` when it stops on purpose. :func:`check_service` is
each known service's health check (is the pid alive, does the port answer
HTTP); :mod:`.health` runs them, and :mod:`.monitor` restarts what died.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from . import config
from .errors import InvalidInputError

__all__ = [
    "KNOWN_SERVICES",
    "STARTUP_GRACE_S",
    "check_service",
    "pid_alive",
    "probe",
    "read_service",
    "read_services",
    "register_service",
    "service_status",
    "track_child",
    "unregister_service",
    "write_private_json",
]

# name -> the command that starts it (for messages)
KNOWN_SERVICES = {"dashboards": "faibric dashboards", "api": "faibric serve", "studio": "faibric studio"}
STARTUP_GRACE_S = 30.0

_children: dict[int, subprocess.Popen] = {}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _run_dir() -> Path:
    return config.workspace_path("run")


def _check_name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise InvalidInputError(f"a service name is letters, digits, - and _, not {name!r}")
    return name


def write_private_json(path: Path, data: dict) -> None:
    """Atomically, readable by this user only (an argv may carry a token)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, indent=1, default=str))
    os.replace(tmp, path)


def register_service(
    name: str,
    pid: int,
    port: int,
    argv: list[str] | None = None,
    *,
    host: str = "127.0.0.1",
    health_path: str = "/",
    cwd: str | None = None,
    managed: bool = True,
) -> dict:
    """Record a running service so ``faibric health`` checks it and ``faibric monitor`` restarts it.

    ``argv`` is the exact command that starts the service again (default:
    the current process's own command line, ``sys.orig_argv``); ``managed``
    False means "check it, alert, but never restart it". No environment is
    stored (it may hold secrets): a restart runs with the monitor's
    environment and this workspace's ``FAIBRIC_HOME``.
    """
    _check_name(name)
    if argv is None:
        argv = [sys.executable, *sys.orig_argv[1:]]
    record = {
        "name": name,
        "pid": int(pid),
        "port": int(port),
        "host": host,
        "health_path": health_path,
        "argv": [str(a) for a in argv],
        "cwd": str(cwd or os.getcwd()),
        "managed": bool(managed),
        "started_at": _now().isoformat(),
    }
    write_private_json(_run_dir() / f"{name}.json", record)
    return record


def unregister_service(name: str, pid: int | None = None) -> bool:
    """Remove a service's record (only if it is still ``pid``'s, when given); True if removed."""
    path = _run_dir() / f"{_check_name(name)}.json"
    record = read_service(name)
    if record is None or (pid is not None and record.get("pid") != pid):
        return False
    path.unlink(missing_ok=True)
    return True


def read_service(name: str) -> dict | None:
    """One service's record, or None."""
    path = _run_dir() / f"{_check_name(name)}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return record if isinstance(record, dict) and "pid" in record else None


def read_services() -> list[dict]:
    """Every recorded service, by name."""
    out = []
    for path in sorted(_run_dir().glob("*.json")):
        if path.name.startswith(".") or path.stem.startswith("monitor"):
            continue
        record = read_service(path.stem)
        if record is not None:
            out.append(record)
    return out


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not count)."""
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        _children.pop(pid, None)
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return True


def probe(record: dict, timeout: float = 5.0) -> tuple[bool, str]:
    """Whether the service's port answers HTTP (any status counts: a token-protected 403 is alive)."""
    import httpx

    url = f"http://{record.get('host', '127.0.0.1')}:{record['port']}{record.get('health_path', '/')}"
    try:
        response = httpx.get(url, timeout=timeout)
    except httpx.HTTPError as exc:
        return False, f"{url} did not answer ({type(exc).__name__})"
    return True, f"{url} answered {response.status_code}"


def service_status(record: dict) -> dict:
    """``alive``, ``answering``, ``detail`` and ``starting`` (inside the grace period) for a record."""
    alive = pid_alive(int(record["pid"]))
    answering, how = probe(record) if alive else (False, "")
    started = datetime.fromisoformat(record["started_at"]) if record.get("started_at") else None
    starting = bool(started and (_now() - started).total_seconds() < STARTUP_GRACE_S)
    if not alive:
        detail = f"pid {record['pid']} is not running (port {record['port']})"
    elif not answering:
        detail = f"pid {record['pid']} runs but {how}"
    else:
        detail = f"pid {record['pid']}: {how}"
    return {"alive": alive, "answering": answering, "starting": starting, "detail": detail}


def check_service(name: str) -> dict:
    """The health check of one service: fine when not started by Faibric, failing when it died or hangs."""
    record = read_service(name)
    if record is None:
        start = KNOWN_SERVICES.get(name, name)
        return {"ok": True, "running": False, "detail": f"not started by Faibric (start it with `{start}`)"}
    status = service_status(record)
    ok = status["alive"] and (status["answering"] or status["starting"])
    detail = status["detail"] + (" (starting)" if ok and not status["answering"] else "")
    return {"ok": ok, "running": status["alive"], "pid": record["pid"], "port": record["port"], "detail": detail}


def track_child(proc: subprocess.Popen) -> None:
    """Remember a service this process started, so its exit is reaped and not mistaken for a live pid."""
    _children[proc.pid] = proc
