"""Where the state tables live: the workspace's DuckDB file, or PostgreSQL when ``FAIBRIC_DATABASE_URL`` is set.

The *state* is what every host must agree on: sessions, tenants and users,
magic links, build leases, projects and their versions, deploys, public sites,
leads, the email queue, alerts and report runs. The *host tables*
(:data:`HOST_TABLES`: the events, their ingest bookkeeping and rollups, and
the component library) stay in each host's DuckDB file, or in the lake.

* :func:`~faibric_kernel.store.db.state_connection` is the one way to write state. Unset, it is the
  DuckDB file's :func:`~faibric_kernel.store.db.write_connection`, exactly as
  before. Set, it is a connection from a psycopg 3 pool, wrapped in
  :class:`PgConnection` so callers keep DuckDB's ``con.execute(sql, params).fetchall()``.
* :func:`~faibric_kernel.store.db.read_connection` shows the same tables to
  analytics: it attaches PostgreSQL to its DuckDB connection (the postgres
  extension, read-only) and shadows each state table with a view, so one
  query joins a host's events with the shared sessions, in DuckDB's SQL.
* :func:`translate` is the dialect layer: ``?`` placeholders, ``DOUBLE``,
  ``json_extract(x, '$.key')``. Statements that differ more are written in
  the SQL both engines accept (``ON CONFLICT``, ``INTERVAL '5 minutes'``).

One migration list serves both (:mod:`.migrations`): each statement goes to
the engine that holds its table. Several hosts migrating at once take turns
under a PostgreSQL advisory lock.
"""

from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager

from .. import config
from ..errors import ConfigError, StateUnreachableError
from .schema import HOST_TABLES

__all__ = [
    "HOST_TABLES",
    "PgConnection",
    "close_pools",
    "database_url",
    "integrity_errors",
    "is_postgres",
    "lock_rows",
    "postgres_connection",
    "translate",
]

MIGRATION_LOCK_ID = 0x46414942  # "FAIB": the advisory lock hosts take turns under while migrating


def database_url() -> config.Secret | None:
    """The configured PostgreSQL for the state, or None (the workspace's DuckDB file holds it)."""
    url = config.get_secret("FAIBRIC_DATABASE_URL")
    if url is None:
        return None
    text = url.reveal().strip()
    if not (text.startswith(("postgresql://", "postgres://")) or "=" in text):
        raise ConfigError(
            "FAIBRIC_DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:5432/faibric) "
            "or libpq keywords (dbname=faibric host=db); unset it to keep the state in the workspace"
        )
    return url


def integrity_errors() -> tuple[type[Exception], ...]:
    """The exceptions a broken constraint (a duplicate key) raises, in either engine."""
    import duckdb
    import psycopg

    return duckdb.ConstraintException, psycopg.errors.IntegrityError


def lock_rows(con) -> str:
    """`` FOR UPDATE`` on PostgreSQL, nothing on DuckDB: a read-modify-write that must not lose a concurrent
    write locks the rows it read (DuckDB aborts the second of two conflicting transactions by itself)."""
    return " FOR UPDATE" if getattr(con, "dialect", None) == "postgres" else ""


def is_postgres() -> bool:
    """Whether the state lives in PostgreSQL."""
    return database_url() is not None


def describe_url(url: str) -> str:
    """A connection string (URL or libpq keywords) without its password, for messages."""
    from .lake import redact_connection

    return redact_connection(url)


# -- the dialect layer ----------------------------------------------------------------------------

_TOKENS = re.compile(r"--[^\n]*|'(?:[^']|'')*'|\"[^\"]*\"|\?|%|\$[A-Za-z_]\w*|\bDOUBLE\b(?!\s+PRECISION)"
                     r"|json_extract(?:_string)?\(\s*([\w.]+)\s*,\s*'\$\.(\w+)'\s*\)", re.IGNORECASE)


def translate(sql: str, *, with_params: bool) -> str:
    """DuckDB's SQL as PostgreSQL takes it: ``?`` becomes ``%s`` (``%`` is doubled) when parameters are
    passed, ``DOUBLE`` becomes ``DOUBLE PRECISION`` and ``json_extract(col, '$.key')`` reads a top-level key
    as text (``->>``: the same as DuckDB's for numbers and booleans, unquoted for strings). Quoted text and
    ``--`` comments are left alone; DuckDB's named parameters (``$name``) are refused."""

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token[0] in "'\"" or token.startswith("--"):
            return token.replace("%", "%%") if with_params else token
        if token[0] == "$":
            raise ValueError(f"named parameters ({token}) are DuckDB's; write ? and pass a list, which both "
                             "engines take")
        if token == "?":
            return "%s" if with_params else token
        if token == "%":
            return "%%" if with_params else token
        if token.upper() == "DOUBLE":
            return "DOUBLE PRECISION"
        return f"({match.group(1)}::json ->> '{match.group(2)}')"

    return _TOKENS.sub(replace, sql)


class PgConnection:
    """A pooled psycopg connection that answers like a DuckDB one: ``execute(sql, params)`` returns a
    cursor with ``fetchone``/``fetchall``/``description``; ``BEGIN``/``COMMIT``/``ROLLBACK`` are statements."""

    dialect = "postgres"

    def __init__(self, connection):
        self._connection = connection

    def execute(self, sql: str, params=None):
        import psycopg

        if params is not None and not isinstance(params, (list, tuple, dict)):
            params = list(params)
        query = translate(sql, with_params=bool(params))
        try:
            return self._connection.execute(query, params or None, prepare=False)
        except psycopg.OperationalError as exc:
            raise StateUnreachableError(_unreachable_message(exc)) from None

    def executemany(self, sql: str, rows):
        import psycopg

        try:
            with self._connection.cursor() as cursor:
                cursor.executemany(translate(sql, with_params=True), list(rows))
        except psycopg.OperationalError as exc:
            raise StateUnreachableError(_unreachable_message(exc)) from None
        return self

    def close(self) -> None:
        """Nothing: the pool takes the connection back when the ``with`` block ends."""


def _unreachable_message(exc: Exception, url: str | None = None) -> str:
    if url is None:
        configured = database_url()
        url = configured.reveal() if configured else ""
    where = describe_url(url) if url else "PostgreSQL"
    from .lake import redact_connection

    reason = " ".join(redact_connection(str(exc), url).split())[:300]
    return (f"cannot reach the state database ({where}): {reason}; check that PostgreSQL runs and that "
            "FAIBRIC_DATABASE_URL names it")


_pools: dict[tuple[int, str], object] = {}
_pools_lock = threading.Lock()
_migrated: set[tuple[str, int]] = set()


def _configure(connection) -> None:
    from psycopg.types.json import set_json_loads

    # DuckDB hands JSON columns back as text, and every caller json.loads them: keep that
    set_json_loads(lambda data: data.decode() if isinstance(data, bytes) else data, connection)
    connection.execute("SET TIME ZONE 'UTC'")


def _pool(url: str):
    import psycopg
    from psycopg_pool import ConnectionPool

    key = (os.getpid(), url)  # a forked child must not share its parent's sockets
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            # one direct attempt first: an unreachable server is one clear error now, not a pool retrying
            # in the background (and logging each retry) until the caller's timeout
            try:
                psycopg.connect(url, connect_timeout=5).close()
            except psycopg.Error as exc:
                raise StateUnreachableError(_unreachable_message(exc, url)) from None
            size = config.get_int("FAIBRIC_DATABASE_POOL_SIZE", 8)
            # check: a connection broken by a PostgreSQL restart is replaced before use, not handed out
            pool = ConnectionPool(url, min_size=1, max_size=max(1, size), kwargs={"autocommit": True},
                                  configure=_configure, open=False, name="faibric-state",
                                  check=ConnectionPool.check_connection)
            pool.open(wait=False)
            _pools[key] = pool
        return pool


def close_pools() -> None:
    """Close this process's pools (tests, and a worker that shuts down)."""
    with _pools_lock:
        pools = [p for (pid, _), p in _pools.items() if pid == os.getpid()]
        _pools.clear()
        _migrated.clear()
    for pool in pools:
        pool.close()


def _migrated_key(url: str) -> tuple[str, int]:
    from . import migrations

    return url, len(migrations.MIGRATIONS)


@contextmanager
def postgres_connection(url: str, timeout: float = 30.0):
    """A pooled connection to the PostgreSQL at ``url`` (migrated), for code that names it explicitly."""
    import psycopg
    from psycopg_pool import PoolTimeout

    pool = _pool(url)
    try:
        with pool.connection(timeout=timeout) as connection:
            con = PgConnection(connection)
            if _migrated_key(url) not in _migrated:
                _migrate(con, url)
            yield con
    except PoolTimeout:
        try:  # the pool only logs why it cannot connect: ask once more, directly, for the reason
            psycopg.connect(url, connect_timeout=3).close()
        except psycopg.Error as exc:
            raise StateUnreachableError(_unreachable_message(exc, url)) from None
        raise StateUnreachableError(
            f"no free connection to the state database ({describe_url(url)}) within {timeout:.0f}s; every one "
            "of this process's FAIBRIC_DATABASE_POOL_SIZE connections stayed busy (raise it, or check for "
            "long queries)"
        ) from None
    except psycopg.OperationalError as exc:
        raise StateUnreachableError(_unreachable_message(exc, url)) from None


def _migrate(con: PgConnection, url: str) -> None:
    from . import migrations

    con.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK_ID})")
    try:
        migrations.apply(con, scope="state")
    finally:
        con.execute(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_ID})")
    _migrated.add(_migrated_key(url))


def attach_state(con, url: config.Secret, *, tables) -> None:
    """Show PostgreSQL's state tables on a DuckDB connection: attach it read-only and shadow each table.

    ``tables`` are the state tables to shadow (those the workspace's file would otherwise answer with).
    """
    import duckdb

    from . import lake

    if _migrated_key(url.reveal()) not in _migrated:
        with postgres_connection(url.reveal()):  # the schema exists before DuckDB reads it
            pass
    lake.load_postgres_extension(con)
    quoted = "'" + url.reveal().replace("'", "''") + "'"
    try:
        con.execute(f"ATTACH {quoted} AS faibric_state (TYPE postgres, READ_ONLY)")
    except duckdb.Error as exc:
        raise StateUnreachableError(_unreachable_message(exc)) from None
    for table in tables:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM faibric_state.public.{table}")
