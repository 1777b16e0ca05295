"""``faibric sites``: list deployed sites, serve them on loopback, stop the background server."""

from __future__ import annotations

import click

from .output import emit, json_option, progress

__all__ = ["COMMANDS", "sites"]


@click.group()
def sites() -> None:
    """Deployed sites: list them, serve them on loopback."""


@sites.command("list")
@click.option("--tenant", default=None, help="only this tenant")
@json_option
def sites_list(tenant: str | None, as_json: bool) -> None:
    """Every site with its latest deploy and the URL it is live at."""
    from ..deploy.local import sites_table, with_serving_status
    from ..deploy.store import list_sites

    rows = with_serving_status(list_sites(tenant))
    for row in rows:
        for key in ("started_at", "finished_at"):
            if row.get(key) is not None:
                row[key] = row[key].isoformat()
    emit(rows, as_json, lambda items: click.echo(sites_table(items)))


@sites.command("serve")
@click.option("--port", type=int, default=None, help="port on 127.0.0.1 (default FAIBRIC_SITES_PORT or 8765)")
@click.option("--verbose", is_flag=True, help="log every request to stderr")
def sites_serve(port: int | None, verbose: bool) -> None:
    """Serve every site of the workspace at http://127.0.0.1:PORT/<site_id>/ until interrupted."""
    from ..deploy.local import _configured_port, _probe, serve_sites, sites_dir
    from ..errors import ConfigError

    try:
        server = serve_sites(port, quiet=not verbose)
    except ConfigError:
        chosen = _configured_port() if port is None else port
        found = _probe(chosen)
        if found and found.get("root") == str(sites_dir().resolve()):
            raise ConfigError(f"this workspace's sites are already served at http://127.0.0.1:{chosen}/ "
                              f"(process {found.get('pid')}); `faibric sites stop` stops it") from None
        raise
    progress(f"serving {server.root} at {server.url}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        progress("stopped")
    finally:
        server.server_close()


@sites.command("stop")
@json_option
def sites_stop(as_json: bool) -> None:
    """Stop the background sites server that deploys started for this workspace."""
    from ..deploy.local import stop_sites_server

    stopped = stop_sites_server()
    emit(stopped, as_json, lambda d: click.echo(
        f"stopped server process {d['process']}" if d["process"] else "no background sites server was running"))


COMMANDS = [sites]
