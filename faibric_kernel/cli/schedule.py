"""``faibric schedule install | show | remove | run-missed``: the daily report from cron."""

from __future__ import annotations

import sys

import click

from ..schedule import DEFAULT_AT, MAX_CATCH_UP_DAYS, install, remove, run_missed, show
from .output import emit, json_option
from .report import timed_progress

__all__ = ["COMMANDS", "schedule"]

@click.group("schedule")
def schedule() -> None:
    """Run the daily report from cron (06:00 by default), and catch up missed days."""


@schedule.command("install")
@click.option("--at", "at", default=DEFAULT_AT, show_default=True, metavar="HH:MM",
              help="time of day (the cron daemon's local time)")
@click.option("--email", is_flag=True, help="also email each report to FAIBRIC_REPORT_EMAIL_TO")
@json_option
def install_command(at: str, email: bool, as_json: bool) -> None:
    """Write the crontab entry for this workspace (replacing an earlier one)."""
    info = install(at, email=email)
    emit(info, as_json, lambda d: click.echo(
        f"the daily report runs at {d['at']} every day (and after a reboot) from {d['crontab']}\n"
        f"log: {d['log']}"))


@schedule.command("show")
@json_option
def show_command(as_json: bool) -> None:
    """Show this workspace's crontab entry."""
    info = show()

    def human(d):
        if not d["installed"]:
            click.echo(f"not scheduled in {d['crontab']} (faibric schedule install)")
            return
        click.echo(f"runs at {d['at']} every day and after a reboot; log: {d['log']}")
        click.echo(f"command: {d['command']}")

    emit(info, as_json, human)


@schedule.command("remove")
@json_option
def remove_command(as_json: bool) -> None:
    """Delete this workspace's crontab entry."""
    info = remove()
    emit(info, as_json, lambda d: click.echo("removed" if d["removed"] else "there was no entry for this workspace"))


@schedule.command("run-missed")
@click.option("--days", "max_days", default=MAX_CATCH_UP_DAYS, show_default=True, help="look back at most this far")
@click.option("--tenant", default=None, help="one tenant (default: all tenants)")
@click.option("--email", is_flag=True, help="email each report")
@json_option
def run_missed_command(max_days: int, tenant: str | None, email: bool, as_json: bool) -> None:
    """Run the report for every day missed since the last successful run (yesterday included)."""
    result = run_missed(max_days=max_days, tenant=tenant, email=email, progress=timed_progress)

    def human(d):
        click.echo(f"{len(d['ran'])} report(s) produced, {len(d['failed'])} failed, {len(d['skipped'])} already done")
        for f in d["failed"]:
            click.echo(f"  {f['report_date']}: {f['error']}", err=True)

    emit(result, as_json, human)
    if not result["ok"]:
        sys.exit(1)


COMMANDS = [schedule]
