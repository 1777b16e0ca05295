"""The daily report on a schedule: a marked crontab entry, and catching up missed days.

``faibric schedule install [--at HH:MM]`` writes a block into the user's
crontab, marked with the workspace it belongs to (so several workspaces can
each have one), that runs ``faibric schedule run-missed`` every day at the
given time (06:00 by default, the cron daemon's local time) and once when
cron starts after a reboot. ``run-missed`` runs the report for every day
since the last successful run up to yesterday (UTC), at most 14 days back,
so a day missed while the machine was off, or one that failed, is caught up
by the next run. The entry names the ``faibric`` executable by absolute path,
exports ``FAIBRIC_HOME`` (other settings come from ``$FAIBRIC_HOME/.env``)
and appends its output to ``$FAIBRIC_HOME/logs/report.log``.

The crontab is read with ``crontab -l`` and written with ``crontab -``; with
``FAIBRIC_CRONTAB_FILE`` set, a plain file stands in for it (tests, or
systems that read ``/etc/cron.d`` files).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from . import config
from .errors import ConfigError, FaibricError, InvalidInputError

__all__ = [
    "DEFAULT_AT",
    "MAX_CATCH_UP_DAYS",
    "FileCrontab",
    "SystemCrontab",
    "command_line",
    "crontab_backend",
    "entry_lines",
    "faibric_command",
    "install",
    "missed_days",
    "remove",
    "run_missed",
    "show",
]

DEFAULT_AT = "06:00"
MAX_CATCH_UP_DAYS = 14
LOG_NAME = "report.log"


class FileCrontab:
    """A plain file standing in for the crontab (``FAIBRIC_CRONTAB_FILE``)."""

    name = "file"

    def __init__(self, path: Path):
        self.path = Path(path)

    def read(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def write(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.path)

    def describe(self) -> str:
        return str(self.path)


class SystemCrontab:
    """The user's crontab through the ``crontab`` command."""

    name = "crontab"

    def __init__(self, executable: str):
        self.executable = executable

    def read(self) -> str:
        proc = subprocess.run([self.executable, "-l"], capture_output=True, text=True, timeout=30)
        if proc.returncode != 0:
            if "no crontab" in proc.stderr.lower():
                return ""
            raise FaibricError(f"`crontab -l` failed: {proc.stderr.strip() or proc.returncode}")
        return proc.stdout

    def write(self, text: str) -> None:
        proc = subprocess.run([self.executable, "-"], input=text, capture_output=True, text=True, timeout=30)
        if proc.returncode != 0:
            raise FaibricError(f"`crontab -` refused the new crontab: {proc.stderr.strip() or proc.returncode}")

    def describe(self) -> str:
        return f"the crontab of this user ({self.executable})"


def crontab_backend():
    """Where the schedule lives: ``FAIBRIC_CRONTAB_FILE``, else the ``crontab`` command."""
    override = config.get("FAIBRIC_CRONTAB_FILE")
    if override:
        return FileCrontab(Path(override).expanduser())
    executable = shutil.which("crontab")
    if not executable:
        raise ConfigError(
            "the crontab command is not installed, so the report cannot be scheduled; install cron "
            "(apt-get install cron, then start it: service cron start), or set FAIBRIC_CRONTAB_FILE "
            "to a file your scheduler reads"
        )
    return SystemCrontab(executable)


def faibric_command() -> list[str]:
    """The absolute command that runs ``faibric`` with this very Python environment."""
    script = Path(sys.executable).parent / "faibric"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-c", "import sys; from faibric_kernel.cli import main; sys.exit(main())"]


def parse_at(at: str) -> tuple[int, int]:
    """``HH:MM`` as (hour, minute)."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", at or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InvalidInputError(f"--at must be a time like 06:00 (24-hour clock), not {at!r}")
    return int(match.group(1)), int(match.group(2))


def _markers(home: Path) -> tuple[str, str]:
    return (f"# >>> faibric daily report (FAIBRIC_HOME={home}) >>>",
            f"# <<< faibric daily report (FAIBRIC_HOME={home}) <<<")


def command_line(*, email: bool = False) -> str:
    """The shell command the crontab entry runs: environment, absolute executable, log."""
    home = config.workspace()
    log = home / "logs" / LOG_NAME
    path = os.pathsep.join(dict.fromkeys([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]))
    argv = [*faibric_command(), "schedule", "run-missed", *(["--email"] if email else [])]
    command = (
        f"FAIBRIC_HOME={shlex.quote(str(home))} PATH={shlex.quote(path)} "
        + " ".join(shlex.quote(a) for a in argv)
        + f" >> {shlex.quote(str(log))} 2>&1"
    )
    # cron turns an unescaped % into a newline
    return command.replace("%", "\\%")


def entry_lines(at: str = DEFAULT_AT, *, email: bool = False) -> list[str]:
    """The marked block: the daily line and the catch-up after a reboot."""
    hour, minute = parse_at(at)
    begin, end = _markers(config.workspace())
    command = command_line(email=email)
    return [
        begin,
        "# managed by `faibric schedule`; change it with `faibric schedule install --at HH:MM`, "
        "delete it with `faibric schedule remove`",
        f"{minute} {hour} * * * {command}",
        f"@reboot sleep 120 && {command}",
        end,
    ]


def _split(text: str, home: Path) -> tuple[list[str], list[str] | None]:
    """(the other lines, our block or None)."""
    begin, end = _markers(home)
    lines = text.splitlines()
    if begin not in lines:
        return lines, None
    start = lines.index(begin)
    stop = lines.index(end, start) if end in lines[start:] else len(lines) - 1
    return lines[:start] + lines[stop + 1:], lines[start:stop + 1]


def _join(lines: list[str]) -> str:
    return ("\n".join(lines).rstrip("\n") + "\n") if lines else ""


def _describe_block(block: list[str] | None) -> dict:
    if not block:
        return {"installed": False}
    daily = next((line for line in block if re.match(r"^\d+ \d+ \* \* \* ", line)), None)
    at = None
    command = None
    if daily:
        minute, hour = daily.split()[:2]
        at = f"{int(hour):02d}:{int(minute):02d}"
        command = daily.split(None, 5)[5]
    return {"installed": True, "at": at, "command": command, "lines": block}


SHARED_STORE_SETTINGS = ("FAIBRIC_DATABASE_URL", "FAIBRIC_LAKE", "FAIBRIC_LAKE_DATA")


def install(at: str = DEFAULT_AT, *, email: bool = False) -> dict:
    """Write (or replace) this workspace's entry; returns what :func:`show` returns."""
    if email and not config.get("FAIBRIC_REPORT_EMAIL_TO"):
        raise ConfigError("--email needs FAIBRIC_REPORT_EMAIL_TO (comma-separated addresses) in $FAIBRIC_HOME/.env")
    backend = crontab_backend()
    home = config.workspace()
    # cron starts the report with an almost empty environment: a shared store named only in this shell
    # would leave the report reading the workspace's own file (and recording its run there)
    dotenv = config.read_dotenv(home / ".env")
    unseen = [name for name in SHARED_STORE_SETTINGS if config.is_set(name) and name not in dotenv]
    if unseen:
        raise ConfigError(f"{', '.join(unseen)} {'is' if len(unseen) == 1 else 'are'} set in this shell only, and "
                          f"cron will not see {'it' if len(unseen) == 1 else 'them'}; put "
                          f"{'it' if len(unseen) == 1 else 'them'} in {home / '.env'} first")
    (home / "logs").mkdir(parents=True, exist_ok=True)
    others, _ = _split(backend.read(), home)
    backend.write(_join(others + entry_lines(at, email=email)))
    return show()


def show() -> dict:
    """Whether this workspace's entry is installed, when it runs, the command and the log."""
    backend = crontab_backend()
    home = config.workspace()
    _, block = _split(backend.read(), home)
    info = _describe_block(block)
    info.update({"crontab": backend.describe(), "workspace": str(home), "log": str(home / "logs" / LOG_NAME)})
    return info


def remove() -> dict:
    """Delete this workspace's entry (other lines stay as they were)."""
    backend = crontab_backend()
    home = config.workspace()
    others, block = _split(backend.read(), home)
    if block is not None:
        backend.write(_join(others))
    return {"removed": block is not None, "crontab": backend.describe(), "workspace": str(home)}


def missed_days(*, today: date | None = None, max_days: int = MAX_CATCH_UP_DAYS, tenant: str | None = None) -> list[date]:
    """Days without a successful report since the last successful one, up to yesterday, oldest first.

    With no successful run ever, only yesterday is due; never more than
    ``max_days`` days back.
    """
    from .reports.data import default_report_date
    from .reports.runner import ALL_TENANTS, tenant_key
    from .store import read_connection

    if max_days < 1:
        raise InvalidInputError("--days must be at least 1")
    yesterday = (today - timedelta(days=1)) if today else default_report_date()
    key = tenant_key(tenant)
    with read_connection(include_spool=False) as con:
        rows = con.execute(
            "SELECT report_date, status FROM report_runs WHERE tenant_id = ? AND report_date <= ?",
            [key or ALL_TENANTS, yesterday],
        ).fetchall()
    ok_days = {d for d, status in rows if status == "ok"}
    if not ok_days:
        return [yesterday]
    first = max(max(ok_days) + timedelta(days=1), yesterday - timedelta(days=max_days - 1))
    days = []
    day = first
    while day <= yesterday:
        if day not in ok_days:
            days.append(day)
        day += timedelta(days=1)
    return days


def run_missed(*, today: date | None = None, max_days: int = MAX_CATCH_UP_DAYS, tenant: str | None = None,
               email: bool = False, progress=None) -> dict:
    """Run the report for each missed day, oldest first; one failure does not stop the others."""
    from .reports.runner import list_runs, run_daily_report

    say = progress or (lambda _msg: None)
    due = missed_days(today=today, max_days=max_days, tenant=tenant)
    say(f"{len(due)} day(s) due: {', '.join(d.isoformat() for d in due) or 'none'}")
    ran, failed, skipped = [], [], []
    for day in due:
        # another run (a reboot catch-up, a person) may have done it meanwhile
        if any(r.status == "ok" and r.report_date == day for r in list_runs(since=day, tenant=tenant)):
            skipped.append(day.isoformat())
            continue
        try:
            run = run_daily_report(day, tenant, email=email, trigger="schedule", progress=say)
            ran.append(run.to_dict())
        except FaibricError as exc:
            say(f"error: {exc.message}")
            failed.append({"report_date": day.isoformat(), "error": exc.message})
    return {"due": [d.isoformat() for d in due], "ran": ran, "failed": failed, "skipped": skipped,
            "ok": not failed}
