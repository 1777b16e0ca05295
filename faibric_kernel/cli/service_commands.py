"""``status`` and ``stop`` subcommands for a long-running service (``faibric studio``, ``faibric dashboards``).

A service records itself with :func:`faibric_kernel.services.register_service`
while it runs; these commands read that record, so they work from any shell
on the same workspace.
"""

from __future__ import annotations

import sys

import click

__all__ = ["add_service_commands"]


def add_service_commands(group: click.Group, name: str) -> click.Group:
    """Give ``group`` a ``status`` and a ``stop`` command for the service ``name``."""

    @group.command("status")
    @click.option("--json", "as_json", is_flag=True, help="print one JSON document")
    def status(as_json: bool) -> None:
        from ..services import check_service, read_service
        from .output import emit

        result = check_service(name)
        record = read_service(name) or {}
        result = {"service": name, **result, "url": record.get("url"), "started_at": record.get("started_at")}

        def human(d):
            state = "running" if d.get("running") else "stopped"
            click.echo(f"{name}: {state} - {d['detail']}" + (f"\n  {d['url']}" if d.get("url") else ""))

        emit(result, as_json, human)
        if not result["ok"]:
            sys.exit(1)

    status.__doc__ = f"Whether {name} runs, its process and whether it answers."
    status.help = status.__doc__

    @group.command("stop")
    @click.option("--json", "as_json", is_flag=True, help="print one JSON document")
    def stop(as_json: bool) -> None:
        from ..monitor import stop_service
        from .output import emit

        emit({"service": name, **stop_service(name)}, as_json, lambda d: click.echo(d["detail"]))

    stop.help = f"Stop {name} (started from another shell) and forget it, so the monitor does not restart it."
    return group
