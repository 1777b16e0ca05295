"""The `faibric` command's contract: JSON on stdout, one clear line on error."""

from __future__ import annotations

import json
from datetime import datetime

from click.testing import CliRunner

from faibric_kernel import __version__
from faibric_kernel.cli import main
from faibric_kernel.store import ingest, record_event


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version():
    result = run("--version")
    assert __version__ in result.output


def test_init_creates_the_workspace_and_prints_it(workspace):
    result = run("init", "--json")
    data = json.loads(result.stdout)
    assert data["workspace"] == str(workspace)
    assert (workspace / "faibric.duckdb").exists()
    assert (workspace / "spool").is_dir() and (workspace / "outbox").is_dir()


def test_events_count_includes_spooled_events():
    record_event("verified", session_id="s1")
    record_event("verified", session_id="s2")
    record_event("deployed", session_id="s2")
    data = json.loads(run("events", "count", "--json").stdout)
    assert data == {"total": 3, "by_type": {"verified": 2, "deployed": 1}}


def test_ingest_json_reports_rows_added():
    record_event("verified", session_id="s1")
    data = json.loads(run("ingest", "--json").stdout)
    assert data["added"]["events"] == 1


def test_events_tail_lists_newest_last():
    for kind in ("request_submitted", "email_provided", "verified"):
        record_event(kind, session_id="s1")
    data = json.loads(run("events", "tail", "-n", "2", "--json").stdout)
    assert [r["event_type"] for r in data] == ["email_provided", "verified"]


def test_events_export_parquet_round_trips(tmp_path):
    import pyarrow.parquet as pq

    record_event("verified", session_id="s1", properties={"k": "v"})
    ingest()
    out = tmp_path / "events.parquet"
    data = json.loads(run("events", "export", "--format", "parquet", "--out", str(out), "--json").stdout)
    assert data["rows"] == 1
    table = pq.read_table(out)
    assert table.column_names == ["event_id", "ts", "tenant_id", "session_id", "actor", "event_type", "properties"]


def test_events_export_csv(tmp_path):
    record_event("verified", session_id="s1")
    out = tmp_path / "events.csv"
    run("events", "export", "--format", "csv", "--out", str(out))
    assert out.read_text().splitlines()[0].startswith("event_id,ts,tenant_id")


def test_events_export_by_day_writes_a_folder_per_utc_day_that_duckdb_reads_back(tmp_path):
    import duckdb

    for day in (1, 1, 2):
        record_event("verified", session_id=f"s{day}", ts=datetime(2026, 3, day, 23, 30))
    out = tmp_path / "lake" / "events"  # folders are created as needed
    data = json.loads(run("events", "export", "--format", "parquet", "--by-day", "--out", str(out), "--json").stdout)
    assert (data["rows"], data["by_day"]) == (3, True)
    assert sorted(p.name for p in out.iterdir()) == ["day=2026-03-01", "day=2026-03-02"]
    rows = duckdb.sql(
        f"SELECT CAST(day AS VARCHAR), count(*) FROM read_parquet('{out}/*/*.parquet', hive_partitioning = true) "
        "GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert rows == [("2026-03-01", 2), ("2026-03-02", 1)]


def test_events_export_by_day_refuses_csv_and_a_folder_in_use(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("mine")
    for args, message in ((["--format", "csv", "--out", str(tmp_path / "x")], "--format parquet"),
                          (["--format", "parquet", "--out", str(tmp_path / "used")], "not an empty folder")):
        result = CliRunner().invoke(main, ["events", "export", "--by-day", *args])
        assert result.exit_code != 0 and message in result.stderr
    assert (tmp_path / "used" / "keep.txt").read_text() == "mine"


def test_events_export_never_replaces_a_file_unless_forced(tmp_path):
    record_event("verified", session_id="s1")
    out = tmp_path / "precious.csv"
    out.write_text("mine")
    result = CliRunner().invoke(main, ["events", "export", "--format", "csv", "--out", str(out)])
    assert result.exit_code != 0 and "--force" in result.stderr
    assert out.read_text() == "mine"
    run("events", "export", "--format", "csv", "--out", str(out), "--force")
    assert out.read_text().startswith("event_id,ts")


def test_events_export_to_a_folder_asks_for_a_file(tmp_path):
    result = CliRunner().invoke(main, ["events", "export", "--format", "parquet", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "is a folder" in result.stderr


def test_events_export_to_a_full_disk_is_one_clear_line():
    record_event("verified", session_id="s1")
    result = CliRunner().invoke(main, ["events", "export", "--format", "csv", "--out", "/dev/full", "--force"])
    assert result.exit_code != 0
    assert result.stderr.startswith("error: cannot write /dev/full") and result.stderr.strip().count("\n") == 0
    assert "disk you can write" in result.stderr


def test_export_into_a_missing_folder_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(main, ["events", "export", "--format", "csv", "--out", str(tmp_path / "no" / "x.csv")])
    assert result.exit_code != 0
    assert result.stderr.strip().count("\n") == 0
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_db_stats_json_lists_tables():
    record_event("verified", session_id="s1")
    data = json.loads(run("db", "stats", "--json").stdout)
    assert "events" in data["tables"] and data["spool"]["events"]["segments"] == 1


def test_health_json_reports_store_and_offline_provider():
    data = json.loads(run("health", "--json").stdout)
    assert data["checks"]["store"]["ok"]
    assert data["checks"]["providers"]["available"] == ["offline"]
    assert data["checks"]["deploy_targets"]["available"][0] == "local"


def test_health_lists_anthropic_when_a_key_is_set(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-secret-value")
    result = run("health", "--json")
    assert "anthropic" in json.loads(result.stdout)["checks"]["providers"]["available"]
    assert "sk-test-secret-value" not in result.output


def test_settings_come_from_the_workspace_dotenv(workspace):
    from faibric_kernel import config

    config.workspace()
    (workspace / ".env").write_text("GITHUB_APPS_REPO='acme/sites'\nRENDER_API_KEY=rnd_secret\n")
    assert config.get("GITHUB_APPS_REPO") == "acme/sites"
    secret = config.get_secret("RENDER_API_KEY")
    assert secret.reveal() == "rnd_secret"
    assert "rnd_secret" not in repr(secret) and "rnd_secret" not in str(secret)


def test_a_missing_required_key_names_the_variable():
    import pytest

    from faibric_kernel import config
    from faibric_kernel.errors import MissingKeyError

    with pytest.raises(MissingKeyError, match="GITHUB_TOKEN"):
        config.get_secret("GITHUB_TOKEN", required=True, purpose="deploy to GitHub")


def test_every_setting_is_documented_in_the_readme():
    from pathlib import Path

    from faibric_kernel.config import SETTINGS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    missing = [name for name in SETTINGS if f"`{name}`" not in readme]
    assert missing == []


def test_config_lists_settings_without_revealing_secrets(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_very_secret")
    result = run("config", "--json")
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["GITHUB_TOKEN"] == {**rows["GITHUB_TOKEN"], "value": "***", "source": "environment"}
    assert rows["FAIBRIC_EMAIL_BACKEND"]["value"] == "outbox"
    assert "ghp_very_secret" not in result.output
