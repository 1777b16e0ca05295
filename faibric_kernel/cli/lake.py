"""``faibric lake init | status | compact``: the event lake every host shares (see :mod:`faibric_kernel.store.lake`),
and ``faibric migrate-to``, which moves a single-machine workspace into PostgreSQL and the lake."""

from __future__ import annotations

import click

from .output import emit, json_option

__all__ = ["COMMANDS", "lake", "migrate_to"]


def _show(d: dict) -> None:
    click.echo(f"catalog:   {d['catalog']}")
    click.echo(f"data:      {d['data_path']}")
    for kind, n in d["rows"].items():
        click.echo(f"{kind + ':':<10} {n:,} rows")
    click.echo(f"snapshots: {d['snapshots']:,} (latest {d['latest_snapshot']} at {d['latest_snapshot_at']})")
    click.echo(f"hosts:     {d['hosts']} with spool offsets")


@click.group()
def lake() -> None:
    """The event lake (FAIBRIC_LAKE, FAIBRIC_LAKE_DATA): every host's events in one DuckLake."""


@lake.command("init")
@json_option
def init(as_json: bool) -> None:
    """Create the lake's catalog and tables once (run it from one host; running it again changes nothing)."""
    from ..store.lake import init_lake

    emit(init_lake(), as_json, _show)


@lake.command("status")
@json_option
def status(as_json: bool) -> None:
    """Where the lake is and what it holds: rows per table, snapshots, hosts."""
    from ..store.lake import status as lake_status

    emit(lake_status(), as_json, _show)


@lake.command("compact")
@click.option("--keep-days", type=float, default=7.0, show_default=True,
              help="keep the snapshots (time travel) and files of this many days")
@json_option
def compact(keep_days: float, as_json: bool) -> None:
    """Merge the small files ingests add and delete files no kept snapshot needs (from one host, now and then)."""
    from ..store.lake import compact as compact_lake

    def human(d):
        for kind, before in d["files_before"].items():
            click.echo(f"{kind + ':':<10} {before:,} -> {d['files_after'][kind]:,} data files")
        click.echo(f"{d['snapshots_expired']:,} snapshot(s) older than {d['keep_days']:g} days expired, "
                   f"{d['files_deleted']:,} file(s) deleted")

    emit(compact_lake(keep_days=keep_days), as_json, human)


@click.command("migrate-to")
@click.option("--database-url", default=None, metavar="URL",
              help="PostgreSQL for the state, e.g. postgresql://faibric@db/faibric; '-' reads it from stdin "
                   "(keeps a password out of the process list and shell history)")
@click.option("--lake", "lake_catalog", default=None, metavar="CATALOG",
              help="the lake's catalog, as FAIBRIC_LAKE takes it (postgres:dbname=faibric host=db); '-' reads it "
                   "from stdin (after the database URL, one per line)")
@click.option("--lake-data", default=None, metavar="FOLDER", help="the lake's shared data folder (FAIBRIC_LAKE_DATA)")
@json_option
def migrate_to(database_url: str | None, lake_catalog: str | None, lake_data: str | None, as_json: bool) -> None:
    """Move this workspace's state into PostgreSQL and its events into the lake (running it again adds nothing).

    The workspace is only read. Then set FAIBRIC_DATABASE_URL and FAIBRIC_LAKE/FAIBRIC_LAKE_DATA on every host.
    """
    import sys

    from ..store.migrate import migrate_to as move
    from .output import progress

    if database_url == "-":
        database_url = sys.stdin.readline().strip()
    if lake_catalog == "-":
        lake_catalog = sys.stdin.readline().strip()

    report = move(database_url=database_url, lake_catalog=lake_catalog, lake_data=lake_data, progress=progress)

    def human(d):
        click.echo(f"from {d['source']}")
        for title, key in (("state, to " + d.get("database", ""), "state"), ("events, to " + d.get("lake", ""),
                                                                            "events")):
            if key not in d:
                continue
            click.echo(title)
            click.echo(f"  {'table':<18} {'workspace':>10} {'before':>10} {'after':>10} {'added':>10}")
            for table, n in d[key].items():
                click.echo(f"  {table:<18} {n['source']:>10,} {n['before']:>10,} {n['after']:>10,} {n['added']:>10,}")
        for name, outcome in d.get("documents", {}).items():
            click.echo(f"  {name}: {outcome}")
        settings = ([f"FAIBRIC_DATABASE_URL={d['database']}"] if "database" in d else []) + \
            ([f"FAIBRIC_LAKE={d['lake']} FAIBRIC_LAKE_DATA=..."] if "lake" in d else [])
        click.echo("now set on every host: " + "  ".join(settings) + " (passwords not shown)")

    emit(report, as_json, human)


COMMANDS = [lake, migrate_to]
