"""``faibric events count | tail | export | import``: the event store's rows, out and in."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InvalidInputError
from ..store.export import export_columns_sql
from .output import emit, json_option

__all__ = ["COMMANDS", "events"]


@click.group()
def events() -> None:
    """Count, follow and export recorded events."""


@events.command("count")
@click.option("--tenant", default=None, help="only this tenant")
@json_option
def events_count(tenant: str | None, as_json: bool) -> None:
    """How many events are recorded (spooled ones included), by type."""
    from ..store import read_connection

    where, params = ("WHERE tenant_id = ?", [tenant]) if tenant else ("", [])
    with read_connection() as con:
        rows = con.execute(
            f"SELECT event_type, count(*) FROM events {where} GROUP BY 1 ORDER BY 2 DESC", params
        ).fetchall()
    data = {"total": sum(n for _, n in rows), "by_type": {t: n for t, n in rows}}
    def human(d):
        click.echo(f"{d['total']} events")
        for event_type, n in d["by_type"].items():
            click.echo(f"  {event_type:<28} {n:>10,}")

    emit(data, as_json, human)


@events.command("tail")
@click.option("-n", "limit", type=click.IntRange(min=1), default=20, show_default=True, help="how many")
@click.option("--tenant", default=None)
@json_option
def events_tail(limit: int, tenant: str | None, as_json: bool) -> None:
    """The latest events, newest last."""
    from ..store import read_connection

    where, params = ("WHERE tenant_id = ?", [tenant]) if tenant else ("", [])
    with read_connection() as con:
        df = con.execute(
            f"SELECT CAST(event_id AS VARCHAR) AS event_id, ts, tenant_id, session_id, actor, event_type, "
            f"CAST(properties AS VARCHAR) AS properties FROM events {where} ORDER BY ts DESC LIMIT ?",
            [*params, limit],
        ).df()
    records = df.iloc[::-1].to_dict(orient="records")
    for r in records:
        r["ts"] = r["ts"].isoformat()

    def human(rows):
        for r in rows:
            click.echo(f"{r['ts']}  {r['tenant_id']:<10} {r['session_id'] or '-':<14} {r['event_type']}")

    emit(records, as_json, human)


@events.command("export")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), required=True)
@click.option("--out", "out", type=click.Path(dir_okay=True, path_type=Path), required=True)
@click.option("--tenant", default=None)
@click.option("--by-day", is_flag=True,
              help="Parquet only: --out is a new folder partitioned by the events' UTC day (day=YYYY-MM-DD/), "
                   "as Spark, Trino, ClickHouse or DuckDB read it")
@click.option("--force", is_flag=True, help="replace the file at --out if there is one")
@json_option
def events_export(fmt: str, out: Path, tenant: str | None, by_day: bool, force: bool, as_json: bool) -> None:
    """Export events (with the documented columns) to Parquet or CSV."""
    from ..store import read_connection

    out = out.expanduser().resolve()
    if by_day and fmt != "parquet":
        raise InvalidInputError("--by-day writes Parquet partitions; use it with --format parquet")
    if by_day:
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise InvalidInputError(f"{out} already exists and is not an empty folder; --by-day needs a new or empty one")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInputError(f"cannot create the folder {out}: {exc.strerror or exc}") from None
    elif not out.parent.is_dir():
        raise InvalidInputError(f"the folder {out.parent} does not exist; create it or choose another --out")
    elif out.is_dir():
        raise InvalidInputError(f"{out} is a folder; give the path of the file to write (or use --by-day)")
    elif out.exists() and not force:
        raise InvalidInputError(f"{out} already exists; choose another --out, or pass --force to replace it")
    if by_day:
        option = "(FORMAT parquet, PARTITION_BY (day), OVERWRITE_OR_IGNORE true)"
    else:
        option = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER)"
    day = ", CAST(ts AS DATE) AS day" if by_day else ""
    # COPY cannot take prepared parameters, so the tenant is inlined as a quoted literal
    literal_where = f"WHERE tenant_id = '{tenant.replace(chr(39), chr(39) * 2)}'" if tenant else ""
    import duckdb

    with read_connection() as con:
        n = con.execute(f"SELECT count(*) FROM events {literal_where}").fetchall()[0][0]
        try:
            con.execute(
                f"COPY (SELECT {export_columns_sql(fmt)}{day} FROM events {literal_where} ORDER BY ts) "
                f"TO '{str(out).replace(chr(39), chr(39) * 2)}' {option}"
            )
        except duckdb.IOException as exc:
            raise InvalidInputError(
                f"cannot write {out}: {str(exc).splitlines()[0]}; choose an --out on a disk you can write"
            ) from None
    emit({"rows": n, "path": str(out), "format": fmt, "by_day": by_day}, as_json,
         lambda d: click.echo(f"wrote {d['rows']} events to {d['path']}" + (" (a folder per day)" if by_day else "")))


@events.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl"]), default=None,
              help="the file's format (default: from its extension)")
@click.option("--allow-unknown-types", is_flag=True, help="accept event types Faibric does not know")
@click.option("--refused-out", type=click.Path(path_type=Path), default=None,
              help="where to write refused rows (CSV; default: in the workspace logs)")
@json_option
def events_import(path, fmt, allow_unknown_types, refused_out, as_json):
    """Import historical events from Parquet, CSV or JSONL (idempotent: importing twice adds nothing)."""
    from ..store.importer import import_events

    report = import_events(path, fmt=fmt, allow_unknown_types=allow_unknown_types, refused_out=refused_out)

    def human(d):
        click.echo(f"read {d['rows_read']:,} rows from {d['path']}: {d['accepted']:,} accepted, "
                   f"{d['refused']:,} refused; {d['added']:,} new events stored"
                   + (f", {d['already_stored']:,} already stored" if d["already_stored"] else "")
                   + (f", {d['duplicates_in_file']:,} repeated in the file" if d["duplicates_in_file"] else ""))
        for reason, n in d["refused_by_reason"].items():
            click.echo(f"  refused {n:,}: {reason}")
        for ex in d["refused_examples"]:
            click.echo(f"    row {ex['row']}: {ex['reason']}")
        if d["refused_file"]:
            click.echo(f"refused rows written to {d['refused_file']}")
        if d["ignored_columns"]:
            click.echo(f"ignored column(s): {', '.join(d['ignored_columns'])}")

    emit(report.to_dict(), as_json, human)


COMMANDS = [events]
