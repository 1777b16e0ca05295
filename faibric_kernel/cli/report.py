"""``faibric report daily|runs``: run the daily report, list recorded runs."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from .output import emit, json_option, progress

__all__ = ["COMMANDS", "report", "timed_progress"]


def timed_progress(message: str) -> None:
    """A progress line on stderr with a UTC timestamp (the cron log reads well)."""
    progress(f"{datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')} {message}")


@click.group("report")
def report() -> None:
    """The daily report (papermill runs notebooks/daily_report.ipynb)."""


@report.command("daily")
@click.option("--date", "report_date", default=None, metavar="YYYY-MM-DD", help="the day (default: yesterday, UTC)")
@click.option("--tenant", default=None, help="one tenant (default: all tenants)")
@click.option("--email", is_flag=True, help="email the summary to FAIBRIC_REPORT_EMAIL_TO (or --to)")
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help="recipient (repeatable; implies --email)")
@json_option
def daily(report_date: str | None, tenant: str | None, email: bool, to: tuple[str, ...], as_json: bool) -> None:
    """Run the report for one day; rerunning a day replaces its report and its record."""
    from datetime import UTC, datetime

    from ..errors import InvalidInputError
    from ..reports.data import parse_report_date
    from ..reports.runner import run_daily_report

    try:
        day = parse_report_date(report_date)
    except InvalidInputError:
        raise InvalidInputError(f"--date must be a day like 2026-11-25 (or today, yesterday), not {report_date!r}") from None
    if day > datetime.now(UTC).date():
        raise InvalidInputError(f"--date {day} is in the future; a report covers a day that has begun (UTC)")
    run = run_daily_report(day, tenant, email=email or bool(to), to=list(to) or None,
                           progress=timed_progress)

    def human(d):
        click.echo(f"report for {d['report_date']} ({d['tenant_id']}): {d['status']} in {d['duration_s']:.1f} s")
        click.echo(f"  html:     {d['html_path']}")
        click.echo(f"  notebook: {d['notebook_path']}")
        click.echo(f"  summary:  {d['summary']}")
        if d["details"].get("email"):
            sent = d["details"]["email"]
            click.echo(f"  email:    {'sent to ' + ', '.join(sent['to']) if sent['ok'] else 'queued: ' + sent['error']}")

    emit(run.to_dict(), as_json, human)


@report.command("runs")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="only days from this one")
@click.option("--tenant", default=None, help="only this tenant (* = all tenants)")
@json_option
def runs(since: str | None, tenant: str | None, as_json: bool) -> None:
    """Recorded runs of the daily report, newest day first."""
    from ..reports.runner import list_runs

    rows = [r.to_dict() for r in list_runs(since=since, tenant=tenant)]

    def human(items):
        if not items:
            click.echo("no report has run yet (faibric report daily)")
        for r in items:
            took = f"{r['duration_s']:.1f} s" if r["duration_s"] is not None else "-"
            click.echo(f"{r['report_date']}  {r['tenant_id']:<10} {r['status']:<8} {took:>8}  "
                       f"{r['html_path'] or r['error'] or ''}")

    emit(rows, as_json, human)


COMMANDS = [report]
