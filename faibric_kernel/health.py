"""Health checks: the store, the event lake (when configured), the spool backlog, disk space, providers, deploy targets and the sites server.

Each check is a small function returning ``{"ok": bool, "detail": str, ...}``;
:func:`check_health` runs them all. Later parts add checks to ``CHECKS``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable

from . import config
from .services import KNOWN_SERVICES, check_service

__all__ = ["CHECKS", "check_health", "register_check"]


def _store() -> dict:
    from .store import read_connection
    from .store.db import describe_state as describe

    started = time.perf_counter()
    with read_connection(include_spool=False, timeout=5, events=False) as con:
        version = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
    ms = (time.perf_counter() - started) * 1000
    return {"ok": True, "detail": f"{describe()} schema v{version}, opened in {ms:.0f} ms"}


def _lake() -> dict:
    """The event lake, when one is configured: its catalog answers and its tables exist."""
    from .store import lake

    if lake.settings() is None:
        return {"ok": True, "detail": "not configured: events are stored in the workspace's DuckDB file"}
    started = time.perf_counter()
    state = lake.status()
    ms = (time.perf_counter() - started) * 1000
    return {"ok": True, "detail": f"{state['catalog']}: {state['rows']['events']:,} events from {state['hosts']} "
                                  f"host(s), read in {ms:.0f} ms", "rows": state["rows"]}


def _spool() -> dict:
    from .store.spool import segments, spool_dir

    total = sum(p.stat().st_size for k in ("events", "api_calls") for p in segments(spool_dir(), k) if p.exists())
    quarantine = spool_dir() / "quarantine"
    bad = len(list(quarantine.glob("*.reason.txt"))) if quarantine.exists() else 0
    ok = total < 512 * 1024 * 1024
    detail = f"{total / 1e6:.1f} MB waiting for ingest" + (f"; {bad} quarantined segment(s)" if bad else "")
    return {"ok": ok, "detail": detail if ok else detail + "; run `faibric ingest`", "backlog_bytes": total}


def _disk() -> dict:
    usage = shutil.disk_usage(config.workspace())
    free_gb = usage.free / 1e9
    ok = free_gb >= 1.0
    return {"ok": ok, "detail": f"{free_gb:.1f} GB free" + ("" if ok else "; free some space"), "free_bytes": usage.free}


def _providers() -> dict:
    key = config.is_set("ANTHROPIC_API_KEY")
    detail = "anthropic (key set), offline" if key else "offline (set ANTHROPIC_API_KEY to use anthropic)"
    return {"ok": True, "detail": detail, "available": ["anthropic", "offline"] if key else ["offline"]}


def _deploy_targets() -> dict:
    from .deploy import DEPLOYERS, missing_settings

    # the default target first, then the others in registry order
    targets = sorted((name for name in DEPLOYERS if not missing_settings(name)), key=lambda name: name != "local")
    return {"ok": True, "detail": ", ".join(targets), "available": targets}


def _sites_server() -> dict:
    from .deploy.local import sites_server_status

    running = sites_server_status()
    if running is None:
        return {"ok": True, "detail": "not running (the next local deploy starts it)", "url": None}
    return {"ok": True, "detail": f"serving the local sites at {running['url']} (pid {running['pid']}); "
                                  "`faibric sites stop` stops it", "url": running["url"]}


CHECKS: dict[str, Callable[[], dict]] = {
    "store": _store,
    "lake": _lake,
    "spool": _spool,
    "disk": _disk,
    "providers": _providers,
    "deploy_targets": _deploy_targets,
    "sites_server": _sites_server,
}


for _service in KNOWN_SERVICES:
    CHECKS[_service] = lambda _name=_service: check_service(_name)


def register_check(name: str, check: Callable[[], dict]) -> None:
    """Add a health check (e.g. the dashboards or API server)."""
    CHECKS[name] = check


def check_health() -> dict:
    """Run every check; a check that raises is reported as failed with its message."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - a failing check is a result, not a crash
            message = getattr(exc, "message", None) or str(exc)
            results[name] = {"ok": False, "detail": f"{type(exc).__name__}: {message}"}
    return {"ok": all(r["ok"] for r in results.values()), "checks": results}
