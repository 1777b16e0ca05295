"""Versioned schema migrations, applied in order when the store is opened read-write.

Every migration of every part of the package is listed here, so any process
that opens the store creates every table, whichever modules it imported.
Each is ``(version, name, sql)``, where ``sql`` is the text or a
:class:`SqlRef` to a constant in the module that owns the table (imported
only when that migration has yet to run). Applied versions are recorded in
``schema_migrations``; any version not yet applied runs, in ascending order.
A migration's SQL is split on ``;`` and each statement goes to the engine that holds its table
(:func:`statements_for`), so write only ``CREATE TABLE``, ``ALTER TABLE``, ``CREATE INDEX``,
``INSERT``/``UPDATE``/``DELETE`` statements, each naming one table, with no ``;`` inside.
Ranges: 1-99 core, 100-199 analytics, 200-299 library, 300-399 generation,
400-499 deploy, 500-599 onboarding, 600-699 reports,
700-799 live sites.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SqlRef:
    """The SQL of a migration, kept beside the code that owns its tables."""

    module: str
    attribute: str

    def resolve(self) -> str:
        return getattr(importlib.import_module(self.module), self.attribute)

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "core tables",
        """
        CREATE TABLE IF NOT EXISTS tenants (
            tenant_id VARCHAR PRIMARY KEY,
            name VARCHAR,
            created_at TIMESTAMP DEFAULT current_timestamp
        );
        CREATE TABLE IF NOT EXISTS users (
            tenant_id VARCHAR NOT NULL,
            email VARCHAR NOT NULL,
            role VARCHAR DEFAULT 'customer',
            created_at TIMESTAMP DEFAULT current_timestamp,
            PRIMARY KEY (tenant_id, email)
        );
        CREATE TABLE IF NOT EXISTS sessions (
            session_id VARCHAR PRIMARY KEY,
            tenant_id VARCHAR NOT NULL DEFAULT 'default',
            email VARCHAR,
            prompt VARCHAR,
            status VARCHAR NOT NULL,
            status_reason VARCHAR,
            provider VARCHAR,
            deploy_target VARCHAR,
            url VARCHAR,
            variant VARCHAR,
            parent_session_id VARCHAR,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            properties JSON
        );
        -- no primary key on the big table: ingest de-duplicates on event_id
        CREATE TABLE IF NOT EXISTS events (
            event_id UUID NOT NULL,
            ts TIMESTAMP NOT NULL,
            tenant_id VARCHAR NOT NULL,
            session_id VARCHAR,
            actor VARCHAR,
            event_type VARCHAR NOT NULL,
            properties JSON
        );
        CREATE TABLE IF NOT EXISTS api_calls (
            call_id UUID NOT NULL,
            ts TIMESTAMP NOT NULL,
            tenant_id VARCHAR NOT NULL,
            session_id VARCHAR,
            provider VARCHAR NOT NULL,
            model VARCHAR,
            purpose VARCHAR,
            input_tokens BIGINT NOT NULL DEFAULT 0,
            output_tokens BIGINT NOT NULL DEFAULT 0,
            cache_creation_input_tokens BIGINT NOT NULL DEFAULT 0,
            cache_read_input_tokens BIGINT NOT NULL DEFAULT 0,
            cost_usd DOUBLE,
            price_version VARCHAR,
            latency_ms DOUBLE,
            status VARCHAR NOT NULL,
            error_type VARCHAR,
            properties JSON
        );
        CREATE TABLE IF NOT EXISTS projects (
            project_id VARCHAR PRIMARY KEY,
            session_id VARCHAR NOT NULL,
            tenant_id VARCHAR NOT NULL DEFAULT 'default',
            name VARCHAR,
            current_version INTEGER,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS project_versions (
            project_id VARCHAR NOT NULL,
            version INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL,
            kind VARCHAR,
            prompt VARCHAR,
            files JSON NOT NULL,
            diff VARCHAR,
            cost_usd DOUBLE,
            validation JSON,
            properties JSON,
            PRIMARY KEY (project_id, version)
        );
        CREATE TABLE IF NOT EXISTS library_items (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            description VARCHAR,
            tags VARCHAR[],
            files JSON NOT NULL,
            props JSON,
            usage_count INTEGER NOT NULL DEFAULT 0,
            quality_score DOUBLE NOT NULL DEFAULT 0.5,
            source VARCHAR NOT NULL DEFAULT 'seed',
            provenance JSON,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            embedding FLOAT[]
        );
        CREATE TABLE IF NOT EXISTS health_snapshots (
            day DATE NOT NULL,
            tenant_id VARCHAR NOT NULL,
            customer VARCHAR NOT NULL,
            score DOUBLE,
            band VARCHAR,
            components JSON,
            churn_risk BOOLEAN,
            reasons VARCHAR[],
            PRIMARY KEY (day, tenant_id, customer)
        );
        CREATE TABLE IF NOT EXISTS alerts (
            alert_id VARCHAR PRIMARY KEY,
            rule VARCHAR NOT NULL,
            period_key VARCHAR NOT NULL,
            tenant_id VARCHAR,
            subject VARCHAR,
            fired_at TIMESTAMP NOT NULL,
            severity VARCHAR,
            message VARCHAR,
            details JSON,
            delivered JSON,
            status VARCHAR DEFAULT 'open'
        );
        CREATE TABLE IF NOT EXISTS report_runs (
            report_date DATE NOT NULL,
            tenant_id VARCHAR NOT NULL DEFAULT '*',
            status VARCHAR NOT NULL,
            started_at TIMESTAMP,
            finished_at TIMESTAMP,
            duration_s DOUBLE,
            notebook_path VARCHAR,
            html_path VARCHAR,
            error VARCHAR,
            PRIMARY KEY (report_date, tenant_id)
        );
        CREATE TABLE IF NOT EXISTS deploys (
            deploy_id VARCHAR PRIMARY KEY,
            session_id VARCHAR,
            project_id VARCHAR,
            version INTEGER,
            tenant_id VARCHAR NOT NULL DEFAULT 'default',
            target VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            url VARCHAR,
            remote_ids JSON,
            error VARCHAR,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP
        );
        CREATE TABLE IF NOT EXISTS spool_offsets (
            segment VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            "offset" BIGINT NOT NULL,
            updated_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (100, 'analytics: per-session daily activity rollup', SqlRef('faibric_kernel.analytics.rollup', 'DDL')),
    (200, 'library: embedding model, outcomes, soft delete', SqlRef('faibric_kernel.library.catalog', 'MIGRATION_SQL')),
    (400, 'deploys: site id and properties', SqlRef('faibric_kernel.deploy.store', 'MIGRATION_SQL')),
    (500, 'magic links', SqlRef('faibric_kernel.onboarding.magic_links', 'MIGRATION_SQL')),
    (501, 'email retry queue', SqlRef('faibric_kernel.email', 'MIGRATION_SQL')),
    (502, 'build leases', SqlRef('faibric_kernel.build.leases', 'MIGRATION_SQL')),
    (503, 'build leases: progress and stop requests', SqlRef('faibric_kernel.build.leases', 'PROGRESS_SQL')),
    (504, 'shared documents: tenants, budgets, variants', SqlRef('faibric_kernel.store.documents', 'MIGRATION_SQL')),
    (600, 'report runs: report.json, summary, trigger and details', SqlRef('faibric_kernel.reports.runner', 'MIGRATION_SQL')),
    (700, 'live sites: public site ids', SqlRef('faibric_kernel.livesites.registry', 'MIGRATION_SQL')),
    (701, 'live sites: leads', SqlRef('faibric_kernel.livesites.leads', 'MIGRATION_SQL')),
]


def register(version: int, name: str, sql: str | SqlRef) -> None:
    """Add a migration at run time (plugins; the package lists its own above)."""
    if any(v == version for v, _, _ in MIGRATIONS):
        raise ValueError(f"migration {version} is already registered")
    MIGRATIONS.append((version, name, sql))
    MIGRATIONS.sort(key=lambda m: m[0])


_STATEMENT_TABLE = re.compile(
    r"^\s*(?:CREATE\s+TABLE(?:\s+IF\s+NOT\s+EXISTS)?|ALTER\s+TABLE(?:\s+IF\s+EXISTS)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?"
    r"|CREATE\s+(?:UNIQUE\s+)?INDEX(?:\s+IF\s+NOT\s+EXISTS)?\s+\w+\s+ON|UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+(\w+)",
    re.IGNORECASE,
)


def statements_for(sql: str, scope: str | None) -> str:
    """The statements of a migration that belong to ``scope``: ``"host"`` (tables kept in each host's DuckDB
    file, :data:`~faibric_kernel.store.state.HOST_TABLES`), ``"state"`` (the rest, which PostgreSQL holds
    when ``FAIBRIC_DATABASE_URL`` is set) or ``None`` (all of them: one DuckDB file holds everything)."""
    if scope is None:
        return sql
    from .schema import HOST_TABLES

    kept = []
    for statement in sql.split(";"):
        code = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--"))
        if not code.strip():
            continue
        match = _STATEMENT_TABLE.match(code)
        if match is None:
            raise ValueError(f"cannot tell which table this migration statement changes: {code.strip()[:80]}")
        if (match.group(1).lower() in HOST_TABLES) == (scope == "host"):
            kept.append(code.strip())
    return ";\n".join(kept)


_CREATE_TABLE = re.compile(r"CREATE\s+TABLE(?:\s+IF\s+NOT\s+EXISTS)?\s+(\w+)", re.IGNORECASE)


_state_tables: dict[int, list[str]] = {}


def state_tables() -> list[str]:
    """The tables that PostgreSQL holds when ``FAIBRIC_DATABASE_URL`` is set (every table the migrations
    create, but the host tables); worked out once per migration list, since every reader asks."""
    cached = _state_tables.get(len(MIGRATIONS))
    if cached is not None:
        return cached
    from .schema import HOST_TABLES

    names = []
    for _, _, sql in sorted(MIGRATIONS, key=lambda m: m[0]):
        text = sql.resolve() if isinstance(sql, SqlRef) else sql
        for name in _CREATE_TABLE.findall(text):
            if name.lower() not in HOST_TABLES and name not in names:
                names.append(name)
    _state_tables[len(MIGRATIONS)] = names
    return names


HOST_ONLY = "[host tables only] "  # marks a version a host applied while PostgreSQL held its state tables


def apply(con, *, scope: str | None = None) -> list[int]:
    """Run every migration not yet applied, each in its own transaction.

    ``scope`` picks the statements for one engine (see :func:`statements_for`); each engine records
    the versions it applied in its own ``schema_migrations``. A DuckDB file migrated with ``scope="host"``
    (while ``FAIBRIC_DATABASE_URL`` was set) marks its versions :data:`HOST_ONLY`: if the file is later
    used alone again, those versions run once more in full (every statement is ``IF NOT EXISTS``), so the
    state tables it skipped exist.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    done = dict(con.execute("SELECT version, name FROM schema_migrations").fetchall())
    applied = []
    for version, name, sql in sorted(MIGRATIONS, key=lambda m: m[0]):
        partial = (done.get(version) or "").startswith(HOST_ONLY)
        if version in done and not (partial and scope is None):
            continue
        if isinstance(sql, SqlRef):
            sql = sql.resolve()
        sql = statements_for(sql, scope)
        recorded = HOST_ONLY + name if scope == "host" else name
        con.execute("BEGIN TRANSACTION")
        try:
            if sql.strip():
                con.execute(sql)
            if version in done:
                con.execute("UPDATE schema_migrations SET name = ? WHERE version = ?", [recorded, version])
            else:
                con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, recorded])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
