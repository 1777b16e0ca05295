"""``faibric init | config | setup | ingest | db stats | health``: the workspace and its store."""

from __future__ import annotations

import sys

import click

from .. import config
from .output import emit, json_option, progress

__all__ = ["COMMANDS"]


@click.command()
@json_option
def init(as_json: bool) -> None:
    """Create the workspace and the database, and print where they are."""
    from ..store import database_path, ensure_database

    home = config.workspace()
    ensure_database()
    data = {"workspace": str(home), "database": str(database_path())}
    emit(data, as_json, lambda d: click.echo(f"workspace ready at {d['workspace']}\ndatabase: {d['database']}"))


@click.command("config")
@json_option
def show_config(as_json: bool) -> None:
    """Every setting, whether it is set and where from; secret values are never shown."""
    import os

    dotenv = config.read_dotenv(config.workspace() / ".env")
    rows = []
    for setting in config.SETTINGS.values():
        if os.environ.get(setting.name):
            source, value = "environment", os.environ[setting.name]
        elif dotenv.get(setting.name):
            source, value = ".env", dotenv[setting.name]
        else:
            source, value = "default", setting.default
        shown = ("***" if value else None) if setting.secret else value
        rows.append({"name": setting.name, "value": shown, "source": source if value else None,
                     "secret": setting.secret, "description": setting.description})

    def human(items):
        click.echo(f"{'SETTING':<34} {'VALUE':<28} {'FROM':<12} WHAT IT DOES")
        for r in items:
            value = str(r["value"] if r["value"] is not None else "-")
            if len(value) > 28:  # shortened visibly; --json gives whole values
                value = value[:27] + "…"
            click.echo(f"{r['name']:<34} {value:<28} {r['source'] or 'unset':<12} {r['description']}")

    emit(rows, as_json, human)


@click.command()
@json_option
def setup(as_json: bool) -> None:
    """Install what sites need to build (the pinned npm packages), once per machine."""
    import shutil

    from ..preview import ensure_node_modules

    progress("installing the pinned npm packages (esbuild, react, react-dom, axe-core) if needed...")
    node_dir = ensure_node_modules()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    data = {"node_modules": str(node_dir), "chromium": chromium}
    emit(data, as_json, lambda d: click.echo(
        f"npm packages ready in {d['node_modules']}\n"
        + (f"chromium: {d['chromium']}" if d["chromium"] else
           "chromium: not found (browser tests and screenshots need Debian's chromium: apt-get install chromium)")
    ))


@click.command()
@json_option
def ingest(as_json: bool) -> None:
    """Load spooled events and API calls into the database (idempotent)."""
    from ..store import ingest as run_ingest

    report = run_ingest()
    emit(
        report.to_dict(),
        as_json,
        lambda d: click.echo(
            f"ingested {d['added'].get('events', 0)} events and {d['added'].get('api_calls', 0)} API calls "
            f"from {d['segments_read']} segment(s) in {d['seconds']:.3f}s"
            + (f"; {len(d['quarantined'])} segment(s) quarantined" if d["quarantined"] else "")
        ),
    )
    for item in report.quarantined:
        progress(f"quarantined: {item['segment']}: {item['reason']} (kept at {item['kept_at']})")


@click.group()
def db() -> None:
    """Inspect the database."""


@db.command("stats")
@json_option
def db_stats(as_json: bool) -> None:
    """Row counts per table, file size, spool backlog and schema version."""
    from ..store import database_path, read_connection
    from ..store.spool import segments, spool_dir

    with read_connection(include_spool=False) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
        ).fetchall()]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}
        version = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
    backlog = {}
    for kind in ("events", "api_calls"):
        segs = segments(spool_dir(), kind)
        backlog[kind] = {"segments": len(segs), "bytes": sum(p.stat().st_size for p in segs if p.exists())}
    path = database_path()
    data = {
        "database": str(path),
        "size_bytes": path.stat().st_size if path.exists() else 0,
        "schema_version": version,
        "tables": counts,
        "spool": backlog,
    }

    def human(d):
        click.echo(f"database {d['database']} ({d['size_bytes'] / 1e6:.1f} MB, schema v{d['schema_version']})")
        for t, n in d["tables"].items():
            click.echo(f"  {t:<20} {n:>12,}")
        for k, b in d["spool"].items():
            click.echo(f"  spool {k:<14} {b['segments']} segment(s), {b['bytes']:,} bytes")

    emit(data, as_json, human)


@click.command()
@json_option
def health(as_json: bool) -> None:
    """Is the store reachable; which providers and deploy targets are usable. Exit 1 when unhealthy."""
    from ..health import check_health

    report = check_health()

    def human(d):
        for name, check in d["checks"].items():
            mark = "ok " if check["ok"] else "FAIL"
            click.echo(f"[{mark}] {name}: {check['detail']}")

    emit(report, as_json, human)
    if not report["ok"]:
        sys.exit(1)


# Sub-packages add their command groups below, one line each.


COMMANDS = [init, show_config, setup, ingest, db, health]
