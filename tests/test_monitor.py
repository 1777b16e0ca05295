"""Service records, the dashboards/API health checks, and ``faibric monitor``: restarts, backoff, alerts."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
        return True
    except httpx.HTTPError:
        return False


def _wait_answering(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _answers(port):
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port}")


def _http_server_argv(port: int) -> list[str]:
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _end(pid: int | None) -> None:
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _alerts() -> list[dict]:
    from faibric_kernel.store import read_connection

    with read_connection(include_spool=False) as con:
        cur = con.execute("SELECT rule, severity, subject, message, status, CAST(delivered AS VARCHAR) FROM alerts "
                          "ORDER BY fired_at")
        return [dict(zip(["rule", "severity", "subject", "message", "status", "delivered"], r, strict=True))
                for r in cur.fetchall()]


class Webhook:
    """A fake webhook endpoint on httpx.MockTransport that keeps what it receives."""

    def __init__(self):
        self.received = []
        self.client = httpx.Client(transport=httpx.MockTransport(self._handle))

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.received.append((str(request.url), json.loads(request.content)))
        return httpx.Response(200, text="ok")


# -- records and health checks -------------------------------------------------------------------------


def test_register_read_and_unregister_a_service(workspace):
    from faibric_kernel.services import read_service, read_services, register_service, unregister_service

    register_service("api", 1234, 8000, ["faibric", "serve", "--port", "8000"])
    record = read_service("api")
    assert (record["pid"], record["port"], record["argv"]) == (1234, 8000, ["faibric", "serve", "--port", "8000"])
    assert [r["name"] for r in read_services()] == ["api"]
    path = workspace / "run" / "api.json"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert unregister_service("api", pid=999) is False  # a successor's record is left alone
    assert unregister_service("api", pid=1234) is True
    assert read_services() == []


def test_health_covers_dashboards_and_api_even_when_not_started():
    from faibric_kernel.health import check_health

    report = check_health()
    for name in ("store", "spool", "disk", "providers", "dashboards", "api"):
        assert name in report["checks"], name
    assert report["checks"]["dashboards"] == {
        "ok": True, "running": False, "detail": "not started by Faibric (start it with `faibric dashboards`)"}


def test_health_fails_with_exit_code_1_when_a_started_service_died():
    from faibric_kernel.cli import main
    from faibric_kernel.services import register_service

    register_service("dashboards", _dead_pid(), _free_port(), ["faibric", "dashboards"])
    result = CliRunner().invoke(main, ["health", "--json"])
    assert result.exit_code == 1
    check = json.loads(result.stdout)["checks"]["dashboards"]
    assert check["ok"] is False and "is not running" in check["detail"]


def test_health_is_ok_for_a_running_service_that_answers():
    from faibric_kernel.services import check_service, register_service

    port = _free_port()
    proc = subprocess.Popen(_http_server_argv(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_answering(port)
        register_service("api", proc.pid, port, _http_server_argv(port))
        check = check_service("api")
        assert check["ok"] is True and "answered 200" in check["detail"]
    finally:
        proc.kill()
        proc.wait()


# -- the monitor -------------------------------------------------------------------------------------------


def _children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


@pytest.mark.slow
def test_monitor_restarts_the_killed_dashboards_server_and_records_an_alert(workspace, monkeypatch):
    """The real ``faibric dashboards`` (Voila): kill it, one monitor pass brings it back on its port."""
    from faibric_kernel.monitor import monitor_once
    from faibric_kernel.services import read_service, register_service

    monkeypatch.setenv("FAIBRIC_ALERT_WEBHOOK_URL", "https://hooks.example.test/faibric")
    port = _free_port()
    faibric = str(Path(sys.executable).parent / "faibric")
    argv = [faibric, "dashboards", "--port", str(port), "--token", "stake-token", "--analyst-token", "analyst-token",
            "--pool-size", "0"]
    launcher = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    new_pid = None
    try:
        _wait_answering(port, timeout=120)
        register_service("dashboards", launcher.pid, port, argv)
        voila = _children_of(launcher.pid)
        assert voila, "the launcher has no Voila child"
        for pid in [*voila, launcher.pid]:
            os.kill(pid, signal.SIGKILL)
        launcher.wait()
        deadline = time.monotonic() + 10
        while _answers(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _answers(port)

        webhook = Webhook()
        result = monitor_once(http_client=webhook.client, restart_wait=120)

        [restart] = result["restarts"]
        assert restart["ok"] is True, restart
        new_pid = read_service("dashboards")["pid"]
        assert new_pid != launcher.pid and restart["new_pid"] == new_pid
        assert _answers(port)
        assert result["checks"]["dashboards"]["ok"] is True
        [alert] = [a for a in _alerts() if a["rule"] == "monitor.restart.dashboards"]
        assert alert["severity"] == "warning" and "was restarted" in alert["subject"]
        assert json.loads(alert["delivered"])["webhook"] == {"ok": True, "status": 200}
        [(url, payload)] = webhook.received
        assert url == "https://hooks.example.test/faibric" and "dashboards was down" in payload["text"]
    finally:
        _end(new_pid)
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()


def test_monitor_restarts_a_stand_in_service_with_a_new_pid_on_the_same_port(workspace):
    from faibric_kernel.monitor import monitor_once
    from faibric_kernel.services import read_service, register_service

    port = _free_port()
    proc = subprocess.Popen(_http_server_argv(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    new_pid = None
    try:
        _wait_answering(port)
        register_service("api", proc.pid, port, _http_server_argv(port))
        proc.kill()
        proc.wait()
        result = monitor_once(restart_wait=30)
        new_pid = read_service("api")["pid"]
        assert result["restarts"][0]["ok"] is True and new_pid != proc.pid
        assert _answers(port)
        assert (workspace / "logs" / "api.log").read_text().count("restarted by faibric monitor") == 1
    finally:
        _end(new_pid)


def test_a_service_that_keeps_dying_is_retried_with_backoff_and_alerted_by_email(workspace, monkeypatch):
    from faibric_kernel.monitor import monitor_once
    from faibric_kernel.services import register_service

    monkeypatch.setenv("FAIBRIC_ALERT_EMAIL_TO", "oncall@example.com")
    register_service("api", _dead_pid(), _free_port(), [sys.executable, "-c", "import sys; sys.exit(3)"])
    first = monitor_once(restart_wait=10)
    [restart] = first["restarts"]
    assert restart["ok"] is False and "exited with status 3" in restart["detail"]
    second = monitor_once(restart_wait=10)
    [skipped] = second["restarts"]
    assert skipped["skipped"] is True and skipped["detail"].startswith("backing off")
    critical = [a for a in _alerts() if a["rule"] == "monitor.restart.api"]
    assert len(critical) == 1 and critical[0]["severity"] == "critical"
    assert json.loads(critical[0]["delivered"])["email"]["ok"] is True
    [mail] = (workspace / "outbox").glob("*.eml")
    assert "oncall@example.com" in mail.read_text() and "api was down" in mail.read_text()


def test_a_failing_check_alerts_once_then_resolves_when_it_recovers(monkeypatch):
    from faibric_kernel import health
    from faibric_kernel.monitor import monitor_once

    state = {"ok": False}
    monkeypatch.setitem(health.CHECKS, "flaky", lambda: {"ok": state["ok"], "detail": "flaky is " + str(state["ok"])})
    webhook = Webhook()
    monkeypatch.setenv("FAIBRIC_ALERT_WEBHOOK_URL", "https://hooks.example.test/x")
    assert monitor_once(http_client=webhook.client)["ok"] is False
    monitor_once(http_client=webhook.client)
    [alert] = _alerts()
    assert (alert["rule"], alert["status"]) == ("monitor.check.flaky", "open")
    assert len(webhook.received) == 1
    state["ok"] = True
    assert monitor_once(http_client=webhook.client)["ok"] is True
    assert _alerts()[0]["status"] == "resolved"


def test_monitor_once_cli_prints_one_json_document():
    from faibric_kernel.cli import main

    result = CliRunner().invoke(main, ["monitor", "--once", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["restarts"] == [] and "dashboards" in data["checks"]


def test_monitor_loop_runs_the_requested_passes():
    from faibric_kernel.monitor import monitor_loop

    seen = []
    monitor_loop(0.01, passes=2, on_pass=seen.append)
    assert len(seen) == 2 and all(p["ok"] for p in seen)
