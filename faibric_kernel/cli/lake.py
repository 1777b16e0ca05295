"""``faibric lake init | status``: the event lake every host shares (see :mod:`faibric_kernel.store.lake`)."""

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


COMMANDS = [lake]
