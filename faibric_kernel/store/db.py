"""Opening the DuckDB store: briefly, with lock retries, in UTC.

DuckDB lets one process hold a file read-write, or many processes read-only,
never both. So no process keeps the database open: writers of events append
to the spool (see :mod:`.spool`), and everything else opens, works and closes.

* :func:`write_connection` opens read-write, runs pending migrations, and
  retries while another process holds the file.
* :func:`read_connection` opens read-only (retrying the same way) and shadows
  ``events`` and ``api_calls`` with views that add the records still in the
  spool, so readers always see the live state.
"""

from __future__ import annotations

import random
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .. import config
from ..errors import StoreError, StoreLockedError
from . import migrations
from .schema import KINDS

__all__ = [
    "connect",
    "database_path",
    "describe_state",
    "ensure_database",
    "read_connection",
    "state_connection",
    "write_connection",
]

DB_FILENAME = "faibric.duckdb"
_migrated: set[tuple[str, int]] = set()
_migrate_lock = threading.Lock()


def database_path() -> Path:
    """The store's DuckDB file inside the workspace."""
    return config.workspace() / DB_FILENAME


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    # "different configuration" (DuckDB 2.0) and "Unique file handle conflict ... already attached"
    # (DuckDB 1.4): another thread of this process has the file open read-only while we want
    # read-write (or the reverse); it clears like a lock does
    return "lock" in text.lower() or "different configuration" in text or "already attached" in text


def connect(path: Path | str | None = None, *, read_only: bool = False, timeout: float = 15.0):
    """A new DuckDB connection to the store, retrying while the file is locked.

    Raises :class:`StoreLockedError` after ``timeout`` seconds of lock conflicts.
    """
    from . import lake, state

    target = str(path or database_path())
    # with a lake (or the state in PostgreSQL), every connection of the process is opened alike (one process may hold a file open
    # with one configuration only), ready to attach it
    options = lake.connection_config() if lake.settings() is not None or state.is_postgres() else {}
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            con = duckdb.connect(target, read_only=read_only, config=options)
            break
        except (duckdb.IOException, duckdb.ConnectionException, duckdb.BinderException) as exc:
            if "newer version of DuckDB" in str(exc):
                # a workspace written by DuckDB 2.x, before Faibric pinned 1.4.4 (for the lake's extensions)
                raise StoreError(
                    f"the store {target} was written by a newer DuckDB than this one ({duckdb.__version__}); "
                    "export its events with that DuckDB (COPY ... TO 'events.parquet') and `faibric events "
                    "import` them into a new workspace, or set FAIBRIC_HOME to another folder"
                ) from None
            if not _is_lock_error(exc):
                raise StoreError(f"cannot open the store {target}: {exc}") from None
            if time.monotonic() >= deadline:
                raise StoreLockedError(
                    f"the store {target} stayed locked by another process for {timeout:.0f}s; "
                    "close long-running readers or try again"
                ) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.2)
    con.execute("SET TimeZone='UTC'")
    # DuckDB 1.4 draws a progress bar on stdout for queries over 2 s, even when stdout is no
    # terminal: it would corrupt the one JSON document a `--json` command prints
    con.execute("SET enable_progress_bar = false")
    return con


def _migrated_key(target: str) -> tuple[str, int, bool]:
    # a migration registered after a file was first opened (a plugin) changes the key, so it is applied too;
    # so does FAIBRIC_DATABASE_URL, which decides whether the file holds the state tables
    from .state import is_postgres

    return target, len(migrations.MIGRATIONS), is_postgres()


def ensure_database(path: Path | str | None = None) -> None:
    """Create the database and apply migrations once per process and file."""
    target = str(path or database_path())
    if _migrated_key(target) in _migrated:
        if Path(target).exists():
            return
        _migrated.discard(_migrated_key(target))  # the file was removed: create it again
    con = connect(target)
    try:
        _migrate(con, target)
    finally:
        con.close()


def _migrate(con, target: str) -> None:
    # one thread at a time: connections of one process to one file share a database instance,
    # where two threads running the same migration conflict (DuckDB 1.4: "Catalog write-write conflict")
    with _migrate_lock:
        if _migrated_key(target) not in _migrated:
            from .state import is_postgres

            # with the state in PostgreSQL, the file holds this host's tables only (events, library...)
            migrations.apply(con, scope="host" if is_postgres() else None)
            _migrated.add(_migrated_key(target))


@contextmanager
def write_connection(path: Path | str | None = None, timeout: float = 30.0):
    """A short-lived read-write connection with the schema up to date."""
    target = str(path or database_path())
    con = connect(target, timeout=timeout)
    try:
        if _migrated_key(target) not in _migrated:
            _migrate(con, target)
        yield con
    finally:
        con.close()


@contextmanager
def state_connection(*, timeout: float = 30.0):
    """A short-lived read-write connection to the state tables, with the schema up to date.

    PostgreSQL (pooled, see :mod:`.state`) when ``FAIBRIC_DATABASE_URL`` is set, else the workspace's
    DuckDB file (:func:`write_connection`).
    """
    from .state import database_url, postgres_connection

    url = database_url()
    if url is None:
        with write_connection(timeout=timeout) as con:
            yield con
        return
    with postgres_connection(url.reveal(), timeout) as con:
        yield con


def describe_state() -> str:
    """Where the state lives, for ``faibric health``, the worker's banner and logs (no password)."""
    from .state import database_url, describe_url

    url = database_url()
    return f"DuckDB file {database_path()}" if url is None else f"PostgreSQL {describe_url(url.reveal())}"


@contextmanager
def read_connection(
    path: Path | str | None = None, *, include_spool: bool = True, timeout: float = 15.0, events: bool = True
):
    """A short-lived read-only connection; ``events``/``api_calls`` include spooled rows.

    With a lake configured (``FAIBRIC_LAKE``, see :mod:`.lake`) ``events`` and ``api_calls`` are the
    lake's tables, which hold every host's records, plus this host's rows still in the spool; every
    other table is the workspace's DuckDB file, as without a lake. ``events=False`` is for readers of
    the other tables only (a session's status, a lease): the lake is then not attached, which spares
    them its cost (a round trip to its catalog), and a query of ``events`` or ``api_calls`` fails.
    """
    from . import lake, state

    state_url = state.database_url()
    if not events and state_url is not None:
        # state only: straight to PostgreSQL, no DuckDB file involved
        with state.postgres_connection(state_url.reveal(), timeout) as con:
            yield con
        return
    target = str(path or database_path())
    lake_settings = lake.settings()
    ensure_database(target)
    con = connect(target, read_only=True, timeout=timeout)
    try:
        if state_url is not None:
            state.attach_state(con, state_url, tables=migrations.state_tables())
        if lake_settings is not None and not events:
            for kind in KINDS:
                # a loud error, never the workspace's own (empty) table: the events live in the lake
                con.execute(f"CREATE OR REPLACE TEMP VIEW {kind} AS SELECT NULL AS {kind} FROM range(1) WHERE error("
                            f"'this connection was opened with events=False: {kind} live in the lake') IS NULL")
        elif lake_settings is not None:
            lake.attach(con, lake_settings, read_only=True)
            # one snapshot for the connection's life: this host's offsets, the spool past them and the lake's
            # rows must agree, or an ingest committing in between would count its rows twice (in the lake
            # and still "pending"), and two queries of one page could see different snapshots
            con.execute("BEGIN TRANSACTION")
            if include_spool:
                from .spool import attach_pending

                attach_pending(con, Path(target).parent / "spool", offsets=lake.host_offsets(con))
            else:
                for kind in KINDS:
                    con.execute(
                        f"CREATE OR REPLACE TEMP VIEW {kind} AS SELECT * FROM {lake.stored_table(con, kind)}")
        elif include_spool:
            from .spool import attach_pending

            attach_pending(con, Path(target).parent / "spool")
        yield con
    finally:
        con.close()
