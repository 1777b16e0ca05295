"""``faibric variants list | show | add | retire | prompts``: prompt variants and the prompt registry."""

from __future__ import annotations

import click

from ..errors import InvalidInputError
from ..generation.prompt_registry import add_prompt_version, load_prompts, prompt_version
from ..generation.variants import SWITCHES, add_variant, get_variant, list_variants, retire_variant
from .output import emit, json_option

__all__ = ["variants"]


def _pairs(values: tuple[str, ...], what: str, convert=str) -> dict:
    """``key=value`` options as a dict (``--prompt compose_task=2``)."""
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInputError(f"{what} takes KEY=VALUE, e.g. {_EXAMPLES[what]}; got {item!r}")
        try:
            out[key.strip()] = convert(value.strip())
        except ValueError:
            raise InvalidInputError(f"{what} {item!r}: {value!r} is not valid here") from None
    return out


_EXAMPLES = {"--prompt": "compose_task=2", "--model": "strong=claude-sonnet-4-6", "--switch": "reuse=off",
             "--max-tokens": "generate=12000"}


def _switch_value(value: str) -> bool | None:
    lowered = value.lower()
    if lowered in ("1", "on", "true", "yes"):
        return True
    if lowered in ("0", "off", "false", "no"):
        return False
    if lowered in ("default", "null", "none"):
        return None
    raise ValueError(value)


def _human_list(data: list[dict]) -> None:
    if not data:
        click.echo("no prompt variants")
        return
    total = sum(v["weight"] for v in data if v["status"] == "active") or 1.0
    click.echo(f"{'variant':<16} {'status':<8} {'share':>6}  {'source':<9} description")
    for v in data:
        share = v["weight"] / total if v["status"] == "active" else 0.0
        click.echo(f"{v['name']:<16} {v['status']:<8} {share:>6.0%}  {v['source']:<9} {v['description']}")


def _human_show(data: dict) -> None:
    click.echo(f"variant {data['name']} ({data['status']}, weight {data['weight']:g}, {data['source']})")
    if data["description"]:
        click.echo(f"  {data['description']}")
    click.echo("  prompts: " + ", ".join(f"{pid}@{version}" for pid, version in data["prompt_versions"].items()))
    click.echo("  models: " + (", ".join(f"{k}={v}" for k, v in data["models"].items()) or "the model table's"))
    switches = [f"{k}={'settings' if data['switches'].get(k) is None else ('on' if data['switches'][k] else 'off')}"
                for k in SWITCHES]
    click.echo("  switches: " + ", ".join(switches))
    click.echo("  max tokens: " + (", ".join(f"{k}={v}" for k, v in data["max_tokens"].items()) or "the model table's"))


@click.group()
def variants():
    """Prompt variants: prompt versions + models + switches, with weights for new sessions."""


@variants.command("list")
@click.option("--active", is_flag=True, help="only variants that take new sessions")
@json_option
def list_command(active, as_json):
    """Every variant, its status and its share of new sessions."""
    data = [v.to_dict() for v in list_variants(include_retired=not active)]
    emit(data, as_json, _human_list)


@variants.command("show")
@click.argument("name")
@json_option
def show_command(name, as_json):
    """One variant: its prompt versions, models, switches and max tokens."""
    variant = get_variant(name)
    data = {**variant.to_dict(), "prompt_versions": variant.book().versions}
    emit(data, as_json, _human_show)


@variants.command("add")
@click.argument("name")
@click.option("--from", "base", default=None, help="start from this variant's settings")
@click.option("--description", default="", help="what this variant tries")
@click.option("--weight", type=float, default=1.0, show_default=True, help="its share of new sessions (0: none)")
@click.option("--prompt", "prompts", multiple=True, help="PROMPT_ID=VERSION, e.g. compose_task=2 (repeatable)")
@click.option("--model", "models", multiple=True, help="TIER_OR_PURPOSE=MODEL, e.g. strong=claude-sonnet-4-6")
@click.option("--switch", "switches", multiple=True,
              help=f"SWITCH=on|off|default, switches: {', '.join(SWITCHES)}")
@click.option("--max-tokens", "max_tokens", multiple=True, help="PURPOSE=N, e.g. generate=12000")
@json_option
def add_command(name, base, description, weight, prompts, models, switches, max_tokens, as_json):  # noqa: PLR0913 - one parameter per command-line option
    """Add a variant (variants never change once added: a change is a new variant)."""
    variant = add_variant(
        name, base=base, description=description, weight=weight, prompts=_pairs(prompts, "--prompt"),
        models=_pairs(models, "--model"), switches=_pairs(switches, "--switch", _switch_value),
        max_tokens=_pairs(max_tokens, "--max-tokens", int))
    emit(variant.to_dict(), as_json, lambda d: click.echo(f"added variant {d['name']} (weight {d['weight']:g})"))


@variants.command("retire")
@click.argument("name")
@json_option
def retire_command(name, as_json):
    """Stop giving a variant to new sessions (the sessions it has keep it)."""
    variant = retire_variant(name)
    emit(variant.to_dict(), as_json,
         lambda d: click.echo(f"retired variant {d['name']}: no new sessions; its sessions keep it"))


@variants.command("prompts")
@click.argument("prompt_id", required=False)
@click.option("--version", default=None, help="print this version's text")
@json_option
def prompts_command(prompt_id, version, as_json):
    """The prompt registry: every prompt id and its versions (or one version's text)."""
    if prompt_id and version:
        data = prompt_version(prompt_id, version).to_dict(with_text=True)
        emit(data, as_json, lambda d: click.echo(d["text"]))
        return
    registry = load_prompts()
    if prompt_id:
        prompt_version(prompt_id)  # a clear error for an unknown id
        registry = {prompt_id: registry[prompt_id]}
    data = [v.to_dict() for versions in registry.values() for v in versions.values()]

    def human(rows):
        for row in rows:
            click.echo(f"{row['prompt_id'] + '@' + row['version']:<28} {row['source']:<9} {row['changelog']}")

    emit(data, as_json, human)


@variants.command("prompt-add")
@click.argument("prompt_id")
@click.argument("version")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="the new text (placeholders as ${name}; `faibric variants prompts ID --version 1` shows the current)")
@click.option("--changelog", required=True, help="what this version changes, in one line")
@json_option
def prompt_add_command(prompt_id, version, path, changelog, as_json):
    """Add a new version of a prompt (checked: its placeholders must match what the code supplies)."""
    from pathlib import Path

    added = add_prompt_version(prompt_id, version, Path(path).read_text(encoding="utf-8"), changelog)
    emit(added.to_dict(), as_json, lambda d: click.echo(
        f"added {d['prompt_id']}@{d['version']}; use it with `faibric variants add NAME --prompt "
        f"{d['prompt_id']}={d['version']}`"))


COMMANDS = [variants]
