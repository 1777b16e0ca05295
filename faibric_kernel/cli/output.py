"""What every command shares: one JSON document on stdout with ``--json``, progress on stderr."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import click

__all__ = ["emit", "json_option", "progress"]


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
