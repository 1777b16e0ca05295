"""The ``faibric`` command: one group, JSON on request, one clear line on error.

Every command that returns data takes ``--json`` and then prints exactly one
JSON document on stdout; progress goes to stderr. A :class:`FaibricError`
exits non-zero with one line on stderr (a traceback only with ``--debug``).
Sub-packages register their own commands at the bottom of this module.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import click

from . import __version__, config
from .errors import FaibricError, InvalidInputError

__all__ = ["emit", "json_option", "main", "progress"]


def _default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, Path)):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def emit(data, as_json: bool, human=None) -> None:
    """Print ``data`` as one JSON document, or through ``human(data)`` as text."""
    if as_json:
        click.echo(json.dumps(data, default=_default, ensure_ascii=False))
    elif human is not None:
        human(data)
    else:
        click.echo(json.dumps(data, default=_default, ensure_ascii=False, indent=2))


def progress(message: str) -> None:
    """A progress line on stderr (never on stdout, which carries the JSON)."""
    click.echo(message, err=True)


json_option = click.option("--json", "as_json", is_flag=True, help="print one JSON document on stdout")


class FaibricGroup(click.Group):
    """Turns Faibric errors into one line on stderr and a non-zero exit."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FaibricError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # the reader closed early (`faibric sessions | head`): not an error; silence the flush at exit
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
            sys.exit(1)


@click.group(cls=FaibricGroup)
@click.version_option(__version__, prog_name="faibric")
@click.option("--debug", is_flag=True, help="show tracebacks")
def main(debug: bool) -> None:
    """Faibric: build React sites from a prompt, and run the ops console."""


@main.command()
@json_option
def init(as_json: bool) -> None:
    """Create the workspace and the database, and print where they are."""
    from .store import database_path, ensure_database

    home = config.workspace()
    ensure_database()
    data = {"workspace": str(home), "database": str(database_path())}
    emit(data, as_json, lambda d: click.echo(f"workspace ready at {d['workspace']}\ndatabase: {d['database']}"))


@main.command("config")
@json_option
def show_config(as_json: bool) -> None:
    """Every setting, whether it is set and where from; secret values are never shown."""
    import os

    dotenv = config._read_dotenv(config.workspace() / ".env")
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


@main.command()
@json_option
def setup(as_json: bool) -> None:
    """Install what sites need to build (the pinned npm packages), once per machine."""
    import shutil

    from .preview import ensure_node_modules

    progress("installing the pinned npm packages (esbuild, react, react-dom, axe-core) if needed...")
    node_dir = ensure_node_modules()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    data = {"node_modules": str(node_dir), "chromium": chromium}
    emit(data, as_json, lambda d: click.echo(
        f"npm packages ready in {d['node_modules']}\n"
        + (f"chromium: {d['chromium']}" if d["chromium"] else
           "chromium: not found (browser tests and screenshots need Debian's chromium: apt-get install chromium)")
    ))


@main.command()
@json_option
def ingest(as_json: bool) -> None:
    """Load spooled events and API calls into the database (idempotent)."""
    from .store import ingest as run_ingest

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


@main.group()
def events() -> None:
    """Count, follow and export recorded events."""


@events.command("count")
@click.option("--tenant", default=None, help="only this tenant")
@json_option
def events_count(tenant: str | None, as_json: bool) -> None:
    """How many events are recorded (spooled ones included), by type."""
    from .store import read_connection

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
    from .store import read_connection

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
    from .store import read_connection

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
                f"COPY (SELECT CAST(event_id AS VARCHAR) AS event_id, ts, tenant_id, session_id, actor, event_type, "
                f"CAST(properties AS VARCHAR) AS properties{day} FROM events {literal_where} ORDER BY ts) "
                f"TO '{str(out).replace(chr(39), chr(39) * 2)}' {option}"
            )
        except duckdb.IOException as exc:
            raise InvalidInputError(
                f"cannot write {out}: {str(exc).splitlines()[0]}; choose an --out on a disk you can write"
            ) from None
    emit({"rows": n, "path": str(out), "format": fmt, "by_day": by_day}, as_json,
         lambda d: click.echo(f"wrote {d['rows']} events to {d['path']}" + (" (a folder per day)" if by_day else "")))


@main.group()
def db() -> None:
    """Inspect the database."""


@db.command("stats")
@json_option
def db_stats(as_json: bool) -> None:
    """Row counts per table, file size, spool backlog and schema version."""
    from .store import database_path, read_connection
    from .store.spool import segments, spool_dir

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


@main.command()
@json_option
def health(as_json: bool) -> None:
    """Is the store reachable; which providers and deploy targets are usable. Exit 1 when unhealthy."""
    from .health import check_health

    report = check_health()

    def human(d):
        for name, check in d["checks"].items():
            mark = "ok " if check["ok"] else "FAIL"
            click.echo(f"[{mark}] {name}: {check['detail']}")

    emit(report, as_json, human)
    if not report["ok"]:
        sys.exit(1)


# Sub-packages add their command groups below, one line each.
from .deploy.cli import sites as _sites; main.add_command(_sites)  # noqa: E402, E702, I001
from .studio_cli import studio as _studio; main.add_command(_studio)  # noqa: E402, E702, I001
from .dashboards.cli import dashboards as _dashboards; main.add_command(_dashboards)  # noqa: E402, E702, I001
from .reports.cli import report as _report; main.add_command(_report)  # noqa: E402, E702, I001
from .schedule import schedule as _schedule; main.add_command(_schedule)  # noqa: E402, E702, I001
from .monitor import monitor as _monitor; main.add_command(_monitor)  # noqa: E402, E702, I001
from .onboarding.cli import register as _onboarding; _onboarding(main)  # noqa: E402, E702, I001
from .analytics.cli import analytics as _analytics, seed_demo as _seed_demo, events_import as _events_import; main.add_command(_analytics); main.add_command(_seed_demo); events.add_command(_events_import)  # noqa: E402, E702, I001
from .generation.cli import register as _generation; _generation(main)  # noqa: E402, E702, I001
from .library.cli import library as _library; main.add_command(_library)  # noqa: E402, E702, I001
from .livesites.cli import leads as _leads; main.add_command(_leads)  # noqa: E402, E702, I001
