"""``faibric library list|search|show|add|remove``: the component library from the command line."""

from __future__ import annotations

import click

from .output import emit, json_option, progress

__all__ = ["COMMANDS", "library"]


def _table(rows: list[list[str]], headers: list[str]) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    widths = [min(w, 60) for w in widths]
    line = "  ".join(f"{h:<{w}}" for h, w in zip(headers, widths, strict=True))
    click.echo(line)
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(f"{str(c)[:w]:<{w}}" for c, w in zip(row, widths, strict=True)))


@click.group()
def library() -> None:
    """Browse, search and grow the component library."""


@library.command("list")
@click.option("--kind", default=None, help="only items of this kind (e.g. pricing, contact-form)")
@json_option
def list_command(kind: str | None, as_json: bool) -> None:
    """Every item in the library, by kind."""
    from ..library import list_items

    items = list_items(kind)
    data = [it.summary() for it in items]

    def human(rows):
        _table([[r["id"], r["kind"], r["name"], r["usage_count"], f"{r['quality_score']:.2f}", r["source"]]
                for r in rows], ["id", "kind", "name", "used", "quality", "source"])
        click.echo(f"{len(rows)} item(s)")

    emit(data, as_json, human)


@library.command("search")
@click.argument("query")
@click.option("--kind", default=None, help="only items of this kind")
@click.option("-k", "k", default=10, show_default=True, help="how many results")
@click.option("--embedder", default=None, help="none | hashing | minilm (default: FAIBRIC_EMBEDDER)")
@json_option
def search_command(query: str, kind: str | None, k: int, embedder: str | None, as_json: bool) -> None:
    """Items ranked for a plain-language QUERY, with scores and reasons."""
    from ..library import search

    results = search(query, kind=kind, k=k, embedder=embedder)
    data = {"query": query, "kind": kind, "results": [r.to_dict() for r in results]}

    def human(d):
        if not d["results"]:
            click.echo("no matches; try other words or `faibric library list`")
            return
        _table([[i + 1, f"{r['score']:.3f}", r["item"]["id"], r["item"]["kind"], "; ".join(r["reasons"])]
                for i, r in enumerate(d["results"])], ["#", "score", "id", "kind", "why"])

    emit(data, as_json, human)


@library.command("show")
@click.argument("item_id")
@click.option("--code/--no-code", default=True, help="print the component's files")
@json_option
def show_command(item_id: str, code: bool, as_json: bool) -> None:
    """One item: its metadata, props and files."""
    from ..library import get_item

    item = get_item(item_id)
    data = item.to_dict(include_files=True)

    def human(d):
        click.echo(f"{d['name']} ({d['id']}), kind {d['kind']}, source {d['source']}")
        click.echo(d["description"])
        click.echo(f"tags: {', '.join(d['tags'])}")
        click.echo(f"used {d['usage_count']} time(s), quality {d['quality_score']:.2f}")
        if d.get("provenance"):
            click.echo(f"provenance: {d['provenance']}")
        click.echo("props:")
        for name, spec in (d["props"] or {}).items():
            click.echo(f"  {name} ({spec.get('type')}): {spec.get('description', '')}")
        click.echo(f"usage:\n  {item.usage_example().replace(chr(10), chr(10) + '  ')}")
        if code:
            for path, text in d["files"].items():
                click.echo(f"\n--- {path}")
                click.echo(text.rstrip("\n"))

    emit(data, as_json, human)


@library.command("add")
@click.argument("path", type=click.Path(path_type=str))
@click.option("--kind", default=None, help="the section kind (guessed from the name when left out)")
@click.option("--id", "item_id", default=None, help="kebab-case id (default: from the file name)")
@click.option("--description", default=None, help="what the component is for")
@click.option("--tag", "tags", multiple=True, help="a tag (repeatable)")
@click.option("--replace", is_flag=True, help="overwrite an item with the same id")
@click.option("--allow-duplicate", is_flag=True, help="add even when a near-identical item exists")
@json_option
def add_command(path: str, kind: str | None, item_id: str | None, description: str | None, tags: tuple[str, ...],
                replace: bool, allow_duplicate: bool, as_json: bool) -> None:
    """Add the component at PATH (a .jsx file; its .css beside it comes too)."""
    from ..library import add_item

    progress(f"checking {path} ...")
    item = add_item(path, kind=kind, item_id=item_id, description=description, tags=list(tags) or None,
                    replace=replace, allow_duplicate=allow_duplicate)
    data = item.to_dict(include_files=False)
    merged = bool((item.provenance or {}).get("merged")) and item.id != (item_id or item.id)

    def human(d):
        click.echo(f"added {d['id']} ({d['kind']}) with {len(d['props'] or {})} prop(s)"
                   + (" (merged into an existing item)" if merged else ""))

    emit(data, as_json, human)


@library.command("remove")
@click.argument("item_id")
@json_option
def remove_command(item_id: str, as_json: bool) -> None:
    """Remove item ITEM_ID from the library."""
    from ..library import remove_item

    item = remove_item(item_id)
    emit({"removed": item.id, "kind": item.kind}, as_json, lambda d: click.echo(f"removed {d['removed']}"))


COMMANDS = [library]
