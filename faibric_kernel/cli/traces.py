"""``faibric traces list | show``: the spans of builds and changes, slowest or most expensive first."""

from __future__ import annotations

import click

from ..build.traces import trace_texts, traces
from ..errors import NotFoundError
from .output import emit, json_option

__all__ = ["traces_group"]


def _read():
    from ..store import read_connection

    return read_connection()


@click.group("traces")
def traces_group():
    """Build traces: spans (classify ... deploy) with timings, tokens, cost and outcome."""


@traces_group.command("list")
@click.option("--session", "session_id", default=None, help="only this session's builds and changes")
@click.option("--by", "order", type=click.Choice(["seconds", "cost", "ts"]), default="seconds", show_default=True,
              help="slowest, most expensive or newest first")
@click.option("-n", "limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
def list_command(session_id, order, limit, as_json):
    """Traces, slowest (or most expensive, or newest) first."""
    with _read() as con:
        rows = traces(con, session_id=session_id, order=order, limit=limit)

    def human(items):
        if not items:
            click.echo("no traces yet")
        for t in items:
            spans = " ".join(f"{s['name']}:{s['seconds']:.2f}s" for s in t["spans"])
            click.echo(f"{t['trace_id']}  {t['kind']:<6} {t['outcome']:<9} {t['seconds']:>7.2f}s  ${t['cost_usd']:.4f}  "
                       f"{t['session_id']}  {spans}")

    emit(rows, as_json, human)


@traces_group.command("show")
@click.argument("trace_id")
@click.option("--text", is_flag=True, help="also the redacted prompt and answer texts (FAIBRIC_TRACE_TEXT=1 only)")
@json_option
def show_command(trace_id, text, as_json):
    """One trace's spans and model calls."""
    with _read() as con:
        rows = [t for t in traces(con, order="ts", limit=100_000) if t["trace_id"] == trace_id]
    if not rows:
        raise NotFoundError(f"no trace {trace_id}; see `faibric traces list`")
    trace = rows[0]
    if text:
        trace["texts"] = trace_texts(trace["session_id"], trace_id)

    def human(t):
        click.echo(f"{t['kind']} of {t['session_id']} ({t['variant']}): {t['outcome']} in {t['seconds']:.2f}s, "
                   f"{t['input_tokens']:,} in / {t['output_tokens']:,} out tokens, ${t['cost_usd']:.4f}")
        for s in t["spans"]:
            click.echo(f"  {s['name']:<9} {s['seconds']:>7.3f}s  {s['outcome']:<7} ${s['cost_usd']:.4f}  "
                       f"{len(s['calls'])} call(s)" + (f"  {s['error']}" if s.get("error") else ""))
            for c in s["calls"]:
                click.echo(f"      {c['purpose']:<9} {c['model']:<22} {c.get('prompt') or '-':<22} "
                           f"{c['input_tokens']:>7,} in {c['output_tokens']:>6,} out")
        for item in t.get("texts") or []:
            click.echo(f"--- {item['span']} {item['call_id']} prompt ---\n{item['prompt']}\n--- answer ---\n"
                       f"{item['response']}")

    emit(trace, as_json, human)


COMMANDS = [traces_group]
