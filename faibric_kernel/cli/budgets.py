"""``faibric budgets set | show``: per-tenant monthly AI budgets (soft: cheap model, then offline; hard: refuse)."""

from __future__ import annotations

import click

from ..build.budgets import budget_decision, list_budgets, set_budget
from .output import emit, json_option

__all__ = ["budgets"]


@click.group()
def budgets():
    """Monthly AI budgets per tenant: over the soft one builds degrade, over the hard one they are refused."""


@budgets.command("set")
@click.argument("tenant")
@click.option("--soft", "soft_usd", type=float, default=None, help="from here every call uses the cheap model (USD)")
@click.option("--offline", "offline_usd", type=float, default=None,
              help="from here builds use the offline composer (default: halfway from soft to hard)")
@click.option("--hard", "hard_usd", type=float, default=None, help="from here new builds and changes are refused")
@json_option
def set_command(tenant, soft_usd, offline_usd, hard_usd, as_json):
    """Set TENANT's monthly budget (no amounts: remove it)."""
    budget = set_budget(tenant, soft_usd=soft_usd, hard_usd=hard_usd, offline_usd=offline_usd)

    def human(d):
        if d["soft_usd"] is None and d["hard_usd"] is None and d["offline_usd"] is None:
            click.echo(f"removed the budget of {tenant}")
            return
        click.echo(f"budget of {tenant} per month: " + _thresholds(d))

    emit(budget.to_dict(), as_json, human)


def _money(value) -> str:
    return "-" if value is None else f"${value:,.2f}"


def _thresholds(d: dict) -> str:
    return (f"soft {_money(d['soft_usd'])} (cheap model), offline from {_money(d['offline_threshold_usd'])}, "
            f"hard {_money(d['hard_usd'])} (refuse)")


@budgets.command("show")
@click.argument("tenant", required=False)
@json_option
def show_command(tenant, as_json):
    """Each tenant's budget, its spend this month and what its next build does."""
    tenants = [tenant] if tenant else sorted(list_budgets())
    data = [budget_decision(t).to_dict() for t in tenants]

    def human(rows):
        if not rows:
            click.echo("no budgets set (faibric budgets set TENANT --soft N --hard M)")
        for row in rows:
            if row["budget"] is None:
                click.echo(f"{row['tenant_id']}: no budget; spent {_money(row['spent_usd'])} in {row['month']}")
                continue
            click.echo(f"{row['tenant_id']}: spent {_money(row['spent_usd'])} in {row['month']}; "
                       f"{_thresholds(row['budget'])}; next build: {row['step']}")

    emit(data, as_json, human)


COMMANDS = [budgets]
