"""``faibric analytics ...`` and ``faibric seed-demo``.

Every analytics command reads through a short-lived read-only connection (so
spooled events count) and, with ``--json``, prints exactly one JSON document
in the JSON shapes tests/test_analytics_cli.py pins.
"""

from __future__ import annotations

import click

from ..analytics._common import records, resolve_now, utc_naive
from .output import emit, json_option, progress

__all__ = ["COMMANDS", "analytics", "seed_demo"]


def _read():
    from ..store import read_connection

    return read_connection()


def _quiet(con) -> None:
    # DuckDB's progress bar would otherwise write to stdout, which carries the JSON
    con.execute("SET enable_progress_bar = false")


def _range_options(func):
    func = click.option("--tenant", default=None, help="only this tenant")(func)
    func = click.option("--until", default=None, help="end (exclusive), YYYY-MM-DD or ISO time, UTC")(func)
    func = click.option("--since", default=None, help="start (inclusive), YYYY-MM-DD or ISO time, UTC")(func)
    func = click.option("--at", "now", default=None, help="compute as of this time instead of now (UTC)")(func)
    return func


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:5.1f}%"


@click.group("analytics")
def analytics() -> None:
    """Funnels, retention, lifecycle, customer health, costs, alerts and prompt experiments."""


@analytics.command("funnel")
@click.option("--window-days", type=float, default=14, show_default=True, help="conversion window from step 1")
@click.option("--steps", default=None, help="comma-separated event types (default: the onboarding steps)")
@click.option("--strict", is_flag=True, help="steps must follow each other with no other funnel step between")
@click.option("--breakdown", default=None, help="tenant, variant or an event property such as source")
@_range_options
@json_option
def funnel_cmd(window_days, steps, strict, breakdown, now, since, until, tenant, as_json):  # noqa: PLR0913 - one parameter per command-line option
    """Ordered conversion funnel by session, with a window from the first step."""
    from ..analytics.funnel import DEFAULT_STEPS, funnel

    with _read() as con:
        _quiet(con)
        result = funnel(con, steps or DEFAULT_STEPS, window_days=window_days, strict=strict, since=since,
                        until=until, tenant=tenant, breakdown=breakdown, now=now)

    def human(d):
        click.echo(f"funnel, window {d['window_days']} days{' (strict)' if d['strict'] else ''}; "
                   f"{d['in_progress']} session(s) still in progress")
        for s in d["steps"]:
            median = s["median_seconds_to_convert"]
            wait = f"  median {median / 60:.1f} min" if median is not None else ""
            click.echo(f"  {s['step']}. {s['name']:<24} {s['count']:>9,}  {_pct(s['overall_rate'])} overall  "
                       f"{_pct(s['step_rate'])} from previous{wait}")

    emit(result.to_dict(), as_json, human)


@analytics.command("retention")
@click.option("--period", type=click.Choice(["day", "week", "month"]), default="week", show_default=True)
@click.option("--cumulative", is_flag=True, help="active in that period or any later one")
@_range_options
@json_option
def retention_cmd(period, cumulative, now, since, until, tenant, as_json):
    """Customer retention cohorts; cells of periods not over yet are empty."""
    from ..analytics.retention import retention

    with _read() as con:
        _quiet(con)
        result = retention(con, period=period, cumulative=cumulative, since=since, until=until, tenant=tenant,
                           now=now)

    def human(d):
        click.echo(f"retention by {d['period']}{' (cumulative)' if d['cumulative'] else ''}")
        for c in d["cohorts"]:
            cells = " ".join("   . " if v is None else f"{v * 100:4.0f}%" for v in c["retention"][:13])
            click.echo(f"  {c['cohort']}  {c['size']:>7,}  {cells}")
        avg = " ".join("   . " if v is None else f"{v * 100:4.0f}%" for v in d["average"]["retention"][:13])
        click.echo(f"  {'average':<10}  {d['average']['size']:>7,}  {avg}")

    emit(result.to_dict(), as_json, human)


@analytics.command("lifecycle")
@click.option("--period", type=click.Choice(["day", "week", "month"]), default="week", show_default=True)
@_range_options
@json_option
def lifecycle_cmd(period, now, since, until, tenant, as_json):
    """New, returning, resurrecting and dormant customers per period."""
    from ..analytics.retention import lifecycle

    with _read() as con:
        _quiet(con)
        df = lifecycle(con, period=period, since=since, until=until, tenant=tenant, now=now)
    data = {"period": period, "periods": records(df)}

    def human(d):
        click.echo(f"{'period':<12}{'new':>8}{'returning':>11}{'resurrect':>11}{'dormant':>9}")
        for r in d["periods"]:
            mark = "" if r["complete"] else "  (not over)"
            click.echo(f"{r['period'][:10]:<12}{r['new']:>8}{r['returning']:>11}{r['resurrecting']:>11}"
                       f"{r['dormant']:>9}{mark}")

    emit(data, as_json, human)


@analytics.command("health")
@click.option("--snapshot", is_flag=True, help="also store today's scores in health_snapshots")
@click.option("--at-risk", is_flag=True, help="only customers at risk of churning")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="at most this many customers (worst first)")
@click.option("--at", "now", default=None, help="compute as of this time instead of now (UTC)")
@click.option("--tenant", default=None, help="only this tenant")
@json_option
def health_cmd(snapshot, at_risk, limit, now, tenant, as_json):
    """Customer health 0-100 with bands, trend and churn risk (worst first)."""
    from ..analytics.health import health_scores, snapshot_health

    now = resolve_now(now)
    if snapshot:
        written = snapshot_health(now)
        progress(f"stored {written} health score(s) for {now.date()}")
    with _read() as con:
        _quiet(con)
        df = health_scores(con, now=now, tenant=tenant)
    bands = {b: int((df["band"] == b).sum()) for b in ("red", "yellow", "green")}
    at_risk_count = int(df["churn_risk"].sum()) if len(df) else 0
    if at_risk:
        df = df[df["churn_risk"]]
    if limit is not None:
        df = df.head(limit)
    data = {"now": now.isoformat(), "customers_scored": int(sum(bands.values())), "bands": bands,
            "at_risk": at_risk_count, "customers": records(df)}

    def human(d):
        click.echo(f"{d['customers_scored']} customers: {d['bands']['red']} red, {d['bands']['yellow']} yellow, "
                   f"{d['bands']['green']} green; {d['at_risk']} at risk of churning")
        for c in d["customers"][:50]:
            trend = "" if c["trend"] is None else f" ({c['trend']:+.0f})"
            why = f"  {'; '.join(c['reasons'])}" if c["reasons"] else ""
            click.echo(f"  {c['score']:5.1f}{trend:<7} {c['band']:<6} {c['tenant_id']:<10} {c['customer']}{why}")

    emit(data, as_json, human)


@analytics.command("costs")
@click.option("--by", type=click.Choice(["day", "model", "purpose", "tenant", "session"]), default="day",
              show_default=True)
@click.option("--budget", type=float, default=None, help="monthly budget in $ (default FAIBRIC_MONTHLY_BUDGET_USD)")
@_range_options
@json_option
def costs_cmd(by, budget, now, since, until, tenant, as_json):
    """AI spend by day, model, purpose, tenant or session; per site, savings, forecast, unpriced calls."""
    from ..analytics.costs import cost_forecast, cost_per_site, costs, savings, unpriced_calls

    with _read() as con:
        _quiet(con)
        rows = costs(con, by=by, since=since, until=until, tenant=tenant, now=now)
        forecast = cost_forecast(con, budget_usd=budget, now=now, tenant=tenant)
        saved = savings(con, since=since, until=until, tenant=tenant, now=now)
        sites = cost_per_site(con, since=since, until=until, tenant=tenant, now=now)
        unpriced = unpriced_calls(con, since=since, until=until, tenant=tenant, now=now, limit=20)
    site_summary = {k: v for k, v in sites.to_dict().items() if k != "sites"}
    data = {
        "by": by,
        "rows": records(rows),
        "total_usd": float(rows["cost_usd"].sum()) if len(rows) else 0.0,
        "calls": int(rows["calls"].sum()) if len(rows) else 0,
        "unpriced_calls": int(rows["unpriced_calls"].sum()) if len(rows) else 0,
        "unpriced_examples": records(unpriced),
        "per_site": site_summary,
        "savings": saved.to_dict(),
        "forecast": forecast.to_dict(),
    }

    def human(d):
        click.echo(f"${d['total_usd']:,.2f} over {d['calls']:,} calls"
                   + (f"; {d['unpriced_calls']} call(s) with no price (cost unknown)" if d["unpriced_calls"] else ""))
        key = {"tenant": "tenant_id", "session": "session_id"}.get(d["by"], d["by"])
        for r in d["rows"][-40:] if d["by"] == "day" else d["rows"][:40]:
            click.echo(f"  {str(r[key]):<40} ${r['cost_usd']:>10,.2f}  {r['calls']:>8,} calls")
        f = d["forecast"]
        click.echo(f"month {f['month']}: ${f['month_to_date_usd']:,.2f} so far, ${f['daily_rate_usd']:,.2f}/day, "
                   f"projected ${f['projected_usd']:,.2f}"
                   + (f" against a ${f['budget_usd']:,.2f} budget" if f["budget_usd"] is not None else "")
                   + (f", crossing it on {f['crossing_date']}" if f["crossing_date"] else ""))
        s = d["per_site"]
        if s["deployed_sites"]:
            click.echo(f"{s['deployed_sites']} site(s) deployed: ${s['cost_per_site_usd']:,.2f} per site all in, "
                       f"${s['direct_cost_per_site_usd']:,.2f} spent on the sites' own sessions")
        v = d["savings"]
        click.echo(f"saved ${v['total_saved_usd']:,.2f}: ${v['reuse_cost_saved_usd']:,.2f} by library reuse, "
                   f"${v['caching_saved_usd']:,.2f} by prompt caching")

    emit(data, as_json, human)


@analytics.command("alerts")
@click.option("--dry-run", is_flag=True, help="evaluate the rules but do not store or send anything")
@click.option("--list", "list_only", is_flag=True, help="only list stored alerts")
@click.option("--budget", type=float, default=None, help="monthly budget in $ (default FAIBRIC_MONTHLY_BUDGET_USD)")
@click.option("--at", "now", default=None, help="evaluate as of this time instead of now (UTC)")
@json_option
def alerts_cmd(dry_run, list_only, budget, now, as_json):
    """Evaluate the alert rules, store and send new alerts (each fires once per period)."""
    from ..analytics.alerts import AlertConfig, run_alerts, stored_alerts

    if list_only:
        with _read() as con:
            _quiet(con)
            df = stored_alerts(con)
        data = {"alerts": records(df)}

        def human_list(d):
            for a in d["alerts"]:
                click.echo(f"{a['fired_at'][:16]}  {a['severity']:<8} {a['rule']:<26} {a['message']}")
            if not d["alerts"]:
                click.echo("no alerts stored")

        emit(data, as_json, human_list)
        return
    cfg = AlertConfig.from_config(budget_usd=budget)
    fired = run_alerts(now=now, config=cfg, dry_run=dry_run)
    data = {"dry_run": dry_run, "fired": [a.to_dict() for a in fired]}

    def human(d):
        verb = "would fire" if d["dry_run"] else "fired"
        click.echo(f"{len(d['fired'])} alert(s) {verb}")
        for a in d["fired"]:
            sent = ", ".join(f"{k}: {v['status']}" for k, v in a["delivered"].items())
            click.echo(f"  {a['severity']:<8} {a['rule']:<26} {a['message']}" + (f"  [{sent}]" if sent else ""))

    emit(data, as_json, human)


@analytics.command("experiments")
@click.option("--control", default=None, help="the control variant (default A, else the first)")
@click.option("--baseline", type=click.FloatRange(0.01, 0.99), default=0.30, show_default=True,
              help="the deploy rate expected without a change (for the sample size)")
@click.option("--mde", type=click.FloatRange(0.005, 0.5), default=0.05, show_default=True,
              help="smallest deploy-rate difference worth detecting (absolute)")
@click.option("--power", type=click.FloatRange(0.5, 0.99), default=0.80, show_default=True)
@click.option("--sample-size", type=click.IntRange(min=2), default=None,
              help="sessions per arm before any verdict (default: computed from the design)")
@_range_options
@json_option
def experiments_cmd(control, baseline, mde, power, sample_size, now, since, until, tenant, as_json):  # noqa: PLR0913 - one parameter per command-line option
    """Prompt variants compared on outcomes, with verdicts only once the fixed sample size is reached."""
    from ..analytics.experiments import ExperimentDesign, experiments

    design = ExperimentDesign(baseline_deploy_rate=baseline, minimum_detectable_effect=mde, power=power,
                              sample_size=sample_size)
    with _read() as con:
        _quiet(con)
        result = experiments(con, since=since, until=until, tenant=tenant, now=now, control=control, design=design)

    def human(d):
        if not d["variants"]:
            click.echo("no sessions with a prompt variant")
            return
        n = d["design"]["sample_size_per_arm"]
        click.echo(f"fixed horizon: {n:,} sessions per arm (deploy rate {baseline:.0%} -> {baseline + mde:.0%}, "
                   f"alpha {d['design']['alpha']}, power {power:.0%}); no verdict before that")
        for v in d["variants"]:
            rating = "-" if v["mean_rating"] is None else f"{v['mean_rating']:.2f}"
            click.echo(f"  {v['variant']:<8} {v['sessions']:>8,} sessions  deploy {_pct(v['deploy_rate'])}  "
                       f"${v['cost_per_session_usd']:.3f}/session  {v['modifications_per_session']:.2f} mods  "
                       f"rating {rating}")
        for r in d["verdicts"]:
            def fmt(value):
                return "-" if value is None else f"{value:.4g}"
            p = "" if r["adjusted_p_value"] is None else f"  p(adj) = {r['adjusted_p_value']:.4f}"
            click.echo(f"  {r['variant']} vs {r['control']}  {r['label']:<22} {fmt(r['control_value']):>9} -> "
                       f"{fmt(r['variant_value']):<9} {r['state']}{p}")

    emit(result.to_dict(), as_json, human)


@analytics.command("activity")
@click.option("-n", "limit", type=click.IntRange(min=1), default=20, show_default=True, help="how many events")
@click.option("--at", "now", default=None, help="as of this time instead of now (UTC)")
@click.option("--tenant", default=None, help="only this tenant")
@json_option
def activity_cmd(limit, now, tenant, as_json):
    """The latest events across sessions, as sentences (newest first)."""
    from ..analytics.activity import activity_feed

    with _read() as con:
        _quiet(con)
        df = activity_feed(con, limit=limit, tenant=tenant, now=now)
    data = {"events": records(df)}

    def human(d):
        for e in d["events"]:
            click.echo(f"{e['ts'][:19]}  {e['tenant_id']:<10} {e['sentence']}")

    emit(data, as_json, human)


@click.command("seed-demo")
@click.option("--sessions", type=click.IntRange(min=1), default=2000, show_default=True, help="how many sessions")
@click.option("--days", type=click.IntRange(min=1), default=90, show_default=True,
              help="how many days of history, up to the end")
@click.option("--seed", type=int, default=42, show_default=True, help="random seed (same seed, same history)")
@click.option("--end", default=None, help="last moment of the history (UTC; default: now, to the hour)")
@click.option("--sites", type=click.IntRange(min=0), default=12, show_default=True,
              help="deployed sites that also get visitor traffic and leads (the Sites dashboard); 0 for none")
@json_option
def seed_demo(sessions, days, seed, end, sites, as_json):  # noqa: PLR0913 - the command's options
    """Write a realistic synthetic history through the normal logging path (for demos and dashboards)."""
    from ..demo import seed_demo as run
    from ..demo import seed_summary
    from ..livesites.demo import seed_site_traffic
    from ..store import ingest

    report = run(sessions=sessions, days=days, seed=seed, end=utc_naive(end, "--end") if end else None,
                 progress=progress)
    data = report.to_dict()
    if sites:
        progress(f"visitor traffic for up to {sites} live sites over {min(days, 30)} days")
        data["site_traffic"] = seed_site_traffic(end=report.end, days=min(days, 30), sites=sites, seed=seed)
        ingest()

    def human(d):
        click.echo(seed_summary(d))
        if d.get("site_traffic"):
            t = d["site_traffic"]
            click.echo(f"live sites: {t['sites']:,} deployed site(s) got {t['events']:,} visitor events "
                       "(pageviews, sections, clicks, form starts and leads)")

    emit(data, as_json, human)


COMMANDS = [analytics, seed_demo]
