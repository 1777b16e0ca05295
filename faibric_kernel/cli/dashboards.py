"""``faibric dashboards``: serve the Voila dashboards, behind a token, on loopback unless told otherwise."""

from __future__ import annotations

import os
import signal
import sys

import click

from .output import emit, json_option, progress
from .service_commands import add_service_commands

__all__ = ["COMMANDS", "dashboards"]


@click.group(invoke_without_command=True)
@click.option("--port", type=int, default=None, help="port to listen on (default 8866; 0 picks a free one)")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to bind; anything but loopback exposes the dashboards to the network (plain HTTP)")
@click.option("--token", default=None,
              help="stakeholder token (aggregates only); default FAIBRIC_DASHBOARD_TOKEN, else one is generated")
@click.option("--analyst-token", default=None,
              help="analyst token (individual customers too); default FAIBRIC_ANALYST_TOKEN, else generated")
@click.option("--pool-size", type=int, default=None,
              help="pre-heated kernels kept ready, shared by all dashboards (default 3; 0 turns pre-heating off)")
@json_option
@click.pass_context
def dashboards(ctx, port, host, token, analyst_token, pool_size, as_json):
    """Serve the dashboards (overview, users, user detail, funnel, cohorts, health, costs) with Voila;
    `faibric dashboards status` and `faibric dashboards stop` from another shell."""
    if ctx.invoked_subcommand is not None:
        return
    from ..dashboards.landing import landing_jupyter_path
    from ..dashboards.server import DashboardServer, is_loopback, resolve_settings

    settings = resolve_settings(host=host, port=port, token=token, analyst_token=analyst_token, pool_size=pool_size)
    # Voila's root shows a card per dashboard instead of its file list (the server passes JUPYTER_PATH on)
    os.environ["JUPYTER_PATH"] = landing_jupyter_path()
    server = DashboardServer(settings)
    if not is_loopback(host):
        progress(f"warning: binding {host}: anyone who can reach this address can try tokens; traffic is plain "
                 "HTTP, so put a TLS proxy in front of it")
    progress(f"starting Voila on {settings.base_url} (log: {server.log_path})")

    def stop_on_term(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop_on_term)
    registered = False
    server.start()
    try:
        server.wait_ready()
        from ..services import register_service, unregister_service

        # `faibric health` checks it and `faibric monitor` restarts it with this same command line
        register_service("dashboards", os.getpid(), settings.port,
                         host="127.0.0.1" if settings.host in ("", "0.0.0.0") else settings.host,
                         health_path="/login")
        registered = True
        data = settings.to_dict()
        data["log"] = str(server.log_path)

        def human(d):
            click.echo(f"Faibric dashboards at {d['url']} (serving {d['folder']})")
            st = d["stakeholder_token"] or "<the stakeholder token you set>"
            an = d["analyst_token"] or "<the analyst token you set>"
            click.echo(f"  stakeholders (aggregates only):      {d['url']}?token={st}")
            click.echo(f"  analysts (individual customers too): {d['url']}?token={an}")
            if d["stakeholder_token"] or d["analyst_token"]:
                click.echo("These tokens were generated for this run; set FAIBRIC_DASHBOARD_TOKEN and "
                           "FAIBRIC_ANALYST_TOKEN (e.g. in $FAIBRIC_HOME/.env) to keep them across restarts.")
            click.echo("Press Ctrl-C to stop.")

        emit(data, as_json, human)
        sys.stdout.flush()
        code = server.process.wait()
        if code:
            progress(f"Voila exited with code {code}; see {server.log_path}")
            sys.exit(code)
    except KeyboardInterrupt:
        progress("stopping the dashboards")
    finally:
        if registered:
            unregister_service("dashboards", os.getpid())
        server.stop()
        signal.signal(signal.SIGTERM, previous)


add_service_commands(dashboards, "dashboards")

COMMANDS = [dashboards]
