"""Analytics at 10 million events: query times, and funnel/retention against plain pandas.

Generates a synthetic history (the seed-demo generator, written straight into a
DuckDB file in a temporary folder through Arrow; no spool here), reopens it
read-only like production readers, and prints each query's time (best of a
few runs) next to its target. Retention and lifecycle are timed from the
events, then from the daily activity rollup that ingest keeps current (built
here in one go, and checked to give the same answer). For the funnel and retention it also computes
the same numbers in plain pandas on the same rows, checks that they agree, and
prints the ratio.

    python benchmarks/bench_analytics.py [--events 10000000] [--runs 3] [--no-pandas]

Targets on a 2-core machine: funnel <= 1.5 s, retention <= 1.5 s, health for
100,000 customers <= 3 s, each cost rollup <= 0.5 s, and at least 10x faster
than pandas. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from faibric_kernel.analytics import (  # noqa: E402
    activity_feed,
    cost_forecast,
    costs,
    experiments,
    funnel,
    health_scores,
    lifecycle,
    retention,
    savings,
)
from faibric_kernel.analytics.rollup import refresh_activity  # noqa: E402
from faibric_kernel.demo import build_history  # noqa: E402
from faibric_kernel.store import migrations  # noqa: E402
from faibric_kernel.store.schema import select_sql  # noqa: E402

END = datetime(2026, 11, 20, 12, 0, 0)
NOW = END
EVENTS_PER_SESSION = 7.97  # what the generator produces on average
STEPS = ["request_submitted", "email_provided", "verified", "build_started", "deployed"]


def line(label: str, timing, target: float | None = None, extra: str = "") -> None:
    seconds, cpu = timing
    verdict = ""
    if target is not None:
        verdict = f"  target <= {target:g} s  {'OK' if seconds <= target else 'OVER'}"
    print(f"  {label:<46} {seconds:7.3f} s  (cpu {cpu:6.2f} s){verdict}{extra}", flush=True)


def best(fn, runs: int):
    """((best wall seconds, process CPU seconds of that run), result).

    The CPU time (all threads) is printed too: on a shared machine the wall
    time depends on the neighbours, the CPU time much less.
    """
    timings, result = [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        timings.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(timings), result


def generate(path: Path, events: int, seed: int) -> None:
    """Fill a database with the synthetic history (the activity rollup is built separately, see main)."""
    sessions = int(events / EVENTS_PER_SESSION)
    started = time.perf_counter()
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone='UTC'")
    con.execute("SET enable_progress_bar = false")
    migrations.apply(con)
    counts = build_history(con, sessions=sessions, days=365, seed=seed, end=END)
    generated = time.perf_counter() - started
    con.execute(f"INSERT INTO events {select_sql('events', 'demo_events')}")
    con.execute(f"INSERT INTO api_calls {select_sql('api_calls', 'demo_api_calls')}")
    con.execute("INSERT INTO sessions SELECT * FROM demo_sessions")
    con.execute("DROP TABLE demo_events; DROP TABLE demo_api_calls; DROP TABLE demo_sessions")
    con.execute("CHECKPOINT")
    con.close()
    total = time.perf_counter() - started
    print(f"generated {counts['events']:,} events, {counts['api_calls']:,} API calls, {counts['sessions']:,} sessions "
          f"of {counts['customers']:,} customers over 365 days in {generated:.1f} s "
          f"({counts['events'] / generated / 1e6:.2f} M events/s); stored in {total:.1f} s total", flush=True)


# ------------------------------------------------------------------ pandas versions


def pandas_funnel(ev: pd.DataFrame, window_days: float = 14) -> list[int]:
    """The same funnel definition, step by step with merges and groupbys."""
    steps = ev[ev["event_type"].isin(STEPS)]
    now = pd.Timestamp(NOW)
    steps = steps[steps["ts"] <= now]
    reach = (steps[steps["event_type"] == STEPS[0]].groupby("session_id", sort=False)["ts"].min()
             .rename("t1").reset_index())
    reach["deadline"] = reach["t1"] + pd.Timedelta(days=window_days)
    prev = "t1"
    for k, name in enumerate(STEPS[1:], start=2):
        cand = steps.loc[steps["event_type"] == name, ["session_id", "ts"]].merge(
            reach[["session_id", prev, "deadline"]], on="session_id")
        cand = cand[(cand["ts"] >= cand[prev]) & (cand["ts"] <= cand["deadline"])]
        first = cand.groupby("session_id", sort=False)["ts"].min().rename(f"t{k}")
        reach = reach.merge(first, left_on="session_id", right_index=True, how="left")
        prev = f"t{k}"
    settled = reach[f"t{len(STEPS)}"].notna() | (reach["deadline"] <= now)
    done = reach[settled]
    medians = [(done[f"t{k}"] - done[f"t{k - 1}"]).dt.total_seconds().median() for k in range(2, len(STEPS) + 1)]
    assert all(m == m for m in medians)
    return [int(done[f"t{k}"].notna().sum()) for k in range(1, len(STEPS) + 1)]


def pandas_retention(ev: pd.DataFrame) -> dict:
    """Weekly cohort sizes and week-1 counts with the same customer definition."""
    ev = ev[(ev["ts"] <= pd.Timestamp(NOW)) & ev["session_id"].notna()]
    with_email = ev[ev["actor"].str.contains("@", regex=False, na=False)]
    first = with_email.sort_values("ts").drop_duplicates("session_id")[["session_id", "actor"]]
    first["actor"] = first["actor"].str.strip().str.lower()
    week = (ev["ts"].dt.normalize() - pd.to_timedelta(ev["ts"].dt.day_of_week, unit="D"))
    active = pd.DataFrame({"session_id": ev["session_id"], "week": week}).drop_duplicates()
    active = active.merge(first, on="session_id", how="left")
    active["customer"] = active["actor"].fillna("s:" + active["session_id"])
    active = active[["customer", "week"]].drop_duplicates()
    cohort = active.groupby("customer")["week"].min().rename("cohort")
    active = active.join(cohort, on="customer")
    active["k"] = (active["week"] - active["cohort"]).dt.days // 7
    table = active.groupby(["cohort", "k"]).size()
    return {c.date().isoformat(): (int(n), int(table.get((c, 1), 0))) for (c, k), n in table.items() if k == 0}


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per query (the best is printed)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas comparison")
    parser.add_argument("--keep", type=Path, default=None, help="write the database here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="faibric-bench-") as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        if path.exists():
            path.unlink()
        generate(path, args.events, args.seed)
        con = duckdb.connect(str(path), read_only=True)
        con.execute("SET TimeZone='UTC'")
        con.execute("SET enable_progress_bar = false")
        n_events = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        print(f"\nqueries on {n_events:,} events (best of {args.runs}; duckdb {duckdb.__version__}, "
              f"{threads} threads; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")

        t_funnel, f = best(lambda: funnel(con, now=NOW), args.runs)
        line("funnel (5 steps, 14-day window)", t_funnel, 1.5)
        t_ret_events, r_events = best(lambda: retention(con, "week", now=NOW), args.runs)
        line("retention (weekly), from the events", t_ret_events, 1.5)
        t_lc_events, _ = best(lambda: lifecycle(con, "week", now=NOW), 1)
        line("lifecycle (weekly), from the events", t_lc_events)
        con.close()
        # the rollup that ingest keeps current; here built in one go, as the first ingest would
        con = duckdb.connect(str(path))
        con.execute("SET enable_progress_bar = false")
        t_roll, added = best(lambda: refresh_activity(con), 1)
        line(f"daily activity rollup of {added:,} events (ingest)", t_roll)
        con.close()
        con = duckdb.connect(str(path), read_only=True)
        con.execute("SET TimeZone='UTC'")
        con.execute("SET enable_progress_bar = false")
        t_ret, r = best(lambda: retention(con, "week", now=NOW), args.runs)
        assert r.to_dict() == r_events.to_dict(), "the rollup and the events disagree"
        line("retention (weekly), from the rollup", t_ret, 1.5)

        per_tenant = health_scores(con, now=NOW, trend=False).groupby("tenant_id").size()
        tenant = (per_tenant - 100_000).abs().idxmin()
        t_health, h = best(lambda: health_scores(con, now=NOW, tenant=tenant), args.runs)
        line(f"health, {len(h):,} customers (tenant {tenant}, with trend)", t_health, 3.0)
        t_all, h_all = best(lambda: health_scores(con, now=NOW), 1)
        line(f"health, all {len(h_all):,} customers (with trend)", t_all)

        for by in ("day", "model", "purpose", "tenant"):
            t_cost, _ = best(lambda by=by: costs(con, by=by, now=NOW), args.runs)
            line(f"costs by {by}", t_cost, 0.5)
        t_fc, _ = best(lambda: cost_forecast(con, budget_usd=10_000, now=NOW), args.runs)
        line("cost forecast (month to date)", t_fc, 0.5)
        t_sv, _ = best(lambda: savings(con, now=NOW), args.runs)
        line("savings (reuse + caching)", t_sv)
        t_cs, _ = best(lambda: costs(con, by="session", now=NOW), 1)
        line("costs by session (one row per session)", t_cs)
        t_lc, _ = best(lambda: lifecycle(con, "week", now=NOW), 1)
        line("lifecycle (weekly), from the rollup", t_lc)
        t_br, _ = best(lambda: funnel(con, breakdown="variant", now=NOW), 1)
        line("funnel broken down by variant", t_br)
        t_st, _ = best(lambda: funnel(con, strict=True, now=NOW), 1)
        line("funnel, strict order", t_st)
        t_ex, _ = best(lambda: experiments(con, now=NOW), 1)
        line("experiments (A/B with tests)", t_ex)
        t_af, _ = best(lambda: activity_feed(con, 50, now=NOW), args.runs)
        line("activity feed (latest 50)", t_af)

        if not args.no_pandas:
            print("\nplain pandas on the same rows (loading them into pandas is not counted)")
            started = time.perf_counter()
            ev = con.execute("SELECT ts, session_id, actor, event_type FROM events").df()
            print(f"  loaded {len(ev):,} rows into pandas in {time.perf_counter() - started:.1f} s", flush=True)
            t_pf, pf_counts = best(lambda: pandas_funnel(ev), 1)
            assert pf_counts == list(f.steps["count"]), (pf_counts, list(f.steps["count"]))
            line("funnel in pandas (same counts)", t_pf, extra=f"  duckdb is {t_pf[0] / t_funnel[0]:.1f}x faster")
            t_pr, pr = best(lambda: pandas_retention(ev), 1)
            ours = {row["cohort"].date().isoformat(): (int(row["size"]), round(row[1] * row["size"]))
                    for row in r.matrix.to_dict(orient="records") if not pd.isna(row.get(1, np.nan))}
            agree = all(pr.get(c) == v for c, v in ours.items())
            assert agree, "pandas and DuckDB retention disagree"
            line("retention in pandas (same cohorts)", t_pr, extra=f"  duckdb is {t_pr[0] / t_ret[0]:.1f}x faster "
                 f"from the rollup, {t_pr[0] / t_ret_events[0]:.1f}x from the events")
        con.close()
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
