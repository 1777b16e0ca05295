"""Services Faibric started, their health checks, and ``faibric monitor``: alerts and restarts.

A launcher that starts a long-running service (``faibric dashboards``,
``faibric serve``) records it with :func:`register_service` in
``$FAIBRIC_HOME/run/<name>.json`` (pid, port, the argv that starts it again,
started_at) and removes the record with :func:`unregister_service` when it
stops on purpose. ``faibric health`` then checks each known service (is the
pid alive, does the port answer HTTP), and :func:`monitor_once`, the body of
``faibric monitor``:

1. restarts each recorded service that is down (or hung for several passes)
   from its recorded argv, with exponential backoff between restarts
   (immediately, then 5 s, 10 s, 20 s ... up to 5 minutes; the count resets
   once a service has stayed up for 5 minutes);
2. runs every health check;
3. alerts on each restart and each failing check: a row in ``alerts``, an
   email to ``FAIBRIC_ALERT_EMAIL_TO`` and a POST to
   ``FAIBRIC_ALERT_WEBHOOK_URL`` when set. A check that stays failing is
   alerted again once an hour; when it recovers its open alerts are resolved.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import config
from .errors import FaibricError, InvalidInputError
from .health import check_health
from .services import (
    pid_alive,
    probe,
    read_service,
    read_services,
    register_service,
    service_status,
    track_child,
    unregister_service,
    write_private_json,
)

__all__ = ["monitor_loop", "monitor_once", "raise_alert", "restart_service", "single_monitor", "stop_service"]

HUNG_AFTER_PASSES = 3
BACKOFF_BASE_S = 5.0
BACKOFF_MAX_S = 300.0
STABLE_AFTER_S = 300.0
REALERT_AFTER_S = 3600.0
RESTART_WAIT_S = 30.0


# -- restarts -----------------------------------------------------------------------------------------


def _stop(pid: int, wait: float = 5.0) -> None:
    """End a hung service: TERM, then KILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not pid_alive(pid):
                return
            time.sleep(0.1)


def stop_service(name: str, *, wait: float = 15.0) -> dict:
    """Stop a recorded service (TERM, then KILL after ``wait`` s) and forget it: ``{"stopped", "pid", "detail"}``.

    The service's own process removes its record when it ends cleanly; the
    record goes here too, so a service that was killed is not restarted by
    ``faibric monitor``.
    """
    record = read_service(name)
    if record is None:
        return {"stopped": False, "pid": None, "detail": f"{name} is not running (nothing recorded)"}
    pid = int(record["pid"])
    was_alive = pid_alive(pid)
    if was_alive:
        _stop(pid, wait=wait)
    unregister_service(name)
    detail = f"stopped {name} (pid {pid})" if was_alive else f"{name} was not running (pid {pid} had ended)"
    return {"stopped": was_alive, "pid": pid, "detail": detail}


def restart_service(record: dict, *, wait: float = RESTART_WAIT_S) -> dict:
    """Start a service again from its recorded argv and wait until its port answers.

    Returns ``{"ok", "pid", "detail"}``; the service's record then carries the
    new pid (unless the new process recorded itself meanwhile).
    """
    name = record["name"]
    if pid_alive(int(record["pid"])):
        _stop(int(record["pid"]))
    log_path = config.workspace_path("logs") / f"{name}.log"
    env = {**os.environ, "FAIBRIC_HOME": str(config.workspace())}
    cwd = record.get("cwd") if record.get("cwd") and Path(record["cwd"]).is_dir() else str(config.workspace())
    with open(log_path, "ab") as log:
        log.write(f"\n--- {_now().isoformat()} restarted by faibric monitor: {' '.join(record['argv'])}\n".encode())
        log.flush()
        try:
            proc = subprocess.Popen(record["argv"], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            return {"ok": False, "pid": None, "detail": f"could not start {record['argv'][0]}: {exc.strerror or exc}"}
    track_child(proc)
    register_service(name, proc.pid, record["port"], record["argv"], host=record.get("host", "127.0.0.1"),
                     health_path=record.get("health_path", "/"), cwd=cwd, managed=record.get("managed", True))
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return {"ok": False, "pid": proc.pid,
                    "detail": f"exited with status {proc.returncode} right after the restart; see {log_path}"}
        current = read_service(name) or {}
        latest = {**record, **current}
        answering, how = probe(latest, timeout=2.0)
        if answering:
            return {"ok": True, "pid": int(latest["pid"]), "detail": f"restarted as pid {latest['pid']}: {how}"}
        time.sleep(0.2)
    return {"ok": False, "pid": proc.pid, "detail": f"pid {proc.pid} started but port {record['port']} did not answer "
                                                    f"within {wait:.0f} s; see {log_path}"}


def _backoff(restarts: int) -> float:
    return min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, restarts - 1))


# -- alerts -------------------------------------------------------------------------------------------


def _state_path() -> Path:
    return config.workspace_path("run") / "monitor-state.json"


def _load_state() -> dict:
    try:
        state = json.loads(_state_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        state = {}
    state.setdefault("services", {})
    state.setdefault("checks", {})
    return state


def _deliver(alert: dict, http_client) -> dict:
    """Send an alert by email and webhook where configured; never raises."""
    delivered = {}
    to = config.get("FAIBRIC_ALERT_EMAIL_TO")
    if to:
        try:
            from .email import send_email

            result = send_email([a.strip() for a in to.split(",") if a.strip()],
                                f"[faibric {alert['severity']}] {alert['subject']}", alert["message"], kind="alert")
            delivered["email"] = {"ok": result.ok, "to": result.to, "error": result.error}
        except Exception as exc:  # noqa: BLE001 - a broken channel must not hide the alert
            delivered["email"] = {"ok": False, "error": getattr(exc, "message", None) or str(exc)}
    webhook = config.get_secret("FAIBRIC_ALERT_WEBHOOK_URL")
    if webhook:
        import httpx

        payload = {"text": f"[faibric {alert['severity']}] {alert['subject']}: {alert['message']}",
                   "alert": {k: alert[k] for k in ("alert_id", "rule", "severity", "subject", "message", "fired_at")}}
        client = http_client or httpx.Client(timeout=10)
        try:
            response = client.post(webhook.reveal(), json=payload)
            delivered["webhook"] = {"ok": response.is_success, "status": response.status_code}
        except httpx.HTTPError as exc:
            delivered["webhook"] = {"ok": False, "error": type(exc).__name__}
        finally:
            if http_client is None:
                client.close()
    return delivered


def raise_alert(rule: str, subject: str, message: str, *, severity: str = "error", details: dict | None = None,
                http_client=None) -> dict:
    """Record an alert in ``alerts`` and deliver it; returns the alert with what was delivered."""
    fired = _now()
    alert = {
        "alert_id": f"monitor-{uuid.uuid4().hex[:16]}",
        "rule": rule,
        "period_key": fired.strftime("%Y-%m-%dT%H"),
        "subject": subject,
        "fired_at": fired.isoformat(),
        "severity": severity,
        "message": message,
        "details": details or {},
    }
    alert["delivered"] = _deliver(alert, http_client)
    try:
        from .store import state_connection

        with state_connection() as con:
            con.execute(
                "INSERT INTO alerts (alert_id, rule, period_key, tenant_id, subject, fired_at, severity, message, "
                "details, delivered, status) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 'open')",
                [alert["alert_id"], rule, alert["period_key"], subject, fired, severity, message,
                 json.dumps(alert["details"], default=str), json.dumps(alert["delivered"], default=str)],
            )
        alert["recorded"] = True
    except Exception as exc:  # noqa: BLE001 - the store may be what is down
        alert["recorded"] = False
        alert["record_error"] = getattr(exc, "message", None) or str(exc)
    return alert


def _resolve(rule: str) -> None:
    with contextlib.suppress(Exception):
        from .store import state_connection

        with state_connection() as con:
            con.execute("UPDATE alerts SET status = 'resolved' WHERE rule = ? AND status = 'open'", [rule])


# -- one pass, and the loop ---------------------------------------------------------------------------


def monitor_once(*, restart: bool = True, http_client=None, restart_wait: float = RESTART_WAIT_S,
                 progress=None) -> dict:
    """One pass: restart what is down (with backoff), run the health checks, alert. See the module doc."""
    say = progress or (lambda _msg: None)
    state = _load_state()
    now = _now()
    restarts, alerts = [], []
    for record in read_services():
        name = record["name"]
        svc = state["services"].setdefault(name, {"restarts": 0, "failed_passes": 0})
        status = service_status(record)
        healthy = status["alive"] and (status["answering"] or status["starting"])
        if healthy:
            svc["failed_passes"] = 0
            last = svc.get("last_restart_at")
            if svc["restarts"] and last and (now - datetime.fromisoformat(last)).total_seconds() > STABLE_AFTER_S:
                svc["restarts"] = 0
                svc.pop("next_restart_at", None)
            continue
        svc["failed_passes"] += 1
        hung = status["alive"] and svc["failed_passes"] < HUNG_AFTER_PASSES
        if not restart or not record.get("managed", True) or not record.get("argv") or hung:
            continue
        due = svc.get("next_restart_at")
        if due and now < datetime.fromisoformat(due):
            restarts.append({"service": name, "ok": False, "skipped": True,
                             "detail": f"backing off: next restart at {due} ({status['detail']})"})
            continue
        say(f"{name}: {status['detail']}; restarting")
        result = restart_service(record, wait=restart_wait)
        svc["restarts"] += 1
        svc["failed_passes"] = 0
        svc["last_restart_at"] = _now().isoformat()
        svc["next_restart_at"] = (_now() + timedelta(seconds=_backoff(svc["restarts"]))).isoformat()
        restarts.append({"service": name, "old_pid": record["pid"], "new_pid": result["pid"], "ok": result["ok"],
                         "detail": result["detail"], "restarts": svc["restarts"]})
        say(f"{name}: {result['detail']}")
        alerts.append(raise_alert(
            f"monitor.restart.{name}",
            f"{name} was down and {'was restarted' if result['ok'] else 'could not be restarted'}",
            f"{status['detail']}; {result['detail']}",
            severity="warning" if result["ok"] else "critical",
            details={"service": name, "old_pid": record["pid"], "new_pid": result["pid"], "port": record["port"],
                     "restarts": svc["restarts"]},
            http_client=http_client,
        ))
    health = check_health()
    # a service handled by a restart was alerted about (or is backing off after one): no second alert for it
    handled = {r["service"] for r in restarts}
    for name, check in health["checks"].items():
        rule = f"monitor.check.{name}"
        memory = state["checks"].setdefault(name, {})
        if check["ok"]:
            if memory.get("failing"):
                _resolve(rule)
            state["checks"][name] = {"failing": False}
            continue
        last = memory.get("alerted_at")
        fresh = not memory.get("failing")
        stale = last and (now - datetime.fromisoformat(last)).total_seconds() >= REALERT_AFTER_S
        memory["failing"] = True
        if name in handled:
            memory.setdefault("alerted_at", now.isoformat())
            continue
        if not (fresh or stale):
            continue
        alerts.append(raise_alert(rule, f"health check {name} failed", check["detail"], severity="error",
                                  details={"check": name, **{k: v for k, v in check.items() if k != "detail"}},
                                  http_client=http_client))
        memory["alerted_at"] = now.isoformat()
    write_private_json(_state_path(), state)
    return {"ok": health["ok"], "checked_at": now.isoformat(), "checks": health["checks"], "restarts": restarts,
            "alerts": alerts}


@contextlib.contextmanager
def single_monitor():
    path = config.workspace_path("run") / "monitor.lock"
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            raise FaibricError(f"another faibric monitor is running (pid {fh.read().strip() or '?'}); "
                               "stop it first or use that one") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def monitor_loop(interval: float = 30.0, *, passes: int | None = None, on_pass=None, progress=None,
                 http_client=None, restart: bool = True, ingest: bool = True) -> None:
    """Run :func:`monitor_once` every ``interval`` seconds (``passes`` times, or until interrupted).

    Also runs the periodic ingest (every 30 s or ``interval``, whichever is longer).
    """
    if interval <= 0:
        raise InvalidInputError("--interval must be more than 0 seconds")
    from .store.ingest import PeriodicIngest

    done = 0
    with single_monitor():
        # the monitor is a long-running process: it keeps the database up with the spool too
        ingester = PeriodicIngest(interval=max(30.0, interval)).start() if ingest else None
        try:
            while passes is None or done < passes:
                started = time.monotonic()
                result = monitor_once(restart=restart, progress=progress, http_client=http_client)
                if ingester is not None and ingester.last_error:
                    result["ingest_error"] = ingester.last_error
                done += 1
                if on_pass:
                    on_pass(result)
                if passes is not None and done >= passes:
                    break
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
        finally:
            if ingester is not None:
                ingester.stop()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
