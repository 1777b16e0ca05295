"""Moving a single-machine workspace into PostgreSQL (the state) and the lake (the events): ``faibric migrate-to``.

:func:`migrate_to` first ingests the spool (so no recorded event is left
behind), then copies

* every state table of the workspace's DuckDB file into the PostgreSQL of
  ``database_url`` (schema created as the state migrations define it), row by
  row with ``ON CONFLICT DO NOTHING`` on each table's primary key;
* the workspace's shared documents (``tenants.json``, ``budgets.json``,
  ``variants.json``) into ``state_documents``, unless PostgreSQL already has one
  of that name (PostgreSQL's is kept, and the report says so);
* the file's ``events`` and ``api_calls`` into the lake (initialised if need
  be), each record once: one already in the lake (same id) is not added again.

So running it twice adds nothing the second time. The report gives, per table,
the rows in the source, in the destination before and after, and how many were
added. The workspace's file is only read: it stays as it was, a fallback until
the hosts are switched over (set ``FAIBRIC_DATABASE_URL`` and ``FAIBRIC_LAKE``).
The component library stays in each host's file (see :data:`.state.HOST_TABLES`).
"""

from __future__ import annotations

from pathlib import Path

from .. import config
from ..errors import InvalidInputError, WorkspaceError
from . import lake as lakes
from . import migrations
from .db import connect, database_path
from .schema import KINDS
from .state import describe_url, postgres_connection

__all__ = ["DOCUMENTS", "migrate_to"]

DOCUMENTS = ("tenants.json", "budgets.json", "variants.json")
BATCH = 2000
_EVENT_IDS = {"events": "event_id", "api_calls": "call_id"}


def _say(progress, text: str) -> None:
    if progress is not None:
        progress(text)


def migrate_to(*, database_url: str | None = None, lake_catalog: str | None = None, lake_data: str | None = None,
               progress=None) -> dict:
    """Copy this workspace's state into ``database_url`` and its events into the lake; see the module docstring."""
    if not database_url and not lake_catalog:
        raise InvalidInputError("say where to move the workspace: --database-url (the state), --lake with "
                                "--lake-data (the events), or both")
    if lake_catalog and not lake_data:
        raise InvalidInputError("--lake needs --lake-data, the folder every host shares for the lake's files")
    source = database_path()
    if not source.exists():
        raise WorkspaceError(f"there is no store at {source} to move; is FAIBRIC_HOME the right workspace?")
    from .ingest import ingest

    _say(progress, "ingesting the spool, so every recorded event moves")
    ingest()
    report: dict = {"source": str(source)}
    if database_url:
        report["database"] = describe_url(database_url)
        report["state"], report["documents"] = _move_state(source, database_url, progress)
    if lake_catalog:
        settings = lakes.settings_from(lake_catalog, lake_data)
        report["lake"] = settings.describe()
        report["events"] = _move_events(source, settings, progress)
    return report


def _source_tables(src) -> dict[str, list[str]]:
    columns: dict[str, list[str]] = {}
    for table, column in src.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main' ORDER BY table_name, column_index").fetchall():
        columns.setdefault(table, []).append(column)
    return columns


def _move_state(source: Path, url: str, progress) -> tuple[dict, dict]:
    src = connect(source, read_only=True)
    try:
        tables = _source_tables(src)
        moved: dict[str, dict] = {}
        with postgres_connection(url) as pg:
            for table in migrations.state_tables():
                if table not in tables:
                    continue
                wanted = {row[0] for row in pg.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                    "AND table_name = ?", [table]).fetchall()}
                columns = [c for c in tables[table] if c in wanted]
                quoted = ", ".join(f'"{c}"' for c in columns)
                before = pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                cursor = src.execute(f"SELECT {quoted} FROM {table}")
                total = 0
                insert = (f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' for _ in columns)}) "
                          "ON CONFLICT DO NOTHING")
                while rows := cursor.fetchmany(BATCH):
                    pg.executemany(insert, rows)
                    total += len(rows)
                after = pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                moved[table] = {"source": total, "before": before, "after": after, "added": after - before}
                _say(progress, f"{table}: {total:,} in the workspace, {after - before:,} added")
            documents = _move_documents(pg)
    finally:
        src.close()
    return moved, documents


def _move_documents(pg) -> dict:
    import json

    outcome = {}
    for name in DOCUMENTS:
        path = config.workspace(create=False) / name
        if not path.is_file():
            continue
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False, sort_keys=True)
        row = pg.execute("SELECT document FROM state_documents WHERE name = ?", [name]).fetchone()
        if row is None:
            pg.execute("INSERT INTO state_documents (name, document, version, updated_at) "
                       "VALUES (?, ?, 1, now()::timestamp)", [name, text])
            outcome[name] = "moved"
        elif json.loads(row[0]) == json.loads(text):
            outcome[name] = "already there"
        else:
            outcome[name] = "PostgreSQL has a different one: kept PostgreSQL's"
    return outcome


def _move_events(source: Path, settings, progress) -> dict:
    import duckdb

    lakes.init_lake(settings)  # creates nothing when it exists
    con = lakes.open_lake(settings)
    try:
        con.execute(f"ATTACH '{str(source).replace(chr(39), chr(39) * 2)}' AS faibric_source (READ_ONLY)")
        moved = {}
        for kind in KINDS:
            key = _EVENT_IDS[kind]
            columns = [row[0] for row in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND table_name = ? "
                "ORDER BY column_index", [lakes.ALIAS, kind]).fetchall()]
            quoted = ", ".join(f'"{c}"' for c in columns)
            lake_table = f"{lakes.ALIAS}.{kind}"
            total = con.execute(f"SELECT count(*) FROM faibric_source.{kind}").fetchone()[0]
            before = con.execute(f"SELECT count(*) FROM {lake_table}").fetchone()[0]
            try:
                con.execute(
                    f"INSERT INTO {lake_table} ({quoted}) SELECT {quoted} FROM faibric_source.{kind} s "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {lake_table} l WHERE l.{key} = s.{key})")
            except duckdb.Error as exc:
                raise lakes.translate_for(exc, settings) from None
            after = con.execute(f"SELECT count(*) FROM {lake_table}").fetchone()[0]
            moved[kind] = {"source": total, "before": before, "after": after, "added": after - before}
            _say(progress, f"{kind}: {total:,} in the workspace, {after - before:,} added to the lake")
        # what this host's file had ingested of its spool is now in the lake: the lake's offsets for this host
        # start there, or the spool's lines would count as still pending (twice) and be ingested again
        con.execute(
            f"INSERT INTO {lakes.ALIAS}.spool_offsets (host, segment, kind, \"offset\", updated_at) "
            f"SELECT ?, s.segment, s.kind, s.\"offset\", s.updated_at FROM faibric_source.spool_offsets s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {lakes.ALIAS}.spool_offsets l WHERE l.host = ? AND l.segment = s.segment)",
            [lakes.host_id(), lakes.host_id()])
        return moved
    finally:
        con.close()
