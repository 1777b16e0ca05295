"""``faibric schedule``: the marked crontab entry, the exact command it runs, and catching up missed days."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from faibric_kernel.errors import ConfigError

OTHER_LINE = "15 3 * * 1 /usr/local/bin/backup --quiet"


@pytest.fixture
def crontab_file(tmp_path, monkeypatch):
    path = tmp_path / "crontab"
    path.write_text(OTHER_LINE + "\n")
    monkeypatch.setenv("FAIBRIC_CRONTAB_FILE", str(path))
    return path


@pytest.fixture(autouse=True)
def state_url_in_dotenv(workspace):
    """With FAIBRIC_TEST_STATE=postgres the state's URL is in this process's environment only; cron sees the
    workspace's .env, so it goes there too (as an operator puts it: `faibric schedule install` insists)."""
    if os.environ.get("FAIBRIC_DATABASE_URL"):
        workspace.mkdir(parents=True, exist_ok=True)
        (workspace / ".env").write_text(f"FAIBRIC_DATABASE_URL={os.environ['FAIBRIC_DATABASE_URL']}\n")


def _record_run(day: date, status: str) -> None:
    import faibric_kernel.reports.runner  # noqa: F401 - registers the report_runs columns
    from faibric_kernel.store import state_connection

    with state_connection() as con:
        con.execute(
            "INSERT INTO report_runs (report_date, tenant_id, status, started_at) VALUES (?, '*', ?, ?) "
            "ON CONFLICT (report_date, tenant_id) DO UPDATE SET status = excluded.status, "
            "started_at = excluded.started_at",
            [day, status, datetime(2026, 1, 1)],
        )


def test_install_writes_a_marked_daily_entry_at_six_and_keeps_other_lines(crontab_file, workspace):
    from faibric_kernel.schedule import install

    info = install()
    text = crontab_file.read_text()
    assert text.startswith(OTHER_LINE + "\n")
    assert f"# >>> faibric daily report (FAIBRIC_HOME={workspace}) >>>" in text
    [daily] = [line for line in text.splitlines() if line.startswith("0 6 * * * ")]
    assert f"FAIBRIC_HOME={workspace}" in daily
    assert " schedule run-missed >> " in daily and daily.endswith(f"{workspace / 'logs' / 'report.log'} 2>&1")
    assert "@reboot sleep 120 && " in text
    assert info["installed"] and info["at"] == "06:00"


def test_install_again_at_another_time_replaces_the_entry(crontab_file):
    from faibric_kernel.schedule import install, show

    install()
    install("07:45")
    text = crontab_file.read_text()
    assert text.count(">>> faibric daily report") == 1
    assert "45 7 * * * " in text and "0 6 * * * " not in text
    assert show()["at"] == "07:45"


def test_remove_deletes_only_this_workspaces_entry(crontab_file):
    from faibric_kernel.schedule import install, remove, show

    install()
    assert remove()["removed"] is True
    assert crontab_file.read_text() == OTHER_LINE + "\n"
    assert show()["installed"] is False
    assert remove()["removed"] is False


def test_bad_time_is_refused():
    from faibric_kernel.errors import InvalidInputError
    from faibric_kernel.schedule import entry_lines

    with pytest.raises(InvalidInputError, match="24-hour"):
        entry_lines("25:00")


def test_without_cron_the_error_says_to_install_it(tmp_path, monkeypatch):
    from faibric_kernel.schedule import install

    monkeypatch.delenv("FAIBRIC_CRONTAB_FILE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConfigError, match=r"apt-get install cron"):
        install()


def test_the_crontab_command_is_used_when_installed(tmp_path, monkeypatch, workspace):
    """A stand-in ``crontab`` executable (same -l / - interface) receives the new table."""
    store = tmp_path / "table"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "crontab"
    fake.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-l" ]; then [ -f {store} ] || {{ echo "no crontab for root" >&2; exit 1; }}; cat {store}; '
        f'elif [ "$1" = "-" ]; then cat > {store}; else exit 2; fi\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.delenv("FAIBRIC_CRONTAB_FILE", raising=False)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    from faibric_kernel.schedule import install, show

    install("05:30")
    assert "30 5 * * * " in store.read_text()
    assert show()["crontab"].startswith("the crontab of this user")


def test_the_exact_command_of_the_crontab_line_produces_the_report(crontab_file, workspace):
    from faibric_kernel.demo import seed_demo
    from faibric_kernel.reports import list_runs
    from faibric_kernel.schedule import install
    from faibric_kernel.store import close_writers

    seed_demo(sessions=120, days=5, seed=3)
    close_writers()
    install()
    [line] = [x for x in crontab_file.read_text().splitlines() if x.startswith("0 6 * * * ")]
    command = line.split(None, 5)[5]
    # cron's environment is almost empty: the line must bring everything it needs
    env = {"PATH": "/usr/bin:/bin", "HOME": str(workspace.parent), "SHELL": "/bin/sh"}
    proc = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (workspace / "logs" / "report.log").read_text()[-3000:]
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    html = workspace / "reports" / yesterday.isoformat() / "daily_report.html"
    assert html.exists() and 'id="fig-kpi-trend"' in html.read_text()
    [run] = list_runs()
    assert (run.report_date, run.status, run.trigger) == (yesterday, "ok", "schedule")
    log = (workspace / "logs" / "report.log").read_text()
    assert "report ready:" in log


def test_install_refuses_a_shared_store_that_only_this_shell_names(crontab_file, workspace, monkeypatch):
    from faibric_kernel.errors import ConfigError
    from faibric_kernel.schedule import install

    monkeypatch.setenv("FAIBRIC_LAKE_DATA", "/mnt/lake")
    with pytest.raises(ConfigError, match=r"FAIBRIC_LAKE_DATA is set in this shell only.*\.env"):
        install()
    assert not crontab_file.exists() or "faibric" not in crontab_file.read_text()


def test_missed_days_start_after_the_last_successful_run():
    from faibric_kernel.schedule import missed_days

    today = date(2026, 11, 20)
    _record_run(date(2026, 11, 15), "ok")
    _record_run(date(2026, 11, 17), "failed")
    _record_run(date(2026, 11, 18), "ok")
    assert missed_days(today=today) == [date(2026, 11, 19)]
    _record_run(date(2026, 11, 18), "failed")
    assert missed_days(today=today) == [date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18),
                                        date(2026, 11, 19)]


def test_missed_days_are_bounded_and_start_with_yesterday_when_nothing_ran():
    from faibric_kernel.schedule import missed_days

    today = date(2026, 11, 20)
    assert missed_days(today=today) == [date(2026, 11, 19)]
    _record_run(date(2026, 9, 1), "ok")
    due = missed_days(today=today)
    assert len(due) == 14 and due[0] == date(2026, 11, 6) and due[-1] == date(2026, 11, 19)
    assert missed_days(today=today, max_days=3) == [date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)]


def test_run_missed_catches_up_each_missed_day_once(monkeypatch):
    from faibric_kernel.cli import main
    from faibric_kernel.reports import list_runs

    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    _record_run(yesterday - timedelta(days=2), "ok")
    result = CliRunner().invoke(main, ["schedule", "run-missed", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["due"] == [(yesterday - timedelta(days=1)).isoformat(), yesterday.isoformat()]
    assert [r["status"] for r in data["ran"]] == ["ok", "ok"]
    assert sorted(r.report_date for r in list_runs(status="ok"))[-2:] == [yesterday - timedelta(days=1), yesterday]
    again = json.loads(CliRunner().invoke(main, ["schedule", "run-missed", "--json"]).stdout)
    assert again["due"] == [] and again["ran"] == []


def test_show_json_reports_the_entry(crontab_file):
    from faibric_kernel.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["schedule", "install", "--at", "06:30", "--json"]).exit_code == 0
    data = json.loads(runner.invoke(main, ["schedule", "show", "--json"]).stdout)
    assert data["installed"] and data["at"] == "06:30" and Path(data["log"]).name == "report.log"
