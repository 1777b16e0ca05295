"""``faibric leads``: what visitors sent through live sites' forms; export; forget one person."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..errors import InvalidInputError
from ..store import read_connection
from .output import emit, json_option

__all__ = ["COMMANDS", "leads", "printable"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text) -> str:
    """Visitor text safe for a terminal: control characters (colour codes, cursor moves) shown as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", "" if text is None else str(text))


def _since(value: str | None):
    if value is None:
        return None
    from ..analytics._common import utc_naive

    return utc_naive(value, "--since")


def _site(value: str | None) -> str | None:
    if value is None:
        return None
    from ..livesites.registry import validate_public_site_id

    return validate_public_site_id(value)


def _load(tenant: str, site: str | None, since: str | None, spam: bool) -> list[dict]:
    from ..livesites.leads import list_leads

    with read_connection() as con:
        return list_leads(con, tenant_id=tenant, site_id=_site(site), since=_since(since), include_spam=spam)


_filters = [
    click.option("--site", help="only this site (its public id, s_...)"),
    click.option("--since", help="only leads from this date or time on (UTC), e.g. 2026-12-01"),
    click.option("--tenant", default="default", show_default=True, help="whose leads"),
    click.option("--spam", is_flag=True, help="include submissions held as spam (honeypot, too fast)"),
]


def _with_filters(func):
    for option in reversed(_filters):
        func = option(func)
    return func


def _human(rows: list[dict]) -> None:
    if not rows:
        click.echo("no leads yet")
        return
    for lead in rows:
        fields = lead["fields"]
        who = printable(fields.get("name") or "") + (f" <{printable(lead['email'])}>" if lead["email"] else "")
        flag = "" if lead["spam"] == "ok" else f"  [spam: {lead['spam']}]"
        click.echo(f"{lead['received_at']:%Y-%m-%d %H:%M}  {lead['site_id']}  {lead['form']:<10} {who}{flag}")
        for name, value in fields.items():
            if name not in ("name", "email"):
                text = printable(value)
                click.echo(f"    {name}: {text[:200]}{'…' if len(text) > 200 else ''}")


@click.group(invoke_without_command=True)
@_with_filters
@json_option
@click.pass_context
def leads(ctx, site, since, tenant, spam, as_json):
    """What visitors sent through your sites' forms (newest first)."""
    if ctx.invoked_subcommand is not None:
        return
    emit(_load(tenant, site, since, spam), as_json, _human)


@leads.command("export")
@_with_filters
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write the CSV here")
@click.option("--force", is_flag=True, help="replace an existing --output file")
def export(site, since, tenant, spam, output, force):
    """Leads as CSV (stdout, or --output), safe to open in a spreadsheet: formulas are quoted."""
    from ..livesites.leads import leads_csv

    text = leads_csv(_load(tenant, site, since, spam))
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists() and not force:
        raise InvalidInputError(f"{output} exists; pass --force to replace it or choose another --output")
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {text.count(chr(10)) - 1} lead(s) to {output}", err=True)


@leads.command("forget")
@click.argument("email")
@click.option("--tenant", help="only this tenant's sites (default: every tenant)")
@json_option
def forget(email, tenant, as_json):
    """Delete everything one person sent through the forms (a request to be forgotten)."""
    from ..livesites.leads import forget_person

    result = forget_person(email, tenant_id=tenant)
    emit(result, as_json, lambda r: click.echo(
        f"deleted {r['leads_deleted']} lead(s) from {r['email']}"
        + (f" and {r['queued_emails_deleted']} queued owner email(s)" if r["queued_emails_deleted"] else "")
        + "; emails already delivered to site owners are theirs and are not recalled"))


COMMANDS = [leads]
