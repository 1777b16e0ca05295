"""``faibric lake init | status | compact``: the event lake every host shares (see :mod:`faibric_kernel.store.lake`)."""

from __future__ import annotations

import click

from .output import emit, json_option

__all__ = ["COMMANDS", "lake"]


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


COMMANDS = [lake]
