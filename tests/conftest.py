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
    "FAIBRIC_BUILDS_IN_PROCESS",
]


def state_backend() -> str:
    """Where this run keeps the state tables: ``duckdb`` (the default) or ``postgres``
    (``FAIBRIC_TEST_STATE=postgres``: every test gets a fresh PostgreSQL database as FAIBRIC_DATABASE_URL)."""
    backend = os.environ.get("FAIBRIC_TEST_STATE", "duckdb")
    if backend not in ("duckdb", "postgres"):
        raise pytest.UsageError(f"FAIBRIC_TEST_STATE must be duckdb or postgres, not {backend!r}")
    return backend


def pytest_collection_modifyitems(config, items):
    if state_backend() != "postgres":
        return
    skip = pytest.mark.skip(reason="about the state in the workspace's DuckDB file; this run keeps it in PostgreSQL")
    for item in items:
        if "duckdb_state" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def workspace(tmp_path, monkeypatch, request):
    """Point FAIBRIC_HOME at a fresh temporary folder and clear keys (and, in a PostgreSQL run, give the
    test its own state database)."""
    from faibric_kernel.store import close_writers, state

    home = tmp_path / "faibric-home"
    monkeypatch.setenv("FAIBRIC_HOME", str(home))
    # deploys in tests serve sites from a thread on any free port, not a detached process
    monkeypatch.setenv("FAIBRIC_SITES_SERVER", "thread")
    monkeypatch.setenv("FAIBRIC_SITES_PORT", "0")
    for name in SECRET_VARS:
        monkeypatch.delenv(name, raising=False)
    database = None
    if state_backend() == "postgres":
        databases = request.getfixturevalue("state_databases")
        database = databases.create()
        monkeypatch.setenv("FAIBRIC_DATABASE_URL", databases.url(database))
        # the suite's builds run in-process, as with the DuckDB file; the queue has tests of its own
        monkeypatch.setenv("FAIBRIC_BUILDS_IN_PROCESS", "1")
    yield home
    close_writers()
    state.close_pools()
    if database is not None:
        databases.drop(database)


class StateDatabases:
    """Fresh state databases in the session's PostgreSQL, each copied from one migrated template (fast)."""

    TEMPLATE = "faibric_state_template"

    def __init__(self, server):
        self.server = server
        self._made_template = False

    def url(self, name: str) -> str:
        return f"postgresql://{self.server.user}@127.0.0.1:{self.server.port}/{name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as con:
            con.execute(sql)

    def create(self) -> str:
        if not self._made_template:
            from faibric_kernel.store import state, state_connection

            self._admin(f"DROP DATABASE IF EXISTS {self.TEMPLATE}")
            self._admin(f"CREATE DATABASE {self.TEMPLATE}")
            os.environ["FAIBRIC_DATABASE_URL"] = self.url(self.TEMPLATE)
            try:
                with state_connection():
                    pass
            finally:
                del os.environ["FAIBRIC_DATABASE_URL"]
                state.close_pools()
            self._made_template = True
        name = f"t_{uuid.uuid4().hex[:16]}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        return name

    def drop(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def state_databases(postgres):
    """Makes fresh state databases (see :class:`StateDatabases`)."""
    return StateDatabases(postgres)


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
