"""``faibric tenants``: add, list, rotate and remove tenants' API keys (see :mod:`faibric_kernel.tenant_keys`)."""

from __future__ import annotations

import click

from ..tenant_keys import tenant_keys
from .output import emit, json_option

__all__ = ["COMMANDS", "tenants"]

dashboard_option = click.option("--dashboard-token", "dashboard", is_flag=True,
                                help="also draw a stakeholder token for the analytics API, scoped to this tenant")


def _show_secrets(d: dict) -> None:
    click.echo(f"tenant {d['tenant_id']}")
    click.echo(f"  API key (shown once; clients send it as X-Faibric-Key): {d['api_key']}")
    if d.get("dashboard_token"):
        click.echo(f"  dashboard token (shown once; Authorization: Bearer): {d['dashboard_token']}")


@click.group()
def tenants() -> None:
    """Tenants of the HTTP API and their keys (only the keys' hashes are kept)."""


@tenants.command("add")
@click.argument("tenant_id")
@dashboard_option
@json_option
def add(tenant_id: str, dashboard: bool, as_json: bool) -> None:
    """Add TENANT_ID with a new API key."""
    emit(tenant_keys().add(tenant_id, dashboard=dashboard), as_json, _show_secrets)


@tenants.command("list")
@json_option
def list_tenants(as_json: bool) -> None:
    """The tenants with keys (no secrets)."""
    def human(rows):
        if not rows:
            click.echo("no tenants with keys yet; `faibric tenants add NAME` adds one")
        for r in rows:
            click.echo(f"{r['tenant_id']:<24} key {r['key_hint']:<12} added {r['created_at']}"
                       + (f", rotated {r['rotated_at']}" if r["rotated_at"] else "")
                       + (", dashboard token" if r["dashboard_token"] else ""))

    emit(tenant_keys().list(), as_json, human)


@tenants.command("rotate")
@click.argument("tenant_id")
@dashboard_option
@json_option
def rotate(tenant_id: str, dashboard: bool, as_json: bool) -> None:
    """Give TENANT_ID a new API key; the old one stops working at once."""
    emit(tenant_keys().rotate(tenant_id, dashboard=dashboard), as_json, _show_secrets)


@tenants.command("remove")
@click.argument("tenant_id")
@json_option
def remove(tenant_id: str, as_json: bool) -> None:
    """Forget TENANT_ID's keys (its sessions and events stay)."""
    emit(tenant_keys().remove(tenant_id), as_json, lambda d: click.echo(f"removed tenant {d['tenant_id']}'s keys"))


COMMANDS = [tenants]
