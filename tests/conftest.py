"""Shared fixtures: every test gets its own workspace and no API keys; lake tests get a PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest

SECRET_VARS = [
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "GITHUB_TOKEN",
    "GITHUB_APPS_REPO",
    "GITHUB_API_URL",
    "RENDER_API_KEY",
    "RENDER_OWNER_ID",
    "RENDER_API_URL",
    "SMTP_HOST",
    "SMTP_PASSWORD",
    "SENDGRID_API_KEY",
    "FAIBRIC_DASHBOARD_TOKEN",
    "FAIBRIC_ANALYST_TOKEN",
    "FAIBRIC_STUDIO_TOKEN",
    "FAIBRIC_ALERT_WEBHOOK_URL",
    "FAIBRIC_EMAIL_BACKEND",
    # a lake configured in the caller's shell must not turn every test into a lake test
    "FAIBRIC_LAKE",
    "FAIBRIC_LAKE_DATA",
    "FAIBRIC_SITES_DIR",
    "FAIBRIC_DATABASE_URL",
]


@pytest.fixture(autouse=True)
def workspace(tmp_path, monkeypatch):
    """Point FAIBRIC_HOME at a fresh temporary folder and clear keys."""
    from faibric_kernel.store import close_writers

    home = tmp_path / "faibric-home"
    monkeypatch.setenv("FAIBRIC_HOME", str(home))
    # deploys in tests serve sites from a thread on any free port, not a detached process
    monkeypatch.setenv("FAIBRIC_SITES_SERVER", "thread")
    monkeypatch.setenv("FAIBRIC_SITES_PORT", "0")
    for name in SECRET_VARS:
        monkeypatch.delenv(name, raising=False)
    yield home
    close_writers()


@pytest.fixture
def fresh_db():
    """An in-memory DuckDB with the full schema, for read-only analytics tests."""
    import duckdb

    from faibric_kernel.store import migrations

    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone='UTC'")
    migrations.apply(con)
    yield con
    con.close()


@pytest.fixture(scope="session")
def postgres():
    """Debian's PostgreSQL 15, started once for the session in a temporary folder on a free loopback port.

    Skipped with the reason when PostgreSQL is not installed, except under ``FAIBRIC_REQUIRE_BROWSER=1``
    (CI), where a test that needs it fails instead: CI installs it (scripts/setup.sh).
    """
    import pg

    reason = pg.unavailable_reason()
    if reason:
        if os.environ.get("FAIBRIC_REQUIRE_BROWSER") == "1":
            pytest.fail(f"FAIBRIC_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(f"{reason}; set FAIBRIC_REQUIRE_BROWSER=1 to make this a failure")
    server = pg.start()
    yield server
    server.stop()


@pytest.fixture
def lake_env(postgres, tmp_path):
    """A fresh, not yet initialised lake: its own database in the session's PostgreSQL and its own data folder.

    Returns the two settings as a dict; tests put them in the environment of each host (workspace).
    """
    dsn = postgres.create_database(f"lake_{uuid.uuid4().hex[:12]}")
    return {"FAIBRIC_LAKE": f"postgres:{dsn}", "FAIBRIC_LAKE_DATA": str(tmp_path / "lake-data")}
