"""``faibric monitor``: watch health, alert, restart what Faibric started."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from ..monitor import monitor_loop, monitor_once, single_monitor
from .output import emit, json_option, progress

__all__ = ["COMMANDS", "monitor"]

@click.command("monitor")
@click.option("--interval", default=30.0, show_default=True, help="seconds between passes")
@click.option("--once", is_flag=True, help="one pass, then exit (1 when something is still unhealthy)")
@click.option("--no-restart", is_flag=True, help="alert only; never restart services")
@json_option
def monitor(interval: float, once: bool, no_restart: bool, as_json: bool) -> None:
    """Watch health: alert by email/webhook on failure, restart the services Faibric started."""
    def stamp(message: str) -> None:
        progress(f"{datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')} {message}")

    def human(result: dict) -> None:
        bad = [f"{n}: {c['detail']}" for n, c in result["checks"].items() if not c["ok"]]
        line = f"{result['checked_at']} {'ok' if result['ok'] else 'UNHEALTHY'}"
        click.echo(line + (" - " + "; ".join(bad) if bad else ""))
        for r in result["restarts"]:
            click.echo(f"  restart {r['service']}: {r['detail']}")
        for a in result["alerts"]:
            click.echo(f"  alert [{a['severity']}] {a['subject']}")

    if once:
        with single_monitor():
            result = monitor_once(restart=not no_restart, progress=stamp)
        emit(result, as_json, human)
        if not result["ok"]:
            sys.exit(1)
        return
    stamp(f"monitoring every {interval:g} s (Ctrl-C to stop)")

    def on_pass(result: dict) -> None:
        emit(result, as_json, human)

    monitor_loop(interval, on_pass=on_pass, progress=stamp, restart=not no_restart)


COMMANDS = [monitor]
