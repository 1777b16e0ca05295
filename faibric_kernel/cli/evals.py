"""``faibric eval``: the eval set through real builds, one table per variant, stored for the next comparison."""

from __future__ import annotations

import click

from ..build.evals import run_eval, stored_runs
from .output import emit, json_option, progress

__all__ = ["eval_command"]


def _human(result: dict) -> None:
    click.echo(f"eval {result['run_id']}: set {result['set']}, provider {result['provider']}, "
               f"{len(result['results']) // max(1, len(result['variants']))} cases")
    click.echo(f"{'variant':<12} {'score':>6} {'prev':>6} {'built':>6} {'bundled':>8} {'rendered':>9} {'kind':>5} "
               f"{'missing':>8} {'forbid':>7} {'cost $':>9} {'mean s':>7} {'KB':>6}  flag")
    def count(value, t):
        return "-" if value is None else f"{value}/{t['cases']}"

    for t in result["table"]:
        prev = "-" if t["previous_score"] is None else f"{t['previous_score']:.1f}"
        click.echo(f"{t['variant']:<12} {t['score']:>6.1f} {prev:>6} {count(t['built'], t):>6} {count(t['bundled'], t):>8} "
                   f"{count(t['rendered'], t):>9} {t['kind_ok']:>5} {t['must_missing']:>8} {t['must_not_found']:>7} "
                   f"{t['cost_usd']:>9.4f} {t['mean_seconds']:>7.2f} {t['mean_weight_bytes'] / 1024:>6.1f}  "
                   + ("FLAGGED: " + "; ".join(t["reasons"]) if t["flagged"] else "ok"))
    for row in result["results"]:
        if row["error"]:
            click.echo(f"  {row['variant']} / {row['case']}: {row['error']}")


@click.command("eval")
@click.option("--variant", "variants", multiple=True, help="a variant to evaluate (repeatable; default: every active one)")
@click.option("--set", "eval_set", default=None, type=click.Path(dir_okay=False),
              help="a JSON or YAML eval set (default: the shipped sites set)")
@click.option("--provider", type=click.Choice(["auto", "offline", "anthropic"]), default="offline", show_default=True)
@click.option("--no-preview", is_flag=True, help="skip the bundle check (faster; bundles not scored)")
@click.option("--browser", is_flag=True, help="also open each preview in Chromium (console, 375 px overflow, axe)")
@click.option("--history", is_flag=True, help="list the stored runs instead of running")
@json_option
def eval_command(variants, eval_set, provider, no_preview, browser, history, as_json):
    """Build the eval set with each variant, score every site and compare the variants with their last run."""
    if history:
        runs = [{k: r[k] for k in ("run_id", "created_at", "set", "provider", "table")} for r in stored_runs()]

        def human(items):
            for r in items:
                scores = ", ".join(f"{t['variant']} {t['score']:.1f}" + (" (flagged)" if t["flagged"] else "")
                                   for t in r["table"])
                click.echo(f"{r['run_id']}  {r['created_at']}  {r['set']}  {r['provider']}  {scores}")

        emit(runs, as_json, human)
        return
    if not variants:
        from ..generation.variants import list_variants

        variants = tuple(v.name for v in list_variants(include_retired=False))
    result = run_eval(list(variants), eval_set=eval_set, provider=None if provider == "auto" else provider,
                      preview=not no_preview, browser=browser,
                      on_case=lambda row: progress(f"{row['variant']} / {row['case']}: {row['status']}, "
                                                   f"score {row['score']:.1f}"))
    emit(result, as_json, _human)


COMMANDS = [eval_command]
