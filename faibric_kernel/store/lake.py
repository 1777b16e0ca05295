"""The event lake: every host's events and API calls in one DuckLake, for Faibric beyond one machine.

One DuckDB file has one writer and lives on one disk. When several hosts run
Faibric (API hosts, build workers, the dashboards host), each host still logs
to its own spool, and its ingest appends the spool to the lake's ``events``
and ``api_calls`` tables instead of the workspace's DuckDB file; every host's
readers then see every host's events with the same SQL
(:func:`.db.read_connection` shadows ``events`` and ``api_calls`` with the
lake's tables plus this host's pending spool).

The lake is a DuckLake: its catalog in PostgreSQL (``FAIBRIC_LAKE``), its data
Parquet files in a folder every host shares (``FAIBRIC_LAKE_DATA``), so Spark,
Trino or DuckDB elsewhere read the same data. Both are read when used; with
``FAIBRIC_LAKE`` unset nothing here runs and the DuckDB file in
``FAIBRIC_HOME`` is the event store, as on one machine.

Besides ``events`` and ``api_calls`` the lake holds ``spool_offsets`` (how far
each host's ingest read each of its segments, committed in the same
transaction as the rows) and ``ingest_turns`` (one row that every ingest
updates, see :data:`TURN_SQL`). ``faibric lake init`` (:func:`init_lake`)
creates them once: the one command that may create the catalog, because two
processes creating a DuckLake catalog at once conflict.

The ``ducklake`` and ``postgres`` extensions are loaded from the files the
``duckdb-ext-ducklake`` and ``duckdb-ext-postgres`` wheels install, with
extension auto-install and auto-load off: nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from .. import config
from ..errors import (
    ConfigError,
    FaibricError,
    LakeConflictError,
    LakeError,
    LakeExtensionMissingError,
    LakeNotInitialisedError,
    LakeUnreachableError,
)
from .schema import KINDS

__all__ = [
    "ALIAS",
    "LakeSettings",
    "attach",
    "catalog_connection_string",
    "compact",
    "connection_config",
    "extension_file",
    "host_id",
    "host_offsets",
    "init_lake",
    "is_conflict",
    "load_postgres_extension",
    "open_lake",
    "redact_connection",
    "settings",
    "settings_from",
    "status",
    "stored_table",
    "translate_for",
]

ALIAS = "faibric_lake"  # the name the lake is attached under on every connection
EXTENSIONS = ("postgres_scanner", "ducklake")  # postgres first: ducklake reaches its catalog through it
WHEELS = {"postgres_scanner": "duckdb-ext-postgres", "ducklake": "duckdb-ext-ducklake"}

# Every ingest commit updates this one row. DuckLake aborts the second of two concurrent commits that
# delete from the same data file (an UPDATE deletes the old row), so ingests commit one after the other,
# and the one that retries sees the rows the first added: a record sent to two hosts is stored once.
# Inserts alone never conflict in DuckLake, which is why the turn is needed.
TURN_SQL = f"UPDATE {ALIAS}.ingest_turns SET turn = turn + 1, host = $host, committed_at = now()::TIMESTAMP WHERE id = 1"

OFFSETS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {ALIAS}.spool_offsets (host VARCHAR NOT NULL, segment VARCHAR NOT NULL, "
    'kind VARCHAR NOT NULL, "offset" BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL)'
)
TURNS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {ALIAS}.ingest_turns (id INTEGER NOT NULL, turn BIGINT NOT NULL, "
    "host VARCHAR, committed_at TIMESTAMP)"
)


@dataclass(frozen=True)
class LakeSettings:
    """Where the lake is: the catalog's connection string (a secret) and the data folder."""

    catalog: config.Secret
    data_path: str

    def attach_sql(self, *, create: bool, read_only: bool) -> str:
        options = [f"DATA_PATH {_quote(self.data_path)}"]
        if not create:
            options.append("CREATE_IF_NOT_EXISTS false")
        if read_only:
            options.append("READ_ONLY")
        target = "ducklake:postgres:" + catalog_connection_string(self.catalog.reveal())
        return f"ATTACH {_quote(target)} AS {ALIAS} ({', '.join(options)})"

    def describe(self) -> str:
        """The catalog without its password, for messages and ``faibric lake status``."""
        return _redact(catalog_connection_string(self.catalog.reveal()))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def settings() -> LakeSettings | None:
    """The configured lake, or None when ``FAIBRIC_LAKE`` is unset (then the DuckDB file is the store)."""
    catalog = config.get_secret("FAIBRIC_LAKE")
    if catalog is None:
        return None
    data = config.get("FAIBRIC_LAKE_DATA")
    if not data:
        raise ConfigError(
            "FAIBRIC_LAKE is set but FAIBRIC_LAKE_DATA is not; set it to the folder every host shares for "
            "the lake's Parquet files (the same on every host)"
        )
    return settings_from(catalog.reveal(), data)


def settings_from(catalog: str, data: str) -> LakeSettings:
    """A lake named explicitly (``faibric migrate-to --lake ... --lake-data ...``) rather than by the settings."""
    catalog_connection_string(catalog)  # refuse a malformed value before anything connects
    if "://" not in data:
        data = str(Path(data).expanduser().resolve())
    return LakeSettings(config.Secret(catalog, "FAIBRIC_LAKE"), data.rstrip("/") + "/")


def catalog_connection_string(raw: str) -> str:
    """The libpq connection string of ``FAIBRIC_LAKE``, from any of the forms it may take.

    ``postgres:dbname=faibric host=db port=5432`` (DuckLake's own form), the bare
    ``dbname=... host=...`` keywords, or a ``postgresql://user:pass@host:port/db?sslmode=...`` URL.
    """
    value = raw.strip()
    if value.startswith("ducklake:"):
        value = value.removeprefix("ducklake:")
    if value.startswith(("postgresql://", "postgres://")):
        url = urlsplit(value)
        parts = {"dbname": unquote(url.path.lstrip("/")) or None, "host": url.hostname,
                 "port": str(url.port) if url.port else None,
                 "user": unquote(url.username) if url.username else None,
                 "password": unquote(url.password) if url.password else None}
        parts.update(dict(parse_qsl(url.query)))
        return " ".join(f"{key}={_libpq_value(val)}" for key, val in parts.items() if val)
    value = value.removeprefix("postgres:")
    if not re.match(r"^\s*\w+\s*=", value):
        raise ConfigError(
            "FAIBRIC_LAKE must name a PostgreSQL database for the lake's catalog, as "
            "'postgres:dbname=faibric host=HOST port=5432 user=U' or 'postgresql://U@HOST:5432/faibric'"
        )
    return value


def _libpq_value(value: str) -> str:
    if value and not re.search(r"[\s'\\]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)")


def redact_connection(text: str, connection: str | None = None) -> str:
    """``text`` without a PostgreSQL password: that of ``connection`` (a URL or libpq keywords) wherever it
    appears, and any ``password=`` value or ``user:password@`` of a URL in ``text`` itself."""
    if connection:
        forms = [connection, catalog_connection_string(connection)] if "://" in connection else [connection]
        for form in forms:
            text = _redact(text, form)
        if "://" in connection:
            password = urlsplit(connection).password
            if password:
                text = text.replace(password, "***").replace(quote(password, safe=""), "***")
    text = re.sub(r"(postgres(?:ql)?://[^:/@\s]*:)\S*@", r"\1***@", text)
    return _PASSWORD.sub(r"\1***", text)


def _redact(text: str, connection: str | None = None) -> str:
    """``text`` without the catalog's password: the one in ``connection`` wherever it appears, or any
    ``password=`` value of a connection string (``text`` is then a connection string itself)."""
    if connection is None:
        return _PASSWORD.sub(r"\1***", text)
    for match in _PASSWORD.finditer(connection):
        value = match.group(2)
        for form in {value, value.strip("'")}:
            if form:
                text = text.replace(form, "***")
    return text


def extension_file(name: str) -> Path:
    """The ``.duckdb_extension`` file of extension ``name`` for the running DuckDB, installed by its wheel."""
    import duckdb

    version = f"v{duckdb.__version__}"
    spec = importlib.util.find_spec("duckdb_ext")
    roots = list(spec.submodule_search_locations or []) if spec else []
    for root in roots:
        found = sorted((Path(root) / "extensions" / version).glob(f"*/{name}.duckdb_extension"))
        if found:
            return found[0]
    wheel = WHEELS.get(name, f"duckdb-ext-{name}")
    raise LakeExtensionMissingError(
        f"the DuckDB {duckdb.__version__} extension file {name}.duckdb_extension is not installed, and "
        f"FAIBRIC_LAKE needs it; pip install '{wheel}=={duckdb.__version__}.*' "
        "(bash scripts/setup.sh installs it)"
    )


_verified: set[Path] = set()


def connection_config() -> dict:
    """DuckDB settings of every connection that attaches the lake (given when it is opened).

    Extensions are never fetched from the network nor loaded by themselves: only the wheels' files.
    DuckDB checks an extension file's signature on every load (0.35 s for the two, more than the rest
    of opening a reader); :func:`_verify_once` has DuckDB check each file once per process, and later
    loads skip the check.
    """
    return {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
            "allow_unsigned_extensions": True}


def _verify_once(path: Path) -> None:
    import duckdb

    if path in _verified:
        return
    checker = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                                 "autoload_known_extensions": False})
    try:
        checker.execute(f"LOAD {_quote(str(path))}")  # signature checked: a damaged or foreign file fails here
    except duckdb.Error as exc:
        raise LakeExtensionMissingError(
            f"DuckDB refused the extension file {path}: {str(exc).splitlines()[0]}; reinstall its wheel "
            "(bash scripts/setup.sh)"
        ) from None
    finally:
        checker.close()
    _verified.add(path)


def _load_extensions(con) -> None:
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    loaded = {row[0] for row in con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}
    for name in EXTENSIONS:
        if name not in loaded:
            path = extension_file(name)
            _verify_once(path)
            con.execute(f"LOAD {_quote(str(path))}")


def load_postgres_extension(con) -> None:
    """Load the postgres extension from its wheel's file (the state in PostgreSQL is read through it)."""
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    if not con.execute("SELECT count(*) FROM duckdb_extensions() WHERE loaded AND extension_name = "
                       "'postgres_scanner'").fetchone()[0]:
        path = extension_file("postgres_scanner")
        _verify_once(path)
        con.execute(f"LOAD {_quote(str(path))}")


def attach(con, lake: LakeSettings, *, read_only: bool = False, create: bool = False) -> None:
    """Attach the lake to ``con`` as :data:`ALIAS`, translating DuckDB's errors into the lake's."""
    import duckdb

    _load_extensions(con)
    try:
        con.execute(lake.attach_sql(create=create, read_only=read_only))
    except duckdb.Error as exc:
        raise _translate(exc, lake) from None
    if not create:
        tables = {row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [ALIAS]).fetchall()}
        missing = [t for t in (*KINDS, "spool_offsets", "ingest_turns") if t not in tables]
        if missing:
            con.execute(f"DETACH {ALIAS}")
            raise LakeNotInitialisedError(
                f"the lake at {lake.describe()} has no {', '.join(missing)} table; run `faibric lake init` once"
            )
    # several hosts commit to one catalog: let DuckLake retry a commit that lost a race (and did not
    # conflict) more often than its default 10 times
    con.execute("SET ducklake_max_retry_count = 100")


def _translate(exc: Exception, lake: LakeSettings) -> LakeError:
    text = _redact(str(exc), catalog_connection_string(lake.catalog.reveal()))
    if "creating a new DuckLake is explicitly disabled" in text:
        return LakeNotInitialisedError(
            f"there is no lake catalog at {lake.describe()} yet; run `faibric lake init` once (from one host)"
        )
    if "Unable to connect to Postgres" in text:
        # libpq's own reason, after the connection string DuckDB repeats
        reason = re.search(r"(connection to server .*|FATAL:.*)", text, re.DOTALL)
        why = " ".join((reason.group(1) if reason else text).split())[:300]
        return LakeUnreachableError(
            f"cannot reach the lake's catalog database ({lake.describe()}): {why}; "
            "check that PostgreSQL runs and that FAIBRIC_LAKE names it"
        )
    return LakeError(f"the lake at {lake.describe()} failed: {' '.join(text.split())[:400]}")


def translate_for(exc: Exception, lake: LakeSettings) -> LakeError:
    """A DuckDB error met with ``lake`` attached, as a :class:`LakeError` without its password."""
    return _translate(exc, lake)


def translate(exc: Exception) -> LakeError:
    """A DuckDB error met while the lake was attached, as a :class:`LakeError` without the catalog's password."""
    return _translate(exc, _required_settings())


def redact(text: str) -> str:
    """``text`` without the configured lake's password (unchanged when no lake is set).

    The postgres extension repeats the whole connection string when it cannot (re)connect, so any text of
    an error from a connection with the lake attached goes through this before it is shown or kept.
    """
    try:
        lake = settings()
    except FaibricError:
        return text
    if lake is None:
        return text
    return _redact(text, catalog_connection_string(lake.catalog.reveal()))


def open_lake(lake: LakeSettings | None = None, *, read_only: bool = False, create: bool = False):
    """A new in-memory DuckDB connection with the lake attached (in UTC); the caller closes it."""
    import duckdb

    lake = lake or _required_settings()
    con = duckdb.connect(":memory:", config=connection_config())
    try:
        con.execute("SET TimeZone='UTC'")
        con.execute("SET enable_progress_bar = false")
        attach(con, lake, read_only=read_only, create=create)
    except BaseException:
        con.close()
        raise
    return con


def _required_settings() -> LakeSettings:
    lake = settings()
    if lake is None:
        raise ConfigError(
            "no lake is configured; set FAIBRIC_LAKE (the PostgreSQL database of the lake's catalog) and "
            "FAIBRIC_LAKE_DATA (the shared folder of its Parquet files)"
        )
    return lake


def is_conflict(exc: Exception) -> bool:
    """Whether a failed DuckLake commit lost a race with another host's commit (retry it)."""
    text = str(exc)
    return "conflict" in text.lower() and ("DuckLake" in text or "Transaction" in text)


def stored_table(con, kind: str) -> str:
    """SQL name of the stored ``events`` or ``api_calls`` *table* on ``con``: the lake's when it is attached.

    Read connections shadow both names with views that add spooled rows; code that needs what is
    stored (the rollup's watermark, the view that adds spooled rows) names the table through this.
    """
    attached = con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [ALIAS]).fetchall()
    if attached[0][0]:
        return f"{ALIAS}.main.{kind}"
    db = con.execute("SELECT current_database()").fetchall()[0][0]
    return '"' + db.replace('"', '""') + f'".main.{kind}'


def host_id() -> str:
    """This workspace's name among the lake's hosts (kept in ``$FAIBRIC_HOME/lake-host``, made once).

    Spool segments and their offsets are keyed by it, so two workspaces are two hosts even on one machine.
    """
    path = config.workspace() / "lake-host"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    name = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    tmp = path.with_name(f".lake-host.{os.getpid()}")
    tmp.write_text(name + "\n", encoding="utf-8")
    try:
        os.link(tmp, path)  # the first process wins; a racing one reads the winner's name
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text(encoding="utf-8").strip()


def host_offsets(con, host: str | None = None) -> dict[str, int]:
    """How far a host's ingest (this one's by default) has stored each of its spool segments."""
    return dict(con.execute(f'SELECT segment, "offset" FROM {ALIAS}.spool_offsets WHERE host = ?',
                            [host or host_id()]).fetchall())


def _store_columns() -> dict[str, str]:
    """``CREATE TABLE`` column lists of the store's ``events`` and ``api_calls``, as the migrations define them."""
    import duckdb

    from . import migrations

    con = duckdb.connect(":memory:")
    try:
        migrations.apply(con)
        columns = {}
        for kind in KINDS:
            rows = con.execute(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position", [kind]).fetchall()
            columns[kind] = ", ".join(
                f'"{name}" {dtype}' + (" NOT NULL" if nullable == "NO" else "") for name, dtype, nullable in rows)
        return columns
    finally:
        con.close()


def init_lake(lake: LakeSettings | None = None) -> dict:
    """Create the catalog and the lake's tables, once; running it again changes nothing."""
    import duckdb

    lake = lake or _required_settings()
    if "://" not in lake.data_path:
        Path(lake.data_path).mkdir(parents=True, exist_ok=True)
    con = open_lake(lake, create=True)
    try:
        con.execute("BEGIN TRANSACTION")
        for kind, columns in _store_columns().items():
            con.execute(f"CREATE TABLE IF NOT EXISTS {ALIAS}.{kind} ({columns})")
        con.execute(OFFSETS_DDL)
        con.execute(TURNS_DDL)
        con.execute(f"INSERT INTO {ALIAS}.ingest_turns SELECT 1, 0, NULL, NULL "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {ALIAS}.ingest_turns)")
        try:
            con.execute("COMMIT")
        except duckdb.Error as exc:
            if is_conflict(exc):
                raise LakeConflictError(
                    "another `faibric lake init` created the lake's tables at the same moment; run it again"
                ) from None
            raise _translate(exc, lake) from None
        return status_of(con, lake)
    finally:
        con.close()


def compact(*, keep_days: float = 7.0) -> dict:
    """Merge the small Parquet files ingests add, and delete the files no snapshot of the last ``keep_days`` needs.

    Every ingest commit adds one small file per kind; reads get slower as they pile up. Run it now
    and then from one host (cron); ingests may run meanwhile (a commit that loses a race retries).
    """
    import duckdb

    if keep_days < 0:
        raise ConfigError("--keep-days must be 0 or more")
    lake = _required_settings()
    con = open_lake(lake)
    try:
        files_before = _file_counts(con)
        try:
            for table in KINDS:
                con.execute(f"CALL ducklake_merge_adjacent_files('{ALIAS}', '{table}')")
            horizon = f"now() - INTERVAL {float(keep_days) * 86400:.0f} SECOND"
            # SELECT count(*): the rows name timestamps with time zones, which Python would need pytz for
            expired = con.execute(
                f"SELECT count(*) FROM ducklake_expire_snapshots('{ALIAS}', older_than => {horizon})").fetchall()[0][0]
            removed = con.execute(
                f"SELECT count(*) FROM ducklake_cleanup_old_files('{ALIAS}', older_than => {horizon})").fetchall()[0][0]
        except duckdb.Error as exc:
            if is_conflict(exc):
                raise LakeConflictError(
                    "another host changed the lake's files while they were compacted; run it again") from exc
            raise _translate(exc, lake) from None
        return {"files_before": files_before, "files_after": _file_counts(con), "snapshots_expired": expired,
                "files_deleted": removed, "keep_days": keep_days}
    finally:
        con.close()


def _file_counts(con) -> dict[str, int]:
    return {kind: con.execute(f"SELECT count(*) FROM ducklake_list_files('{ALIAS}', '{kind}')").fetchall()[0][0]
            for kind in KINDS}


def status_of(con, lake: LakeSettings) -> dict:
    """What the lake holds: catalog, data folder, rows per table, snapshots, hosts that ingested."""
    counts = {kind: con.execute(f"SELECT count(*) FROM {ALIAS}.{kind}").fetchall()[0][0] for kind in KINDS}
    snapshots, latest_id, latest_at = con.execute(
        f"SELECT count(*), max(snapshot_id), CAST(max(snapshot_time) AS VARCHAR) FROM {ALIAS}.snapshots()"
    ).fetchall()[0]
    hosts = con.execute(f"SELECT count(DISTINCT host) FROM {ALIAS}.spool_offsets").fetchall()[0][0]
    return {"catalog": lake.describe(), "data_path": lake.data_path, "rows": counts, "snapshots": snapshots,
            "latest_snapshot": latest_id, "latest_snapshot_at": latest_at, "hosts": hosts}


def status() -> dict:
    """:func:`status_of` the configured lake (read-only)."""
    lake = _required_settings()
    con = open_lake(lake, read_only=True)
    try:
        return status_of(con, lake)
    finally:
        con.close()
