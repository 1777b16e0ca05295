"""Shared fixtures: every test gets its own workspace and no API keys."""

from __future__ import annotations

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
